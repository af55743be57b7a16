"""Fan-out: ``branches.create_many`` (create + wait) vs a hand-written raw aiohttp gather.

Both sides do the same work against the same server process: for each name, POST the create
with an idempotency key, then long-poll the operation until it completes, at most
``concurrency`` names at a time. ``python -m bench.fanout`` prints the figures.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp

from ardent_async import ArdentClient
from bench._stats import Figure, interleaved, ratio

TOKEN = "sk-ard_test_bench"


@asynccontextmanager
async def branch_server(op_ms: int) -> AsyncIterator[str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.branch_server", str(op_ms), stdout=subprocess.PIPE
    )
    try:
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
        yield f"http://127.0.0.1:{int(line.split()[1])}"
    finally:
        proc.terminate()
        await proc.wait()


async def raw_fanout(
    session: aiohttp.ClientSession, base_url: str, names: list[str], concurrency: int
) -> float:
    headers = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"}
    gate = asyncio.Semaphore(concurrency)

    async def one(name: str) -> str:
        async with gate:
            body = {"connector_id": "conn_bench", "name": name, "service_type": "postgres"}
            key = {"X-Idempotency-Key": str(uuid.uuid4()), **headers}
            async with session.post(f"{base_url}/v1/branch/create", json=body, headers=key) as r:
                r.raise_for_status()
                op_id = (await r.json())["operation_id"]
            while True:
                url = f"{base_url}/v1/operations/{op_id}?wait=10"
                async with session.get(url, headers=headers) as r:
                    r.raise_for_status()
                    op = await r.json()
                if op["status"] == "completed":
                    return str(op["result"]["branch_url"])
                if op["status"] == "failed":
                    raise RuntimeError(op["error"])

    started = time.perf_counter()
    await asyncio.gather(*(one(name) for name in names))
    return time.perf_counter() - started


async def sdk_fanout(client: ArdentClient, names: list[str], concurrency: int) -> float:
    started = time.perf_counter()
    outcomes = await client.branches.create_many("conn_bench", names, concurrency=concurrency)
    elapsed = time.perf_counter() - started
    assert all(o.ok for o in outcomes), [o.error for o in outcomes if not o.ok][:3]
    return elapsed


async def run(
    count: int = 1000, concurrency: int = 64, op_ms: int = 50, rounds: int = 5
) -> dict[str, Figure]:
    results: dict[str, Figure] = {}
    async with branch_server(op_ms) as base_url:
        connector = aiohttp.TCPConnector(limit=100)
        async with (
            aiohttp.ClientSession(connector=connector) as session,
            ArdentClient(token=TOKEN, base_url=base_url) as client,
        ):
            run_id = iter(range(10**6))

            def names() -> list[str]:
                batch = next(run_id)  # fresh names per round: each round really creates
                return [f"b{batch}-{i}" for i in range(count)]

            await raw_fanout(session, base_url, names()[:100], concurrency)  # warm up
            await sdk_fanout(client, names()[:100], concurrency)
            sdk_fig, raw_fig = await interleaved(
                rounds,
                lambda: sdk_fanout(client, names(), concurrency),
                lambda: raw_fanout(session, base_url, names(), concurrency),
            )
    label = f"fan-out {count:,} creates+waits, {concurrency} at a time, {op_ms} ms ops"
    results[f"{label}: SDK create_many"] = sdk_fig
    results[f"{label}: raw aiohttp gather"] = raw_fig
    results[f"{label}: ratio SDK/raw"] = ratio(sdk_fig, raw_fig)
    return results


def main() -> None:
    for op_ms, concurrency in ((0, 64), (50, 64), (50, 16)):
        for label, figure in asyncio.run(run(concurrency=concurrency, op_ms=op_ms)).items():
            print(f"{label}: {figure.show()}")


if __name__ == "__main__":
    main()
