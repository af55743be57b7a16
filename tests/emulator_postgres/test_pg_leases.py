"""Leases: what a dead owner left on a source is reaped by name, or kept while unreachable."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from ardent_async.emulator.postgres import BranchHost, PostgresUrl, reap_orphans
from ardent_async.emulator.postgres.leases import Lease, orphaned_leases
from ardent_async.emulator.postgres.replication import IdentityChange, ReplicationNames

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


async def test_reap_gives_back_the_replica_identity_it_changed(
    sample_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARDENT_EMULATOR_STATE_DIR", str(tmp_path))
    name = "ardent_deadbeef_identity"
    async with connect(sample_url) as conn:
        await conn.execute(
            "CREATE TABLE public.identity_probe (id int NOT NULL, other int);"
            " CREATE UNIQUE INDEX identity_probe_id ON public.identity_probe (id);"
            " CREATE TABLE public.identity_kept (id int);"
            " ALTER TABLE public.identity_probe REPLICA IDENTITY FULL;"
            " ALTER TABLE public.identity_kept REPLICA IDENTITY FULL"
        )
    lease = dataclasses.replace(
        _lease(sample_url, name),
        restore_identity=(
            IdentityChange("public", "identity_probe", "i", "identity_probe_id"),
            IdentityChange("public", "identity_kept", "n"),
            IdentityChange("public", "identity_gone", "d"),  # dropped since: skipped
        ),
    )
    lease.write()
    try:
        async with connect(sample_url) as conn:  # changed since by someone else: left alone
            await conn.execute("ALTER TABLE public.identity_kept REPLICA IDENTITY DEFAULT")

        assert await reap_orphans() == [f"{name}_slot"]

        async with connect(sample_url) as conn:
            identities = await conn.fetch(
                "SELECT relname::text AS name, relreplident::text AS identity FROM pg_class"
                " WHERE relname IN ('identity_probe', 'identity_kept') ORDER BY 1"
            )
            index = await conn.fetchval(
                "SELECT indexrelid::regclass::text FROM pg_index"
                " WHERE indrelid = 'public.identity_probe'::regclass AND indisreplident"
            )
        assert [tuple(row) for row in identities] == [
            ("identity_kept", "d"),
            ("identity_probe", "i"),
        ]
        assert index == "identity_probe_id"
        assert orphaned_leases() == []
    finally:
        async with connect(sample_url) as conn:
            await conn.execute("DROP TABLE public.identity_probe, public.identity_kept")


async def test_reap_cleans_a_superuser_url_host_the_dead_owner_used(
    pg_host: BranchHost, sample_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What a killed emulator with `--postgres <superuser URL>` leaves on that host: the
    # replica (with its subscription), a branch database, and their roles.
    monkeypatch.setenv("ARDENT_EMULATOR_STATE_DIR", str(tmp_path))
    prefix = "ardent_0dead0_conn_feedfacecafe"
    name = "ardent_deadbeef_hosted"
    async with pg_host.admin_connection() as conn:
        await conn.execute(f"CREATE ROLE {prefix}_owner NOLOGIN")
        await conn.execute(f"CREATE ROLE {prefix}_b_main LOGIN")
        await conn.execute(f"CREATE DATABASE {prefix}_replica OWNER {prefix}_owner")
        await conn.execute(f"CREATE DATABASE {prefix}_b_main OWNER {prefix}_b_main")
        await conn.execute(f"ALTER DATABASE {prefix}_replica IS_TEMPLATE true")
    async with pg_host.admin_connection(f"{prefix}_replica") as conn:
        await conn.execute(
            f"CREATE SUBSCRIPTION {name}_sub CONNECTION 'dbname=nowhere' PUBLICATION {name}_pub"
            f" WITH (connect = false, slot_name = '{name}_slot')"
        )
    host = PostgresUrl.parse(pg_host.admin_url)
    dataclasses.replace(_lease(sample_url, name), host=host, prefix=prefix).write()

    assert await reap_orphans() == [f"{name}_slot"]

    async with pg_host.admin_connection() as conn:
        left = await conn.fetch(
            "SELECT datname AS name FROM pg_database WHERE starts_with(datname, $1)"
            " UNION ALL SELECT rolname FROM pg_roles WHERE starts_with(rolname, $1)"
            " UNION ALL SELECT subname FROM pg_subscription WHERE subname = $2",
            prefix,
            f"{name}_sub",
        )
    assert left == []
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
