"""Real branches: the embedded emulator with real Postgres.

- time to create 20 branches in parallel from the sample source (create + wait, via the SDK);
- how engine setup (the golden copy) and one branch create grow with the source's size
  (1 MB, 10 MB, 100 MB of rows).
"""

from __future__ import annotations

import time
from typing import Any

from ardent_async.emulator import Emulator
from bench._emulator import ready_connector
from bench._stats import Figure

SIZES_MB = (1, 10, 100)
ROW_BYTES = 1000


async def _sized_source(emulator: Emulator, megabytes: int) -> str:
    """A source database holding about ``megabytes`` MB of rows; its superuser URL."""
    host: Any = emulator.backend.host  # type: ignore[attr-defined]
    name = f"bench_source_{megabytes}mb"
    async with host.admin_connection() as conn:
        await conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await conn.execute(f"CREATE DATABASE {name}")
    rows = megabytes * 1024 * 1024 // ROW_BYTES
    async with host.admin_connection(name) as conn:
        await conn.execute(
            "CREATE TABLE payload (id bigint PRIMARY KEY, body text NOT NULL);"
            f" INSERT INTO payload SELECT g, repeat(md5(g::text), {ROW_BYTES // 32})"
            f" FROM generate_series(1, {rows}) AS g;"
            " ANALYZE payload;"
        )
    return str(host.admin_dsn(name).to_url())


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
            for megabytes in SIZES_MB:
                source = await _sized_source(emulator, megabytes)
                ready = await ready_connector(
                    client, emulator.org_id, source_url=source, name=f"size-{megabytes}"
                )
                sized, setup_seconds = ready.id, ready.setup_seconds
                creates = []
                for round_ in range(rounds):
                    started = time.perf_counter()
                    await client.branches.create_and_wait(sized, f"b{round_}", timeout=600)
                    creates.append(time.perf_counter() - started)
                label = f"real branches: {megabytes} MB source"
                results[f"{label}: engine setup (golden copy)"] = Figure((setup_seconds,))
                results[f"{label}: one branch create"] = Figure(tuple(creates))
                handle = await client.connectors.delete(sized, force=True)
                await client.operations.wait(handle.operation_id)
    return results


if __name__ == "__main__":
    import asyncio

    for name, figure in asyncio.run(run()).items():
        print(f"{name}: {figure.show()}")
