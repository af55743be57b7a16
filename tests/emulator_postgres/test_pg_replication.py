"""Logical replication from the source into the replica (real Postgres): decisions, sequences,
schema changes, health, and nothing of ours left on the source."""

from __future__ import annotations

import asyncio

import pytest

from ardent_async.emulator.postgres import (
    BranchHost,
    CloneError,
    ConnectorStore,
    preflight,
)

from .pg_helpers import connect, replication_objects, table_digest

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.postgres]

COLUMNS_SQL = (
    "SELECT table_schema || '.' || table_name AS tab, column_name, data_type, is_nullable,"
    " column_default FROM information_schema.columns"
    " WHERE table_schema IN ('public', 'billing') ORDER BY 1, ordinal_position"
)


async def _schema(url: str, without: tuple[str, ...] = ()) -> list[tuple[object, ...]]:
    async with connect(url) as conn:
        rows = await conn.fetch(COLUMNS_SQL)
    return [tuple(row) for row in rows if row["tab"] not in without]


async def test_writes_after_setup_reach_later_branches_only(pg_host: BranchHost) -> None:
    source = await pg_host.create_sample_source("ardent_repl_rows")
    store = ConnectorStore(pg_host, "conn-repl-rows")
    await store.setup(
        source_url=source,
        selected_paths=None,
        decisions={"public.audit_events": "replica_identity_full"},
    )
    try:
        before = await store.create_branch("before")
        async with connect(source) as conn:
            await conn.execute(
                "INSERT INTO public.customers (email, name, signed_up_at)"
                " VALUES ('new@example.com', 'New', now())"
            )
            await conn.execute("UPDATE public.orders SET note = 'updated' WHERE id <= 3")
            await conn.execute("DELETE FROM billing.invoices WHERE id > 35")
            # No primary key, REPLICA IDENTITY FULL: its UPDATEs and DELETEs replicate too.
            await conn.execute(
                "UPDATE public.audit_events SET actor = 'renamed' WHERE actor = 'user1'"
            )
            await conn.execute("DELETE FROM public.audit_events WHERE actor = 'user2'")
        after = await store.create_branch("after")
        for path in (
            "public.customers",
            "public.orders",
            "billing.invoices",
            "public.audit_events",
        ):
            assert await table_digest(after.url, path) == await table_digest(source, path), path
        async with connect(after.url) as conn:
            assert await conn.fetchval("SELECT count(*) FROM billing.invoices") == 35
            assert (
                await conn.fetchval(
                    "SELECT count(*) FROM public.audit_events WHERE actor = 'renamed'"
                )
                > 0
            )
        async with connect(before.url) as conn:
            assert await conn.fetchval("SELECT count(*) FROM public.customers") == 25
            assert await conn.fetchval("SELECT count(*) FROM billing.invoices") == 40
            assert (
                await conn.fetchval(
                    "SELECT count(*) FROM public.audit_events WHERE actor = 'renamed'"
                )
                == 0
            )
        assert await _schema(after.url) == await _schema(source)
    finally:
        await store.drop()


async def test_setup_returns_once_the_initial_copy_is_in_the_replica(
    pg_host: BranchHost,
) -> None:
    # Big enough that its initial copy outlasts a setup that does not wait for it (the copy
    # state lives in the replica database's pg_subscription_rel, not the maintenance one's).
    source = await pg_host.create_sample_source("ardent_repl_copy")
    async with connect(source) as conn:
        await conn.execute(
            "CREATE TABLE public.bulk (id int PRIMARY KEY, body text NOT NULL);"
            " INSERT INTO public.bulk SELECT g, repeat('x', 200) FROM generate_series(1, 200000) g"
        )
    store = ConnectorStore(pg_host, "conn-repl-copy")
    await store.setup(
        source_url=source,
        selected_paths=None,
        decisions={"public.audit_events": "replica_identity_full"},
    )
    try:
        async with pg_host.admin_connection(store.replica_database) as conn:
            assert await conn.fetchval("SELECT count(*) FROM public.bulk") == 200000
            states = await conn.fetch("SELECT srsubstate::text AS s FROM pg_subscription_rel")
        assert states
        assert {row["s"] for row in states} <= {"r", "s"}, states
        status = await store.replication_status()
        assert (status["health"], status["tables_syncing"]) == ("streaming", 0), status
    finally:
        await store.drop()


async def test_sequences_continue_after_the_source(pg_host: BranchHost) -> None:
    source = await pg_host.create_sample_source("ardent_repl_seq")
    store = ConnectorStore(pg_host, "conn-repl-seq")
    await store.setup(
        source_url=source, selected_paths=["public.customers", "public.orders"], decisions={}
    )
    try:
        async with connect(source) as conn:
            await conn.execute(
                "INSERT INTO public.customers (email, name, signed_up_at)"
                " SELECT format('bulk%s@example.com', i), 'Bulk', now()"
                " FROM generate_series(1, 1000) AS i"
            )
            top = await conn.fetchval("SELECT max(id) FROM public.customers")
        branch = await store.create_branch("after-bulk")
        async with connect(branch.url) as conn:
            assert await conn.fetchval("SELECT count(*) FROM public.customers") == 1025
            new_id = await conn.fetchval(
                "INSERT INTO public.customers (email, name, signed_up_at)"
                " VALUES ('branch@example.com', 'Branch', now()) RETURNING id"
            )
            assert new_id > top
            order_id = await conn.fetchval(
                "INSERT INTO public.orders (customer_id, placed_on, total, external_ref)"
                " VALUES (1, '2025-01-01', 1, gen_random_uuid()) RETURNING id"
            )
            assert order_id == 61
    finally:
        await store.drop()


async def test_schema_changes_on_the_source_reach_the_next_branch(pg_host: BranchHost) -> None:
    source = await pg_host.create_sample_source("ardent_repl_ddl")
    store = ConnectorStore(pg_host, "conn-repl-ddl")
    await store.setup(
        source_url=source, selected_paths=["public"], decisions={"public.audit_events": "exclude"}
    )
    try:
        async with connect(source) as conn:
            await conn.execute("ALTER TABLE public.orders ADD COLUMN priority int DEFAULT 3")
            # A change the replica could not apply before the column exists there.
            await conn.execute("UPDATE public.orders SET priority = 9 WHERE id <= 5")
            await conn.execute(
                "INSERT INTO public.orders (customer_id, placed_on, total, external_ref, priority)"
                " VALUES (1, '2025-02-02', 2, gen_random_uuid(), 7)"
            )
            await conn.execute(
                "CREATE TABLE public.coupons (code text PRIMARY KEY, percent int NOT NULL)"
            )
            await conn.execute("INSERT INTO public.coupons VALUES ('TEN', 10), ('TWENTY', 20)")
            await conn.execute("CREATE TABLE public.scratch_log (line text)")  # no key: held
        branch = await store.create_branch("after-ddl")
        async with connect(branch.url) as conn:
            priorities = await conn.fetch(
                "SELECT priority, count(*) AS n FROM public.orders GROUP BY 1 ORDER BY 1"
            )
            assert [(r["priority"], r["n"]) for r in priorities] == [(3, 55), (7, 1), (9, 5)]
            assert await conn.fetchval("SELECT sum(percent) FROM public.coupons") == 30
            assert await conn.fetchval("SELECT to_regclass('public.scratch_log')") is None
        held = ("public.audit_events", "public.scratch_log", "billing.invoices")
        assert await _schema(branch.url) == await _schema(source, without=held)
        assert "public.coupons" in store.tables
        status = await store.replication_status()
        assert status["health"] == "streaming", status
        assert status["tables_needing_decision"] == ["public.scratch_log"]
        changes = [line for change in status["schema_changes"] for line in change["changes"]]
        assert "columns changed on public.orders" in changes
        assert "table added: public.coupons" in changes
        # Rows written to the new table after it joined replicate like any other.
        async with connect(source) as conn:
            await conn.execute("INSERT INTO public.coupons VALUES ('FIVE', 5)")
        later = await store.create_branch("later")
        assert await table_digest(later.url, "public.coupons") == await table_digest(
            source, "public.coupons"
        )
    finally:
        await store.drop()


async def test_add_pk_blocks_setup_until_the_source_has_a_key(pg_host: BranchHost) -> None:
    source = await pg_host.create_sample_source("ardent_repl_addpk")
    store = ConnectorStore(pg_host, "conn-repl-addpk")
    decisions = {"public.audit_events": "add_pk"}
    with pytest.raises(CloneError, match=r"add_pk.*public\.audit_events"):
        await store.setup(source_url=source, selected_paths=None, decisions=decisions)
    assert await replication_objects(source, store.prefix) == []

    async with connect(source) as conn:
        await conn.execute(
            "ALTER TABLE public.audit_events ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY"
            " PRIMARY KEY"
        )
    await store.setup(source_url=source, selected_paths=None, decisions=decisions)
    try:
        branch = await store.create_branch("main")
        assert await _schema(branch.url) == await _schema(source)
        async with connect(source) as conn:
            await conn.execute("UPDATE public.audit_events SET actor = 'x' WHERE id = 1")
        later = await store.create_branch("later")
        assert await table_digest(later.url, "public.audit_events") == await table_digest(
            source, "public.audit_events"
        )
    finally:
        await store.drop()


async def test_two_connectors_on_one_source_use_two_slots(pg_host: BranchHost) -> None:
    source = await pg_host.create_sample_source("ardent_repl_two")
    before = await preflight(source, selected_schemas=None, already_connected=False)
    first = ConnectorStore(pg_host, "conn-repl-two-a")
    second = ConnectorStore(pg_host, "conn-repl-two-b")
    decisions = {"public.audit_events": "exclude"}
    await asyncio.gather(
        first.setup(source_url=source, selected_paths=None, decisions=decisions),
        second.setup(source_url=source, selected_paths=["billing"], decisions={}),
    )
    try:
        assert first.names.slot != second.names.slot
        ours = await replication_objects(source, first.prefix)
        ours += await replication_objects(source, second.prefix)
        assert sorted(ours) == sorted(
            [f"slot:{store.names.slot}" for store in (first, second)]
            + [f"publication:{store.names.publication}" for store in (first, second)]
        )
        after = await preflight(source, selected_schemas=None, already_connected=False)
        used = (
            after.checks["replication_slots"]["used"] - before.checks["replication_slots"]["used"]
        )
        assert used == 2
        status = await first.replication_status()
        assert status["slot_exists"] is True
        assert isinstance(status["slot_lag_bytes"], int)
        assert status["last_applied_lsn"]
    finally:
        await asyncio.gather(first.drop(), second.drop())
    assert await replication_objects(source, first.prefix) == []
    assert await replication_objects(source, second.prefix) == []


async def test_a_role_without_replication_fails_setup_and_leaves_nothing(
    pg_host: BranchHost,
) -> None:
    source = await pg_host.create_sample_source("ardent_repl_norep")
    async with connect(source) as conn:
        role = await conn.fetchval("SELECT current_user")
    async with pg_host.admin_connection() as conn:
        await conn.execute(f'ALTER ROLE "{role}" NOREPLICATION')
    store = ConnectorStore(pg_host, "conn-repl-norep")
    try:
        with pytest.raises(CloneError, match="replication_privilege"):
            await store.setup(source_url=source, selected_paths=["billing"], decisions={})
        assert await replication_objects(source, store.prefix) == []
        async with pg_host.admin_connection() as conn:
            left = await conn.fetchval(
                "SELECT count(*) FROM pg_database WHERE starts_with(datname, $1)", store.prefix
            )
        assert left == 0
    finally:
        async with pg_host.admin_connection() as conn:
            await conn.execute(f'ALTER ROLE "{role}" REPLICATION')
