"""Leases: what a dead owner left on a source is reaped by name, or kept while unreachable."""

from __future__ import annotations

from pathlib import Path

import pytest

from ardent_async.emulator.postgres import PostgresUrl, reap_orphans
from ardent_async.emulator.postgres.leases import Lease, orphaned_leases
from ardent_async.emulator.postgres.replication import ReplicationNames

from .pg_helpers import connect, replication_objects

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.postgres]

DEAD_OWNER = f"{2**22 + 11}:1"  # a PID above any pid_max: never alive


def _lease(source: str, name: str, **more: bool) -> Lease:
    names = ReplicationNames(f"{name}_pub", f"{name}_slot", f"{name}_sub")
    return Lease(names=names, source=PostgresUrl.parse(source), owner=DEAD_OWNER, **more)


async def test_reap_drops_an_orphaned_slot_and_publication_by_name(
    sample_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARDENT_EMULATOR_STATE_DIR", str(tmp_path))
    name = "ardent_deadbeef_orphan"
    async with connect(sample_url) as conn:
        await conn.execute(f"CREATE PUBLICATION {name}_pub")
        await conn.execute(
            "SELECT pg_create_logical_replication_slot($1, 'pgoutput')", f"{name}_slot"
        )
    lease = _lease(sample_url, name)
    lease.write()
    assert (lease.path.stat().st_mode & 0o777) == 0o600  # it holds the source's password
    assert [found.names for found in orphaned_leases()] == [lease.names]

    assert await reap_orphans() == [f"{name}_slot"]

    assert await replication_objects(sample_url, name) == []
    assert orphaned_leases() == []


async def test_unreachable_sources_keep_their_lease_unless_they_died_with_the_owner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARDENT_EMULATOR_STATE_DIR", str(tmp_path))
    gone = "postgresql://someone:secret-pw@127.0.0.1:1/nowhere"
    kept = _lease(gone, "ardent_cafe_kept")
    dropped = _lease(gone, "ardent_cafe_own_host", dies_with_owner=True)
    kept.write()
    dropped.write()

    assert await reap_orphans(timeout=2) == []

    assert [found.names for found in orphaned_leases()] == [kept.names]
