"""``/v1/operations/{operation_id}``: poll long-running work; ``wait=N`` long-polls."""

from __future__ import annotations

import math

from aiohttp import web

from ardent_async._spec.constants import GET_OPERATION_WAIT_MAXIMUM, GET_OPERATION_WAIT_MINIMUM
from ardent_async.models import AsyncOperationResponse

from .. import roles
from ..context import caller
from ..http_errors import invalid
from ..responses import reply
from ..runtime import runtime
from ..state import Operation
from ._base import OperationHandler, operation_of

MIN_WAIT, MAX_WAIT = GET_OPERATION_WAIT_MINIMUM, GET_OPERATION_WAIT_MAXIMUM


def operation_reply(op: Operation) -> AsyncOperationResponse:
    return AsyncOperationResponse(
        created_at=op.created_at,
        id=op.id,
        org_id=op.org_id,
        resource_id=op.resource_id,
        status=op.status,
        type=op.type,
        updated_at=op.updated_at,
        completed_at=op.completed_at,
        error=op.error,
        progress=op.progress,
        result=op.result,
        setup_status=op.setup_status,
        stage=op.stage,
        stage_label=op.stage_label,
        started_at=op.started_at,
    )


def _wait_seconds(request: web.Request) -> float:
    raw = request.query.get("wait")
    if raw is None:
        return 0.0
    # An empty value is not a number (the API answers 422, as for any other non-number).
    try:
        seconds = float(raw)
    except ValueError:
        raise invalid(
            ["query", "wait"], "Input should be a valid number", "float_parsing"
        ) from None
    if math.isnan(seconds) or seconds < MIN_WAIT:
        raise invalid(
            ["query", "wait"],
            f"Input should be greater than or equal to {MIN_WAIT:g}",
            "greater_than_equal",
        )
    if seconds > MAX_WAIT:
        raise invalid(
            ["query", "wait"],
            f"Input should be less than or equal to {MAX_WAIT:g}",
            "less_than_equal",
        )
    return seconds


async def get_operation(request: web.Request) -> web.Response:
    rt, who = runtime(request), caller()
    op = operation_of(rt, who, request.match_info["operation_id"])
    seconds = _wait_seconds(request)
    if rt.long_poll:
        await rt.runner.wait(op, seconds)
    return reply(operation_reply(op))


HANDLERS = [
    OperationHandler("get_operation", get_operation, roles.OPERATIONS_READ),
]
