"""Per-connector golden copy of a source, and branch databases cloned from it.

Layout on the host, for one :class:`ConnectorStore` (names derived, never user text)::

    <prefix>_owner      NOLOGIN role owning the golden copy's objects
    <prefix>_golden     golden database: IS_TEMPLATE, ALLOW_CONNECTIONS false, no PUBLIC access
    <prefix>_b_<..>     one database per branch, owned by a LOGIN role of the same name whose
                        random password is known only to the returned BranchDatabase

A branch is ``CREATE DATABASE ... TEMPLATE <golden>`` followed by ``REASSIGN OWNED`` so the
branch role owns every copied object (it can write, migrate, drop). Nobody ever connects to the
golden database after setup, so any number of branches can be cloned from it concurrently.
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
        self.golden_database = f"{self.prefix}_golden"
        self.owner_role = f"{self.prefix}_owner"
        self._branch_prefix = f"{self.prefix}_b"
        self._creates = asyncio.Semaphore(max_parallel_creates)
        self._branches: dict[str, BranchDatabase] = {}
        self._pending: set[str] = set()
        self._plan: CopyPlan | None = None
        self._state = "new"  # new -> setting_up -> ready -> dropped

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
        try:
            plan = await self._plan_copy(source, selected_paths, decisions)
            self.host.add_cleanup(self.drop)
            await self._build_golden(source, plan, decisions)
        except BaseException:
            self.host.remove_cleanup(self.drop)
            await asyncio.shield(self._drop_golden())
            self.host.release_prefix(self.prefix)
            self._state = "new"
            raise
        self._plan = plan
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

    async def _build_golden(
        self, source: PostgresUrl, plan: CopyPlan, decisions: Mapping[str, str]
    ) -> None:
        golden, owner = quote_ident(self.golden_database), quote_ident(self.owner_role)
        try:
            async with self.host.admin_connection() as conn:
                await conn.execute(f"CREATE ROLE {owner} NOLOGIN")
                await conn.execute(f"CREATE DATABASE {golden} OWNER {owner} TEMPLATE template0")
                await conn.execute(f"REVOKE ALL ON DATABASE {golden} FROM PUBLIC")
            target = self.host.admin_dsn(self.golden_database)
            await copy_into(plan, source=source, target=target, owner=self.owner_role)
            async with self.host.admin_connection(self.golden_database) as conn:
                await _apply_decisions(conn, plan, decisions)
                await conn.execute("ANALYZE")
            async with self.host.admin_connection() as conn:
                await conn.execute(f"ALTER DATABASE {golden} OWNER TO CURRENT_USER")
                await conn.execute(
                    f"ALTER DATABASE {golden} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false"
                )
        except (ToolError, pgconn.PostgresError) as exc:
            raise CloneError(
                source.scrub(self.host.admin_dsn().scrub(f"building the golden copy failed: {exc}"))
            ) from None

    async def _drop_golden(self) -> None:
        await self.host.drop_database(self.golden_database)
        await self.host.drop_role(self.owner_role)

    # -- branches ----------------------------------------------------------------------------

    async def create_branch(self, branch_name: str) -> BranchDatabase:
        """Clone the golden copy into a new database with a new role (random password) that
        may connect to it only. Safe to call concurrently; at most ``max_parallel_creates``
        clones run at once."""
        if self._state != "ready":
            raise CloneError(f"connector store is {self._state}; call setup() first")
        if branch_name in self._branches or branch_name in self._pending:
            raise BranchExistsError(f"branch {branch_name!r} already exists")
        self._pending.add(branch_name)
        try:
            branch = await self._create_branch(branch_name)
        finally:
            self._pending.discard(branch_name)
        self._branches[branch_name] = branch
        return branch

    async def _create_branch(self, branch_name: str) -> BranchDatabase:
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
                        f" TEMPLATE {quote_ident(self.golden_database)}"
                    )
                    await conn.execute(f"REVOKE ALL ON DATABASE {ident} FROM PUBLIC")
                async with self.host.admin_connection(name) as conn:
                    await conn.execute(
                        f"REASSIGN OWNED BY {quote_ident(self.owner_role)} TO {ident}"
                    )
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
        """Drop every branch, the golden database and the owner role. Idempotent."""
        if self._state in ("new", "dropped") or self.host.closed:
            return
        self._state = "dropped"
        self.host.remove_cleanup(self.drop)
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
        await self._drop_golden()
        self.host.release_prefix(self.prefix)


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
