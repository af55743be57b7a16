"""The API-only ``BranchBackend``: no database.

Preflight and discovery answer from a fixed sample catalog (the same tables as the Postgres
layer's sample source) and branch URLs are well-formed ``postgresql://...@127.0.0.1:1/...`` URLs
that nothing listens on.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from .branch_backend import BackendError, BranchAddress, SourceTable
from .checks import BRANCHING_PREREQUISITES, CHECK_NAMES, DECISIONS
from .source_url import source_identity

#: connection_details key naming checks the API-only backend should report as failed.
EMULATE_FAILED_CHECKS = "emulate_failed_checks"


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
