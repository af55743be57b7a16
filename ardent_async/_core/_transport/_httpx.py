"""Transport over ``httpx.AsyncClient`` (extra ``httpx``): lets users mock the SDK with respx."""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

from ardent_async._core._transport._base import DEFAULT_MAX_RESPONSE_BYTES, Request, Response
from ardent_async._core._transport._proxy import ProxyRule
from ardent_async.errors import ArdentConnectionError, ArdentResponseError, ArdentTimeoutError

try:
    import httpx
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError("HttpxTransport needs httpx: pip install 'ardent-async[httpx]'") from exc


class HttpxTransport:
    """Sends requests with ``httpx.AsyncClient`` (created lazily).

    Proxies follow the same rule as ``AiohttpTransport`` (``proxy``, else the proxy
    environment when ``trust_env``; :mod:`ardent_async._core._transport._proxy`), not httpx's own:
    one ``AsyncClient`` per proxy in use (usually one). A ``client`` given is used as it is.
    ``ssl_context`` verifies the server (default: the system's CA store, like aiohttp).
    """

    def __init__(
        self,
        *,
        connection_limit: int = 100,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        client: httpx.AsyncClient | None = None,
        proxy: str | None = None,
        trust_env: bool = True,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        if client is not None and (proxy is not None or ssl_context is not None):
            raise ValueError("proxy and ssl_context are the given client's own settings")
        self._limits = httpx.Limits(max_connections=connection_limit)
        self._max_bytes = max_response_bytes
        self._client = client
        self._owns_client = client is None
        self._closed = False
        self._proxies = ProxyRule(proxy, trust_env=trust_env and client is None)
        self._ssl = ssl_context
        self._by_proxy: dict[str | None, httpx.AsyncClient] = {}

    def _get_client(self, url: str) -> httpx.AsyncClient:
        if self._client is not None:
            return self._client
        proxy = self._proxies.for_url(url) if self._proxies.active else None
        client = self._by_proxy.get(proxy)
        if client is None:
            if self._closed:
                raise ArdentConnectionError("transport is closed", request_sent=False)
            if self._ssl is None:
                self._ssl = ssl.create_default_context()
            client = self._by_proxy[proxy] = httpx.AsyncClient(
                limits=self._limits,
                follow_redirects=False,
                proxy=proxy,
                verify=self._ssl,
                trust_env=False,  # proxies are chosen above, the same way for every transport
            )
        return client

    async def send(self, request: Request) -> Response:
        """Send one request with the ``httpx.AsyncClient`` and read the reply."""
        client = self._get_client(request.url)
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
        owned, self._by_proxy = list(self._by_proxy.values()), {}
        if client is not None and self._owns_client:
            owned.append(client)
        for each in owned:
            await each.aclose()


def _timeout_extension(timeout: float | None) -> dict[str, Any]:
    if timeout is None:
        return {}
    return {"timeout": {"connect": timeout, "read": timeout, "write": timeout, "pool": timeout}}
