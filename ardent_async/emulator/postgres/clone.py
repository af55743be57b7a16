"""Per-connector golden copy of a source, and branch databases cloned from it.

Layout on the host, for one :class:`ConnectorStore` (names derived, never user text)::

    <prefix>_owner_<n>  NOLOGIN role owning the objects of golden generation n
    <prefix>_golden_<n> golden database, generation n: IS_TEMPLATE, ALLOW_CONNECTIONS false,
                        no PUBLIC access
    <prefix>_b_<..>     one database per branch, owned by a LOGIN role of the same name whose
                        random password is known only to the returned BranchDatabase

A branch is ``CREATE DATABASE ... TEMPLATE <golden>`` followed by ``REASSIGN OWNED`` so the
branch role owns every copied object (it can write, migrate, drop). Nobody ever connects to a
golden database once it is built, so any number of branches can be cloned from it concurrently.

Freshness: a branch holds the source's rows as of its creation. Each create takes a ticket; if
the current golden generation's snapshot began before that ticket, the create waits for a
refresh that *starts* after it (single flight: one refresh at a time, and one refresh serves
every create waiting when it starts). A refresh re-plans the selection, builds generation n+1
from the source with the same decisions, then switches to it; clones in progress keep the old
generation, which is dropped once no clone uses it. Each generation has its own owner role so
that a branch's ``REASSIGN OWNED`` never touches a generation being built.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Mapping, Sequence

from ..checks import DECISIONS, EXCLUDE, REPLICA_IDENTITY_FULL
from . import pgconn
from .binaries import ToolError
from .credentials import new_password, scram_sha256_verifier
from .dsn import PostgresUrl
from .dump import CopyPlan, CopyPlanError, copy_into, plan_copy
from .host import BranchHost
from .idents import derive_name, quote_ident, quote_literal, quote_qualified

#: Column added as surrogate primary key to tables decided ``add_pk``.
ADD_PK_COLUMN = "ardent_row_id"
DEFAULT_MAX_PARALLEL_CREATES = 8


class CloneError(RuntimeError):
    """Setting up a golden copy or a branch failed (message is password-free)."""


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


@dataclasses.dataclass(eq=False)
class _Golden:
    """One generation of the golden copy."""

    database: str
    owner: str
    snapshot_ticket: int | None = None
    """Ticket taken just before reading the source: the copy is at least as new as any
    earlier ticket (``None`` until then)."""
    users: int = 0
    retired: bool = False


@dataclasses.dataclass(eq=False)
class _Refresh:
    """One in-flight refresh and the generation it builds."""

    task: asyncio.Future[None] | None = None
    golden: _Golden | None = None


class ConnectorStore:
    """The golden copy and branches of one connector on a :class:`BranchHost`.

    Lifecycle: :meth:`setup` once, then :meth:`create_branch` / :meth:`drop_branch` any number
    of times (concurrently if you like), :meth:`drop` at the end (also run by
    ``BranchHost.close()`` for an external host).
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
        self._golden_prefix = f"{self.prefix}_golden_"
        self._owner_prefix = f"{self.prefix}_owner_"
        self._branch_prefix = f"{self.prefix}_b"
        self._creates = asyncio.Semaphore(max_parallel_creates)
        self._branches: dict[str, BranchDatabase] = {}
        self._pending: set[str] = set()
        self._plan: CopyPlan | None = None
        self._state = "new"  # new -> setting_up -> ready -> dropped
        self._source: PostgresUrl | None = None
        self._selected: tuple[str, ...] | None = None
        self._decisions: dict[str, str] = {}
        self._ticket = 0
        self._generation = 0
        self._golden: _Golden | None = None
        self._goldens: list[_Golden] = []  # every generation not dropped yet
        self._refresh: _Refresh | None = None
        self._background: set[asyncio.Future[None]] = set()
        self.refreshes = 0
        """Number of golden-copy refreshes started (not counting :meth:`setup`)."""

    def __repr__(self) -> str:
        return (
            f"ConnectorStore(connector_id={self.connector_id!r}, state={self._state},"
            f" branches={len(self._branches)})"
        )

    @property
    def golden_database(self) -> str:
        """Name of the current golden generation's database."""
        if self._golden is None:
            raise CloneError("the connector store has no golden copy")
        return self._golden.database

    @property
    def owner_role(self) -> str:
        """NOLOGIN role owning the current golden generation's objects."""
        if self._golden is None:
            raise CloneError("the connector store has no golden copy")
        return self._golden.owner

    @property
    def golden_databases(self) -> tuple[str, ...]:
        """Every golden generation not dropped yet (older ones may still be cloned from)."""
        return tuple(golden.database for golden in self._goldens)

    @property
    def is_ready(self) -> bool:
        return self._state == "ready"

    @property
    def tables(self) -> tuple[str, ...]:
        """``schema.table`` paths copied into the golden database (after :meth:`setup`)."""
        return tuple(self._plan.paths) if self._plan is not None else ()

    @property
    def branches(self) -> dict[str, BranchDatabase]:
        return dict(self._branches)

    def branch_identifier(self, branch_name: str) -> str:
        """Database name (= role name) used for *branch_name*."""
        return derive_name(self._branch_prefix, branch_name, slug_length=8)

    # -- golden copy -------------------------------------------------------------------------

    async def setup(
        self,
        *,
        source_url: str,
        selected_paths: Sequence[str] | None,
        decisions: Mapping[str, str],
    ) -> None:
        """Build the golden database from the source.

        *selected_paths*: ``"schema"`` or ``"schema.table"`` entries (``None``: all user
        schemas). *decisions*: ``{"schema.table": "exclude" | "add_pk" |
        "replica_identity_full"}``; ``add_pk`` adds a ``bigint`` identity primary key column
        :data:`ADD_PK_COLUMN` (tables that already have a PK are left alone),
        ``replica_identity_full`` sets ``REPLICA IDENTITY FULL``. Decisions on tables that are
        not selected are ignored.
        """
        unknown = sorted({value for value in decisions.values() if value not in DECISIONS})
        if unknown:
            raise ValueError(f"unknown decision(s) {unknown}; expected one of {list(DECISIONS)}")
        if self._state != "new":
            raise CloneError(f"connector store is {self._state}; setup runs once")
        source = PostgresUrl.parse(source_url)
        self.host.claim_prefix(self.prefix)
        self._state = "setting_up"
        golden = self._new_golden()
        try:
            await self._plan_copy(source, selected_paths, decisions)  # fail early on bad input
            self.host.add_cleanup(self.drop)
            plan = await self._build_golden(golden, source, selected_paths, decisions)
        except BaseException:
            self.host.remove_cleanup(self.drop)
            await asyncio.shield(self._drop_golden(golden))
            self.host.release_prefix(self.prefix)
            self._state = "new"
            raise
        self._source = source
        self._selected = None if selected_paths is None else tuple(selected_paths)
        self._decisions = dict(decisions)
        self._plan = plan
        self._golden = golden
        self._state = "ready"

    def _take_ticket(self) -> int:
        self._ticket += 1
        return self._ticket

    def _new_golden(self) -> _Golden:
        """Name the next generation and track it (for :meth:`drop`)."""
        self._generation += 1
        golden = _Golden(
            database=f"{self._golden_prefix}{self._generation}",
            owner=f"{self._owner_prefix}{self._generation}",
        )
        self._goldens.append(golden)
        return golden

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

    async def _build_golden(
        self,
        generation: _Golden,
        source: PostgresUrl,
        selected: Sequence[str] | None,
        decisions: Mapping[str, str],
    ) -> CopyPlan:
        """Create *generation*'s database, then (taking its snapshot ticket first) plan the
        selection and copy it from the source; apply *decisions*; make it a template."""
        golden, owner = quote_ident(generation.database), quote_ident(generation.owner)
        try:
            async with self.host.admin_connection() as conn:
                await conn.execute(f"CREATE ROLE {owner} NOLOGIN")
                await conn.execute(f"CREATE DATABASE {golden} OWNER {owner} TEMPLATE template0")
                await conn.execute(f"REVOKE ALL ON DATABASE {golden} FROM PUBLIC")
            # Everything committed on the source before this ticket is in what is read next
            # (pg_dump takes its snapshot after this point).
            generation.snapshot_ticket = self._take_ticket()
            plan = await self._plan_copy(source, selected, decisions)
            target = self.host.admin_dsn(generation.database)
            await copy_into(plan, source=source, target=target, owner=generation.owner)
            async with self.host.admin_connection(generation.database) as conn:
                await _apply_decisions(conn, plan, decisions)
                if plan.tables:
                    tables = ", ".join(quote_qualified(*table) for table in plan.tables)
                    await conn.execute(f"ANALYZE {tables}")
            async with self.host.admin_connection() as conn:
                await conn.execute(f"ALTER DATABASE {golden} OWNER TO CURRENT_USER")
                await conn.execute(
                    f"ALTER DATABASE {golden} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false"
                )
        except (ToolError, pgconn.PostgresError) as exc:
            raise CloneError(
                source.scrub(self.host.admin_dsn().scrub(f"building the golden copy failed: {exc}"))
            ) from None
        return plan

    async def _drop_golden(self, golden: _Golden) -> None:
        await self.host.drop_database(golden.database)
        await self.host.drop_role(golden.owner)
        if golden in self._goldens:
            self._goldens.remove(golden)

    # -- keeping the golden copy fresh -------------------------------------------------------

    async def _acquire_golden(self, ticket: int) -> _Golden:
        """A golden generation whose snapshot began after *ticket*, marked in use (release it
        with :meth:`_release_golden`). Waits for (or starts) a refresh when needed."""
        while True:
            if self._state != "ready":
                raise CloneError(f"connector store is {self._state}")
            golden = self._golden
            assert golden is not None
            if golden.snapshot_ticket is not None and golden.snapshot_ticket > ticket:
                golden.users += 1
                return golden
            run = self._refresh
            if run is None:
                run = self._refresh = _Refresh()
                run.task = asyncio.ensure_future(self._run_refresh(run))
                run.task.add_done_callback(_retrieve)
            assert run.task is not None
            await asyncio.wait({run.task})  # never cancels the shared refresh
            if run.task.cancelled():
                raise CloneError("refreshing the golden copy was cancelled (store dropped?)")
            failure = run.task.exception()
            started = None if run.golden is None else run.golden.snapshot_ticket
            if failure is not None and (started is None or started > ticket):
                raise CloneError(self._scrub(f"refreshing the golden copy failed: {failure}"))
            # Succeeded (loop picks the new generation up) or started before this ticket.

    def _release_golden(self, golden: _Golden) -> None:
        golden.users -= 1
        if golden.retired and golden.users == 0:
            self._drop_in_background(golden)

    async def _run_refresh(self, run: _Refresh) -> None:
        """Build a new golden generation from the source and switch to it."""
        try:
            golden = run.golden = self._new_golden()
            self.refreshes += 1
            source = self._source
            assert source is not None
            try:
                plan = await self._build_golden(golden, source, self._selected, self._decisions)
            except BaseException:
                await asyncio.shield(self._drop_golden(golden))
                raise
            if self._state != "ready":  # dropped meanwhile
                await asyncio.shield(self._drop_golden(golden))
                return
            old, self._golden, self._plan = self._golden, golden, plan
            if old is not None:
                old.retired = True
                if old.users == 0:
                    self._drop_in_background(old)
        finally:
            if self._refresh is run:
                self._refresh = None

    def _drop_in_background(self, golden: _Golden) -> None:
        task = asyncio.ensure_future(self._drop_golden(golden))
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        task.add_done_callback(_retrieve)

    def _scrub(self, text: str) -> str:
        if self._source is not None:
            text = self._source.scrub(text)
        return self.host.admin_dsn().scrub(text)

    # -- branches ----------------------------------------------------------------------------

    async def create_branch(self, branch_name: str) -> BranchDatabase:
        """Clone the golden copy into a new database with a new role (random password) that
        may connect to it only. Safe to call concurrently; at most ``max_parallel_creates``
        clones run at once."""
        if self._state != "ready":
            raise CloneError(f"connector store is {self._state}; call setup() first")
        if branch_name in self._branches or branch_name in self._pending:
            raise BranchExistsError(f"branch {branch_name!r} already exists")
        ticket = self._take_ticket()
        self._pending.add(branch_name)
        try:
            golden = await self._acquire_golden(ticket)
            try:
                branch = await self._create_branch(branch_name, golden)
            finally:
                self._release_golden(golden)
        finally:
            self._pending.discard(branch_name)
        self._branches[branch_name] = branch
        return branch

    async def _create_branch(self, branch_name: str, golden: _Golden) -> BranchDatabase:
        name = self.branch_identifier(branch_name)
        ident, password = quote_ident(name), new_password()
        verifier = quote_literal(scram_sha256_verifier(password))
        try:
            async with self._creates:
                async with self.host.admin_connection() as conn:
                    await conn.execute(
                        f"CREATE ROLE {ident} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"
                        f" NOREPLICATION NOBYPASSRLS PASSWORD {verifier}"
                    )
                    await conn.execute(
                        f"CREATE DATABASE {ident} OWNER {ident}"
                        f" TEMPLATE {quote_ident(golden.database)}"
                    )
                    await conn.execute(f"REVOKE ALL ON DATABASE {ident} FROM PUBLIC")
                async with self.host.admin_connection(name) as conn:
                    await conn.execute(f"REASSIGN OWNED BY {quote_ident(golden.owner)} TO {ident}")
        except BaseException as exc:
            await asyncio.shield(self._drop_branch_objects(name))
            if isinstance(exc, pgconn.PostgresError):
                raise CloneError(f"creating branch {branch_name!r} failed: {exc}") from None
            raise
        return BranchDatabase(
            branch_name=branch_name,
            database=name,
            role=name,
            password=password,
            host=self.host.host,
            port=self.host.port,
        )

    async def drop_branch(self, branch_name: str) -> None:
        """Drop the branch's database (disconnecting its sessions) and role. Idempotent."""
        await self._drop_branch_objects(self.branch_identifier(branch_name))
        self._branches.pop(branch_name, None)

    async def _drop_branch_objects(self, name: str) -> None:
        await self.host.drop_database(name)
        await self.host.drop_role(name)

    async def drop(self) -> None:
        """Drop every branch, every golden generation and its owner role. Idempotent."""
        if self._state in ("new", "dropped") or self.host.closed:
            return
        self._state = "dropped"
        self.host.remove_cleanup(self.drop)
        pending = set(self._background)
        if self._refresh is not None and self._refresh.task is not None:
            self._refresh.task.cancel()
            pending.add(self._refresh.task)
        if pending:
            await asyncio.wait(pending)
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
        async with self.host.admin_connection() as conn:
            databases = await conn.fetch(
                "SELECT datname AS name FROM pg_database WHERE left(datname, length($1)) = $1",
                self._golden_prefix,
            )
            roles = await conn.fetch(
                "SELECT rolname AS name FROM pg_roles WHERE left(rolname, length($1)) = $1",
                self._owner_prefix,
            )
        goldens = {row["name"] for row in databases}
        goldens.update(golden.database for golden in self._goldens)
        await asyncio.gather(*(self.host.drop_database(name) for name in sorted(goldens)))
        owners = {row["name"] for row in roles}
        owners.update(golden.owner for golden in self._goldens)
        await asyncio.gather(*(self.host.drop_role(name) for name in sorted(owners)))
        self._goldens.clear()
        self._golden = None
        self.host.release_prefix(self.prefix)


def _retrieve(task: asyncio.Future[None]) -> None:
    """Done callback: mark a background task's exception as retrieved (its waiters, if any,
    report it)."""
    if not task.cancelled():
        task.exception()


async def _apply_decisions(
    conn: pgconn.Connection, plan: CopyPlan, decisions: Mapping[str, str]
) -> None:
    copied = plan.paths
    for path, decision in sorted(decisions.items()):
        if path not in copied or decision == EXCLUDE:
            continue
        qualified = quote_qualified(*copied[path])
        if decision == REPLICA_IDENTITY_FULL:
            await conn.execute(f"ALTER TABLE {qualified} REPLICA IDENTITY FULL")
            continue
        has_pk = await conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = $1::regclass"
            " AND contype = 'p')",
            qualified,
        )
        if not has_pk:
            await conn.execute(
                f"ALTER TABLE {qualified} ADD COLUMN {quote_ident(ADD_PK_COLUMN)}"
                " bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
            )
