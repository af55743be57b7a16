"""Transport over ``httpx.AsyncClient`` (extra ``httpx``): lets users mock the SDK with respx."""

from __future__ import annotations

import asyncio
from typing import Any

from ardent_async._transport._base import DEFAULT_MAX_RESPONSE_BYTES, Request, Response
from ardent_async.errors import ArdentConnectionError, ArdentResponseError, ArdentTimeoutError

try:
    import httpx
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError("HttpxTransport needs httpx: pip install 'ardent-async[httpx]'") from exc


class HttpxTransport:
    """Sends requests with ``httpx.AsyncClient`` (one per transport, created lazily)."""

    def __init__(
        self,
        *,
        connection_limit: int = 100,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self._limits = httpx.Limits(max_connections=connection_limit)
        self._max_bytes = max_response_bytes
        self._client = client
        self._owns_client = client is None
        self._closed = False

    def _get_client(self) -> httpx.AsyncClient:
        if self._client is None:
            if self._closed:
                raise ArdentConnectionError("transport is closed", request_sent=False)
            self._client = httpx.AsyncClient(limits=self._limits, follow_redirects=False)
        return self._client

    async def send(self, request: Request) -> Response:
        """Send one request with the ``httpx.AsyncClient`` and read the reply."""
        client = self._get_client()
        # httpx timeouts are per phase (a trickling body never trips them): bound the whole call.
        try:
            if request.timeout is None:
                return await self._send(client, request)
            return await asyncio.wait_for(self._send(client, request), request.timeout)
        except (asyncio.TimeoutError, httpx.TimeoutException):
            raise ArdentTimeoutError(
                f"{request.method} request timed out after {request.timeout} s"
            ) from None
        except httpx.ConnectError as exc:
            raise ArdentConnectionError(f"cannot connect: {exc}", request_sent=False) from None
        except (httpx.TransportError, OSError) as exc:
            if self._closed:
                raise ArdentConnectionError("transport closed during the request") from None
            raise ArdentConnectionError(f"connection failed: {type(exc).__name__}: {exc}") from None

    async def _send(self, client: httpx.AsyncClient, request: Request) -> Response:
        built = client.build_request(
            request.method,
            request.url,
            headers=dict(request.headers),
            content=request.content,
            extensions=_timeout_extension(request.timeout),
        )
        resp = await client.send(built, stream=True)
        try:
            chunks: list[bytes] = []
            size = 0
            async for chunk in resp.aiter_bytes():
                size += len(chunk)
                if size > self._max_bytes:
                    raise ArdentResponseError(
                        f"reply body larger than the {self._max_bytes} byte limit "
                        "(max_response_bytes)",
                        status_code=resp.status_code,
                    )
                chunks.append(chunk)
        finally:
            await resp.aclose()
        return Response(resp.status_code, resp.headers, b"".join(chunks))

    async def aclose(self) -> None:
        """Close the ``httpx.AsyncClient`` if this transport created it; idempotent."""
        self._closed = True
        client, self._client = self._client, None
        if client is not None and self._owns_client:
            await client.aclose()


def _timeout_extension(timeout: float | None) -> dict[str, Any]:
    if timeout is None:
        return {}
    return {"timeout": {"connect": timeout, "read": timeout, "write": timeout, "pool": timeout}}
