"""Where branches live: the ``BranchBackend`` protocol and the API-only implementation.

The API-only backend needs no database: preflight and discovery answer from a fixed sample
catalog (the same tables as the Postgres layer's sample source) and branch URLs are well-formed
``postgresql://...@127.0.0.1:1/...`` URLs that nothing listens on. The real backend
(``pg_backend.PostgresBackend``) runs the checks against the source and clones real databases.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Mapping, Sequence
from typing import Any, Protocol
from urllib.parse import quote, urlsplit

from ardent_async._redact import mask_url

from .checks import BRANCHING_PREREQUISITES, CHECK_NAMES, DECISIONS

#: connection_details key naming checks the API-only backend should report as failed.
EMULATE_FAILED_CHECKS = "emulate_failed_checks"


class BackendError(RuntimeError):
    """Backend work failed; the message is safe to show (no passwords)."""


@dataclasses.dataclass(frozen=True)
class SourceTable:
    """A discovered source table."""

    schema: str
    name: str
    has_primary_key: bool
    estimated_rows: int
    replica_identity: str = "d"  # d(efault) | f(ull) | i(ndex) | n(othing)
    columns: tuple[Mapping[str, Any], ...] = ()

    @property
    def path(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def needs_decision(self) -> bool:
        """Without a primary key or replica identity, replication needs a per-table decision."""
        return not self.has_primary_key and self.replica_identity not in ("f", "i")

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "schema": self.schema,
            "name": self.name,
            "has_primary_key": self.has_primary_key,
            "estimated_rows": self.estimated_rows,
            "replica_identity": self.replica_identity,
            "columns": [dict(column) for column in self.columns],
        }


@dataclasses.dataclass(frozen=True)
class BranchAddress:
    """How to reach a branch database; ``url`` holds the password."""

    url: str = dataclasses.field(repr=False)
    database: str
    role: str

    @property
    def masked_url(self) -> str:
        return mask_url(self.url)


class BranchBackend(Protocol):
    """What the emulator needs from a branch host."""

    @property
    def name(self) -> str:
        """``api-only`` or ``postgres``."""
        ...

    @property
    def real(self) -> bool:
        """True when branch URLs are connectable."""
        ...

    async def preflight(
        self,
        source_url: str,
        *,
        details: Mapping[str, Any],
        selected_schemas: Sequence[str] | None,
        already_connected: bool,
        database: str | None,
    ) -> dict[str, Any]:
        """The preflight report: ``checks``, ``preflight_pass``,
        ``branching_prerequisites_pass``, ``grant_script``, ``source_metadata``,
        ``source_provider``."""
        ...

    async def discover(self, connector_id: str, source_url: str) -> list[SourceTable]: ...

    async def setup(
        self,
        connector_id: str,
        source_url: str,
        *,
        selected_paths: Sequence[str] | None,
        decisions: Mapping[str, str],
    ) -> None:
        """Set the connector's engine up (``selected_paths`` None: everything)."""
        ...

    async def create_branch(self, connector_id: str, branch_name: str) -> BranchAddress: ...

    async def replication_status(self, connector_id: str) -> dict[str, Any] | None:
        """Replication health for the connector row (``None``: nothing replicates)."""
        ...

    async def drop_connector(self, connector_id: str) -> None:
        """Drop the connector's branches and engine state. Idempotent."""
        ...

    async def close(self) -> None: ...


def source_url_from(details: Mapping[str, Any]) -> str:
    """The source's ``postgresql://`` URL from connection details: ``url`` (or
    ``connection_string``), or ``host``/``port``/``database``/``username``/``password``.
    Raises ValueError with a password-free message."""
    url = details.get("url", details.get("connection_string"))
    if url is not None:
        if not isinstance(url, str):
            raise ValueError("connection_details.url must be a string")
        parts = urlsplit(url)
        try:
            parts.port  # noqa: B018 - validates the port
        except ValueError:
            raise ValueError("connection_details.url has an invalid port") from None
        if parts.scheme not in ("postgresql", "postgres") or not parts.hostname:
            raise ValueError("connection_details.url must be a postgresql://user@host/db URL")
        if not parts.username:
            raise ValueError("connection_details.url has no user name")
        return url
    host = details.get("host") or details.get("hostname")
    user = details.get("username") or details.get("user")
    database = details.get("database") or details.get("dbname")
    port = details.get("port", 5432)
    password = details.get("password")
    missing = [
        name
        for name, value in (("host", host), ("username", user), ("database", database))
        if not isinstance(value, str) or not value
    ]
    if missing:
        raise ValueError(
            "connection_details needs a url, or host, port, database, username and password;"
            f" missing: {', '.join(missing)}"
        )
    if isinstance(port, str) and port.isdigit():
        port = int(port)
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise ValueError("connection_details.port must be a port number")
    if password is not None and not isinstance(password, str):
        raise ValueError("connection_details.password must be a string")
    assert isinstance(host, str)
    assert isinstance(user, str)
    assert isinstance(database, str)
    userinfo = quote(user, safe="") + (":" + quote(password, safe="") if password else "")
    return f"postgresql://{userinfo}@{host}:{port}/{quote(database, safe='')}"


def source_identity(url: str) -> tuple[str, int, str]:
    """(host, port, database) of a source URL: what makes two connectors the same source."""
    parts = urlsplit(url)
    database = parts.path.lstrip("/") or (parts.username or "")
    return ((parts.hostname or "").lower(), parts.port or 5432, database)


def _column(name: str, data_type: str, *, nullable: bool, pk: bool = False) -> dict[str, Any]:
    return {"name": name, "data_type": data_type, "nullable": nullable, "in_primary_key": pk}


#: What the API-only backend "discovers": the Postgres layer's sample source, table for table.
SAMPLE_CATALOG = (
    SourceTable(
        "billing",
        "invoices",
        True,
        40,
        columns=(
            _column("id", "integer", nullable=False, pk=True),
            _column("order_id", "bigint", nullable=False),
            _column("status", "billing.invoice_status", nullable=False),
            _column("amount", "numeric(12,2)", nullable=False),
            _column("pdf", "bytea", nullable=True),
            _column("issued_at", "timestamp with time zone", nullable=False),
        ),
    ),
    SourceTable(
        "public",
        "audit_events",
        False,
        30,
        columns=(
            _column("occurred_at", "timestamp with time zone", nullable=False),
            _column("actor", "text", nullable=False),
            _column("action", "text", nullable=False),
            _column("payload", "jsonb", nullable=True),
        ),
    ),
    SourceTable(
        "public",
        "customers",
        True,
        25,
        columns=(
            _column("id", "integer", nullable=False, pk=True),
            _column("email", "text", nullable=False),
            _column("name", "text", nullable=False),
        ),
    ),
    SourceTable(
        "public",
        "orders",
        True,
        60,
        columns=(
            _column("id", "bigint", nullable=False, pk=True),
            _column("customer_id", "integer", nullable=False),
            _column("total", "numeric(12,2)", nullable=False),
        ),
    ),
)


class ApiOnlyBackend:
    """No database: answers from :data:`SAMPLE_CATALOG`; branch URLs are not connectable."""

    name = "api-only"
    real = False
    #: 127.0.0.1:1 — well-formed, and nothing listens there.
    host = "127.0.0.1"
    port = 1

    def __init__(self) -> None:
        self._branches: dict[str, set[str]] = {}

    async def preflight(
        self,
        source_url: str,
        *,
        details: Mapping[str, Any],
        selected_schemas: Sequence[str] | None,
        already_connected: bool,
        database: str | None,
    ) -> dict[str, Any]:
        failing = details.get(EMULATE_FAILED_CHECKS) or []
        if not isinstance(failing, list) or not all(isinstance(n, str) for n in failing):
            raise ValueError(f"connection_details.{EMULATE_FAILED_CHECKS} must be a list of names")
        host, port, dbname = source_identity(source_url)
        schemas = sorted({table.schema for table in SAMPLE_CATALOG})
        targets = schemas if selected_schemas is None else list(selected_schemas)
        lacking = [t.path for t in SAMPLE_CATALOG if t.needs_decision and t.schema in targets]
        note = "API-only emulator: not checked against a real server."
        checks: dict[str, dict[str, Any]] = {}
        for check in CHECK_NAMES:
            checks[check] = {"status": "pass", "message": note, "hint": None}
        checks["tables_without_primary_key"] = (
            {
                "status": "warn",
                "message": f"{len(lacking)} table(s) lack a primary key and need a decision.",
                "hint": "Decide per table: exclude it, add_pk, or replica_identity_full.",
                "tables": lacking,
                "decision_options": list(DECISIONS),
            }
            if lacking
            else {"status": "pass", "message": note, "hint": None, "tables": []}
        )
        if already_connected:
            failing = [*failing, "already_connected"]
        for check in failing:
            if check in checks:
                checks[check] = {
                    "status": "fail",
                    "message": f"{check} failed (emulated).",
                    "hint": "Fix the source and run preflight again.",
                }
        failed = [name for name, check in checks.items() if check["status"] == "fail"]
        return {
            "checks": checks,
            "preflight_pass": not failed,
            "branching_prerequisites_pass": not set(failed) & set(BRANCHING_PREREQUISITES),
            "grant_script": "" if not failed else "-- emulated failure: nothing to run\n",
            "source_metadata": {
                "provider": "vanilla",
                "host": host,
                "port": port,
                "database": database or dbname,
                "schemas": schemas,
                "selected_schemas": targets,
                "emulated": True,
            },
            "source_provider": "vanilla",
        }

    async def discover(self, connector_id: str, source_url: str) -> list[SourceTable]:
        return list(SAMPLE_CATALOG)

    async def setup(
        self,
        connector_id: str,
        source_url: str,
        *,
        selected_paths: Sequence[str] | None,
        decisions: Mapping[str, str],
    ) -> None:
        self._branches.setdefault(connector_id, set())

    async def create_branch(self, connector_id: str, branch_name: str) -> BranchAddress:
        names = self._branches.setdefault(connector_id, set())
        if branch_name in names:
            raise BackendError(f"branch {branch_name!r} already exists")
        names.add(branch_name)
        database = f"br_{secrets.token_hex(6)}"
        password = secrets.token_urlsafe(18)
        url = f"postgresql://{database}:{password}@{self.host}:{self.port}/{database}"
        return BranchAddress(url=url, database=database, role=database)

    async def replication_status(self, connector_id: str) -> dict[str, Any] | None:
        return None

    async def drop_connector(self, connector_id: str) -> None:
        self._branches.pop(connector_id, None)

    async def close(self) -> None:
        self._branches.clear()
