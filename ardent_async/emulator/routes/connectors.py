"""``/v1/connectors``: sources, preflight, discovery, selection, replica identity, engine setup,
deletion (lock) and quarantines."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ardent_async.models import (
    ConnectorDeletionLockRequest,
    ConnectorEnvelope,
    ConnectorListResponse,
    ConnectorRow,
    CreateConnectorRequest,
    DiscoverAccepted,
    OperationHandle,
    OperationType,
    PreflightConnectorRequest,
    PreflightReport,
    QuarantineListResponse,
    QuarantineRow,
    ReplicaIdentityDecisionsRequest,
    SelectionRequest,
    UpdateConnectorRequest,
)

from .. import roles
from ..bodies import build_model, parse_model, query_flag, query_text, read_json
from ..branch_backend import BackendError, SourceTable
from ..checks import DECISIONS
from ..context import Caller, caller
from ..http_errors import ApiError, bad_request, conflict, not_found
from ..operation_runner import Steps
from ..responses import reply
from ..runtime import Runtime, runtime
from ..source_url import source_identity, source_url_from
from ..state import Connector, Operation, Quarantine, new_id, utcnow
from ._base import OperationHandler, check_org, connector_of, project_of

SERVICE_NAME = "postgresql"


# -- rows ------------------------------------------------------------------------------------


def selected_tables(connector: Connector) -> list[SourceTable]:
    """Discovered tables covered by the selection (everything when nothing is selected)."""
    tables = connector.tables or []
    selection = connector.selected_paths
    if selection is None or "*" in selection:
        return list(tables)
    chosen = set(selection)
    return [t for t in tables if t.path in chosen or t.schema in chosen]


def undecided(connector: Connector) -> list[str]:
    return [
        t.path
        for t in selected_tables(connector)
        if t.needs_decision and t.path not in connector.decisions
    ]


def replica_identity_preflight(connector: Connector) -> dict[str, Any] | None:
    if connector.tables is None:
        return None
    needing = [t.path for t in selected_tables(connector) if t.needs_decision]
    missing = undecided(connector)
    return {
        "tables_needing_decision": needing,
        "decisions": dict(connector.decisions),
        "undecided": missing,
        "decision_options": list(DECISIONS),
        "ready": not missing,
    }


def row(connector: Connector, who: Caller, **more: Any) -> ConnectorRow:
    locked = connector.deletion_locked_at is not None
    tables = connector.tables
    extra: dict[str, Any] = {
        "updated_at": connector.updated_at.isoformat(),
        "engine_status": connector.engine,
        "drop_extensions": connector.drop_extensions,
        "deletion_locked": locked,
        "deletion_lock_reason": connector.deletion_lock_reason,
        "deletion_locked_at": (
            connector.deletion_locked_at.isoformat() if connector.deletion_locked_at else None
        ),
        "discovered_paths": None if tables is None else [t.path for t in tables],
        "discovered_tables": None if tables is None else [t.to_dict() for t in tables],
        "tables_needing_replica_identity_decision": (
            None if tables is None else [t.path for t in tables if t.needs_decision]
        ),
        "selected_paths": connector.selected_paths,
        "replica_identity_decisions": dict(connector.decisions),
        "replica_identity_preflight": replica_identity_preflight(connector),
        "source_metadata": connector.source_metadata,
        **more,
    }
    return ConnectorRow(
        id=connector.id,
        name=connector.name,
        org_id=connector.org_id,
        service_name=connector.service_name,
        can_delete=who.can(roles.CONNECTORS_DELETE) and not locked,
        can_update=who.can(roles.CONNECTORS_WRITE),
        created_at=connector.created_at,
        project_id=connector.project_id,
        status=connector.status,
        extra=extra,
    )


def handle(op: Operation) -> OperationHandle:
    return OperationHandle(
        operation_id=op.id,
        resource_id=op.resource_id,
        status=op.status,
        type=op.type,
    )


def running(rt: Runtime, op_id: str | None) -> Operation | None:
    op = rt.store.operations.get(op_id) if op_id else None
    return op if op is not None and not op.terminal else None


# -- preflight and create --------------------------------------------------------------------


def _source_url(details: dict[str, Any]) -> str:
    try:
        return source_url_from(details)
    except ValueError as exc:
        raise bad_request(f"Connection details failed validation: {exc}") from None


def _check_service(service_name: str) -> None:
    if service_name != SERVICE_NAME:
        raise bad_request(
            f"Unsupported service {service_name!r}; {SERVICE_NAME!r} is the only supported value"
        )


def _already_connected(rt: Runtime, org_id: str, url: str, skip: str | None = None) -> bool:
    identity = source_identity(url)
    return any(
        c.org_id == org_id and c.id != skip and source_identity(c.source_url) == identity
        for c in rt.store.connectors.values()
    )


async def _preflight(
    rt: Runtime,
    url: str,
    details: dict[str, Any],
    *,
    already_connected: bool,
    selected_schemas: list[str] | None = None,
    database: str | None = None,
) -> dict[str, Any]:
    try:
        return await rt.backend.preflight(
            url,
            details=details,
            selected_schemas=selected_schemas,
            already_connected=already_connected,
            database=database,
        )
    except (BackendError, ValueError) as exc:
        raise bad_request(f"Preflight could not run: {exc}") from None


def _placement(use_environment: bool | None, private_link_id: str | None) -> None:
    if use_environment:
        raise bad_request("This organization has no customer-cloud environments")
    if private_link_id is not None:
        raise bad_request("private_link_id needs use_environment")


async def preflight_connector(request: web.Request) -> web.Response:
    rt, who = runtime(request), caller()
    body = parse_model(await read_json(request), PreflightConnectorRequest)
    check_org(who, body.org_id or who.org_id)
    _check_service(body.service_name)
    _placement(body.use_environment, body.private_link_id)
    url = _source_url(body.connection_details)
    report = await _preflight(
        rt,
        url,
        body.connection_details,
        already_connected=_already_connected(rt, who.org_id, url),
        selected_schemas=body.selected_schemas,
        database=body.database,
    )
    return reply(build_model(PreflightReport, report))


async def create_connector(request: web.Request) -> web.Response:
    rt, who = runtime(request), caller()
    body = parse_model(await read_json(request), CreateConnectorRequest)
    org_id = body.org_id or who.org_id
    check_org(who, org_id)
    project = project_of(rt, who, body.project_id)
    name = body.name.strip()
    if not name:
        raise bad_request("Connector name must not be blank")
    _check_service(body.service_name)
    _placement(body.use_environment, body.private_link_id)
    url = _source_url(body.connection_details)
    already = _already_connected(rt, org_id, url)
    report = await _preflight(rt, url, body.connection_details, already_connected=already)
    if not report.get("preflight_pass"):
        failed = [n for n, c in (report.get("checks") or {}).items() if c.get("status") == "fail"]
        detail = f"Preflight failed: {', '.join(failed) or 'see checks'}"
        raise ApiError(422, detail, body={**report, "detail": detail})
    # The preflight awaited: a concurrent create may have connected the same source meanwhile.
    if _already_connected(rt, org_id, url):
        raise bad_request("This source database is already connected to Ardent")
    now = utcnow()
    connector = Connector(
        id=new_id("conn"),
        org_id=org_id,
        project_id=project.id,
        name=name,
        service_name=body.service_name,
        source_url=url,
        connection_details=dict(body.connection_details),
        drop_extensions=body.drop_extensions,
        created_at=now,
        updated_at=now,
        source_metadata=report.get("source_metadata"),
    )
    rt.store.connectors[connector.id] = connector
    return reply(row(connector, who))


# -- read, update, list ----------------------------------------------------------------------


async def list_connectors(request: web.Request) -> web.Response:
    rt, who = runtime(request), caller()
    org_id = query_text(request, "org_id", required=True)
    assert org_id is not None
    check_org(who, org_id)
    category = query_text(request, "connector_category", required=False)
    service = query_text(request, "service_name", required=False)
    found = [
        row(c, who)
        for c in rt.store.connectors.values()
        if c.org_id == org_id
        and (service is None or c.service_name == service)
        and (category is None or category in ("database", "postgres", "postgresql"))
    ]
    return reply(ConnectorListResponse(connectors=found))


async def get_connector(request: web.Request) -> web.Response:
    rt, who = runtime(request), caller()
    connector = connector_of(rt, who, request.match_info["connector_id"])
    replication = None
    if connector.engine == "ready" and not connector.deleting:
        try:
            replication = await rt.backend.replication_status(connector.id)
        except BackendError as exc:
            replication = {"health": "unknown", "error": str(exc)}
    return reply(row(connector, who, replication=replication))


async def update_connector(request: web.Request) -> web.Response:
    rt, who = runtime(request), caller()
    connector = connector_of(rt, who, request.match_info["connector_id"])
    body = parse_model(await read_json(request), UpdateConnectorRequest)
    if body.name is not None and not body.name.strip():
        raise bad_request("Connector name must not be blank")
    if body.project_id is not None:
        project = rt.store.projects.get(body.project_id)
        if project is None or project.org_id != who.org_id:
            raise bad_request(f"Project {body.project_id!r} not found")
    url = None
    if body.connection_details is not None:
        url = _source_url(body.connection_details)
        if _already_connected(rt, who.org_id, url, skip=connector.id):
            raise bad_request("This source database is already connected to Ardent")
    if body.name is not None:
        connector.name = body.name.strip()
    if body.project_id is not None:
        connector.project_id = body.project_id
    if url is not None and body.connection_details is not None:
        connector.source_url = url
        connector.connection_details = dict(body.connection_details)
    if body.drop_extensions is not None:
        connector.drop_extensions = list(body.drop_extensions)
    connector.updated_at = utcnow()
    return reply(row(connector, who))


# -- discovery, selection, replica identity, engine setup -------------------------------------


async def discover_connector(request: web.Request) -> web.Response:
    rt, who = runtime(request), caller()
    connector = connector_of(rt, who, request.match_info["connector_id"])
    if connector.deleting or connector.engine == "setting_up":
        raise bad_request(f"The connector is {connector.status}; it can't be discovered now")
    op = running(rt, connector.discovery_op)
    if op is None:
        op = rt.runner.create(who.org_id, OperationType.CONNECTOR_DISCOVERY, connector.id)
        connector.discovery_op, connector.status = op.id, "discovering"

        async def work(steps: Steps) -> dict[str, Any]:
            await steps.stage("connecting", "Connecting to the source", 10)
            tables = await rt.backend.discover(connector.id, connector.source_url)
            await steps.stage("cataloguing", "Cataloguing schemas and tables", 70)
            connector.tables = tables
            connector.status = "discovered" if connector.engine != "ready" else "active"
            connector.updated_at = utcnow()
            return {
                "connector_id": connector.id,
                "discovered_paths": [t.path for t in tables],
                "tables": [t.to_dict() for t in tables],
                "tables_needing_replica_identity_decision": [
                    t.path for t in tables if t.needs_decision
                ],
            }

        async def failed(message: str) -> None:
            connector.status = "discovery_failed"

        rt.runner.start(op, work, on_failure=failed)
    accepted = DiscoverAccepted(
        operation_id=op.id,
        resource_id=connector.id,
        status=op.status,
        type=op.type,
        prerequisites={"preflight_pass": True},
        source_metadata=connector.source_metadata,
    )
    return reply(accepted, 202)


def _require_discovered(connector: Connector) -> list[SourceTable]:
    if connector.tables is None:
        raise bad_request("No discovered schema to select from: run discovery first")
    return connector.tables


async def set_selection(request: web.Request) -> web.Response:
    rt, who = runtime(request), caller()
    connector = connector_of(rt, who, request.match_info["connector_id"])
    body = parse_model(await read_json(request), SelectionRequest)
    tables = _require_discovered(connector)
    if connector.engine in ("setting_up", "ready"):
        raise bad_request("The selection can't change once engine setup has started")
    paths = list(dict.fromkeys(body.selected_paths))
    if not paths:
        raise bad_request("Select at least one path (or ['*'] for everything)")
    if "*" in paths and len(paths) > 1:
        raise bad_request("'*' selects everything and can't be combined with other paths")
    known = {t.path for t in tables} | {t.schema for t in tables} | {"*"}
    unknown = [p for p in paths if p not in known]
    if unknown:
        raise bad_request(f"Unknown path(s), not discovered: {', '.join(unknown)}")
    connector.selected_paths = paths
    connector.updated_at = utcnow()
    return reply(row(connector, who))


async def set_replica_identity_decisions(request: web.Request) -> web.Response:
    rt, who = runtime(request), caller()
    connector = connector_of(rt, who, request.match_info["connector_id"])
    body = parse_model(await read_json(request), ReplicaIdentityDecisionsRequest)
    tables = _require_discovered(connector)
    if connector.engine == "setting_up":
        raise conflict("Engine setup is running; decisions can't change now - retry later")
    known = {t.path for t in tables}
    unknown = sorted(path for path in body.decisions if path not in known)
    if unknown:
        raise bad_request(f"Unknown table(s): {', '.join(unknown)}")
    wrong = sorted(f"{p}={d!r}" for p, d in body.decisions.items() if d not in DECISIONS)
    if wrong:
        raise bad_request(f"Invalid decision(s) {', '.join(wrong)}; use one of {list(DECISIONS)}")
    needing = [t.path for t in selected_tables(connector) if t.needs_decision]
    missing = [path for path in needing if path not in body.decisions]
    if missing:
        raise bad_request(f"Decisions are incomplete: missing {', '.join(missing)}")
    connector.decisions = dict(body.decisions)
    connector.updated_at = utcnow()
    return reply(row(connector, who))


async def start_engine_setup(request: web.Request) -> web.Response:
    rt, who = runtime(request), caller()
    connector = connector_of(rt, who, request.match_info["connector_id"])
    if connector.deleting:
        raise conflict("The connector is being deleted")
    if connector.engine == "ready":
        return reply(row(connector, who, message="The engine is already set up"))
    op = running(rt, connector.setup_op)
    if op is not None:
        return reply(handle(op), 202)
    if connector.tables is None:
        raise bad_request("The connector must be discovered before engine setup")
    missing = undecided(connector)
    if missing:
        raise ApiError(422, f"Replica identity decisions are unresolved for: {', '.join(missing)}")
    op = rt.runner.create(who.org_id, OperationType.CONNECTOR_ENGINE_SETUP, connector.id)
    connector.setup_op, connector.engine, connector.status = op.id, "setting_up", "setting_up"
    selection = connector.selected_paths
    paths = None if selection is None or "*" in selection else list(selection)
    copied = [
        t.path for t in selected_tables(connector) if connector.decisions.get(t.path) != "exclude"
    ]
    op.setup_status = {"engine_status": "setting_up", "tables_total": len(copied)}

    async def work(steps: Steps) -> dict[str, Any]:
        await steps.stage("preparing", "Preparing the engine", 10)
        await steps.stage("copying", "Replicating the source into the replica", 30)
        steps.detail(phase="copying")
        await rt.backend.setup(
            connector.id,
            connector.source_url,
            selected_paths=paths,
            decisions=dict(connector.decisions),
        )
        await steps.stage("finalizing", "Finalizing the replica", 90)
        steps.detail(phase="ready", engine_status="ready", tables_copied=len(copied))
        connector.engine, connector.status = "ready", "active"
        connector.updated_at = utcnow()
        return {"connector_id": connector.id, "engine_status": "ready", "tables": copied}

    async def failed(message: str) -> None:
        connector.engine, connector.status = "failed", "setup_failed"

    rt.runner.start(op, work, on_failure=failed)
    return reply(handle(op), 202)


# -- deletion and its lock --------------------------------------------------------------------


async def delete_connector(request: web.Request) -> web.Response:
    rt, who = runtime(request), caller()
    connector = connector_of(rt, who, request.match_info["connector_id"])
    query_flag(request, "force")  # accepted; the emulator always cleans up everything
    op = running(rt, connector.delete_op)
    if op is not None:
        return reply(handle(op), 202)
    if connector.deletion_locked_at is not None:
        reason = connector.deletion_lock_reason
        raise conflict("Deletion is locked" + (f": {reason}" if reason else ""))
    op = rt.runner.create(who.org_id, OperationType.CONNECTOR_DELETE, connector.id)
    connector.delete_op, connector.status = op.id, "deleting"
    store = rt.store

    async def work(steps: Steps) -> dict[str, Any]:
        await steps.stage("stopping", "Stopping work in progress", 10)
        busy = [connector.discovery_op, connector.setup_op]
        busy += [b.operation_id for b in store.branches_of(connector.id)]
        await rt.runner.join([op_id for op_id in busy if op_id])
        await steps.stage("dropping", "Dropping branches, the replica and the replication", 40)
        branches = store.branches_of(connector.id)
        await rt.backend.drop_connector(connector.id)
        await steps.stage("cleaning_up", "Removing the connector", 90)
        for branch in branches:
            store.branches.pop(branch.id, None)
        for qid in [q.id for q in store.quarantines.values() if q.connector_id == connector.id]:
            del store.quarantines[qid]
        store.connectors.pop(connector.id, None)
        rt.locks.pop(connector.id, None)
        return {"connector_id": connector.id, "deleted": True, "branches_dropped": len(branches)}

    async def failed(message: str) -> None:
        connector.status = "delete_failed"

    rt.runner.start(op, work, on_failure=failed)
    return reply(handle(op), 202)


def _lockable(rt: Runtime, connector: Connector) -> None:
    if running(rt, connector.delete_op) is not None:
        raise conflict("A delete is already in progress")


async def lock_deletion(request: web.Request) -> web.Response:
    rt, who = runtime(request), caller()
    connector = connector_of(rt, who, request.match_info["connector_id"])
    body = parse_model(await read_json(request), ConnectorDeletionLockRequest)
    _lockable(rt, connector)
    connector.deletion_lock_reason = body.reason
    connector.deletion_locked_at = connector.updated_at = utcnow()
    return reply(ConnectorEnvelope(connector=row(connector, who)))


async def unlock_deletion(request: web.Request) -> web.Response:
    rt, who = runtime(request), caller()
    connector = connector_of(rt, who, request.match_info["connector_id"])
    _lockable(rt, connector)
    connector.deletion_lock_reason = connector.deletion_locked_at = None
    connector.updated_at = utcnow()
    return reply(ConnectorEnvelope(connector=row(connector, who)))


# -- quarantines ------------------------------------------------------------------------------


def quarantine_row(q: Quarantine) -> QuarantineRow:
    return QuarantineRow(
        id=q.id,
        connector_id=q.connector_id,
        status=q.status,
        deployment_name=q.deployment_name,
        message=q.message,
        released_at=q.released_at,
        released_by=q.released_by,
        extra={"created_at": q.created_at.isoformat()},
    )


async def list_quarantines(request: web.Request) -> web.Response:
    rt, who = runtime(request), caller()
    connector = connector_of(rt, who, request.match_info["connector_id"])
    active = [
        quarantine_row(q)
        for q in rt.store.quarantines.values()
        if q.connector_id == connector.id and q.status == "quarantined"
    ]
    return reply(QuarantineListResponse(quarantines=active))


async def release_quarantine(request: web.Request) -> web.Response:
    rt, who = runtime(request), caller()
    connector = connector_of(rt, who, request.match_info["connector_id"])
    q = rt.store.quarantines.get(request.match_info["quarantine_id"])
    if q is None or q.connector_id != connector.id:
        raise not_found("Quarantine entry")
    if q.status != "released":
        q.status, q.released_at, q.released_by = "released", utcnow(), who.actor
        q.message = "Released; replication resumes."
    return reply(quarantine_row(q))


def add_quarantine(
    rt: Runtime, connector_id: str, *, deployment_name: str | None, message: str | None
) -> QuarantineRow:
    """Pause a replication deployment (admin helper: the emulator does no real replication)."""
    if connector_id not in rt.store.connectors:
        raise not_found("Connector")
    q = Quarantine(
        id=new_id("qtn"),
        connector_id=connector_id,
        deployment_name=deployment_name or f"{connector_id}-replication",
        message=message or "Replication paused after repeated failures.",
        created_at=utcnow(),
    )
    rt.store.quarantines[q.id] = q
    return quarantine_row(q)


HANDLERS = [
    OperationHandler("list_connectors", list_connectors, roles.CONNECTORS_READ),
    OperationHandler("create_connector", create_connector, roles.CONNECTORS_WRITE),
    OperationHandler("preflight_connector", preflight_connector, roles.CONNECTORS_WRITE),
    OperationHandler("get_connector", get_connector, roles.CONNECTORS_READ),
    OperationHandler("update_connector", update_connector, roles.CONNECTORS_WRITE),
    OperationHandler("delete_connector", delete_connector, roles.CONNECTORS_DELETE),
    OperationHandler("lock_connector_deletion", lock_deletion, roles.CONNECTORS_WRITE),
    OperationHandler("unlock_connector_deletion", unlock_deletion, roles.CONNECTORS_WRITE),
    OperationHandler("discover_connector", discover_connector, roles.CONNECTORS_WRITE),
    OperationHandler("set_connector_selection", set_selection, roles.CONNECTORS_WRITE),
    OperationHandler(
        "set_replica_identity_decisions", set_replica_identity_decisions, roles.CONNECTORS_WRITE
    ),
    OperationHandler("start_engine_setup", start_engine_setup, roles.CONNECTORS_WRITE),
    OperationHandler("list_connector_quarantines", list_quarantines, roles.CONNECTORS_READ),
    OperationHandler("release_connector_quarantine", release_quarantine, roles.CONNECTORS_WRITE),
]
