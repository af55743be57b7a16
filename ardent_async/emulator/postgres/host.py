"""``BranchHost``: the Postgres server on which replicas and branch databases live."""

from __future__ import annotations

import asyncio
import secrets
import shutil
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from types import TracebackType

from . import pgconn
from .dsn import PostgresUrl
from .embedded import EmbeddedServer
from .idents import quote_ident, quote_literal

MIN_HOST_VERSION_NUM = 150000
DEFAULT_MAX_ADMIN_CONNECTIONS = 32
#: Idle admin connections to the maintenance database kept for reuse: opening one costs
#: ~10 ms (a backend start and a SCRAM exchange), several times per branch create.
MAX_IDLE_ADMIN_CONNECTIONS = 8
#: An idle one older than this is closed, not reused (a server may end idle sessions).
MAX_IDLE_SECONDS = 30.0
#: ``CREATE DATABASE ... STRATEGY``: ``FILE_COPY`` (a checkpoint, then a copy of the files;
#: with ``file_copy_method = clone`` on Postgres 18 a ``copy_file_range``/reflink) beat
#: ``WAL_LOG`` at every size measured (1, 10, 100 MB; alone and 8 at once; 1 MB: 20 vs 26 ms,
#: 100 MB: 92 vs 336 ms, 8 x 100 MB: 0.5 vs 2.4 s), and writes no WAL for the rows, which a
#: walsender on the same server would otherwise have to read through.
CLONE_STRATEGY = "FILE_COPY"

#: The embedded server's tablespace in memory (:attr:`.EmbeddedServer.memory_location`).
MEMORY_TABLESPACE = "ardent_memory"
#: A database goes to memory only if at least this share of the memory stays free after it:
#: every branch is a full copy, and other programs (and other emulators) share that memory.
MEMORY_KEEP_FREE = 0.5
#: Only a database up to this size goes to memory. From measurements (bench/history.md): an
#: empty database is some 300 catalog files (7-8 MB) that cost ~1 ms each to create on this
#: machine's disk and ~10 ms in all in memory; above some tens of MB the copy of the rows
#: dominates and memory would fill quickly.
MEMORY_MAX_DATABASE_BYTES = 48 * 1024 * 1024
#: About what an empty database takes (its catalogs), for estimating a replica's size.
EMPTY_DATABASE_BYTES = 8 * 1024 * 1024

Cleanup = Callable[[], Awaitable[None]]


class HostError(RuntimeError):
    """The host server is unusable (unreachable, not a superuser, too old, closed)."""


class BranchHost:
    """A Postgres server (embedded or existing) hosting replica and branch databases.

    Create with :meth:`start_embedded` or :meth:`from_url`; :meth:`close` when done.
    At most ``max_admin_connections`` admin connections are open at once.
    """

    def __init__(
        self,
        admin: PostgresUrl,
        *,
        server_version_num: int,
        server: EmbeddedServer | None = None,
        max_admin_connections: int = DEFAULT_MAX_ADMIN_CONNECTIONS,
    ) -> None:
        self._admin = admin
        self._server = server
        self._server_version_num = server_version_num
        self._slots = asyncio.Semaphore(max_admin_connections)
        self._idle: list[tuple[pgconn.Connection, float]] = []  # (connection, idle since)
        self._file_copy_method = "clone"
        self._memory: Path | None = None  # where MEMORY_TABLESPACE is, once created
        self._cleanups: list[Cleanup] = []
        self._prefixes: set[str] = set()
        self._closed = False
        self.namespace = "ardent_" + secrets.token_hex(3)
        """Prefix of every database/role name this host instance derives."""

    @classmethod
    async def start_embedded(cls, workdir: Path | None = None) -> BranchHost:
        """Start a private server (temp dir under *workdir*, free port, own superuser)."""
        server = await EmbeddedServer.start(workdir)
        try:
            admin = server.admin_url
            async with pgconn.connection(admin) as conn:
                version = int(await conn.fetchval("SHOW server_version_num"))
                # Branch roles may connect to their own database only.
                await conn.execute(
                    "REVOKE CONNECT, TEMPORARY ON DATABASE postgres, template1 FROM PUBLIC"
                )
                memory = await _memory_tablespace(conn, server.memory_location)
        except BaseException:
            await server.stop()
            raise
        host = cls(admin, server_version_num=version, server=server)
        host._memory = memory
        return host

    @classmethod
    async def from_url(cls, admin_url: str) -> BranchHost:
        """Use an existing server (Postgres >= 15) through a superuser URL.

        :meth:`close` then drops what this instance created, leaving the server running.
        """
        admin = PostgresUrl.parse(admin_url)
        try:
            async with pgconn.connection(admin) as conn:
                row = await conn.fetchrow(
                    "SELECT current_setting('server_version_num')::int AS version,"
                    " (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser"
                )
        except (OSError, asyncio.TimeoutError, pgconn.PostgresError) as exc:
            raise HostError(
                admin.scrub(f"cannot connect to {admin.masked()}: {type(exc).__name__}: {exc}")
            ) from None
        assert row is not None
        if not row["superuser"]:
            raise HostError(f"role {admin.user!r} is not a superuser on {admin.masked()}")
        if row["version"] < MIN_HOST_VERSION_NUM:
            raise HostError(f"{admin.masked()} runs Postgres {row['version']}; 15+ is required")
        return cls(admin, server_version_num=row["version"])

    # -- addresses ---------------------------------------------------------------------------

    @property
    def admin_url(self) -> str:
        """Superuser URL, password included: never log it."""
        return self._admin.to_url()

    @property
    def admin_role(self) -> str:
        return self._admin.user

    @property
    def host(self) -> str:
        return self._admin.host

    @property
    def port(self) -> int:
        return self._admin.port

    @property
    def server_version_num(self) -> int:
        return self._server_version_num

    @property
    def is_embedded(self) -> bool:
        return self._server is not None

    @property
    def closed(self) -> bool:
        return self._closed

    def admin_dsn(self, database: str | None = None) -> PostgresUrl:
        """The admin URL pointed at *database* (default: the admin URL's own database)."""
        return self._admin if database is None else self._admin.with_database(database)

    def url_for(self, role: str, password: str, database: str) -> PostgresUrl:
        """A URL on this host for *role* / *password* / *database*."""
        return self._admin.with_credentials(role, password).with_database(database)

    def __repr__(self) -> str:
        kind = "embedded" if self._server is not None else "external"
        state = ", closed" if self._closed else ""
        return f"BranchHost({kind}, {self._admin.masked()}{state})"

    # -- admin work --------------------------------------------------------------------------

    @asynccontextmanager
    async def admin_connection(
        self, database: str | None = None
    ) -> AsyncIterator[pgconn.Connection]:
        """A superuser connection to *database* (bounded concurrency).

        One to another database is closed on exit (so that nobody is left connected to, say,
        a template being cloned); one to the maintenance database (*database* ``None``) is
        kept for reuse unless it is closed or inside a transaction. Callers must not change
        its session settings except for the statement at hand.
        """
        if self._closed:
            raise HostError("this BranchHost is closed")
        if database is not None:
            async with self._slots, pgconn.connection(self.admin_dsn(database)) as conn:
                yield conn
            return
        async with self._slots:
            reused: pgconn.Connection | None = None
            while self._idle and reused is None:
                reused, since = self._idle.pop()
                if not pgconn.reusable_here(reused) or time.monotonic() - since > MAX_IDLE_SECONDS:
                    await pgconn.close_quietly(reused)
                    reused = None
            conn = reused if reused is not None else await pgconn.connect(self._admin)
            try:
                yield conn
            except BaseException:
                await asyncio.shield(pgconn.close_quietly(conn))
                raise
            if (
                self._closed
                or conn.is_closed()
                or conn.is_in_transaction()
                or len(self._idle) >= MAX_IDLE_ADMIN_CONNECTIONS
            ):
                await pgconn.close_quietly(conn)
            else:
                self._idle.append((conn, time.monotonic()))

    async def _close_idle(self) -> None:
        idle, self._idle = self._idle, []
        await asyncio.gather(*(pgconn.close_quietly(conn) for conn, _ in idle))

    async def drop_database(self, name: str) -> None:
        """Drop *name* if it exists, disconnecting its sessions first."""
        async with self.admin_connection() as conn:
            is_template = await conn.fetchval(
                "SELECT datistemplate FROM pg_database WHERE datname = $1", name
            )
            if is_template is None:
                return
            if is_template:
                await conn.execute(f"ALTER DATABASE {quote_ident(name)} IS_TEMPLATE false")
            await conn.execute(f"DROP DATABASE IF EXISTS {quote_ident(name)} WITH (FORCE)")

    @property
    def memory_location(self) -> Path | None:
        """The directory in memory holding :data:`MEMORY_TABLESPACE` (embedded server only)."""
        return self._memory

    def memory_tablespace_for(self, size_bytes: int) -> str | None:
        """The tablespace in memory if a database of about *size_bytes* belongs there: small
        enough (:data:`MEMORY_MAX_DATABASE_BYTES`), and room for it
        (:data:`MEMORY_KEEP_FREE`); else ``None``."""
        if self._memory is None or size_bytes > MEMORY_MAX_DATABASE_BYTES:
            return None
        try:
            usage = shutil.disk_usage(self._memory)
        except OSError:
            return None
        if usage.free - size_bytes < usage.total * MEMORY_KEEP_FREE:
            return None
        return MEMORY_TABLESPACE

    async def clone_database(
        self, template: str, name: str, *, owner: str, tablespace: str | None = None
    ) -> None:
        """``CREATE DATABASE name OWNER owner TEMPLATE template`` (nobody may be connected to
        *template*), by the strategy in :data:`CLONE_STRATEGY`; in *tablespace* if given (else
        in the template's)."""
        ident = quote_ident(name)
        statement = (
            f"CREATE DATABASE {ident} OWNER {quote_ident(owner)}"
            f" TEMPLATE {quote_ident(template)} STRATEGY {CLONE_STRATEGY}"
        )
        if tablespace is not None:
            statement += f" TABLESPACE {quote_ident(tablespace)}"
        async with self.admin_connection() as conn:
            if CLONE_STRATEGY == "FILE_COPY" and self._server_version_num >= 180000:
                await conn.execute(f"SET file_copy_method = {self._file_copy_method}")
            try:
                await conn.execute(statement)
            except pgconn.PostgresError as exc:
                if self._file_copy_method != "clone" or "could not clone" not in str(exc):
                    raise
                # The file system cannot clone (copy_file_range / reflink): copy from now on.
                self._file_copy_method = "copy"
                await conn.execute("SET file_copy_method = copy")
                await conn.execute(statement)

    async def drop_role(self, name: str) -> None:
        async with self.admin_connection() as conn:
            await conn.execute(f"DROP ROLE IF EXISTS {quote_ident(name)}")

    def claim_prefix(self, prefix: str) -> None:
        """Reserve a name prefix (e.g. one connector's) so two owners cannot collide."""
        if prefix in self._prefixes:
            raise HostError(f"name prefix {prefix!r} is already in use on this host")
        self._prefixes.add(prefix)

    def release_prefix(self, prefix: str) -> None:
        self._prefixes.discard(prefix)

    def add_cleanup(self, cleanup: Cleanup) -> None:
        """Register a coroutine function :meth:`close` awaits (latest first) on a non-embedded
        host; an embedded host is simply deleted with everything on it."""
        self._cleanups.append(cleanup)

    def remove_cleanup(self, cleanup: Cleanup) -> None:
        """Forget a cleanup registered with :meth:`add_cleanup` (no error if absent)."""
        if cleanup in self._cleanups:
            self._cleanups.remove(cleanup)

    def recent_log_lines(self, containing: str, *, limit: int = 5) -> list[str]:
        """The embedded server's latest ERROR log lines mentioning *containing* (an external
        host's log is not readable from here: ``[]``)."""
        if self._server is None:
            return []
        return self._server.recent_log_lines(containing, limit=limit)

    async def create_sample_source(
        self, dbname: str = "ardent_sample", *, sql: str | None = None
    ) -> str:
        """Create a demo source database on this host (its contents: ``sql``, else the
        sample's); return its URL (see ``sample``)."""
        from .sample import create_sample_source

        return await create_sample_source(self, dbname, sql=sql)

    async def close(self) -> None:
        """Drop what this instance created (external host) or stop and delete the embedded
        server. Idempotent."""
        if self._closed:
            return
        if self._server is not None:
            self._closed = True
            self._cleanups.clear()
            await self._close_idle()
            await self._server.stop()
            return
        failures: list[BaseException] = []
        while self._cleanups:
            cleanup = self._cleanups.pop()
            try:
                await cleanup()
            except Exception as exc:
                failures.append(exc)
        self._closed = True
        await self._close_idle()
        if failures:
            raise HostError(f"{len(failures)} cleanup step(s) failed; first: {failures[0]}")

    async def __aenter__(self) -> BranchHost:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


async def _memory_tablespace(conn: pgconn.Connection, location: Path | None) -> Path | None:
    """Create :data:`MEMORY_TABLESPACE` at *location*; where it is, or ``None`` if it could
    not be created (the server then keeps everything in its data directory)."""
    if location is None:
        return None
    try:
        await conn.execute(
            f"CREATE TABLESPACE {MEMORY_TABLESPACE} LOCATION {quote_literal(str(location))}"
        )
    except pgconn.PostgresError:
        return None
    return location
