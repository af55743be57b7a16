"""The default transport: one shared aiohttp session, created lazily inside the running loop.

aiohttp is imported on first use, not with the SDK: importing it costs more than the rest of
the SDK together (it builds SSL contexts at import), and a CLI's ``--help`` never needs it.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from ardent_async._transport._base import DEFAULT_MAX_RESPONSE_BYTES, Request, Response
from ardent_async.errors import ArdentConnectionError, ArdentResponseError, ArdentTimeoutError

if TYPE_CHECKING:
    import aiohttp


class AiohttpTransport:
    """Sends requests over one ``aiohttp.ClientSession`` with a bounded connection pool.

    The session is created on first use, inside the running event loop (aiohttp requires it),
    and closed by :meth:`aclose` (called by ``ArdentClient.close()``).
    """

    def __init__(
        self,
        *,
        connection_limit: int = 100,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        if connection_limit < 1:
            raise ValueError("connection_limit must be at least 1")
        self._limit = connection_limit
        self._max_bytes = max_response_bytes
        self._session = session
        self._owns_session = session is None
        self._closed = False
        self._timeouts: dict[float | None, aiohttp.ClientTimeout] = {}
        # Filled with the modules when the session is created (imported on first use).
        self._aiohttp: Any = None
        self._url: Any = None

    def _get_session(self) -> aiohttp.ClientSession:
        session = self._session
        if self._aiohttp is None:
            import aiohttp
            from yarl import URL

            self._aiohttp, self._url = aiohttp, URL
        if session is None or session.closed:
            if self._closed:
                raise ArdentConnectionError("transport is closed", request_sent=False)
            aiohttp = self._aiohttp
            connector = aiohttp.TCPConnector(limit=self._limit, ttl_dns_cache=300)
            # No skip_auto_headers: the pipeline's own User-Agent already wins over aiohttp's,
            # and skipping makes aiohttp rebuild its auto headers on every request.
            session = aiohttp.ClientSession(connector=connector, auto_decompress=True)
            self._session = session
        return session

    async def send(self, request: Request) -> Response:
        """Send one request on the shared session (created on first use) and read the reply."""
        session = self._get_session()
        aiohttp = self._aiohttp
        timeout = self._timeouts.get(request.timeout)
        if timeout is None:
            timeout = self._timeouts[request.timeout] = aiohttp.ClientTimeout(total=request.timeout)
        try:
            async with session.request(
                request.method,
                self._url(request.url, encoded=True),
                headers=request.headers,
                data=request.content,
                timeout=timeout,
                allow_redirects=False,
            ) as resp:
                length = resp.content_length
                if length is None:
                    body = await _read_capped(resp, self._max_bytes)
                elif length > self._max_bytes:
                    raise _too_large(self._max_bytes, resp.status)
                else:
                    body = await resp.read()
                return Response(resp.status, resp.headers, body)
        except asyncio.TimeoutError:
            raise ArdentTimeoutError(
                f"{request.method} request timed out after {request.timeout} s"
            ) from None
        except aiohttp.ClientConnectorError as exc:
            raise ArdentConnectionError(
                f"cannot connect to {exc.host}:{exc.port}: {exc.os_error.strerror or exc.os_error}",
                request_sent=False,
            ) from None
        except (aiohttp.ClientError, OSError) as exc:
            if self._closed:
                raise ArdentConnectionError("transport closed during the request") from None
            raise ArdentConnectionError(
                f"connection failed: {type(exc).__name__}: {exc}".rstrip(": ")
            ) from None

    async def aclose(self) -> None:
        """Close the session; idempotent."""
        self._closed = True
        session, self._session = self._session, None
        if session is not None and self._owns_session and not session.closed:
            await session.close()


async def _read_capped(resp: aiohttp.ClientResponse, limit: int) -> bytes:
    """A body of unknown length (chunked), refused once it passes ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in resp.content.iter_chunked(65536):
        size += len(chunk)
        if size > limit:
            raise _too_large(limit, resp.status)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int, status: int) -> ArdentResponseError:
    return ArdentResponseError(
        f"reply body larger than the {limit} byte limit (max_response_bytes)", status_code=status
    )
