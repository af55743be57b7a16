"""The API tools' handlers: projects, connectors (the whole setup), branches and operations.

Every wait is short and bounded (``ToolSettings.create_wait``), under every framework's default
tool timeout: when the work takes longer, the tool hands back the operation and says which tool
to call next, so a model never meets a client-side timeout in the middle of a create.
"""

from __future__ import annotations

import asyncio
from typing import Any

from ardent_async.agents._context import ToolContext
from ardent_async.agents._scope import connector_in_scope, project_in_scope
from ardent_async.connector_state import engine_status, replica_identity
from ardent_async.errors import ArdentValidationError, OperationTimeoutError
from ardent_async.models import AsyncOperationResponse, BranchCreateRequest, ConnectorRow
from ardent_async.services.branches import branch_result, derived_idempotency_key

__all__ = ["HANDLERS"]


# -- shared steps ----------------------------------------------------------------------------


async def follow(
    ctx: ToolContext, operation_id: str, seconds: float, what: str
) -> AsyncOperationResponse | None:
    """The completed operation, or None when it is still running after ``seconds``.

    Each change of its state is reported to ``ctx.progress`` (MCP progress notifications).
    A failed operation raises OperationFailedError.
    """
    if seconds <= 0:
        return None
    last: AsyncOperationResponse | None = None
    try:
        async for state in ctx.client.operations.watch(
            operation_id, timeout=seconds, update_every=min(1.0, seconds)
        ):
            last = state
            label = state.stage_label or str(state.status.value)
            await ctx.progress(float(state.progress or 0), 100.0, f"{what}: {label}")
    except OperationTimeoutError:
        return None
    return last


def _remaining(deadline: float) -> float:
    return max(0.0, deadline - asyncio.get_running_loop().time())


def _deadline(ctx: ToolContext) -> float:
    return asyncio.get_running_loop().time() + ctx.settings.create_wait


def _still_running(operation_id: str, what: str, then: str) -> dict[str, Any]:
    return {
        "status": "running",
        "operation_id": operation_id,
        "next": f"{what} is still running: call wait_operation with operation_id "
        f"{operation_id!r} (repeat until it completes), then {then}.",
    }


def source_details(ctx: ToolContext, args: dict[str, Any]) -> dict[str, Any]:
    """The connection details of the source named by ``source`` (or a raw ``connection_url``
    when the operator allows it); the URL never travels through the model."""
    name = args.pop("source", None)
    raw = args.pop("connection_url", None)
    if name is not None and raw is not None:
        raise ArdentValidationError(
            "source: give source or connection_url, not both", field="source"
        )
    if raw is not None:
        return {"url": raw}
    sources = ctx.settings.sources
    if name is None:
        known = ", ".join(sources) or "none are configured"
        raise ArdentValidationError(
            f"source: required argument missing (a source name: {known})", field="source"
        )
    if name not in sources:
        known = ", ".join(sources) or "none are configured (--source NAME=URL)"
        raise ArdentValidationError(
            f"source: no source {name!r} (sources: {known})", field="source"
        )
    return {"url": sources[name]}


# -- projects --------------------------------------------------------------------------------


async def list_projects(ctx: ToolContext, args: dict[str, Any]) -> dict[str, Any]:
    rows = await ctx.client.projects.list(ctx.settings.org_id)
    pinned = ctx.settings.project_id
    return {"projects": [row for row in rows if pinned is None or row.id == pinned]}


async def create_project(ctx: ToolContext, args: dict[str, Any]) -> dict[str, Any]:
    if ctx.settings.project_id is not None:
        raise ArdentValidationError(
            f"name: refused: these tools are pinned to project {ctx.settings.project_id}",
            field="name",
        )
    row = await ctx.client.projects.create(args["name"], org_id=ctx.settings.org_id)
    return {"project": row}


async def delete_project(ctx: ToolContext, args: dict[str, Any]) -> dict[str, Any]:
    project = project_in_scope(ctx, args.get("project_id"))
    reply = await ctx.client.projects.delete(project)
    return {"project_id": project, "message": reply.message}


# -- connectors ------------------------------------------------------------------------------


async def list_connectors(ctx: ToolContext, args: dict[str, Any]) -> dict[str, Any]:
    project = args.get("project_id")
    if project is not None or ctx.settings.project_id is not None:
        project = project_in_scope(ctx, project)
    rows = await ctx.client.connectors.list(ctx.settings.org_id)
    pinned = ctx.settings.connector_id
    return {
        "connectors": [
            row
            for row in rows
            if (project is None or row.project_id == project) and pinned in (None, row.id)
        ]
    }


async def get_connector(ctx: ToolContext, args: dict[str, Any]) -> dict[str, Any]:
    connector = await connector_in_scope(ctx, args.get("connector_id"))
    row = await ctx.client.connectors.get(connector)
    return {"connector": row, "engine_status": engine_status(row)}


async def preflight_connector(ctx: ToolContext, args: dict[str, Any]) -> dict[str, Any]:
    details = source_details(ctx, args)
    report = await ctx.client.connectors.preflight(
        details,
        org_id=ctx.settings.org_id,
        selected_schemas=args.get("selected_schemas"),
        database=args.get("database"),
    )
    return {"report": report}


def _decisions(args: dict[str, Any]) -> dict[str, str]:
    return {item["table"]: item["decision"] for item in args.get("decisions") or []}


async def create_connector(ctx: ToolContext, args: dict[str, Any]) -> dict[str, Any]:
    if ctx.settings.connector_id is not None:
        raise ArdentValidationError(
            f"name: refused: these tools are pinned to connector {ctx.settings.connector_id}",
            field="name",
        )
    project = project_in_scope(ctx, args.get("project_id"))
    details = source_details(ctx, args)
    deadline = _deadline(ctx)
    row = await ctx.client.connectors.create(
        project, args["name"], details, org_id=ctx.settings.org_id
    )
    return await _set_up(
        ctx, row.id, deadline, selection=args.get("selected_paths"), decisions=_decisions(args)
    )


async def setup_connector(ctx: ToolContext, args: dict[str, Any]) -> dict[str, Any]:
    connector = await connector_in_scope(ctx, args.get("connector_id"))
    return await _set_up(
        ctx,
        connector,
        _deadline(ctx),
        selection=args.get("selected_paths"),
        decisions=_decisions(args),
    )


async def _set_up(
    ctx: ToolContext,
    connector: str,
    deadline: float,
    *,
    selection: list[str] | None,
    decisions: dict[str, str],
) -> dict[str, Any]:
    """Discover, select, decide and set up the engine, as far as the time allows; resumable."""
    client = ctx.client
    resume = f"setup_connector with connector_id {connector!r}"
    row = await client.connectors.get(connector)
    status = engine_status(row)
    if status == "ready":
        return _ready(row)
    if status != "setting_up":
        accepted = await client.connectors.discover(connector)
        found = await follow(ctx, accepted.operation_id, _remaining(deadline), "discovery")
        if found is None:
            return {
                "connector_id": connector,
                **_still_running(accepted.operation_id, "Discovery", resume),
            }
        saved = row.extra.get("selected_paths")
        chosen = selection or (saved if isinstance(saved, list) and saved else ["*"])
        row = await client.connectors.set_selection(connector, chosen)
        if decisions:
            row = await client.connectors.set_replica_identity_decisions(connector, decisions)
        state = replica_identity(row)
        if state is not None and state.undecided:
            return {
                "status": "needs_decisions",
                "connector": row,
                "tables_needing_decision": list(state.undecided),
                "next": "These tables have no primary key or replica identity. Ask the user "
                "and call set_replica_identity_decisions (exclude, add_pk or "
                f"replica_identity_full per table), then {resume}.",
            }
    setup = await client.connectors.engine_setup(connector)
    if setup.operation is not None:
        operation = setup.operation.operation_id
        done = await follow(ctx, operation, _remaining(deadline), "engine setup")
        if done is None:
            return {"connector_id": connector, **_still_running(operation, "Engine setup", resume)}
    return _ready(await client.connectors.get(connector))


def _ready(row: ConnectorRow) -> dict[str, Any]:
    return {
        "status": "ready",
        "connector": row,
        "next": f"The connector is ready: create_branch with connector_id {row.id!r}.",
    }


async def set_replica_identity_decisions(ctx: ToolContext, args: dict[str, Any]) -> dict[str, Any]:
    connector = await connector_in_scope(ctx, args.get("connector_id"))
    row = await ctx.client.connectors.set_replica_identity_decisions(connector, _decisions(args))
    return {
        "connector": row,
        "next": f"setup_connector with connector_id {connector!r} to go on.",
    }


async def delete_connector(ctx: ToolContext, args: dict[str, Any]) -> dict[str, Any]:
    connector = await connector_in_scope(ctx, args.get("connector_id"))
    handle = await ctx.client.connectors.delete(connector, force=bool(args.get("force")))
    return {"operation": handle, "next": "wait_operation to follow the delete."}


# -- branches --------------------------------------------------------------------------------


async def list_branches(ctx: ToolContext, args: dict[str, Any]) -> dict[str, Any]:
    connector = await connector_in_scope(ctx, args.get("connector_id"))
    return {"branches": await ctx.client.branches.list(connector)}


async def get_branch(ctx: ToolContext, args: dict[str, Any]) -> dict[str, Any]:
    connector = await connector_in_scope(ctx, args.get("connector_id"))
    return {"branch": await ctx.client.branches.get(connector, args["branch"])}


async def create_branch(ctx: ToolContext, args: dict[str, Any]) -> dict[str, Any]:
    connector = await connector_in_scope(ctx, args.get("connector_id"))
    name = args["name"]
    # Derived from connector, service type and name: a retry after a client-side timeout
    # resumes the same create instead of meeting "409 already exists".
    deadline = _deadline(ctx)  # the whole call, the create request included
    key = derived_idempotency_key(BranchCreateRequest(connector, name, "postgres"))
    handle = await ctx.client.branches.create(connector, name, idempotency_key=key)
    await ctx.progress(0.0, 100.0, f"creating branch {name!r}")
    done = await follow(ctx, handle.operation_id, _remaining(deadline), "branch create")
    if done is None:
        return {
            "branch_id": handle.resource_id,
            "name": name,
            **_still_running(
                handle.operation_id,
                f"The create of branch {name!r}",
                "use the branch (its details are the operation's result)",
            ),
        }
    return {"status": "ready", "branch": branch_result(done)}


# -- operations ------------------------------------------------------------------------------


async def get_operation(ctx: ToolContext, args: dict[str, Any]) -> dict[str, Any]:
    wait = args.get("wait")
    wait = None if wait is None else min(float(wait), ctx.settings.create_wait)
    return {"operation": await ctx.client.operations.get(args["operation_id"], wait=wait)}


async def wait_operation(ctx: ToolContext, args: dict[str, Any]) -> dict[str, Any]:
    operation = args["operation_id"]
    seconds = args.get("wait_timeout", ctx.settings.create_wait)
    done = await follow(ctx, operation, float(seconds), "operation")
    if done is None:
        state = await ctx.client.operations.get(operation)
        return {
            "operation": state,
            **_still_running(operation, "The operation", "go on"),
        }
    return {"status": "completed", "operation": done}


HANDLERS = {
    "list_projects": list_projects,
    "create_project": create_project,
    "delete_project": delete_project,
    "list_connectors": list_connectors,
    "get_connector": get_connector,
    "preflight_connector": preflight_connector,
    "create_connector": create_connector,
    "set_replica_identity_decisions": set_replica_identity_decisions,
    "setup_connector": setup_connector,
    "delete_connector": delete_connector,
    "list_branches": list_branches,
    "get_branch": get_branch,
    "create_branch": create_branch,
    "get_operation": get_operation,
    "wait_operation": wait_operation,
}
