"""Servers that hang, trickle or cut a reply short end within the timeout, with a typed error.

Each misbehaving server is a raw asyncio TCP server (no HTTP library to be polite for us);
both transports talk to it over real sockets.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from ardent_async import ArdentClient, ArdentConnectionError, ArdentTimeoutError
from ardent_async._core._transport import AiohttpTransport
from ardent_async._core._transport._httpx import HttpxTransport

TIMEOUT = 0.5
# Generous: the bound proves the call does not hang, without flaking on a loaded machine.
MARGIN = 2.0

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def _read_request(reader: asyncio.StreamReader) -> None:
    await reader.readuntil(b"\r\n\r\n")


async def never_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await _read_request(reader)
    await asyncio.Event().wait()


async def trickle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await _read_request(reader)
    writer.write(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
    )
    while True:  # one byte every 50 ms: each read succeeds, the whole never arrives
        writer.write(b" ")
        await writer.drain()
        await asyncio.sleep(0.05)


async def close_mid_body(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await _read_request(reader)
    writer.write(
        b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"id": "p'
    )
    await writer.drain()
    writer.close()


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[Handler], Awaitable[str]]]:
    servers: list[asyncio.Server] = []
    tasks: set[asyncio.Task[None]] = set()

    async def start(handler: Handler) -> str:
        async def tracked(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            task = asyncio.current_task()
            assert task is not None
            tasks.add(task)  # type: ignore[arg-type]
            try:
                await handler(reader, writer)
            except (ConnectionError, asyncio.IncompleteReadError):
                pass
            finally:
                writer.close()

        server = await asyncio.start_server(tracked, "127.0.0.1", 0)
        servers.append(server)
        port = server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    yield start
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    for server in servers:
        server.close()
        await server.wait_closed()


@pytest.fixture(params=["aiohttp", "httpx"])
def transport_factory(request: pytest.FixtureRequest) -> Callable[[], object]:
    return AiohttpTransport if request.param == "aiohttp" else HttpxTransport  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("handler", "expected"),
    [
        (never_answer, ArdentTimeoutError),
        (trickle, ArdentTimeoutError),
        (close_mid_body, ArdentConnectionError),
    ],
    ids=["never-answers", "trickles", "closes-mid-body"],
)
async def test_misbehaving_server_ends_in_time(
    serve: Callable[[Handler], Awaitable[str]],
    transport_factory: Callable[[], object],
    handler: Handler,
    expected: type[Exception],
) -> None:
    base_url = await serve(handler)
    client = ArdentClient(
        token="sk-ard_test_x",
        base_url=base_url,
        timeout=TIMEOUT,
        max_retries=0,
        transport=transport_factory(),  # type: ignore[arg-type]
    )
    async with client:
        started = time.monotonic()
        with pytest.raises(expected) as info:
            await client.projects.get("p1")
        elapsed = time.monotonic() - started
    assert elapsed < TIMEOUT + MARGIN
    assert "GET /v1/projects/p1" in str(info.value)
