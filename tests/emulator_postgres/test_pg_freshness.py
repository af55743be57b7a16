"""A branch holds the source's rows as of its creation: the replica is caught up to the source's
WAL position read at the create, then cloned (real Postgres)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
import pytest_asyncio

from ardent_async.emulator.postgres import (
    SAMPLE_ROW_COUNTS,
    BranchDatabase,
    BranchHost,
    CloneError,
    ConnectorStore,
)

from .pg_helpers import connect, table_digest

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.postgres]

COPIED = [path for path in SAMPLE_ROW_COUNTS if path != "public.audit_events"]


@pytest_asyncio.fixture(loop_scope="session")
async def fresh_url(new_source: Callable[[str], Awaitable[str]]) -> str:
    """A source of the test's own: the tests write to it (dropped when the test ends)."""
    return await new_source("ardent_fresh")


@pytest_asyncio.fixture(loop_scope="session")
async def store(pg_host: BranchHost, fresh_url: str) -> AsyncIterator[ConnectorStore]:
    store = ConnectorStore(pg_host, f"conn-{fresh_url.rsplit('/', 1)[1]}")
    await store.setup(
        source_url=fresh_url, selected_paths=None, decisions={"public.audit_events": "exclude"}
    )
    yield store
    await store.drop()


async def _digests(url: str) -> dict[str, tuple[int, str]]:
    return {path: await table_digest(url, path) for path in COPIED}


async def _replica_databases(host: BranchHost, store: ConnectorStore) -> list[str]:
    async with host.admin_connection() as conn:
        rows = await conn.fetch(
            "SELECT datname FROM pg_database WHERE starts_with(datname, $1)",
            f"{store.prefix}_replica",
        )
    return sorted(row["datname"] for row in rows)


async def _owner_roles(host: BranchHost, store: ConnectorStore) -> list[str]:
    async with host.admin_connection() as conn:
        rows = await conn.fetch(
            "SELECT rolname FROM pg_roles WHERE starts_with(rolname, $1)", f"{store.prefix}_owner"
        )
    return sorted(row["rolname"] for row in rows)


async def test_branch_sees_changes_made_before_its_creation(
    store: ConnectorStore, fresh_url: str
) -> None:
    before = await store.create_branch("before-change")
    original = await _digests(fresh_url)
    assert await _digests(before.url) == original

    async with connect(fresh_url) as conn:
        late_id = await conn.fetchval(
            "INSERT INTO public.customers (email, name, signed_up_at)"
            " VALUES ('late@example.com', 'Late', now()) RETURNING id"
        )
        customers = await conn.fetchval("SELECT count(*) FROM public.customers")
        await conn.execute("UPDATE public.orders SET note = 'changed' WHERE id = 1")
        await conn.execute("DELETE FROM billing.invoices WHERE id = 40")
    changed = await _digests(fresh_url)
    assert changed != original

    after = await store.create_branch("after-change")
    assert await _digests(after.url) == changed
    assert await _digests(before.url) == original  # an older branch is left alone
    async with connect(after.url) as conn:
        assert await conn.fetchval("SELECT count(*) FROM public.customers") == customers
        assert await conn.fetchval("SELECT note FROM public.orders WHERE id = 1") == "changed"
        assert await conn.fetchval("SELECT count(*) FROM billing.invoices WHERE id = 40") == 0
        # Excluded tables stay excluded; the view came along again.
        assert await conn.fetchval("SELECT to_regclass('public.audit_events')") is None
        totals = await conn.fetchval("SELECT count(*) FROM public.customer_order_totals")
        assert totals == customers
        # The branch role owns what the replica holds (and the sequence moved on).
        owners = await conn.fetch(
            "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname IN ('public', 'billing')"
        )
        assert [row["tableowner"] for row in owners] == [after.role]
        new_id = await conn.fetchval(
            "INSERT INTO public.customers (email, name, signed_up_at)"
            " VALUES ('branch@example.com', 'Branch', now()) RETURNING id"
        )
        assert new_id == late_id + 1
    assert store.tables == ("billing.invoices", "public.customers", "public.orders")


async def test_parallel_creates_share_a_round(
    pg_host: BranchHost, store: ConnectorStore, fresh_url: str
) -> None:
    async with connect(fresh_url) as conn:
        await conn.execute(
            "INSERT INTO public.customers (email, name, signed_up_at)"
            " VALUES ('burst@example.com', 'Burst', now())"
        )
    expected = await _digests(fresh_url)
    rounds = store.rounds

    branches: list[BranchDatabase] = list(
        await asyncio.gather(*(store.create_branch(f"burst/{i}") for i in range(10)))
    )

    assert 1 <= store.rounds - rounds <= 2
    for branch in branches:
        assert await _digests(branch.url) == expected, branch
        async with connect(branch.url) as conn:
            assert await conn.fetchval("SELECT to_regclass('public.audit_events')") is None
    assert await _replica_databases(pg_host, store) == [store.replica_database]


async def test_a_vanished_table_fails_the_creates_then_recovers(
    pg_host: BranchHost, new_source: Callable[[str], Awaitable[str]]
) -> None:
    source = await new_source("ardent_fresh_fail")
    store = ConnectorStore(pg_host, "conn-fresh-fail")
    await store.setup(source_url=source, selected_paths=["public.orders"], decisions={})
    try:
        async with connect(source) as conn:
            await conn.execute("ALTER TABLE public.orders RENAME TO orders_gone")
        outcomes = await asyncio.gather(
            *(store.create_branch(f"doomed-{i}") for i in range(3)), return_exceptions=True
        )
        for outcome in outcomes:
            assert isinstance(outcome, CloneError), outcome
            assert "public.orders" in str(outcome)
        assert store.branches == {}
        status = await store.replication_status()  # reported, not raised
        assert status["health"] == "blocked"
        assert "public.orders" in status["error"]

        async with connect(source) as conn:
            await conn.execute("ALTER TABLE public.orders_gone RENAME TO orders")
            await conn.execute("DELETE FROM public.orders WHERE id > 50")
        branch = await store.create_branch("doomed-0")  # the name is free again
        assert (await table_digest(branch.url, "public.orders"))[0] == 50
    finally:
        await store.drop()
    assert await _replica_databases(pg_host, store) == []


async def test_drop_removes_the_replica(pg_host: BranchHost, fresh_url: str) -> None:
    store = ConnectorStore(pg_host, "conn-fresh-drop")
    await store.setup(source_url=fresh_url, selected_paths=["billing"], decisions={})
    assert await _replica_databases(pg_host, store) == [store.replica_database]
    await asyncio.gather(*(store.create_branch(f"g{i}") for i in range(3)))
    await store.create_branch("later")
    assert store.rounds >= 2

    await store.drop()

    assert await _replica_databases(pg_host, store) == []
    assert await _owner_roles(pg_host, store) == []
    async with pg_host.admin_connection() as conn:
        left = await conn.fetchval(
            "SELECT count(*) FROM pg_database WHERE starts_with(datname, $1)", store.prefix
        )
    assert left == 0
    with pytest.raises(CloneError):
        await store.create_branch("too-late")


async def test_drop_during_a_round_fails_the_create_and_cleans_up(
    pg_host: BranchHost, fresh_url: str
) -> None:
    store = ConnectorStore(pg_host, "conn-fresh-race")
    await store.setup(source_url=fresh_url, selected_paths=["public.customers"], decisions={})
    create = asyncio.ensure_future(store.create_branch("racing"))
    for _ in range(3):  # let the create start its round (no waiting on time)
        await asyncio.sleep(0)
    assert store.rounds == 1

    await store.drop()

    with pytest.raises(CloneError):
        await create
    assert await _replica_databases(pg_host, store) == []
    assert await _owner_roles(pg_host, store) == []
