"""Per-request overhead: SDK (aiohttp transport) vs raw aiohttp, same server, same requests.

Two measures: wall time for 5,000 requests of each client a round (sent in ten chunks, the
clients taking turns), and the client's own CPU time per request
(``time.process_time`` of this process; the server runs in another), whose difference is what
the SDK costs on top of a raw ``session.get`` + ``json()``. That difference is a few per cent
of a request's CPU, and on a shared machine whole batches drift by more than that, so the CPU
figures alternate the two clients finely: one request each in turn when sequential, batches of
256 when 64 are in flight, the median per round, the difference taken round by round. The
SDK's own share is also measured without the network: the same call over a transport that
hands back the server's reply at once, minus the ``json.loads`` a raw client does too (``SDK
above the HTTP library``).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import aiohttp

from ardent_async import ArdentClient
from ardent_async._core._transport import Request, Response
from bench._stats import Figure, difference, interleaved, ratio
from bench.server import BODY

TOKEN = "sk-ard_test_bench"


@asynccontextmanager
async def bench_server() -> AsyncIterator[str]:
    """Start bench.server in a separate process; yield its base URL."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.server", stdout=subprocess.PIPE
    )
    try:
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
        yield f"http://127.0.0.1:{int(line.split()[1])}"
    finally:
        proc.terminate()
        await proc.wait()


async def _timed(requests: int, in_flight: int, one: Callable[[int], Awaitable[object]]) -> float:
    counter = iter(range(requests))

    async def worker() -> None:
        for i in counter:
            await one(i)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(in_flight)))
    return time.perf_counter() - started


async def _in_turns(
    turns: int,
    first: Callable[[int], Awaitable[float]],
    second: Callable[[int], Awaitable[float]],
) -> tuple[list[float], list[float]]:
    """One sample of each side per turn (given the turn's number), who goes first swapping
    each turn: a burst of the machine's own load, or the server's, falls on both alike."""
    samples: tuple[list[float], list[float]] = ([], [])
    for turn in range(turns):
        for side in (0, 1) if turn % 2 == 0 else (1, 0):
            samples[side].append(await (first, second)[side](turn))
    return samples


async def _alternating_wall(
    rounds: int,
    requests: int,
    in_flight: int,
    first: Callable[[int], Awaitable[object]],
    second: Callable[[int], Awaitable[object]],
    turns: int = 10,
) -> tuple[Figure, Figure]:
    """Wall seconds of ``requests`` requests of each client per round, sent in ``turns``
    chunks taken in turns (one whole run after the other let load fall on one side only)."""
    chunk = requests // turns
    totals: tuple[list[float], list[float]] = ([], [])
    for _ in range(rounds):
        spent = await _in_turns(
            turns,
            lambda _: _timed(chunk, in_flight, first),
            lambda _: _timed(chunk, in_flight, second),
        )
        for side in (0, 1):
            totals[side].append(sum(spent[side]))
    return Figure(tuple(totals[0])), Figure(tuple(totals[1]))


async def _alternating_cpu(
    rounds: int,
    pairs: int,
    in_flight: int,
    first: Callable[[int], Awaitable[object]],
    second: Callable[[int], Awaitable[object]],
) -> tuple[Figure, Figure]:
    """CPU seconds per request of two clients, measured in turns so both see the same machine.

    Sequential: one request of each in turn, the round's figure the median request. With
    ``in_flight`` > 1: batches of 256 requests in turn, the median batch.
    """
    batch = 1 if in_flight == 1 else 256

    def per_request(one: Callable[[int], Awaitable[object]]) -> Callable[[int], Awaitable[float]]:
        async def measure(i: int) -> float:
            if batch == 1:
                started = time.process_time()
                await one(i)
                return time.process_time() - started
            return await _timed_cpu(batch, in_flight, one) / batch

        return measure

    medians: tuple[list[float], list[float]] = ([], [])
    for _ in range(rounds):
        samples = await _in_turns(pairs, per_request(first), per_request(second))
        for side in (0, 1):
            medians[side].append(statistics.median(samples[side]))
    return Figure(tuple(medians[0])), Figure(tuple(medians[1]))


async def _timed_cpu(
    requests: int, in_flight: int, one: Callable[[int], Awaitable[object]]
) -> float:
    started = time.process_time()
    await _timed(requests, in_flight, one)
    return time.process_time() - started


class _CannedTransport:
    """Answers every request with the bench server's reply, at once."""

    def __init__(self) -> None:
        self._headers = {"Content-Type": "application/json"}

    async def send(self, request: Request) -> Response:
        return Response(200, self._headers, BODY)

    async def aclose(self) -> None:
        return None


async def _above_the_http_library(calls: int = 50_000, rounds: int = 7) -> Figure:
    """CPU per ``projects.get`` over a canned transport, minus a ``json.loads`` of the reply."""
    async with ArdentClient(token=TOKEN, transport=_CannedTransport()) as client:

        async def sdk() -> float:
            started = time.process_time()
            for _ in range(calls):
                await client.projects.get("proj_bench")
            return (time.process_time() - started) / calls

        async def json_only() -> float:
            started = time.process_time()
            for _ in range(calls):
                json.loads(BODY.decode())
            return (time.process_time() - started) / calls

        await sdk()
        sdk_cpu, json_cpu = await interleaved(rounds, sdk, json_only)
    return difference(sdk_cpu, json_cpu).scaled(1e6, "µs")


async def run(requests: int = 5000, rounds: int = 5) -> dict[str, Figure]:
    results: dict[str, Figure] = {}
    async with bench_server() as base_url:
        connector = aiohttp.TCPConnector(limit=100)
        async with (
            aiohttp.ClientSession(connector=connector) as session,
            ArdentClient(token=TOKEN, base_url=base_url) as client,
        ):
            headers = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"}

            async def raw(i: int) -> object:
                async with session.get(f"{base_url}/v1/projects/proj_{i}", headers=headers) as r:
                    r.raise_for_status()
                    return await r.json()

            async def sdk(i: int) -> object:
                return await client.projects.get(f"proj_{i}")

            await _timed(200, 8, raw)  # warm both connection pools
            await _timed(200, 8, sdk)
            for label, in_flight in (("sequential", 1), ("64 in flight", 64)):
                sdk_fig, raw_fig = await _alternating_wall(rounds, requests, in_flight, sdk, raw)
                results[f"overhead {label}: SDK"] = sdk_fig
                results[f"overhead {label}: raw aiohttp"] = raw_fig
                results[f"overhead {label}: ratio SDK/raw"] = ratio(sdk_fig, raw_fig)
            for label, in_flight, pairs in (("sequential", 1, 2000), ("64 in flight", 64, 16)):
                sdk_cpu, raw_cpu = await _alternating_cpu(rounds * 3, pairs, in_flight, sdk, raw)
                results[f"client CPU per request {label}: SDK"] = sdk_cpu.scaled(1e6, "µs")
                results[f"client CPU per request {label}: raw aiohttp"] = raw_cpu.scaled(1e6, "µs")
                results[f"client CPU per request {label}: SDK − raw"] = difference(
                    sdk_cpu, raw_cpu
                ).scaled(1e6, "µs")
    results["client CPU per request: SDK above the HTTP library"] = await _above_the_http_library()
    return results
