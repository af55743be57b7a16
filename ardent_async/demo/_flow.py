"""The demo's work, on the SDK only: source → connector → engine → N branches → queries."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, Protocol

import attrs

from ardent_async._client import ArdentClient
from ardent_async.errors import ArdentError
from ardent_async.fanout import FanOutProgress
from ardent_async.models import AsyncOperationResponse, PreflightReport
from ardent_async.preflight import failing_checks


class DemoError(Exception):
    """An expected failure with a one-line cause (bad token, source not ready, timeout)."""


class DemoView(Protocol):
    """What the flow tells the person watching (tables, progress bars or JSON)."""

    def stage(self, text: str) -> None: ...

    def preflight(self, report: PreflightReport) -> None: ...

    def operation(self, label: str, operation: AsyncOperationResponse) -> None: ...

    def fanout(self, progress: FanOutProgress) -> None: ...


@attrs.define(frozen=True)
class BranchReport:
    name: str
    ready_after: float | None
    """Seconds from the start of the fan-out until this branch was ready."""
    url: str | None
    rows: int | None = None
    tables: int | None = None
    error: str | None = None


@attrs.define(frozen=True)
class DemoResult:
    target: str
    preflight: PreflightReport
    branches: list[BranchReport]
    fanout_seconds: float
    kept: bool
    connector_id: str | None = None

    @property
    def branches_per_second(self) -> float:
        ready = sum(1 for b in self.branches if b.error is None)
        return ready / self.fanout_seconds if self.fanout_seconds > 0 else 0.0


@attrs.define(frozen=True)
class Target:
    client: ArdentClient
    source_url: str
    org_id: str | None
    description: str
    token: str | None = attrs.field(default=None, repr=False)
    """Set for the embedded emulator only: the token to show with ``--keep``."""
    embedded: bool = False
    """The emulator runs inside this process: it (and everything on it) ends with it."""


@asynccontextmanager
async def target() -> AsyncIterator[Target]:
    """The real Ardent when ARDENT_TOKEN/ARDENT_API_URL say so, else the embedded emulator."""
    if os.environ.get("ARDENT_TOKEN") or os.environ.get("ARDENT_API_URL"):
        source_url = os.environ.get("ARDENT_SOURCE_URL")
        if not source_url:
            raise DemoError(
                "against a real Ardent API the demo needs ARDENT_SOURCE_URL "
                "(postgresql://user:password@host:5432/db of the source to branch)"
            )
        async with ArdentClient() as client:
            yield Target(client, source_url, os.environ.get("ARDENT_ORG_ID"), client.base_url)
        return
    try:
        from ardent_async.emulator import Emulator
    except ImportError as exc:  # pragma: no cover - only without the extra
        raise DemoError(
            f"the emulator needs the extra: pip install 'ardent-async[emulator]' ({exc})"
        ) from None
    async with Emulator(postgres="embedded", sample_source=True) as emulator:
        assert emulator.sample_source_url is not None
        async with emulator.client() as client:
            yield Target(
                client,
                emulator.sample_source_url,
                emulator.org_id,
                f"embedded emulator at {emulator.base_url} (real Postgres branches)",
                token=emulator.token,
                embedded=True,
            )


async def run(
    spot: Target, view: DemoView, *, branches: int, keep: bool, timeout: float, concurrency: int
) -> DemoResult:
    client = spot.client
    stamp = time.strftime("%Y%m%d-%H%M%S")
    view.stage("Creating a project")
    project = await client.projects.create(f"demo-{stamp}", org_id=spot.org_id)

    view.stage("Preflighting the source")
    details = {"url": spot.source_url}
    report = await client.connectors.preflight(details, org_id=spot.org_id)
    view.preflight(report)
    if not report.preflight_pass:
        failed = ", ".join(c.name for c in failing_checks(report)) or "see the report"
        raise DemoError(f"source not ready for branching: failing checks: {failed}")

    view.stage("Creating the connector")
    connector = await client.connectors.create(
        project.id, f"demo-{stamp}", details, org_id=spot.org_id
    )
    try:
        view.stage("Discovering schemas and tables")
        accepted = await client.connectors.discover(connector.id)
        await _follow(client, view, "discovery", accepted.operation_id, timeout)
        await client.connectors.set_selection(connector.id, ["*"])
        connector = await client.connectors.get(connector.id)
        needing = _tables_needing_decision(connector.extra)
        if needing:
            view.stage(
                f"Replica identity FULL for tables without a primary key: {', '.join(needing)}"
            )
            await client.connectors.set_replica_identity_decisions(
                connector.id, dict.fromkeys(needing, "replica_identity_full")
            )

        view.stage("Engine setup")
        setup = await client.connectors.engine_setup(connector.id)
        if setup.operation is not None:
            await _follow(client, view, "engine setup", setup.operation.operation_id, timeout)

        view.stage(f"Creating {branches} branches in parallel")
        names = [f"branch-{i:03d}" for i in range(1, branches + 1)]
        ready_at: dict[str, float] = {}
        started = time.perf_counter()

        def progressed(progress: FanOutProgress) -> None:
            ready_at[progress.name] = time.perf_counter() - started
            view.fanout(progress)

        outcomes = await client.branches.create_many(
            connector.id, names, concurrency=concurrency, timeout=timeout, on_progress=progressed
        )
        fanout_seconds = time.perf_counter() - started

        view.stage("Connecting to every branch")
        reports = await asyncio.gather(
            *(
                _inspect(
                    o.name, ready_at.get(o.name), o.branch.branch_url if o.branch else None, o.error
                )
                for o in outcomes
            )
        )
    finally:
        if not keep:
            view.stage("Cleaning up (deleting the connector and its branches)")
            await _cleanup(client, view, connector.id, project.id, timeout)
    return DemoResult(spot.description, report, list(reports), fanout_seconds, keep, connector.id)


async def _follow(
    client: ArdentClient, view: DemoView, label: str, operation_id: str, timeout: float
) -> AsyncOperationResponse:
    last: AsyncOperationResponse | None = None
    async for operation in client.operations.watch(operation_id, timeout=timeout):
        last = operation
        view.operation(label, operation)
    assert last is not None
    return last


async def _inspect(
    name: str, ready_after: float | None, url: str | None, error: Exception | None
) -> BranchReport:
    if error is not None or url is None:
        return BranchReport(name, ready_after, url, error=_one_line(error))
    try:
        rows, tables = await count_rows(url)
    except Exception as exc:  # reported per branch, never lost
        return BranchReport(name, ready_after, url, error=f"connect failed: {_one_line(exc)}")
    return BranchReport(name, ready_after, url, rows=rows, tables=tables)


async def count_rows(url: str) -> tuple[int, int]:
    """Total rows and number of user tables in the database at ``url`` (one connection)."""
    import asyncpg  # the emulator extra; imported here so the SDK never needs it

    connection = await asyncpg.connect(url, timeout=30)
    try:
        tables = await connection.fetch(
            "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) AS name"
            " FROM information_schema.tables"
            " WHERE table_type = 'BASE TABLE'"
            " AND table_schema NOT IN ('pg_catalog', 'information_schema')"
        )
        total = 0
        for table in tables:
            total += await connection.fetchval(f"SELECT count(*) FROM {table['name']}")
        return total, len(tables)
    finally:
        await connection.close()


async def _cleanup(
    client: ArdentClient, view: DemoView, connector_id: str, project_id: str, timeout: float
) -> None:
    try:
        handle = await client.connectors.delete(connector_id, force=True)
        await _follow(client, view, "delete", handle.operation_id, timeout)
        await client.projects.delete(project_id)
    except ArdentError as exc:
        view.stage(f"cleanup incomplete: {_one_line(exc)}")


def _tables_needing_decision(extra: dict[str, Any]) -> list[str]:
    for key in ("tables_needing_replica_identity_decision", "tables_needing_decision"):
        value = extra.get(key)
        if isinstance(value, list):
            return [str(v) for v in value]
    preflight = extra.get("replica_identity_preflight")
    if isinstance(preflight, dict) and isinstance(preflight.get("tables_needing_decision"), list):
        return [str(v) for v in preflight["tables_needing_decision"]]
    return []


def _one_line(error: BaseException | None) -> str:
    if error is None:
        return "no branch URL"
    text = str(error) or type(error).__name__
    return text.splitlines()[0]


ViewFactory = Callable[[], DemoView]
