"""Real branches: the embedded emulator with real Postgres.

- time to create 20 branches in parallel from the sample source (create + wait, via the SDK).

How engine setup and one branch create grow with the source's size: ``bench.replication``.
"""

from __future__ import annotations

import time

from ardent_async.emulator import Emulator
from bench._emulator import ready_connector
from bench._stats import Figure


async def run(rounds: int = 5, parallel: int = 20) -> dict[str, Figure]:
    results: dict[str, Figure] = {}
    async with Emulator(postgres="embedded", sample_source=True) as emulator:
        assert emulator.sample_source_url is not None
        async with emulator.client(timeout=600) as client:
            connector_id = (
                await ready_connector(
                    client, emulator.org_id, source_url=emulator.sample_source_url, name="sample"
                )
            ).id
            samples = []
            for round_ in range(rounds):
                names = [f"r{round_}-{i}" for i in range(parallel)]
                started = time.perf_counter()
                outcomes = await client.branches.create_many(
                    connector_id, names, concurrency=parallel
                )
                samples.append(time.perf_counter() - started)
                assert all(o.ok for o in outcomes), [o.error for o in outcomes if o.error][:2]
            results[f"real branches: {parallel} in parallel from the sample source"] = Figure(
                tuple(samples)
            )
    return results


if __name__ == "__main__":
    import asyncio

    for name, figure in asyncio.run(run()).items():
        print(f"{name}: {figure.show()}")
