"""Both transports go through the proxy the environment names, or the one given, the same way.

The proxy is a real forward proxy on aiohttp.web: it forwards absolute-form requests (plain
http) to their target and records CONNECT requests (https), which it refuses.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from ardent_async import AiohttpTransport, ArdentClient, ArdentConnectionError
from ardent_async._core._transport import Transport
from ardent_async._core._transport._httpx import HttpxTransport

PROJECT = {"id": "p1", "org_id": "o1", "name": "demo", "created_at": "2026-01-02T03:04:05Z"}


class ForwardProxy:
    def __init__(self) -> None:
        self.seen: list[str] = []
        self._server = web.Server(self._handle)
        self._runner = web.ServerRunner(self._server)
        self.url = ""

    async def start(self) -> None:
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        await self._runner.cleanup()

    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        if request.method == "CONNECT":
            self.seen.append(f"CONNECT {request.url.host}:{request.url.port}")
            return web.Response(status=403, text="tunnels refused by the test proxy")
        target = str(request.url)
        self.seen.append(f"{request.method} {target}")
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host",)}
        async with (
            aiohttp.ClientSession() as session,
            session.request(
                request.method, target, headers=headers, data=await request.read()
            ) as reply,
        ):
            return web.Response(
                status=reply.status, body=await reply.read(), content_type=reply.content_type
            )


@pytest.fixture
async def origin() -> AsyncIterator[str]:
    async def project(request: web.Request) -> web.Response:
        return web.json_response(PROJECT)

    app = web.Application()
    app.router.add_get("/v1/projects/p1", project)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


@pytest.fixture
async def proxy() -> AsyncIterator[ForwardProxy]:
    server = ForwardProxy()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture(autouse=True)
def clean_proxy_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "REQUEST_METHOD"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


TRANSPORTS = ["aiohttp", "httpx"]


def _transport(kind: str, **options: object) -> Transport:
    if kind == "aiohttp":
        return AiohttpTransport(**options)  # type: ignore[arg-type]
    return HttpxTransport(**options)  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", TRANSPORTS)
async def test_http_proxy_from_the_environment_sees_the_request(
    kind: str, origin: str, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    async with ArdentClient("tok", base_url=origin, transport=_transport(kind)) as client:
        project = await client.projects.get("p1")
    assert project.name == "demo"
    assert proxy.seen == [f"GET {origin}/v1/projects/p1"]


@pytest.mark.parametrize("kind", TRANSPORTS)
async def test_https_proxy_from_the_environment_gets_the_tunnel(
    kind: str, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("https_proxy", proxy.url)
    client = ArdentClient(
        "tok", base_url="https://api.ardent.test", transport=_transport(kind), max_retries=0
    )
    async with client:
        with pytest.raises(ArdentConnectionError):
            await client.projects.get("p1")
    assert proxy.seen == ["CONNECT api.ardent.test:443"]


@pytest.mark.parametrize("kind", TRANSPORTS)
async def test_no_proxy_goes_direct(
    kind: str, origin: str, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "example.com,127.0.0.1")
    async with ArdentClient("tok", base_url=origin, transport=_transport(kind)) as client:
        assert (await client.projects.get("p1")).id == "p1"
    assert proxy.seen == []


@pytest.mark.parametrize("kind", TRANSPORTS)
async def test_an_explicit_proxy_wins_over_the_environment(
    kind: str,
    origin: str,
    proxy: ForwardProxy,
    monkeypatch: pytest.MonkeyPatch,
    unused_tcp_port: int,
) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{unused_tcp_port}")  # nothing there
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    transport = _transport(kind, proxy=proxy.url)
    async with ArdentClient("tok", base_url=origin, transport=transport) as client:
        assert (await client.projects.get("p1")).id == "p1"
    assert proxy.seen == [f"GET {origin}/v1/projects/p1"]


async def test_the_default_client_takes_proxy_and_trust_env(
    origin: str, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with ArdentClient("tok", base_url=origin, proxy=proxy.url) as client:
        await client.projects.get("p1")
    assert len(proxy.seen) == 1
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    async with ArdentClient("tok", base_url=origin, trust_env=False) as client:
        await client.projects.get("p1")
    assert len(proxy.seen) == 1  # trust_env=False: the environment is not read


async def test_proxy_credentials_never_show(proxy: ForwardProxy) -> None:
    secret_url = proxy.url.replace("http://", "http://user:hunter2@")
    transport = AiohttpTransport(proxy=secret_url)
    assert "hunter2" not in repr(transport._proxies)
