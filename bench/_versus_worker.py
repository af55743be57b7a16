"""One side of ``bench.versus``: measures the ``ardent_async`` its Python imports, on command.

Run as a script by path with ``python -I`` (isolated: neither this directory nor the caller's
``PYTHONPATH`` on ``sys.path``), so each side imports the ``ardent_async`` installed in its own
environment: this tree's, or an older commit's worktree. It uses only what both sides have
(``ArdentClient``, ``projects.get``, ``operations.get``, ``branches.create_many``, the
transport's ``Request``/``Response``) and the standard library plus aiohttp, never ``bench``.

``--without-opentelemetry``: the side runs as if ``opentelemetry-api`` were not installed.
``--calls N``: no commands, N calls over the canned transport (for counting instructions).

Commands arrive one JSON line each on stdin; each answer is one JSON line on stdout:

- ``{"do": "connect", "server": URL, "api": URL, "token": T, "connector": ID}``
- ``{"do": "canned", "calls": N}``: CPU seconds per ``projects.get`` over a transport that
  answers at once (the SDK's own cost, no network)
- ``{"do": "cpu", "pairs": N}``: median CPU seconds per sequential request, SDK and raw aiohttp
  taking turns one request each (``[sdk, raw]``)
- ``{"do": "wall", "requests": N, "in_flight": K}``: wall seconds for N SDK ``projects.get``
- ``{"do": "fanout", "count": N, "concurrency": K}``: wall seconds of ``create_many`` (create
  and wait) of N fresh names against the emulator
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

if "--without-opentelemetry" in sys.argv:  # as if opentelemetry-api were not installed
    sys.modules["opentelemetry"] = None  # type: ignore[assignment]

from ardent_async import ArdentClient

try:
    from ardent_async._core._transport import Request, Response
except ImportError:  # a commit from before ardent_async/_core/
    from ardent_async._transport import (  # type: ignore[import-not-found,no-redef]
        Request,
        Response,
    )

TOKEN = "sk-ard_test_bench"
BODY = json.dumps(
    {
        "id": "proj_bench",
        "org_id": "org_bench",
        "name": "bench",
        "created_at": "2026-11-25T10:00:00Z",
    }
).encode()


class _CannedTransport:
    def __init__(self) -> None:
        self._headers = {"Content-Type": "application/json"}

    async def send(self, request: Request) -> Response:
        return Response(200, self._headers, BODY)

    async def aclose(self) -> None:
        return None


class Side:
    def __init__(self) -> None:
        self.canned = ArdentClient(token=TOKEN, transport=_CannedTransport())
        self.server = ""
        self.client: Any = None  # ArdentClient on the bench server
        self.api: Any = None  # ArdentClient on the emulator
        self.session: aiohttp.ClientSession | None = None
        self.connector = ""
        self.batch = 0

    async def connect(self, server: str, api: str, token: str, connector: str) -> None:
        self.server = server
        self.client = ArdentClient(token=TOKEN, base_url=server)
        self.api = ArdentClient(token=token, base_url=api)
        self.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100))
        self.connector = connector
        await self.wall(200, 8)  # warm the connection pools
        await self.cpu(100)

    async def raw(self, i: int) -> object:
        assert self.session is not None
        headers = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"}
        async with self.session.get(f"{self.server}/v1/projects/proj_{i}", headers=headers) as r:
            r.raise_for_status()
            return await r.json()

    async def sdk(self, i: int) -> object:
        return await self.client.projects.get(f"proj_{i}")

    async def canned_cpu(self, calls: int) -> float:
        get = self.canned.projects.get
        started = time.process_time()
        for _ in range(calls):
            await get("proj_bench")
        return (time.process_time() - started) / calls

    async def cpu(self, pairs: int) -> list[float]:
        samples: tuple[list[float], list[float]] = ([], [])
        sides: tuple[Callable[[int], Awaitable[object]], ...] = (self.sdk, self.raw)
        for turn in range(pairs):
            for side in (0, 1) if turn % 2 == 0 else (1, 0):
                started = time.process_time()
                await sides[side](turn)
                samples[side].append(time.process_time() - started)
        return [statistics.median(samples[0]), statistics.median(samples[1])]

    async def wall(self, requests: int, in_flight: int) -> float:
        counter = iter(range(requests))

        async def worker() -> None:
            for i in counter:
                await self.sdk(i)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(in_flight)))
        return time.perf_counter() - started

    async def fanout(self, count: int, concurrency: int) -> float:
        self.batch += 1
        names = [f"p{os.getpid()}-{self.batch}-{i}" for i in range(count)]
        started = time.perf_counter()
        outcomes = await self.api.branches.create_many(
            self.connector, names, concurrency=concurrency
        )
        elapsed = time.perf_counter() - started
        failed = [str(o.error) for o in outcomes if not o.ok]
        if failed:
            raise RuntimeError(f"{len(failed)} creates failed: {failed[:3]}")
        return elapsed


async def serve() -> None:
    side = Side()
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    print(json.dumps({"ready": True}), flush=True)
    while line := await reader.readline():
        command = json.loads(line)
        do = command.pop("do")
        if do == "quit":
            break
        if do == "connect":
            await side.connect(**command)
            answer: object = True
        elif do == "canned":
            answer = await side.canned_cpu(command["calls"])
        elif do == "cpu":
            answer = await side.cpu(command["pairs"])
        elif do == "wall":
            answer = await side.wall(command["requests"], command["in_flight"])
        elif do == "fanout":
            answer = await side.fanout(command["count"], command["concurrency"])
        else:
            raise SystemExit(f"unknown command {do!r}")
        print(json.dumps({"answer": answer}), flush=True)
    for client in (side.canned, side.client, side.api):
        if client is not None:
            await client.close()
    if side.session is not None:
        await side.session.close()


async def calls_only(calls: int) -> None:
    """``--calls N``: N ``projects.get`` over the canned transport, then exit (under valgrind,
    for instructions per call: the difference of two runs' counts over their calls)."""
    side = Side()
    for _ in range(200):  # decoders and caches built
        await side.canned.projects.get("proj_bench")
    await side.canned_cpu(calls)
    await side.canned.close()


if __name__ == "__main__":
    if "--calls" in sys.argv:
        asyncio.run(calls_only(int(sys.argv[sys.argv.index("--calls") + 1])))
    else:
        asyncio.run(serve())
