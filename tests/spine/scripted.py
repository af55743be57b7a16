"""The fake HTTP server of the suites: a script played by a real aiohttp.web server, or by respx
for httpx.

The same script (method, path -> list of steps; ``default`` for every other request) drives
both, so one behaviour suite runs against both transports. Steps: Reply(status, json/text/raw,
headers), Hang(), Drop(). Every request is recorded in ``script.seen``.
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict, deque
from typing import Any

import attrs
import httpx
import respx
from aiohttp import web


@attrs.define
class Reply:
    status: int = 200
    json: Any = None
    text: str | None = None
    headers: dict[str, str] = attrs.field(factory=dict)
    raw: bytes | None = None  # the body exactly (``b"null"`` is JSON null; ``b""`` no body)

    def body(self) -> bytes:
        if self.raw is not None:
            return self.raw
        if self.text is not None:
            return self.text.encode()
        if self.json is not None:
            return json.dumps(self.json).encode()
        return b""

    def content_type(self) -> str:
        return "text/html" if self.text is not None else "application/json"


@attrs.define
class Hang:
    """Accept the request and never answer."""


@attrs.define
class Drop:
    """Close the connection without answering."""


@attrs.define
class Seen:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes


class Script:
    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], deque[Any]] = defaultdict(deque)
        self.seen: list[Seen] = []
        self.default: Any = None  # the step for a request no route scripts (None: a 599)

    def add(self, method: str, path: str, *steps: Any) -> None:
        self.routes[(method, path)].extend(steps)

    def next_step(self, method: str, path: str) -> Any:
        queue = self.routes.get((method, path))
        if not queue:
            if self.default is not None:
                return self.default
            return Reply(599, json={"detail": f"unscripted {method} {path}"})
        return queue.popleft() if len(queue) > 1 else queue[0]

    def count(self, method: str, path: str) -> int:
        return sum(1 for s in self.seen if s.method == method and s.path == path)


class AiohttpBackend:
    """A real local aiohttp.web server playing the script."""

    name = "aiohttp"

    def __init__(self) -> None:
        self.script = Script()
        self._runner: web.AppRunner | None = None
        self.base_url = ""
        self._hangs: list[asyncio.Event] = []

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        for event in self._hangs:
            event.set()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> AiohttpBackend:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        self.script.seen.append(
            Seen(
                request.method,
                request.raw_path.split("?")[0],
                request.query_string,
                dict(request.headers),
                body,
            )
        )
        step = self.script.next_step(request.method, request.raw_path.split("?")[0])
        if isinstance(step, Hang):
            event = asyncio.Event()
            self._hangs.append(event)
            await event.wait()
            return web.Response(status=504)
        if isinstance(step, Drop):
            assert request.transport is not None
            request.transport.abort()
            return web.Response(status=500)
        return web.Response(
            status=step.status,
            body=step.body(),
            headers={"Content-Type": step.content_type(), **step.headers},
        )


class RespxBackend:
    """respx mocking httpx: the whole SDK over HttpxTransport, no network."""

    name = "httpx"

    def __init__(self) -> None:
        self.script = Script()
        self.base_url = "http://127.0.0.1:9"
        self._mock = respx.mock(assert_all_called=False, assert_all_mocked=True)

    async def start(self) -> None:
        self._mock.start()
        self._mock.route(host="127.0.0.1").mock(side_effect=self._handle)

    async def stop(self) -> None:
        self._mock.stop()

    async def _handle(self, request: httpx.Request) -> httpx.Response:
        body = request.content
        self.script.seen.append(
            Seen(
                request.method,
                request.url.raw_path.decode().split("?")[0],
                request.url.query.decode(),
                dict(request.headers),
                body,
            )
        )
        step = self.script.next_step(request.method, request.url.raw_path.decode().split("?")[0])
        if isinstance(step, Hang):
            await asyncio.Event().wait()
        if isinstance(step, Drop):
            raise httpx.RemoteProtocolError("peer closed connection", request=request)
        return httpx.Response(
            step.status,
            content=step.body(),
            headers={"Content-Type": step.content_type(), **step.headers},
        )
