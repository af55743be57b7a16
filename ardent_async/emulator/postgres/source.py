"""Inspecting a customer's source database: :func:`preflight` checks and :func:`discover`.

Both work on any reachable Postgres (vanilla, >= 10) through its URL. The URL's password never
appears in a result, message, exception or repr.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from ..checks import BRANCHING_PREREQUISITES, CHECK_NAMES, FAIL, PASS, WARN
from ..checks import DECISIONS as DECISION_OPTIONS
from . import catalog, pgconn
from .dsn import PostgresUrl
from .idents import quote_ident

MIN_SOURCE_VERSION_NUM = 100000  # logical replication appeared in Postgres 10

Check = dict[str, Any]


class SourceError(RuntimeError):
    """The source could not be inspected (message is password-free)."""


@dataclasses.dataclass(frozen=True)
class PreflightResult:
    """Outcome of :func:`preflight`.

    ``checks`` maps each name in :data:`CHECK_NAMES` to ``{"status": "pass"|"fail"|"warn",
    "message": str, "hint": str | None, ...details}``. ``preflight_pass`` is true when no check
    fails (warnings allowed); ``branching_prerequisites_pass`` when every check in
    :data:`BRANCHING_PREREQUISITES` passes. ``grant_script`` is SQL (run as a superuser on the
    source) fixing what failed, or ``""``.
    """

    checks: dict[str, Check]
    preflight_pass: bool
    branching_prerequisites_pass: bool
    grant_script: str
    source_metadata: dict[str, Any]
    source_provider: str = "vanilla"

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class ColumnInfo:
    name: str
    data_type: str
    nullable: bool
    in_primary_key: bool


@dataclasses.dataclass(frozen=True)
class TableInfo:
    """A table found by :func:`discover`; ``estimated_rows`` is the planner's estimate."""

    schema: str
    name: str
    has_primary_key: bool
    columns: tuple[ColumnInfo, ...]
    estimated_rows: int
    replica_identity: str

    @property
    def path(self) -> str:
        return f"{self.schema}.{self.name}"

    def to_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "path": self.path}


def _check(status: str, message: str, hint: str | None = None, **details: Any) -> Check:
    return {"status": status, "message": message, "hint": hint, **details}


async def preflight(
    url: str,
    *,
    selected_schemas: Sequence[str] | None,
    already_connected: bool,
    database: str | None = None,
    timeout: float = 10.0,
) -> PreflightResult:
    """Run the connection checks against the source at *url* (database overridable).

    *selected_schemas* are schema names (``None``: every user schema). Never raises for an
    unreachable or misconfigured source: that is reported through the ``reachable`` check.
    """
    checks: dict[str, Check] = {}
    if already_connected:
        checks["already_connected"] = _check(
            FAIL,
            "This source database is already connected to Ardent.",
            "Use the existing connector, or delete it before connecting the source again.",
        )
    else:
        checks["already_connected"] = _check(PASS, "The source is not connected yet.")

    try:
        dsn = PostgresUrl.parse(url)
    except ValueError as exc:
        checks["reachable"] = _check(
            FAIL, f"The connection URL is invalid: {exc}.", "Use postgresql://user:pw@host:port/db."
        )
        return _finish(checks, [], {"provider": "vanilla"})
    if database is not None:
        dsn = dsn.with_database(database)
    metadata: dict[str, Any] = {
        "provider": "vanilla",
        "host": dsn.host,
        "port": dsn.port,
        "database": dsn.database,
        "user": dsn.user,
    }
    try:
        conn = await pgconn.connect(dsn, timeout=timeout)
    except Exception as exc:
        checks["reachable"] = _unreachable(dsn, exc)
        return _finish(checks, [], metadata)
    try:
        checks["reachable"] = _check(
            PASS, f"Connected to {dsn.host}:{dsn.port}/{dsn.database} as {dsn.user}."
        )
        script = await _inspect(conn, selected_schemas, checks, metadata)
    except pgconn.PostgresError as exc:
        raise SourceError(dsn.scrub(f"inspecting the source failed: {exc}")) from None
    finally:
        await conn.close(timeout=timeout)
    return _finish(checks, script, metadata)


def _unreachable(dsn: PostgresUrl, exc: BaseException) -> Check:
    where = f"{dsn.host}:{dsn.port}/{dsn.database} as {dsn.user}"
    if isinstance(exc, pgconn.InvalidPasswordError):
        reason, hint = "password authentication failed", "Check the password in the URL."
    elif isinstance(exc, pgconn.InvalidCatalogNameError):
        reason, hint = "the database does not exist", "Check the database name in the URL."
    elif isinstance(exc, pgconn.InvalidAuthorizationSpecificationError):
        reason = "the server rejected the role"
        hint = "Check that the role exists and pg_hba.conf admits it."
    elif isinstance(exc, (asyncio.TimeoutError, TimeoutError)):
        reason = "the connection timed out"
        hint = "Check the host, port and firewall rules; Ardent must reach the server."
    elif isinstance(exc, OSError):
        reason = "the server is not reachable (connection refused or unreachable host)"
        hint = "Check the host and port, and that Postgres listens on that address."
    else:
        reason, hint = "the connection failed", None
    detail = dsn.scrub(f"{type(exc).__name__}: {exc}")
    return _check(FAIL, f"Could not connect to {where}: {reason}.", hint, error=detail)


async def _inspect(
    conn: pgconn.Connection,
    selected_schemas: Sequence[str] | None,
    checks: dict[str, Check],
    metadata: dict[str, Any],
) -> list[str]:
    """Fill in every check but ``reachable``/``already_connected``; return grant-script lines."""
    row = await conn.fetchrow(
        "SELECT current_setting('server_version') AS server_version,"
        " current_setting('server_version_num')::int AS server_version_num,"
        " current_database() AS database, current_user AS role,"
        " pg_is_in_recovery() AS in_recovery, current_setting('wal_level') AS wal_level,"
        " current_setting('max_replication_slots')::int AS max_slots,"
        " (SELECT count(*) FROM pg_replication_slots)::int AS used_slots,"
        " current_setting('max_wal_senders')::int AS max_senders,"
        " (SELECT count(*) FROM pg_stat_replication)::int AS used_senders,"
        " r.rolreplication AS replication, r.rolsuper AS superuser"
        " FROM pg_roles r WHERE r.rolname = current_user"
    )
    assert row is not None
    role: str = row["role"]
    script: list[str] = []
    version = f"PostgreSQL {row['server_version']}"
    metadata.update(
        server_version=row["server_version"],
        server_version_num=row["server_version_num"],
        database=row["database"],
        user=role,
    )

    if row["server_version_num"] >= MIN_SOURCE_VERSION_NUM:
        checks["server_version"] = _check(
            PASS, f"{version} supports logical replication.", version=row["server_version"]
        )
    else:
        checks["server_version"] = _check(
            FAIL,
            f"{version} is too old: logical replication needs PostgreSQL 10 or later.",
            "Upgrade the source server.",
            version=row["server_version"],
        )

    if row["in_recovery"]:
        checks["writer"] = _check(
            FAIL,
            "The server is a read replica (in recovery); a primary is required.",
            "Connect to the primary (writer) instance instead.",
        )
        script.append("-- writer: connect to the primary server; replicas cannot be sources.")
    else:
        checks["writer"] = _check(PASS, "The server is a primary (not in recovery).")

    if row["wal_level"] == "logical":
        checks["wal_level"] = _check(PASS, "wal_level is logical.", wal_level="logical")
    else:
        checks["wal_level"] = _check(
            FAIL,
            f"wal_level is {row['wal_level']}; it must be logical.",
            "Set wal_level = logical and restart the server.",
            wal_level=row["wal_level"],
        )
        script.append("ALTER SYSTEM SET wal_level = 'logical';  -- takes effect after a restart")

    _capacity_check(
        checks,
        script,
        "replication_slots",
        "max_replication_slots",
        "replication slots",
        row["max_slots"],
        row["used_slots"],
    )
    _capacity_check(
        checks,
        script,
        "wal_senders",
        "max_wal_senders",
        "WAL senders",
        row["max_senders"],
        row["used_senders"],
    )

    if row["superuser"] or row["replication"]:
        via = "is a superuser" if row["superuser"] else "has the REPLICATION attribute"
        checks["replication_privilege"] = _check(PASS, f"Role {role} {via}.", role=role)
    else:
        checks["replication_privilege"] = _check(
            FAIL,
            f"Role {role} lacks the REPLICATION attribute.",
            f"Grant it: ALTER ROLE {quote_ident(role)} WITH REPLICATION;",
            role=role,
        )
        script.append(f"ALTER ROLE {quote_ident(role)} WITH REPLICATION;")

    schemas = await catalog.user_schemas(conn)
    metadata["schemas"] = [schema.name for schema in schemas]
    targets = await _schema_check(conn, selected_schemas, schemas, role, checks, script)
    metadata["selected_schemas"] = targets
    await _publication_rights(conn, targets, role, row["superuser"], checks, script)
    await _primary_key_check(conn, targets, checks, script)
    return script


async def _publication_rights(
    conn: pgconn.Connection,
    targets: list[str],
    role: str,
    superuser: bool,
    checks: dict[str, Check],
    script: list[str],
) -> None:
    """Part of ``replication_privilege``: a publication ``FOR TABLE`` needs ``CREATE`` on the
    database and the rights of each table's owner (``REPLICA IDENTITY FULL`` too)."""
    if superuser:
        return
    row = await conn.fetchrow(
        "SELECT current_database() AS database,"
        " has_database_privilege(current_database(), 'CREATE') AS can_create"
    )
    assert row is not None
    owners = await conn.fetch(
        "SELECT DISTINCT pg_get_userbyid(c.relowner) AS owner FROM pg_class c"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY($1::text[])"
        " AND NOT pg_has_role(c.relowner, 'USAGE') ORDER BY 1",
        targets,
    )
    missing_owners = [r["owner"] for r in owners]
    if row["can_create"] and not missing_owners:
        return
    check = checks["replication_privilege"]
    problems = []
    grantee = quote_ident(role)
    if not row["can_create"]:
        problems.append(f"CREATE on database {row['database']} (to create the publication)")
        script.append(f"GRANT CREATE ON DATABASE {quote_ident(row['database'])} TO {grantee};")
    if missing_owners:
        problems.append("the rights of the selected tables' owner(s) " + ", ".join(missing_owners))
        script.extend(f"GRANT {quote_ident(owner)} TO {grantee};" for owner in missing_owners)
    message = f"Role {role} lacks " + " and ".join(problems) + "."
    if check["status"] == FAIL:
        message = f"{check['message']} {message}"
    checks["replication_privilege"] = _check(
        FAIL,
        message,
        "Run the grant_script as a superuser on the source.",
        role=role,
        missing_owner_rights=missing_owners,
        can_create_publication=bool(row["can_create"]),
    )


def _capacity_check(
    checks: dict[str, Check],
    script: list[str],
    name: str,
    setting: str,
    what: str,
    maximum: int,
    used: int,
) -> None:
    free = maximum - used
    details: dict[str, Any] = {"max": maximum, "used": used, "free": free}
    if free > 0:
        checks[name] = _check(PASS, f"{free} of {maximum} {what} are free.", **details)
        return
    checks[name] = _check(
        FAIL,
        f"No free {what}: {used} of {maximum} in use.",
        f"Raise {setting} (and restart) or free unused {what}.",
        **details,
    )
    script.append(f"ALTER SYSTEM SET {setting} = {used + 4};  -- takes effect after a restart")


async def _schema_check(
    conn: pgconn.Connection,
    selected: Sequence[str] | None,
    schemas: list[catalog.SchemaRow],
    role: str,
    checks: dict[str, Check],
    script: list[str],
) -> list[str]:
    """Check the selected schemas exist and are readable; return the existing ones."""
    known = {schema.name: schema for schema in schemas}
    targets, missing = _split_selection(selected, known)
    unreadable = [name for name in targets if not known[name].has_usage]
    readable = [name for name in targets if name not in unreadable]
    no_select = [t.path for t in await catalog.tables(conn, readable) if not t.can_select]
    details: dict[str, Any] = {
        "selected": targets,
        "missing": missing,
        "without_usage": unreadable,
        "tables_without_select": no_select,
    }
    if selected is not None and not selected:
        checks["selected_schemas"] = _check(
            FAIL, "No schema is selected.", "Select at least one schema.", **details
        )
        return targets
    problems = _selection_problems(missing, unreadable, no_select)
    if not problems:
        scope = "all user schemas" if selected is None else "the selected schemas"
        checks["selected_schemas"] = _check(
            PASS, f"Role {role} can read {scope}: {', '.join(targets) or '(none)'}.", **details
        )
        return targets
    checks["selected_schemas"] = _check(
        FAIL,
        "; ".join(problems).capitalize() + ".",
        "Fix the schema selection, or grant the role read access (see grant_script).",
        **details,
    )
    script.extend(f"-- schema {name} does not exist" for name in missing)
    script.extend(_read_grants(role, unreadable + [path.split(".", 1)[0] for path in no_select]))
    return targets


def _split_selection(
    selected: Sequence[str] | None, known: Mapping[str, catalog.SchemaRow]
) -> tuple[list[str], list[str]]:
    """The selected schemas the source has (all of its user schemas for ``None``), and the
    selected ones it does not have; each once, in selection order."""
    if selected is None:
        return list(known), []
    unique = list(dict.fromkeys(selected))
    return [name for name in unique if name in known], [n for n in unique if n not in known]


def _selection_problems(
    missing: list[str], unreadable: list[str], no_select: list[str]
) -> list[str]:
    """One phrase per kind of problem with the selection (none: the role can read it all)."""
    problems = []
    if missing:
        problems.append(f"schemas not found: {', '.join(missing)}")
    if unreadable:
        problems.append(f"no USAGE privilege on: {', '.join(unreadable)}")
    if no_select:
        problems.append(f"no SELECT privilege on {len(no_select)} table(s)")
    return problems


def _read_grants(role: str, schema_names: list[str]) -> list[str]:
    """The statements that let *role* read every table, now and future, of each schema."""
    grantee = quote_ident(role)
    statements = []
    for name in dict.fromkeys(schema_names):
        schema = quote_ident(name)
        statements.append(f"GRANT USAGE ON SCHEMA {schema} TO {grantee};")
        statements.append(f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {grantee};")
        statements.append(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT ON TABLES TO {grantee};"
        )
    return statements


async def _primary_key_check(
    conn: pgconn.Connection,
    targets: list[str],
    checks: dict[str, Check],
    script: list[str],
) -> None:
    lacking = [
        table
        for table in await catalog.tables(conn, targets)
        if not table.is_partition
        and not table.has_primary_key
        and table.replica_identity not in ("f", "i")
    ]
    paths = [table.path for table in lacking]
    if not paths:
        checks["tables_without_primary_key"] = _check(
            PASS, "Every selected table has a primary key or replica identity.", tables=[]
        )
        return
    checks["tables_without_primary_key"] = _check(
        WARN,
        f"{len(paths)} table(s) lack a primary key and need a decision: {', '.join(paths)}.",
        "Decide per table: exclude it, add_pk, or replica_identity_full.",
        tables=paths,
        decision_options=list(DECISION_OPTIONS),
    )
    script.append("-- tables without a primary key: add one, or use REPLICA IDENTITY FULL:")
    script.extend(
        f"-- ALTER TABLE {quote_ident(t.schema)}.{quote_ident(t.name)} REPLICA IDENTITY FULL;"
        for t in lacking
    )


def _finish(
    checks: dict[str, Check], script: list[str], metadata: dict[str, Any]
) -> PreflightResult:
    if checks["reachable"]["status"] != PASS:
        for name in CHECK_NAMES:
            checks.setdefault(
                name,
                _check(FAIL, "Not checked: the source is not reachable.", None, checked=False),
            )
    ordered = {name: checks[name] for name in CHECK_NAMES}
    failed = [name for name, check in ordered.items() if check["status"] == FAIL]
    fixes = [line for line in script if not line.startswith("--")]
    grant_script = ""
    if fixes:
        header = "-- Run as a superuser on the source database."
        grant_script = "\n".join([header, *script]) + "\n"
    return PreflightResult(
        checks=ordered,
        preflight_pass=not failed,
        branching_prerequisites_pass=all(
            ordered[name]["status"] == PASS for name in BRANCHING_PREREQUISITES
        ),
        grant_script=grant_script,
        source_metadata=metadata,
    )


async def discover(
    url: str, *, database: str | None = None, timeout: float = 10.0
) -> list[TableInfo]:
    """List the user tables of the source (system schemas excluded; partitions folded into
    their parent). Raises :class:`SourceError` if the source cannot be read."""
    try:
        dsn = PostgresUrl.parse(url)
    except ValueError as exc:
        raise SourceError(str(exc)) from None
    if database is not None:
        dsn = dsn.with_database(database)
    try:
        async with pgconn.connection(dsn, timeout=timeout) as conn:
            rows = [table for table in await catalog.tables(conn) if not table.is_partition]
            columns = await catalog.columns(conn, [table.oid for table in rows])
    except (OSError, asyncio.TimeoutError, pgconn.PostgresError) as exc:
        raise SourceError(
            dsn.scrub(f"cannot read {dsn.masked()}: {type(exc).__name__}: {exc}")
        ) from None
    return [
        TableInfo(
            schema=table.schema,
            name=table.name,
            has_primary_key=table.has_primary_key,
            columns=tuple(
                ColumnInfo(c.name, c.data_type, c.nullable, c.in_primary_key)
                for c in columns[table.oid]
            ),
            estimated_rows=table.estimated_rows,
            replica_identity=table.replica_identity,
        )
        for table in rows
    ]
