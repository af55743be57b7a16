"""``/v1/branch/create`` and ``/v1/branches/{connector_id}``: isolated databases of a connector.

Creates are operations. Repeats are refused here (an in-flight or existing branch of the same
name answers 409); replays of the same ``X-Idempotency-Key`` are answered by the idempotency
middleware before this handler runs.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ardent_async._spec.constants import BRANCH_CREATE_REQUEST_SERVICE_TYPE_DEFAULT
from ardent_async._spec.endpoints import ENDPOINTS
from ardent_async.models import BranchCreateRequest, BranchCreateResult, BranchRow, OperationType

from .. import roles
from ..bodies import parse_model, read_json
from ..context import caller
from ..http_errors import ApiError, bad_request, conflict
from ..operation_runner import Steps
from ..responses import payload, reply
from ..runtime import runtime
from ..state import Branch, new_id, utcnow
from ._base import OperationHandler, connector_of
from .connectors import handle

# The one service a branch is made of (the spec's default), and the most rows a list answers.
SERVICE_TYPE = BRANCH_CREATE_REQUEST_SERVICE_TYPE_DEFAULT
MAX_LISTED = ENDPOINTS["list_branches"].max_items


def branch_row(branch: Branch) -> BranchRow:
    return BranchRow(
        connector_id=branch.connector_id,
        created_at=branch.created_at,
        id=branch.id,
        name=branch.name,
        service_type=branch.service_type,
        status=branch.status,
        branch_url=branch.url,
        read_ready_at=branch.read_ready_at,
        write_ready_at=branch.write_ready_at,
        extra={"operation_id": branch.operation_id},
    )


async def list_branches(request: web.Request) -> web.Response:
    rt, who = runtime(request), caller()
    connector = connector_of(rt, who, request.match_info["connector_id"])
    branches = sorted(rt.store.branches_of(connector.id), key=lambda b: b.created_at)
    return reply([branch_row(b) for b in branches[:MAX_LISTED]])


async def create_branch(request: web.Request) -> web.Response:
    rt, who = runtime(request), caller()
    body = parse_model(await read_json(request), BranchCreateRequest, missing_status=400)
    name = body.name
    if not name.strip() or not name.isprintable():
        raise bad_request("Invalid branch name: printable characters, not blank")
    if body.service_type != SERVICE_TYPE:
        raise bad_request(
            f"Unsupported service_type {body.service_type!r}: use {SERVICE_TYPE!r}"
            " (not the connector type 'postgresql')"
        )
    connector = connector_of(rt, who, body.connector_id)
    if connector.deleting:
        raise ApiError(422, "The connector is being deleted")
    if connector.engine != "ready":
        raise ApiError(
            422,
            f"The connector's engine isn't ready to branch (engine status: {connector.engine});"
            " run engine setup and wait for it to complete",
        )
    existing = rt.store.branch_named(connector.id, body.name)
    if existing is not None:
        if existing.status == "creating":
            raise conflict(f"A create of branch {body.name!r} is already in flight")
        if existing.status != "failed":
            raise conflict(f"Branch {body.name!r} already exists on this connector")
        del rt.store.branches[existing.id]  # a failed create may be retried
    branch_id = new_id("br")
    op = rt.runner.create(who.org_id, OperationType.BRANCH_CREATE, branch_id)
    branch = Branch(
        id=branch_id,
        org_id=who.org_id,
        connector_id=connector.id,
        name=body.name,
        service_type=SERVICE_TYPE,
        created_at=utcnow(),
        operation_id=op.id,
    )
    rt.store.add_branch(branch)
    backend = rt.backend

    async def work(steps: Steps) -> dict[str, Any]:
        await steps.stage("cloning", "Cloning the replica", 20)
        address = await backend.create_branch(connector.id, branch.name)
        await steps.stage("granting", "Creating the branch's role", 80)
        now = utcnow()
        branch.url, branch.status = address.url, "ready"
        branch.read_ready_at = branch.write_ready_at = now
        result = BranchCreateResult(
            branch_id=branch.id,
            name=branch.name,
            connector_id=branch.connector_id,
            service_type=branch.service_type,
            status=branch.status,
            branch_url=address.url,
            created_at=branch.created_at,
            read_ready_at=now,
            write_ready_at=now,
            extra={"database": address.database},
        )
        data: dict[str, Any] = payload(result)
        return data

    async def failed(message: str) -> None:
        branch.status = "failed"

    rt.runner.start(op, work, on_failure=failed)
    return reply(handle(op), 202)


HANDLERS = [
    OperationHandler("create_branch", create_branch, roles.BRANCHES_WRITE),
    OperationHandler("list_branches", list_branches, roles.BRANCHES_READ),
]
