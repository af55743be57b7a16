"""Replicas and branches (ConnectorStore) on a real embedded Postgres.

The module's ``branches`` are only read; every test that writes into a branch or drops one
creates its own, so the tests pass in any order."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import pytest
import pytest_asyncio

from ardent_async.emulator.postgres import (
    SAMPLE_ROW_COUNTS,
    BranchDatabase,
    BranchExistsError,
    BranchHost,
    CloneError,
    ConnectorStore,
    PostgresUrl,
)

from .pg_helpers import connect, replication_objects, sqlstate_of, table_digest

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.postgres]

BRANCH_COUNT = 10
COPIED = [path for path in SAMPLE_ROW_COUNTS if path != "public.audit_events"]


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def store(pg_host: BranchHost, sample_url: str) -> AsyncIterator[ConnectorStore]:
    store = ConnectorStore(pg_host, "conn-main")
    await store.setup(
        source_url=sample_url,
        selected_paths=None,
        decisions={"public.audit_events": "exclude"},
    )
    yield store
    await store.drop()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def branches(store: ConnectorStore) -> list[BranchDatabase]:
    names = [f"feature/{i}" for i in range(BRANCH_COUNT)]
    return list(await asyncio.gather(*(store.create_branch(name) for name in names)))


async def _own_branch(store: ConnectorStore, name: str) -> BranchDatabase:
    """A branch of the calling test's own (re-created if an earlier run of it left one)."""
    await store.drop_branch(name)
    return await store.create_branch(name)


async def _objects_with_prefix(host: BranchHost, prefix: str) -> list[str]:
    async with host.admin_connection() as conn:
        rows = await conn.fetch(
            "SELECT datname AS name FROM pg_database WHERE starts_with(datname, $1)"
            " UNION ALL SELECT rolname FROM pg_roles WHERE starts_with(rolname, $1)",
            prefix,
        )
    return sorted(row["name"] for row in rows)


async def test_parallel_branches_are_distinct(
    store: ConnectorStore, branches: list[BranchDatabase]
) -> None:
    assert len({b.database for b in branches}) == BRANCH_COUNT
    assert len({b.role for b in branches}) == BRANCH_COUNT
    assert len({b.password for b in branches}) == BRANCH_COUNT
    assert {b.branch_name for b in branches} <= set(store.branches)  # other tests add their own
    assert store.tables == ("billing.invoices", "public.customers", "public.orders")
    for branch in branches:
        assert branch.url == (
            f"postgresql://{branch.role}:{branch.password}@127.0.0.1:{branch.port}/{branch.database}"
        )
        assert len(branch.database) <= 63


async def test_each_branch_holds_the_source_rows(
    sample_url: str, branches: list[BranchDatabase]
) -> None:
    expected = {path: await table_digest(sample_url, path) for path in COPIED}
    for path in COPIED:
        assert expected[path][0] == SAMPLE_ROW_COUNTS[path]
    for branch in branches:
        for path in COPIED:
            assert await table_digest(branch.url, path) == expected[path], (branch, path)


async def test_excluded_table_is_absent(branches: list[BranchDatabase]) -> None:
    async with connect(branches[0].url) as conn:
        assert await conn.fetchval("SELECT to_regclass('public.audit_events')") is None
        # The view depends only on copied tables, so it came along.
        assert await conn.fetchval("SELECT count(*) FROM public.customer_order_totals") == 25


async def test_branch_role_owns_and_can_write(store: ConnectorStore) -> None:
    branch = await _own_branch(store, "writer/owns")
    async with connect(branch.url) as conn:
        owners = await conn.fetch(
            "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname IN ('public', 'billing')"
        )
        assert [row["tableowner"] for row in owners] == [branch.role]
        new_id = await conn.fetchval(
            "INSERT INTO public.orders (customer_id, placed_on, total, external_ref)"
            " VALUES (1, '2025-01-01', 9.99, gen_random_uuid()) RETURNING id"
        )
        assert new_id == SAMPLE_ROW_COUNTS["public.orders"] + 1  # sequence state was copied
        await conn.execute("ALTER TABLE billing.invoices ADD COLUMN reviewed boolean")
        await conn.execute("CREATE TABLE public.scratch (x int)")


async def test_writes_stay_in_their_branch(sample_url: str, store: ConnectorStore) -> None:
    writer = await _own_branch(store, "writer/a")
    other = await _own_branch(store, "writer/b")
    before_source = await table_digest(sample_url, "public.customers")
    before_other = await table_digest(other.url, "public.customers")
    async with connect(writer.url) as conn:
        await conn.execute(
            "INSERT INTO public.customers (email, name, signed_up_at)"
            " VALUES ('new@example.com', 'New', now())"
        )
        await conn.execute("DELETE FROM billing.invoices")
    assert (await table_digest(writer.url, "public.customers"))[0] == 26
    assert await table_digest(sample_url, "public.customers") == before_source
    assert await table_digest(other.url, "public.customers") == before_other
    assert (await table_digest(other.url, "billing.invoices"))[0] == 40
    assert (await table_digest(sample_url, "billing.invoices"))[0] == 40


async def test_branch_credentials_only_open_their_own_database(
    pg_host: BranchHost, sample_url: str, branches: list[BranchDatabase], store: ConnectorStore
) -> None:
    mine, theirs = branches[4], branches[5]
    own = PostgresUrl.parse(mine.url)
    elsewhere = [theirs.database, "ardent_sample", "postgres", store.replica_database]
    for database in elsewhere:
        with pytest.raises((asyncpg.PostgresError, OSError)) as info:
            async with connect(own.with_database(database).to_url()):
                pass
        assert sqlstate_of(info.value) in ("42501", "55000"), database  # no privilege / closed
    with pytest.raises(asyncpg.InvalidPasswordError):
        async with connect(own.with_credentials(mine.role, theirs.password).to_url()):
            pass
    source = PostgresUrl.parse(sample_url)  # the source's credentials can't open branches
    with pytest.raises(asyncpg.PostgresError) as info:
        async with connect(source.with_database(mine.database).to_url()):
            pass
    assert sqlstate_of(info.value) == "42501"


async def test_lone_branches_take_the_owner_role_and_the_replica_gets_a_new_one(
    pg_host: BranchHost, store: ConnectorStore
) -> None:
    """A branch created alone takes over the replica's owner role (no REASSIGN on it); the
    round then gives the replica's objects to a new owner role. Ownership and isolation are
    those of any branch, a drop racing that hand-over included."""
    first = await _own_branch(store, "lone/a")
    second = await _own_branch(store, "lone/b")
    raced = await _own_branch(store, "lone/raced")
    await store.drop_branch(raced.branch_name)  # before its round has moved the objects on
    third = await _own_branch(store, "lone/c")
    await store.replication_status()  # runs once the last round has ended
    for branch in (first, second, third):
        async with connect(branch.url) as conn:
            owners = await conn.fetch(
                "SELECT DISTINCT tableowner FROM pg_tables"
                " WHERE schemaname IN ('public', 'billing')"
            )
            assert [row["tableowner"] for row in owners] == [branch.role]
            await conn.execute("CREATE TABLE public.lone_scratch (x int)")
    async with pg_host.admin_connection(store.replica_database) as conn:
        owners = await conn.fetch(
            "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname IN ('public', 'billing')"
        )
        assert [row["tableowner"] for row in owners] == [store.owner_role]
        databases = await conn.fetch(
            "SELECT datname, pg_get_userbyid(datdba) AS owner FROM pg_database"
            " WHERE datname = ANY($1::text[])",
            [first.database, second.database, third.database, store.replica_database],
        )
        roles = await conn.fetch(
            "SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname = ANY($1::text[])",
            [store.owner_role, raced.role],
        )
    by_database = {row["datname"]: row["owner"] for row in databases}
    assert by_database[store.replica_database] == pg_host.admin_role
    assert [by_database[b.database] for b in (first, second, third)] == [
        first.role,
        second.role,
        third.role,
    ]
    assert [(row["rolname"], row["rolcanlogin"]) for row in roles] == [(store.owner_role, False)]
    own = PostgresUrl.parse(first.url)
    for database in (second.database, store.replica_database):
        with pytest.raises(asyncpg.PostgresError) as info:
            async with connect(own.with_database(database).to_url()):
                pass
        assert sqlstate_of(info.value) == "42501", database


async def test_a_lone_branch_that_fails_gives_the_owner_role_back(
    pg_host: BranchHost, store: ConnectorStore
) -> None:
    """Its clone fails (a database of its name is in the way): the role it took over is the
    replica's NOLOGIN owner again, and the next branch is whole."""
    blocker = store.branch_identifier("lone/blocked")
    async with pg_host.admin_connection() as conn:
        await conn.execute(f'DROP DATABASE IF EXISTS "{blocker}"')
        await conn.execute(f'CREATE DATABASE "{blocker}"')
    try:
        with pytest.raises(CloneError, match="lone/blocked"):
            await store.create_branch("lone/blocked")
    finally:
        async with pg_host.admin_connection() as conn:
            await conn.execute(f'DROP DATABASE IF EXISTS "{blocker}"')
    async with pg_host.admin_connection() as conn:
        roles = await conn.fetch(
            "SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname = ANY($1::text[])",
            [store.owner_role, blocker],
        )
    assert [(row["rolname"], row["rolcanlogin"]) for row in roles] == [(store.owner_role, False)]
    after = await _own_branch(store, "lone/after")
    async with connect(after.url) as conn:
        owners = await conn.fetch(
            "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname IN ('public', 'billing')"
        )
    assert [row["tableowner"] for row in owners] == [after.role]


async def test_duplicate_branch_name_is_refused(
    store: ConnectorStore, branches: list[BranchDatabase]
) -> None:
    with pytest.raises(BranchExistsError):
        await store.create_branch(branches[0].branch_name)


async def test_secrets_stay_out_of_reprs(
    pg_host: BranchHost, store: ConnectorStore, branches: list[BranchDatabase]
) -> None:
    branch = branches[6]
    assert branch.password not in repr(branch)
    assert branch.password not in str(branch)
    assert branch.password not in branch.masked_url
    assert branch.password not in repr(branch.dsn)
    assert branch.password not in str(branch.dsn)
    admin_password = PostgresUrl.parse(pg_host.admin_url).password
    assert admin_password not in repr(pg_host)
    assert admin_password not in repr(store)


async def test_drop_branch_removes_database_and_role(
    pg_host: BranchHost, store: ConnectorStore
) -> None:
    victim = await _own_branch(store, "victim")
    await store.drop_branch(victim.branch_name)
    assert await _objects_with_prefix(pg_host, victim.database) == []
    assert victim.branch_name not in store.branches
    await store.drop_branch(victim.branch_name)  # idempotent
    recreated = await store.create_branch(victim.branch_name)
    assert recreated.password != victim.password
    assert (await table_digest(recreated.url, "public.orders"))[0] == 60


async def test_decisions_selection_and_fk_pruning(pg_host: BranchHost) -> None:
    source = await pg_host.create_sample_source("ardent_clone_selection")
    store = ConnectorStore(pg_host, "conn-decisions")
    await store.setup(
        source_url=source,
        selected_paths=["public.customers", "public.audit_events", "billing"],
        decisions={"public.audit_events": "replica_identity_full", "public.orders": "exclude"},
    )
    try:
        assert store.tables == ("billing.invoices", "public.audit_events", "public.customers")
        branch = await store.create_branch("main")
        async with connect(branch.url) as conn:
            assert await conn.fetchval("SELECT to_regclass('public.orders')") is None
            assert await conn.fetchval("SELECT to_regclass('public.customer_order_totals')") is None
            # invoices' FK to the uncopied orders table was dropped; the rows are all there.
            fks = await conn.fetchval(
                "SELECT count(*) FROM pg_constraint"
                " WHERE conrelid = 'billing.invoices'::regclass AND contype = 'f'"
            )
            assert fks == 0
            assert await conn.fetchval("SELECT count(*) FROM billing.invoices") == 40
            # Nothing invented: the table without a primary key has exactly the source's columns.
            columns = await conn.fetch(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_schema = 'public' AND table_name = 'audit_events'"
                " ORDER BY ordinal_position"
            )
        async with connect(source) as conn:
            expected = await conn.fetch(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_schema = 'public' AND table_name = 'audit_events'"
                " ORDER BY ordinal_position"
            )
        assert [r["column_name"] for r in columns] == [r["column_name"] for r in expected]
    finally:
        await store.drop()


async def test_replica_identity_full_decision(pg_host: BranchHost) -> None:
    source = await pg_host.create_sample_source("ardent_clone_rif")
    store = ConnectorStore(pg_host, "conn-rif")
    await store.setup(
        source_url=source,
        selected_paths=["public.audit_events"],
        decisions={"public.audit_events": "replica_identity_full"},
    )
    try:
        identity_sql = (
            "SELECT relreplident::text FROM pg_class WHERE oid = 'public.audit_events'::regclass"
        )
        async with connect(source) as conn:
            assert await conn.fetchval(identity_sql) == "f"  # set on the source, where it acts
        branch = await store.create_branch("main")
        async with connect(branch.url) as conn:
            assert await conn.fetchval(identity_sql) == "f"
            tables = await conn.fetch(
                "SELECT schemaname || '.' || tablename AS path FROM pg_tables"
                " WHERE schemaname IN ('public', 'billing')"
            )
            assert [row["path"] for row in tables] == ["public.audit_events"]
    finally:
        await store.drop()


async def test_drop_removes_everything(pg_host: BranchHost, sample_url: str) -> None:
    store = ConnectorStore(pg_host, "conn-drop")
    await store.setup(
        source_url=sample_url,
        selected_paths=["public"],
        decisions={"public.audit_events": "exclude"},
    )
    await asyncio.gather(*(store.create_branch(f"b{i}") for i in range(3)))
    assert len(await _objects_with_prefix(pg_host, store.prefix)) == 3 * 2 + 2

    assert len(await replication_objects(sample_url, store.prefix)) == 2  # slot, publication

    await store.drop()

    assert await _objects_with_prefix(pg_host, store.prefix) == []
    assert await replication_objects(sample_url, store.prefix) == []
    await store.drop()  # idempotent
    with pytest.raises(CloneError):
        await store.create_branch("late")


async def test_bad_setup_leaves_nothing_behind(pg_host: BranchHost, sample_url: str) -> None:
    store = ConnectorStore(pg_host, "conn-bad")
    with pytest.raises(CloneError, match="no schema or table 'nope'"):
        await store.setup(source_url=sample_url, selected_paths=["nope"], decisions={})
    with pytest.raises(ValueError, match="unknown decision"):
        await store.setup(source_url=sample_url, selected_paths=None, decisions={"a.b": "keep"})
    source = PostgresUrl.parse(sample_url)
    wrong = source.with_credentials(source.user, "Wr0ng-Secret-Value").to_url()
    with pytest.raises(CloneError) as info:
        await store.setup(source_url=wrong, selected_paths=None, decisions={})
    assert "Wr0ng-Secret-Value" not in str(info.value)
    assert await _objects_with_prefix(pg_host, store.prefix) == []
    assert await replication_objects(sample_url, store.prefix) == []
    # A failed setup can be retried.
    await store.setup(source_url=sample_url, selected_paths=["billing"], decisions={})
    await store.drop()
