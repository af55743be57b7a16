"""The default transport: one shared aiohttp session, created lazily inside the running loop.

aiohttp is imported on first use, not with the SDK: importing it costs more than the rest of
the SDK together (it builds SSL contexts at import), and a CLI's ``--help`` never needs it.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from ardent_async._core._transport._base import DEFAULT_MAX_RESPONSE_BYTES, Request, Response
from ardent_async._core._transport._proxy import ProxyRule
from ardent_async.errors import ArdentConnectionError, ArdentResponseError, ArdentTimeoutError

if TYPE_CHECKING:
    import aiohttp


class AiohttpTransport:
    """Sends requests over one ``aiohttp.ClientSession`` with a bounded connection pool.

    The session is created on first use, inside the running event loop (aiohttp requires it),
    and closed by :meth:`aclose` (called by ``ArdentClient.close()``).

    Proxies: ``proxy`` for every request, else (``trust_env``) the proxy environment as
    :mod:`ardent_async._core._transport._proxy` reads it - the same rule as ``HttpxTransport``.
    ``ssl_context`` verifies the server (default: the system's CA store).
    """

    def __init__(
        self,
        *,
        connection_limit: int = 100,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        session: aiohttp.ClientSession | None = None,
        proxy: str | None = None,
        trust_env: bool = True,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        if connection_limit < 1:
            raise ValueError("connection_limit must be at least 1")
        self._limit = connection_limit
        self._max_bytes = max_response_bytes
        self._session = session
        self._owns_session = session is None
        self._closed = False
        self._timeouts: dict[float | None, aiohttp.ClientTimeout] = {}
        self._proxies = ProxyRule(proxy, trust_env=trust_env)
        self._proxy_args: dict[str, tuple[Any, Any]] = {}
        self._ssl: ssl.SSLContext | bool = True if ssl_context is None else ssl_context
        # Fixed (read-only) header mappings, as aiohttp's own type, by identity: aiohttp would
        # otherwise copy them into a new one for every request. Each entry keeps its mapping
        # alive, so an id is never reused while it is here.
        self._fixed_headers: dict[int, tuple[Mapping[str, str], Any]] = {}
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
            connector = aiohttp.TCPConnector(limit=self._limit, ttl_dns_cache=300, ssl=self._ssl)
            # No skip_auto_headers: the pipeline's own User-Agent already wins over aiohttp's,
            # and skipping makes aiohttp rebuild its auto headers on every request.
            session = aiohttp.ClientSession(connector=connector, auto_decompress=True)
            # Ours now (also in place of a caller's session found closed): aclose() closes it.
            self._session, self._owns_session = session, True
        return session

    async def send(self, request: Request) -> Response:
        """Send one request on the shared session (created on first use) and read the reply."""
        session = self._session
        # An owned session is closed only by aclose(), which drops it: no need to ask it.
        if session is None or self._aiohttp is None or (not self._owns_session and session.closed):
            session = self._get_session()
        aiohttp = self._aiohttp
        timeout = self._timeouts.get(request.timeout)
        if timeout is None:
            timeout = self._timeouts[request.timeout] = aiohttp.ClientTimeout(total=request.timeout)
        url = self._url(request.url, encoded=True)
        headers = request.headers
        if type(headers) is MappingProxyType:
            headers = self._fixed(headers)
        # The proxy as two plain arguments (None: direct), not **kwargs: unpacking into the call
        # costs a request about as much CPU as the rest of this method.
        proxy, proxy_auth = self._proxy_for(request.url) if self._proxies.active else _DIRECT
        try:
            sent = session.request(
                request.method,
                url,
                headers=headers,
                data=request.content,
                timeout=timeout,
                allow_redirects=False,
                proxy=proxy,
                proxy_auth=proxy_auth,
            )
            async with sent as resp:
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

    def _fixed(self, headers: Mapping[str, str]) -> Any:
        entry = self._fixed_headers.get(id(headers))
        if entry is not None and entry[0] is headers:
            return entry[1]
        from multidict import CIMultiDict, CIMultiDictProxy

        if len(self._fixed_headers) >= 64:  # with_options() per call makes a new one each time
            self._fixed_headers.clear()
        converted = CIMultiDictProxy(CIMultiDict(headers))
        self._fixed_headers[id(headers)] = (headers, converted)
        return converted

    def _proxy_for(self, url: str) -> tuple[Any, Any]:
        chosen = self._proxies.for_url(url)
        if chosen is None:
            return _DIRECT
        args = self._proxy_args.get(chosen)
        if args is None:
            # Credentials go as proxy_auth, so the proxy URL aiohttp keeps (and may show in
            # its errors) holds none.
            parts = urlsplit(chosen)
            auth = None
            if parts.username is not None:
                auth = self._aiohttp.BasicAuth(
                    unquote(parts.username), unquote(parts.password or "")
                )
            netloc = parts.hostname or ""
            if ":" in netloc:
                netloc = f"[{netloc}]"
            if parts.port is not None:
                netloc = f"{netloc}:{parts.port}"
            bare = self._url(f"{parts.scheme}://{netloc}")
            args = self._proxy_args[chosen] = (bare, auth)
        return args

    async def aclose(self) -> None:
        """Close the session; idempotent."""
        self._closed = True
        session, self._session = self._session, None
        if session is not None and self._owns_session and not session.closed:
            await session.close()


_DIRECT: tuple[Any, Any] = (None, None)


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
