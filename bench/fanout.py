"""Fan-out: ``branches.create_many`` (create + wait) vs a hand-written raw aiohttp gather.

Both sides do the same work against the same API-only emulator process with instant operations:
for each name, POST the create with an idempotency key, then long-poll the operation until it
completes, at most ``concurrency`` names at a time. ``python -m bench.fanout`` prints the figures.
"""

from __future__ import annotations

import asyncio
import resource
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable

import aiohttp

from ardent_async import ArdentClient
from bench._emulator import emulator_process, ready_connector
from bench._stats import Figure, interleaved, ratio


async def raw_fanout(
    session: aiohttp.ClientSession,
    base_url: str,
    token: str,
    connector_id: str,
    names: list[str],
    concurrency: int,
) -> float:
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    gate = asyncio.Semaphore(concurrency)

    async def one(name: str) -> str:
        async with gate:
            body = {"connector_id": connector_id, "name": name, "service_type": "postgres"}
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


async def sdk_fanout(
    client: ArdentClient, connector_id: str, names: list[str], concurrency: int
) -> float:
    started = time.perf_counter()
    outcomes = await client.branches.create_many(connector_id, names, concurrency=concurrency)
    elapsed = time.perf_counter() - started
    assert all(o.ok for o in outcomes), [o.error for o in outcomes if not o.ok][:3]
    return elapsed


async def run(count: int = 1000, concurrency: int = 64, rounds: int = 5) -> dict[str, Figure]:
    results: dict[str, Figure] = {}
    async with emulator_process("--op-duration", "0") as emu:
        connector = aiohttp.TCPConnector(limit=100)
        async with (
            aiohttp.ClientSession(connector=connector) as session,
            ArdentClient(token=emu.token, base_url=emu.base_url) as client,
        ):
            connector_id = (await ready_connector(client, emu.org_id)).id
            run_id = iter(range(10**6))

            def names() -> list[str]:
                batch = next(run_id)  # fresh names per round: each round really creates
                return [f"b{batch}-{i}" for i in range(count)]

            def raw() -> Awaitable[float]:
                return raw_fanout(
                    session, emu.base_url, emu.token, connector_id, names(), concurrency
                )

            def sdk() -> Awaitable[float]:
                return sdk_fanout(client, connector_id, names(), concurrency)

            await raw()  # warm up both sides
            await sdk()
            sdk_fig, raw_fig = await interleaved(rounds, sdk, raw)
    label = f"fan-out {count:,} creates+waits ({concurrency} in flight)"
    results[f"{label}: SDK create_many"] = sdk_fig
    results[f"{label}: raw aiohttp gather"] = raw_fig
    results[f"{label}: ratio SDK/raw"] = ratio(sdk_fig, raw_fig)
    results[f"{label}: peak RSS of the SDK run"] = await peak_rss(count, concurrency)
    return results


async def peak_rss(count: int, concurrency: int) -> Figure:
    """Peak RSS (MiB) of a fresh process that runs one SDK fan-out of ``count`` branches."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.fanout",
        "--rss",
        str(count),
        str(concurrency),
        stdout=subprocess.PIPE,
    )
    out, _ = await proc.communicate()
    return Figure((float(out.decode().split()[-1]),), unit="MiB")


async def _rss_child(count: int, concurrency: int) -> None:
    async with (
        emulator_process("--op-duration", "0") as emu,
        ArdentClient(token=emu.token, base_url=emu.base_url) as client,
    ):
        connector_id = (await ready_connector(client, emu.org_id)).id
        await sdk_fanout(client, connector_id, [f"n{i}" for i in range(count)], concurrency)
    print(f"RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}")


def main() -> None:
    if sys.argv[1:2] == ["--rss"]:
        asyncio.run(_rss_child(int(sys.argv[2]), int(sys.argv[3])))
        return
    for label, figure in asyncio.run(run()).items():
        print(f"{label}: {figure.show()}")


if __name__ == "__main__":
    main()
