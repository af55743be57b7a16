"""Per-connector replica of a source (kept current by logical replication), and branch
databases cloned from it.

Layout, for one :class:`ConnectorStore` (names derived, never user text)::

    source:  <prefix>_pub   publication FOR TABLE the replicated tables
             <prefix>_slot  pgoutput logical replication slot
    host:    <prefix>_owner   NOLOGIN role owning the replica's objects
             <prefix>_replica replica database (no PUBLIC access), written only by
                              <prefix>_sub, the subscription streaming from the slot
             <prefix>_b_<..>  one database per branch, owned by a LOGIN role of the same name
                              whose random password is known only to the returned BranchDatabase

Setup: the source's schema (the selection, minus tables decided ``exclude``) is restored into
the replica without rows; tables decided ``replica_identity_full`` get ``REPLICA IDENTITY FULL``
on the source; tables decided ``add_pk`` must have a primary key or a replica identity index on
the source (nothing is invented: until they do, setup fails naming them); then the publication,
slot and subscription are created and setup waits for the initial copy and catch-up.

Branch creates run in rounds (one at a time; a round serves every create waiting when it
starts): read the source's WAL position, bring the replica's schema to the source's (see
``schema_sync``), read the source's sequence values; wait until the subscriber has applied that
position (meanwhile: create the branch roles, set the sequences on the replica); pause the
subscription, ``CREATE DATABASE ... TEMPLATE`` the replica for each branch (a file copy, see
``BranchHost.clone_database``), resume, and ``REASSIGN OWNED`` to each branch role. So a branch
holds the source as of its creation, and its cost is a file copy of the replica, not a dump.
A branch created alone (the common case: one create at a time) skips the ``REASSIGN`` and its
new connection: the owner role itself becomes its role (renamed, given a login and password)
before the clone, so the clone's objects are its own as copied; once the branch is handed out
and the subscription runs again, a new owner role takes the replica's objects over (in the
replica, one transaction: the branch's database, which ``REASSIGN`` moves too, is given back).
The connections to the source and to the replica are kept between rounds (a new one costs
~10 ms); the one to the replica is closed while the replica is cloned.

Every slot and publication is recorded in a lease (``leases``) before it is created, so one
left by a crash is dropped at the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

from ..checks import ADD_PK, DECISIONS, EXCLUDE, REPLICA_IDENTITY_FULL
from . import catalog, pgconn, replication
from .binaries import ToolError
from .credentials import new_password, scram_sha256_verifier
from .dsn import PostgresUrl
from .dump import CopyPlan, CopyPlanError, copy_into, copy_table_schemas, plan_copy
from .host import EMPTY_DATABASE_BYTES, BranchHost
from .idents import derive_name, quote_ident, quote_literal, quote_qualified
from .leases import Lease
from .replication import ReplicationError, ReplicationNames
from .schema_sync import Drift, Table, apply_sequences, detect, sequence_values, source_shape

DEFAULT_MAX_PARALLEL_CREATES = 8
SETUP_TIMEOUT = 600.0
_REENABLE_ATTEMPTS = 3


class CloneError(RuntimeError):
    """Setting up the replica or a branch failed (message is password-free)."""


class BranchExistsError(CloneError):
    """A branch of that name exists (or is being created) in this store."""


@dataclasses.dataclass(frozen=True)
class BranchDatabase:
    """Where a branch lives and how to log in; ``repr`` hides the password."""

    branch_name: str
    database: str
    role: str
    password: str = dataclasses.field(repr=False)
    host: str
    port: int

    @property
    def dsn(self) -> PostgresUrl:
        return PostgresUrl(self.role, self.password, self.host, self.port, self.database)

    @property
    def url(self) -> str:
        """``postgresql://role:password@host:port/database`` (contains the password)."""
        return self.dsn.to_url()

    @property
    def masked_url(self) -> str:
        return self.dsn.masked()


_Waiter = tuple[str, "asyncio.Future[BranchDatabase]"]


class ConnectorStore:
    """The replica and branches of one connector on a :class:`BranchHost`.

    Lifecycle: :meth:`setup` (again after a failure), then :meth:`create_branch` /
    :meth:`drop_branch` any number of times (concurrently if you like), :meth:`drop` at the end
    (also run by ``BranchHost.close()`` for an external host).
    """

    def __init__(
        self,
        host: BranchHost,
        connector_id: str,
        *,
        max_parallel_creates: int = DEFAULT_MAX_PARALLEL_CREATES,
    ) -> None:
        self.host = host
        self.connector_id = connector_id
        self.prefix = derive_name(host.namespace, connector_id, slug_length=12)
        self.replica_database = f"{self.prefix}_replica"
        self.owner_role = f"{self.prefix}_owner"
        """NOLOGIN role owning the replica's objects."""
        self.names = ReplicationNames(
            publication=f"{self.prefix}_pub",
            slot=f"{self.prefix}_slot",
            subscription=f"{self.prefix}_sub",
        )
        self._branch_prefix = f"{self.prefix}_b"
        self._creates = asyncio.Semaphore(max_parallel_creates)
        self._branches: dict[str, BranchDatabase] = {}
        self._pending: set[str] = set()
        self._state = "new"  # new -> setting_up -> ready -> dropped
        self._source: PostgresUrl | None = None
        self._source_conn: pgconn.Connection | None = None
        self._replica_conn: pgconn.Connection | None = None
        self._lease: Lease | None = None
        self._subscription_oid: int | None = None
        self.replica_tablespace: str | None = None
        """The tablespace in memory if the replica (a small one) lives there, else ``None``."""
        self._replica_bytes = 0
        self._tables: list[Table] = []
        self._whole_schemas: tuple[str, ...] = ()
        self._schemas: tuple[str, ...] = ()
        self._excluded: frozenset[str] = frozenset()
        self._queue: list[_Waiter] = []
        self._rounds: asyncio.Task[None] | None = None
        self._replica_lock = asyncio.Lock()  # rounds and status checks, one at a time
        self._paused = False
        self._heir: str | None = None
        """The branch role that took over the owner role (a single-branch round) while the
        replica's objects are not yet handed to a new owner role (see ``_restore_owner``)."""
        self._restoring: asyncio.Future[None] | None = None
        self._blocked: tuple[str, ...] = ()
        self._source_shape: object = None
        self.schema_changes: list[dict[str, Any]] = []
        """Schema changes found on the source and applied to the replica (latest last)."""
        self.rounds = 0
        """Number of clone rounds run (one serves every create waiting when it starts)."""
        self.last_round: dict[str, float] = {}
        """Seconds spent per phase of the latest round (``read_source``, ``catch_up``,
        ``sequences``, ``pause``, ``clone``, ``finish``, ``resume``, ``total``), filled in as
        it runs: ``clone`` (the ``CREATE DATABASE``) is there before any branch is handed out."""

    def __repr__(self) -> str:
        return (
            f"ConnectorStore(connector_id={self.connector_id!r}, state={self._state},"
            f" branches={len(self._branches)})"
        )

    @property
    def is_ready(self) -> bool:
        return self._state == "ready"

    @property
    def tables(self) -> tuple[str, ...]:
        """``schema.table`` paths replicated (after :meth:`setup`), sorted."""
        return tuple(sorted(f"{schema}.{name}" for schema, name in self._tables))

    @property
    def branches(self) -> dict[str, BranchDatabase]:
        return dict(self._branches)

    def branch_identifier(self, branch_name: str) -> str:
        """Database name (= role name) used for *branch_name*."""
        return derive_name(self._branch_prefix, branch_name, slug_length=8)

    def _scrub(self, text: str) -> str:
        if self._source is not None:
            text = self._source.scrub(text)
        return self.host.admin_dsn().scrub(text)

    # -- setup -------------------------------------------------------------------------------

    async def setup(
        self,
        *,
        source_url: str,
        selected_paths: Sequence[str] | None,
        decisions: Mapping[str, str],
    ) -> None:
        """Replicate the source into the replica database and wait until it has caught up.

        *selected_paths*: ``"schema"`` or ``"schema.table"`` entries (``None``: all user
        schemas). *decisions*: ``{"schema.table": "exclude" | "add_pk" |
        "replica_identity_full"}`` as the API defines them (see the module docstring). A table
        without a primary key or replica identity needs ``exclude`` or
        ``replica_identity_full``; otherwise setup fails naming it (publishing it would make
        UPDATE and DELETE fail on the source). A failed setup leaves nothing behind and may be
        retried.
        """
        unknown = sorted({value for value in decisions.values() if value not in DECISIONS})
        if unknown:
            raise ValueError(f"unknown decision(s) {unknown}; expected one of {list(DECISIONS)}")
        if self._state != "new":
            raise CloneError(f"connector store is {self._state}; setup runs once")
        source = PostgresUrl.parse(source_url)
        self.host.claim_prefix(self.prefix)
        self._state = "setting_up"
        self._source = source
        try:
            plan = await self._plan_copy(source, selected_paths, decisions)
            full = await self._check_identities(source, plan, decisions)
            self.host.add_cleanup(self.drop)
            await self._build(source, plan, full)
        except BaseException:
            self.host.remove_cleanup(self.drop)
            await asyncio.shield(self._teardown())
            self.host.release_prefix(self.prefix)
            self._state = "new"
            raise
        self._tables = list(plan.tables)
        self._schemas = plan.schemas
        selected = list(plan.schemas) if selected_paths is None else list(selected_paths)
        self._whole_schemas = tuple(path for path in selected if "." not in path)
        self._excluded = frozenset(path for path, value in decisions.items() if value == EXCLUDE)
        try:
            async with pgconn.connection(source) as conn:
                self._source_shape = await source_shape(conn, self._tables, self._whole_schemas)
        except (OSError, asyncio.TimeoutError, pgconn.PostgresError):
            self._source_shape = None  # the first round compares in detail
        self._state = "ready"

    async def _plan_copy(
        self, source: PostgresUrl, selected: Sequence[str] | None, decisions: Mapping[str, str]
    ) -> CopyPlan:
        excluded = [path for path, decision in decisions.items() if decision == EXCLUDE]
        try:
            async with pgconn.connection(source) as conn:
                return await plan_copy(conn, selected, excluded)
        except CopyPlanError as exc:
            raise CloneError(str(exc)) from None
        except (OSError, asyncio.TimeoutError, pgconn.PostgresError) as exc:
            raise CloneError(
                source.scrub(f"cannot read source {source.masked()}: {type(exc).__name__}: {exc}")
            ) from None

    async def _check_identities(
        self, source: PostgresUrl, plan: CopyPlan, decisions: Mapping[str, str]
    ) -> list[Table]:
        """Tables to give ``REPLICA IDENTITY FULL``; raise naming the tables that block."""
        planned = set(plan.tables)
        async with pgconn.connection(source) as conn:
            found = await catalog.tables(conn, plan.schemas)
        rows = [table for table in found if (table.schema, table.name) in planned]
        full: list[Table] = []
        waiting: list[str] = []
        undecided: list[str] = []
        for table in rows:
            decision = decisions.get(table.path)
            if decision == REPLICA_IDENTITY_FULL:
                full.append((table.schema, table.name))
            elif table.has_primary_key or table.replica_identity in ("f", "i"):
                continue
            elif table.is_partition:
                continue  # its root's identity decides
            elif decision == ADD_PK:
                waiting.append(table.path)
            else:
                undecided.append(table.path)
        problems = []
        if waiting:
            problems.append(
                f"table(s) decided add_pk still lack a primary key or replica identity index on"
                f" the source: {', '.join(waiting)}; add one (ALTER TABLE ... ADD PRIMARY KEY, or"
                " ALTER TABLE ... REPLICA IDENTITY USING INDEX <unique index>) and retry setup"
            )
        if undecided:
            problems.append(
                f"table(s) without a primary key need a replica identity decision:"
                f" {', '.join(undecided)}"
            )
        if problems:
            raise CloneError("; ".join(problems))
        return full

    async def _build(self, source: PostgresUrl, plan: CopyPlan, full: list[Table]) -> None:
        replica, owner = quote_ident(self.replica_database), quote_ident(self.owner_role)
        # A source on our own embedded server dies with it: its lease needs no reaping.
        with_host = self.host.is_embedded and (source.host, source.port) == (
            self.host.host,
            self.host.port,
        )
        try:
            async with pgconn.connection(source) as conn:
                changes = tuple(await replication.identity_changes(conn, full))
                replica_bytes = EMPTY_DATABASE_BYTES + await _tables_size(conn, plan.tables)
                lease = self._lease = Lease.new(
                    self.names,
                    source,
                    dies_with_owner=with_host,
                    restore_identity=changes,
                    # A host that outlives us (a superuser URL) is cleaned by the reap too.
                    host=None if self.host.is_embedded else self.host.admin_dsn(),
                    prefix=self.prefix,
                )
                await asyncio.to_thread(lease.write)
                await replication.create_source_side(conn, self.names, plan.tables, changes)
        except pgconn.PostgresError as exc:
            hint = ""
            if getattr(exc, "sqlstate", None) == "42501":
                hint = (
                    " (check replication_privilege: the role needs REPLICATION, CREATE on the"
                    " database, and to own the replicated tables - see preflight's grant_script)"
                )
            raise CloneError(
                source.scrub(f"creating the replication on the source failed: {exc}{hint}")
            ) from None
        # A small replica and its branches live in memory while there is room: a database's
        # some 300 catalog files are most of a small clone's cost on disk (bench/history.md).
        space = self.replica_tablespace = self.host.memory_tablespace_for(replica_bytes)
        in_space = "" if space is None else f" TABLESPACE {quote_ident(space)}"
        try:
            async with self.host.admin_connection() as conn:
                await conn.execute(f"CREATE ROLE {owner} NOLOGIN")
                await conn.execute(
                    f"CREATE DATABASE {replica} OWNER {owner} TEMPLATE template0{in_space}"
                )
                await conn.execute(f"REVOKE ALL ON DATABASE {replica} FROM PUBLIC")
            target = self.host.admin_dsn(self.replica_database)
            await copy_into(
                plan, source=source, target=target, owner=self.owner_role, schema_only=True
            )
            await self._own_replica(False)
            async with self.host.admin_connection(self.replica_database) as conn:
                self._subscription_oid = await replication.create_subscription(
                    conn, self.names, source
                )
            lease = dataclasses.replace(lease, subscription_oid=self._subscription_oid)
            self._lease = lease
            await asyncio.to_thread(lease.write)
            await self._wait_synced(timeout=SETUP_TIMEOUT)
            async with pgconn.connection(source) as conn:
                lsn = await replication.current_lsn(conn)
                await self._wait_applied(conn, lsn, timeout=SETUP_TIMEOUT)
            async with self.host.admin_connection(self.replica_database) as conn:
                if plan.tables:
                    tables = ", ".join(quote_qualified(*table) for table in plan.tables)
                    # VACUUM too: sets the hint bits and visibility map once, here, rather
                    # than in every branch, and leaves autovacuum nothing to do on the
                    # replica (it would have to be stopped for every clone).
                    await conn.execute(f"VACUUM (ANALYZE) {tables}")
                # The first clone's checkpoint would otherwise write out the initial copy.
                await conn.execute("CHECKPOINT")
                self._replica_bytes = int(
                    await conn.fetchval("SELECT pg_database_size(current_database())")
                )
        except (ToolError, pgconn.PostgresError, ReplicationError) as exc:
            raise CloneError(self._scrub(f"setting up the replica failed: {exc}")) from None

    async def _wait_synced(self, *, timeout: float) -> None:
        """Until every table has finished its initial copy (asked in the replica database:
        ``pg_subscription_rel`` is per database)."""
        oid = self._subscription_oid
        assert oid is not None
        async with self.host.admin_connection(self.replica_database) as conn:

            async def synced() -> bool:
                if await replication.tables_synced(conn, oid):
                    return True
                health = await replication.subscription_health(conn, oid)
                if not health.get("subscription_enabled", False):
                    raise ReplicationError(
                        "the initial copy stopped on an error" + self._log_detail()
                    )
                return False

            await replication.poll(
                synced, "the initial copy of the replicated tables", timeout=timeout
            )

    async def _wait_applied(
        self, source: pgconn.Connection, lsn: str, *, timeout: float = SETUP_TIMEOUT
    ) -> None:
        """Until the subscriber has applied *lsn*; an apply worker stopped by an error is
        restarted after the schema is brought up to date, a few times, then reported."""
        attempts = 0
        checks = 0

        async def caught_up() -> bool:
            nonlocal attempts, checks
            if await replication.applied(source, self.names, lsn):
                return True
            checks += 1
            if checks % 8 == 0 and self._subscription_oid is not None:
                async with self.host.admin_connection() as conn:
                    health = await replication.subscription_health(conn, self._subscription_oid)
                if not health.get("subscription_enabled", True) and not self._paused:
                    attempts += 1
                    if attempts > _REENABLE_ATTEMPTS:
                        raise ReplicationError(
                            "the replica's apply worker keeps stopping on an error"
                            + self._log_detail()
                        )
                    if self._state == "ready":
                        await self._sync_schema(source, force=True)
                    await self._set_enabled(True)
            return False

        await replication.poll(caught_up, f"the replica to apply {lsn}", timeout=timeout)

    async def _own_replica(self, owner_owns: bool) -> None:
        """The owner role owns the replica database only while objects are restored into it
        (its ``public`` schema belongs to ``pg_database_owner``); otherwise the superuser does,
        so that a branch's ``REASSIGN OWNED`` never moves the replica database itself."""
        who = quote_ident(self.owner_role) if owner_owns else "CURRENT_USER"
        async with self.host.admin_connection() as conn:
            replica = quote_ident(self.replica_database)
            await conn.execute(f"ALTER DATABASE {replica} OWNER TO {who}")

    def _log_detail(self) -> str:
        lines = self.host.recent_log_lines("logical replication")
        return f": {lines[-1]}" if lines else " (see the host's server log)"

    async def _set_enabled(self, enabled: bool) -> None:
        async with self.host.admin_connection(self.replica_database) as conn:
            await replication.set_enabled(conn, self.names, enabled)

    # -- schema changes ------------------------------------------------------------------------

    async def _sync_schema(self, source: pgconn.Connection, *, force: bool = False) -> Drift:
        """Bring the replica's schema to the source's (see ``schema_sync``); record changes.

        Cheap when nothing changed: the source's shape of the replicated tables (and of the
        wholly selected schemas' table list) is compared with the one seen last time, and only
        a difference (or *force*) opens the replica to compare in detail."""
        source_url = self._source
        assert source_url is not None
        shape = await source_shape(source, self._tables, self._whole_schemas)
        if not force and shape == self._source_shape:
            return Drift(blocked_tables=self._blocked)
        drift = await self._apply_drift(source, source_url)
        self._source_shape = await source_shape(source, self._tables, self._whole_schemas)
        return drift

    async def _apply_drift(self, source: pgconn.Connection, source_url: PostgresUrl) -> Drift:
        async with self.host.admin_connection(self.replica_database) as replica:
            drift = await detect(
                source,
                replica,
                replicated=self._tables,
                whole_schemas=self._whole_schemas,
                excluded=self._excluded,
            )
            self._blocked = drift.blocked_tables
            if drift.empty:
                return drift
            missing = [
                f"{schema}.{name}"
                for schema, name in drift.dropped_tables
                if schema not in self._whole_schemas
            ]
            if missing:
                raise CloneError(
                    f"selected table(s) no longer on the source: {', '.join(missing)}"
                    " (renamed or dropped?); restore them or change the connector's selection"
                )
            for statement in drift.statements:
                await replica.execute(statement)
            for table in drift.dropped_tables:
                await replica.execute(f"DROP TABLE IF EXISTS {quote_qualified(*table)} CASCADE")
                self._tables.remove(table)
            # A change that needed the new schema may have stopped the apply worker
            # (disable_on_error): with the schema in place it can go on.
            enabled = await replica.fetchval(
                "SELECT subenabled FROM pg_subscription WHERE subname = $1",
                self.names.subscription,
            )
            if enabled is False and not self._paused:
                await replication.set_enabled(replica, self.names, True)
        if drift.new_tables:
            target = self.host.admin_dsn(self.replica_database)
            await self._own_replica(True)
            try:
                await copy_table_schemas(
                    drift.new_tables, source=source_url, target=target, owner=self.owner_role
                )
            finally:
                await self._own_replica(False)
            await replication.publish_tables(source, self.names, drift.new_tables)
            async with self.host.admin_connection(self.replica_database) as replica:
                await replication.refresh_publication(replica, self.names)
            self._tables.extend(drift.new_tables)
            added = (schema for schema, _ in drift.new_tables)
            self._schemas = tuple(dict.fromkeys([*self._schemas, *added]))
            await self._wait_synced(timeout=SETUP_TIMEOUT)
        self.schema_changes.append({"at": time.time(), "changes": drift.describe()})
        return drift

    # -- branches ----------------------------------------------------------------------------

    async def create_branch(self, branch_name: str) -> BranchDatabase:
        """Clone the replica, caught up to the source's current position, into a new database
        with a new role (random password) that may connect to it only. Safe to call
        concurrently; concurrent creates share a round, at most ``max_parallel_creates``
        clones run at once."""
        if self._state != "ready":
            raise CloneError(f"connector store is {self._state}; call setup() first")
        if branch_name in self._branches or branch_name in self._pending:
            raise BranchExistsError(f"branch {branch_name!r} already exists")
        self._pending.add(branch_name)
        try:
            done: asyncio.Future[BranchDatabase] = asyncio.get_running_loop().create_future()
            self._queue.append((branch_name, done))
            if self._rounds is None:
                self._rounds = asyncio.ensure_future(self._run_rounds())
            return await asyncio.shield(done)
        finally:
            self._pending.discard(branch_name)

    async def _run_rounds(self) -> None:
        try:
            while self._queue and self._state == "ready":
                batch, self._queue = self._queue, []
                try:
                    async with self._replica_lock:
                        await self._round(batch)
                except BaseException as exc:
                    failure = self._failure(exc, "preparing the replica")
                    for _, done in batch:
                        if not done.done():
                            done.set_exception(failure)
                    if isinstance(exc, (asyncio.CancelledError, KeyboardInterrupt, SystemExit)):
                        raise
        finally:
            self._rounds = None
            left, self._queue = self._queue, []
            for _, done in left:
                if not done.done():
                    done.set_exception(CloneError(f"connector store is {self._state}"))

    def _failure(self, exc: BaseException, doing: str) -> CloneError:
        if isinstance(exc, CloneError):
            return exc
        if isinstance(exc, asyncio.CancelledError):
            return CloneError(f"{doing} was cancelled (store dropped?)")
        return CloneError(self._scrub(f"{doing} failed: {type(exc).__name__}: {exc}"))

    @contextlib.asynccontextmanager
    async def _source_connection(self) -> AsyncIterator[pgconn.Connection]:
        """The store's connection to the source, kept between rounds (used under
        ``_replica_lock`` only); replaced after any failure."""
        source = self._source
        assert source is not None
        conn = self._source_conn
        if conn is None or not pgconn.reusable_here(conn):
            if conn is not None:
                await pgconn.close_quietly(conn)
            conn = self._source_conn = await pgconn.connect(source)
        try:
            yield conn
        except BaseException:
            self._source_conn = None
            await asyncio.shield(pgconn.close_quietly(conn))
            raise
        if conn.is_in_transaction():
            self._source_conn = None
            await pgconn.close_quietly(conn)

    async def _round(self, batch: list[_Waiter]) -> None:
        """One clone round for *batch*: each waiter's future gets its branch (or error) as soon
        as the branch is usable; the round ends once the subscription runs again.

        Off the critical path: the branch roles are created, the replica connection opened and
        the sequences set while the replica catches up (sequences are not replicated, so
        setting them early is safe; their values are read after the WAL position, so they
        cover every row the branch holds)."""
        self.rounds += 1
        timings: dict[str, float] = {}
        self.last_round = timings  # filled in as the round goes
        started = mark = time.perf_counter()

        def lap(phase: str) -> None:
            nonlocal mark
            now = time.perf_counter()
            timings[phase] = now - mark
            mark = now

        if self._heir is not None:  # the last round's hand-over failed: again, first
            await self._restore_owner()
        names = [name for name, _ in batch]
        roles = {name: self._new_role(name) for name in names}
        # A lone branch takes over the owner role itself (renamed, given a login), so its
        # clone needs no REASSIGN over a new connection to it; in a batch, each branch's
        # REASSIGN would also take the others' databases from that role: they get roles.
        heir = roles[names[0]][0] if len(names) == 1 else None
        role_tasks = {
            name: asyncio.ensure_future(self._create_role(*roles[name]))
            for name in names
            if heir is None
        }
        taking = asyncio.ensure_future(self._take_replica())
        setting: asyncio.Future[pgconn.Connection] | None = None
        pausing = False
        try:
            async with self._source_connection() as conn:
                lsn = await replication.current_lsn(conn)
                await self._sync_schema(conn)
                sequences = await sequence_values(conn, self._schemas)
                lap("read_source")
                setting = asyncio.ensure_future(self._set_sequences(taking, sequences))
                await self._wait_applied(conn, lsn)
                lap("catch_up")
            replica = await setting
            lap("sequences")
            pausing = True
            if heir is not None:  # after any schema change (it names the owner role)
                role_tasks[names[0]] = asyncio.ensure_future(self._adopt_owner(*roles[names[0]]))
            await self._pause(replica)
            lap("pause")
        except BaseException:
            if not pausing:
                await asyncio.shield(_abandon(taking, setting))
            await asyncio.shield(self._drop_roles(role_tasks))
            raise
        try:
            clones = [
                asyncio.ensure_future(self._clone_database(roles[name][0], role_tasks[name]))
                for name in names
            ]
            await asyncio.wait(clones)
            lap("clone")
            if heir is not None and not clones[0].cancelled() and not clones[0].exception():
                # from the hand-out until the objects moved on, a drop waits for that
                self._restoring = asyncio.get_running_loop().create_future()
        finally:
            resume = asyncio.ensure_future(self._resume())
        try:
            finishing = [
                self._finish_branch(name, roles[name], clone, done, adopted=heir is not None)
                for (name, done), clone in zip(batch, clones, strict=True)
            ]
            await asyncio.gather(*finishing)
            lap("finish")
            await asyncio.shield(resume)
            lap("resume")
            if self._heir is not None:
                await self._restore_owner()
                lap("owner")
        finally:
            restoring, self._restoring = self._restoring, None
            if restoring is not None and not restoring.done():
                restoring.set_result(None)  # a drop waiting for it goes on
        timings["total"] = time.perf_counter() - started

    async def _take_replica(self) -> pgconn.Connection:
        """The connection to the replica kept since the last resume (its catalog caches are
        warm, and opening one costs ~10 ms), or a new one."""
        conn, self._replica_conn = self._replica_conn, None
        if conn is None or not pgconn.reusable_here(conn):
            if conn is not None:
                await pgconn.close_quietly(conn)
            conn = await pgconn.connect(self.host.admin_dsn(self.replica_database))
        return conn

    async def _give_back_replica(self, conn: pgconn.Connection) -> None:
        """Keep ``conn`` for the next :meth:`_take_replica`, unless one is kept already or the
        clone is no longer ready (then it is closed)."""
        if self._replica_conn is None and self._state == "ready":
            self._replica_conn = conn
        else:
            await pgconn.close_quietly(conn)

    @staticmethod
    async def _set_sequences(
        opening: asyncio.Future[pgconn.Connection], sequences: dict[Table, tuple[int, bool]]
    ) -> pgconn.Connection:
        """Once *opening* has its replica connection, set the source's sequence values."""
        conn = await opening
        try:
            await apply_sequences(conn, sequences)
        except BaseException:
            await asyncio.shield(pgconn.close_quietly(conn))
            raise
        return conn

    def _new_role(self, branch_name: str) -> tuple[str, str]:
        return self.branch_identifier(branch_name), new_password()

    async def _create_role(self, name: str, password: str) -> None:
        verifier = quote_literal(scram_sha256_verifier(password))
        async with self.host.admin_connection() as conn:
            await conn.execute(
                f"CREATE ROLE {quote_ident(name)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"
                f" NOREPLICATION NOBYPASSRLS PASSWORD {verifier}"
            )

    async def _adopt_owner(self, name: str, password: str) -> None:
        """The owner role becomes the branch role *name* (the branch's clone is then owned by
        it as it is); until ``_restore_owner`` the replica's objects are *name*'s too."""
        verifier = quote_literal(scram_sha256_verifier(password))
        # Set first: if the outcome is unknown (cancelled), undoing checks what happened.
        self._heir = name
        async with self.host.admin_connection() as conn:
            await conn.execute(  # one implicit transaction
                f"ALTER ROLE {quote_ident(self.owner_role)} RENAME TO {quote_ident(name)};"
                f" ALTER ROLE {quote_ident(name)} LOGIN PASSWORD {verifier}"
            )

    async def _return_owner(self, name: str) -> bool:
        """Undo ``_adopt_owner`` once the heir's database is gone (never handed out, or
        dropped before its objects moved on); False if they had moved on after all (a
        restore cancelled after its commit: the owner role exists)."""
        owner = quote_ident(self.owner_role)
        async with self.host.admin_connection() as conn:
            if await conn.fetchval(
                "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", self.owner_role
            ):
                self._heir = None
                return False
            await conn.execute(
                f"ALTER ROLE {quote_ident(name)} RENAME TO {owner};"
                f" ALTER ROLE {owner} NOLOGIN PASSWORD NULL"
            )
        self._heir = None
        return True

    async def _restore_owner(self) -> None:
        """A new owner role takes the replica's objects from the heir (whose own database,
        a shared object ``REASSIGN`` moves too, is given back to it in the same transaction).
        Runs in the round on the replica connection, after the subscription resumed."""
        heir = self._heir
        if heir is None:
            return
        restoring = self._restoring
        try:
            conn = await self._take_replica()
            try:
                owner, ident = quote_ident(self.owner_role), quote_ident(heir)
                done_before = await conn.fetchval(  # by a restore cancelled after its commit
                    "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", self.owner_role
                )
                if not done_before:
                    await conn.execute(  # one implicit transaction
                        f"CREATE ROLE {owner} NOLOGIN; REASSIGN OWNED BY {ident} TO {owner};"
                        f" ALTER DATABASE {ident} OWNER TO {ident}"
                    )
            except BaseException:
                await asyncio.shield(pgconn.close_quietly(conn))
                raise
            await self._give_back_replica(conn)
            self._heir = None
        finally:
            if restoring is not None and not restoring.done():
                restoring.set_result(None)
            self._restoring = None

    async def _drop_roles(self, tasks: Mapping[str, asyncio.Future[None]]) -> None:
        await asyncio.wait(tasks.values())
        for task in tasks.values():  # their failures are superseded by the round's
            if not task.cancelled():
                task.exception()
        await asyncio.gather(
            *(self._drop_role(self.branch_identifier(name)) for name in tasks),
            return_exceptions=True,
        )

    async def _drop_role(self, name: str) -> None:
        """Drop a branch role (its database is gone). The heir, if the replica's objects are
        still its own, becomes the owner role again."""
        if name == self._heir and await self._return_owner(name):
            return
        await self.host.drop_role(name)

    async def _pause(self, replica: pgconn.Connection) -> None:
        """Stop the subscription (on *replica*, then closed) and wait until nobody is
        connected to the replica (``CREATE DATABASE ... TEMPLATE`` needs that, and would
        otherwise wait in 100 ms steps)."""
        oid = self._subscription_oid
        assert oid is not None
        self._paused = True
        try:
            try:
                await replication.set_enabled(replica, self.names, False)
            finally:
                await replica.close(timeout=pgconn.DEFAULT_CONNECT_TIMEOUT)

            async def gone() -> bool:
                async with self.host.admin_connection() as conn:
                    return await replication.workers_gone(conn, oid, self.replica_database)

            await replication.poll(gone, "the replica's apply worker to stop", timeout=30)
        except BaseException:
            await asyncio.shield(self._resume())
            raise

    async def _resume(self) -> None:
        """Enable the subscription again; its connection is kept for the next round."""
        if self._state == "dropped":
            return
        conn = await pgconn.connect(self.host.admin_dsn(self.replica_database))
        try:
            await replication.set_enabled(conn, self.names, True)
        except BaseException:
            await asyncio.shield(pgconn.close_quietly(conn))
            raise
        self._paused = False
        if self._state == "dropped" or self._replica_conn is not None:
            await pgconn.close_quietly(conn)
        else:
            self._replica_conn = conn

    async def _clone_database(self, name: str, role: asyncio.Future[None]) -> None:
        """``CREATE DATABASE`` *name* from the (paused) replica, owned by its role."""
        await role
        ident = quote_ident(name)
        tablespace = None  # the replica's
        short = self.host.memory_tablespace_for(self._replica_bytes) is None
        if self.replica_tablespace is not None and short:
            tablespace = "pg_default"  # memory is short: this branch goes to disk
        async with self._creates:
            await self.host.clone_database(
                self.replica_database, name, owner=name, tablespace=tablespace
            )
        async with self.host.admin_connection() as conn:
            await conn.execute(f"REVOKE ALL ON DATABASE {ident} FROM PUBLIC")

    async def _finish_branch(
        self,
        branch_name: str,
        role: tuple[str, str],
        clone: asyncio.Future[None],
        done: asyncio.Future[BranchDatabase],
        *,
        adopted: bool,
    ) -> None:
        """Hand the replica's objects to the branch role (the subscription may resume
        meanwhile; an *adopted* owner role has them already), then settle *done*."""
        name, password = role
        try:
            clone.result()
            if not adopted:
                async with self.host.admin_connection(name) as conn:
                    owner = quote_ident(self.owner_role)
                    await conn.execute(f"REASSIGN OWNED BY {owner} TO {quote_ident(name)}")
            if self._state == "dropped":
                raise CloneError("connector store was dropped")
        except BaseException as exc:
            await asyncio.shield(self._drop_branch_objects(name, in_round=True))
            if not done.done():
                if isinstance(exc, pgconn.PostgresError):
                    exc = CloneError(f"creating branch {branch_name!r} failed: {exc}")
                elif not isinstance(exc, CloneError):
                    exc = self._failure(exc, f"creating branch {branch_name!r}")
                done.set_exception(exc)
            return
        branch = BranchDatabase(
            branch_name=branch_name,
            database=name,
            role=name,
            password=password,
            host=self.host.host,
            port=self.host.port,
        )
        self._branches[branch_name] = branch
        if not done.done():
            done.set_result(branch)

    async def drop_branch(self, branch_name: str) -> None:
        """Drop the branch's database (disconnecting its sessions) and role. Idempotent."""
        await self._drop_branch_objects(self.branch_identifier(branch_name))
        self._branches.pop(branch_name, None)

    async def _drop_branch_objects(self, name: str, *, in_round: bool = False) -> None:
        """Drop the branch's database and role. While the round that handed it out still moves
        the replica's objects off its role (the heir), that is awaited first (unless the round
        itself drops it)."""
        if self._restoring is not None and not in_round:
            await asyncio.shield(self._restoring)
        await self.host.drop_database(name)
        await self._drop_role(name)

    # -- status ----------------------------------------------------------------------------------

    async def replication_status(self) -> dict[str, Any]:
        """Health of the replication: slot lag in bytes, last applied position, the
        subscription's state, schema changes found (and applied) on the source."""
        status: dict[str, Any] = {
            "state": self._state,
            "publication": self.names.publication,
            "slot": self.names.slot,
            "tables": list(self.tables),
        }
        if self._state != "ready" or self._source is None or self._subscription_oid is None:
            return status
        try:
            async with self._replica_lock:
                async with self._source_connection() as conn:
                    await self._sync_schema(conn)
                    status.update(await replication.slot_health(conn, self.names))
                replica = await self._take_replica()
                try:
                    status.update(
                        await replication.subscription_health(replica, self._subscription_oid)
                    )
                except BaseException:
                    await asyncio.shield(pgconn.close_quietly(replica))
                    raise
                await self._give_back_replica(replica)
        except CloneError as exc:  # e.g. a selected table vanished from the source
            status["health"] = "blocked"
            status["error"] = str(exc)
            return status
        except (OSError, asyncio.TimeoutError, pgconn.PostgresError, ToolError) as exc:
            status["health"] = "unknown"
            status["error"] = self._scrub(f"{type(exc).__name__}: {exc}")
            return status
        if not status.get("slot_exists"):
            health = "slot_missing"
        elif not status.get("subscription_enabled") and not self._paused:
            health = "stopped_on_error"
            status["error"] = "the apply worker stopped on an error" + self._log_detail()
        elif status.get("tables_syncing"):
            health = "initial_copy"
        else:
            health = "streaming"
        status["health"] = health
        status["tables_needing_decision"] = list(self._blocked)
        status["schema_changes"] = self.schema_changes[-10:]
        status["rounds"] = self.rounds
        return status

    # -- teardown ----------------------------------------------------------------------------

    async def drop(self) -> None:
        """Drop every branch, the subscription, the replica, and on the source the slot and the
        publication. Idempotent."""
        if self._state in ("new", "dropped"):
            return
        self._state = "dropped"
        self.host.remove_cleanup(self.drop)
        if self._rounds is not None:
            self._rounds.cancel()
            await asyncio.wait({self._rounds})
        if not self.host.closed:
            prefix = self._branch_prefix + "_"
            async with self.host.admin_connection() as conn:
                rows = await conn.fetch(
                    "SELECT datname AS name FROM pg_database WHERE left(datname, length($1)) = $1"
                    " UNION SELECT rolname FROM pg_roles WHERE left(rolname, length($1)) = $1",
                    prefix,
                )
            names = {row["name"] for row in rows}
            names.update(branch.database for branch in self._branches.values())
            await asyncio.gather(*(self._drop_branch_objects(name) for name in sorted(names)))
        self._branches.clear()
        await self._teardown()
        self.host.release_prefix(self.prefix)

    async def _teardown(self) -> None:
        """Remove the replication (host side first, so the walsender lets go of the slot),
        the replica database and its owner, and the lease."""
        host_failure: BaseException | None = None
        for kept in (self._source_conn, self._replica_conn):
            if kept is not None:
                await pgconn.close_quietly(kept)
        self._source_conn = self._replica_conn = None
        if not self.host.closed:
            try:
                async with self.host.admin_connection() as conn:
                    has_replica = await conn.fetchval(
                        "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)",
                        self.replica_database,
                    )
                if has_replica:
                    async with self.host.admin_connection(self.replica_database) as conn:
                        oid = await replication.subscription_oid(conn, self.names)
                        self._subscription_oid = oid or self._subscription_oid
                        await replication.drop_subscription(conn, self.names)
                await self.host.drop_database(self.replica_database)
                await self.host.drop_role(self.owner_role)
            except (OSError, asyncio.TimeoutError, pgconn.PostgresError) as exc:
                host_failure = exc
        lease = self._lease
        if lease is not None and self._source is not None:
            try:
                async with pgconn.connection(self._source) as conn:
                    await replication.drop_source_side(
                        conn, self.names, self._subscription_oid, restore=lease.restore_identity
                    )
            except (OSError, asyncio.TimeoutError, pgconn.PostgresError, ReplicationError) as exc:
                raise CloneError(
                    self._scrub(f"removing the replication from the source failed: {exc}")
                ) from None
            await asyncio.to_thread(lease.remove)
            self._lease = None
        self._subscription_oid = None
        self._tables = []
        if host_failure is not None:
            raise CloneError(self._scrub(f"dropping the replica failed: {host_failure}"))


async def _tables_size(conn: pgconn.Connection, tables: Sequence[tuple[str, str]]) -> int:
    """Bytes the *tables* take on the source, indexes and TOAST included."""
    size = await conn.fetchval(
        "SELECT coalesce(sum(pg_total_relation_size(t::regclass)), 0)::int8"
        " FROM unnest($1::text[]) AS t",
        [quote_qualified(*table) for table in tables],
    )
    return int(size)


async def _abandon(*steps: asyncio.Future[pgconn.Connection] | None) -> None:
    """Cancel the steps still opening a connection; close the connections they opened."""
    pending = {step for step in steps if step is not None}
    for step in pending:
        step.cancel()
    if not pending:
        return
    await asyncio.wait(pending)
    opened = {
        id(conn): conn
        for conn in (
            step.result() for step in pending if not step.cancelled() and not step.exception()
        )
    }
    for conn in opened.values():
        await pgconn.close_quietly(conn)
