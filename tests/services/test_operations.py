"""client.operations: get (exact request, typed reply), wait, and watch (each change once)."""

from __future__ import annotations

from datetime import datetime, timezone

import httpx
import pytest

from ardent_async import (
    ArdentClient,
    ArdentResponseError,
    ArdentValidationError,
    OperationFailedError,
    OperationTimeoutError,
)
from ardent_async.models import AsyncOperationResponse, OperationStatus, OperationType
from tests.fakes import FakeClock
from tests.services.fake_branch_api import (
    TOKEN,
    FakeBranchApi,
    Step,
    make_client,
    operation_json,
    running_api,
)


async def states(client: ArdentClient, op_id: str, **kwargs: float) -> list[AsyncOperationResponse]:
    return [op async for op in client.operations.watch(op_id, **kwargs)]


# -- get -------------------------------------------------------------------------------------------


async def test_get_sends_the_exact_request_and_decodes_unknown_values(
    client: ArdentClient, api: FakeBranchApi
) -> None:
    body = operation_json(
        "op_1",
        "running",
        progress=40,
        stage="copying",
        op_type="branch_snapshot",  # a kind this SDK version does not know
        started_at="2026-01-02T03:04:07Z",
        eta_seconds=12,  # a field it does not know either
    )
    api.fixed["GET", "/v1/operations/op_1"] = httpx.Response(200, json=body)
    op = await client.operations.get("op_1")
    request = api.requests[0]
    assert request.method == "GET"
    assert request.url.path == "/v1/operations/op_1"
    assert request.url.query == b""
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.content == b""
    assert op.status is OperationStatus.RUNNING
    assert op.type == "branch_snapshot"
    assert not op.type.is_known
    assert op.progress == 40
    assert op.stage_label == "Copying"
    assert op.started_at == datetime(2026, 1, 2, 3, 4, 7, tzinfo=timezone.utc)


async def test_get_with_wait_asks_the_server_to_hold(
    client: ArdentClient, api: FakeBranchApi
) -> None:
    api.add_operation("op_1", [Step(0, "running"), Step(3, "completed")])
    op = await client.operations.get("op_1", wait=5)
    assert op.status is OperationStatus.COMPLETED
    assert api.requests[0].url.query == b"wait=5"
    assert api.requests[0].extensions["timeout"]["read"] == 30.0 + 5


async def test_get_quotes_ids_and_refuses_bad_ones(
    client: ArdentClient, api: FakeBranchApi
) -> None:
    with pytest.raises(ArdentValidationError) as info:
        await client.operations.get("../orgs")
    assert info.value.field == "operation_id"
    with pytest.raises(ArdentValidationError) as info:
        await client.operations.get("op_1", wait=11)
    assert info.value.field == "wait"
    assert api.requests == []


async def test_get_rejects_a_reply_missing_required_fields(
    client: ArdentClient, api: FakeBranchApi
) -> None:
    body = operation_json("op_1", "running")
    del body["org_id"]
    api.fixed["GET", "/v1/operations/op_1"] = httpx.Response(200, json=body)
    with pytest.raises(ArdentResponseError) as info:
        await client.operations.get("op_1")
    assert info.value.path == "AsyncOperationResponse.org_id"


# -- wait ------------------------------------------------------------------------------------------


async def test_wait_returns_the_completed_operation_with_its_result(
    client: ArdentClient, api: FakeBranchApi
) -> None:
    api.add_operation(
        "op_1", [Step(0, "pending"), Step(4, "completed")], result={"rows_copied": 10}
    )
    op = await client.operations.wait("op_1", timeout=30)
    assert op.status is OperationStatus.COMPLETED
    assert op.type is OperationType.BRANCH_CREATE
    assert op.result == {"rows_copied": 10}


async def test_a_failed_operation_without_an_error_message_is_still_a_failure(
    client: ArdentClient, api: FakeBranchApi
) -> None:
    """The status decides; ``error`` only explains (and a server may leave it out)."""
    api.add_operation("op_1", [Step(0, "running", 5), Step(4, "failed", 5)], error=None)
    with pytest.raises(OperationFailedError) as info:
        await client.operations.wait("op_1", timeout=30)
    assert info.value.error is None
    assert info.value.operation.status is OperationStatus.FAILED
    assert "no error message" in str(info.value)
    [outcome] = await client.operations.wait_many(["op_1"], timeout=30)
    assert not outcome.ok
    assert isinstance(outcome.error, OperationFailedError)


# -- watch -----------------------------------------------------------------------------------------

TIMELINE = [
    Step(0, "pending"),
    Step(3, "running", 10, "copying"),
    Step(6, "running", 50, "copying"),
    Step(9, "running", 90, "indexing"),
    Step(12, "completed", 100, "done"),
]


async def test_watch_yields_each_change_once_and_ends_after_the_terminal_state(
    client: ArdentClient, api: FakeBranchApi
) -> None:
    api.add_operation("op_1", TIMELINE)
    seen = await states(client, "op_1")
    assert [(op.status, op.progress, op.stage) for op in seen] == [
        ("pending", None, None),
        ("running", 10, "copying"),
        ("running", 50, "copying"),
        ("running", 90, "indexing"),
        ("completed", 100, "done"),
    ]
    polls = api.polls()
    assert len(polls) > len(seen)  # unchanged states were polled but not yielded
    assert {r.url.params["wait"] for r in polls} == {"2"}


async def test_watch_on_a_server_that_does_not_hold(clock: FakeClock) -> None:
    api = FakeBranchApi(clock, holds=False)
    async with running_api(api):
        client = make_client(clock)
        api.add_operation("op_1", TIMELINE)
        seen = await states(client, "op_1")
        await client.close()
    assert [op.progress for op in seen] == [None, 10, 50, 90, 100]
    assert max(clock.sleeps) <= 2.0  # client pauses capped at update_every: no change missed


async def test_watch_update_every_sets_the_hold(client: ArdentClient, api: FakeBranchApi) -> None:
    api.add_operation("op_1", TIMELINE)
    await states(client, "op_1", update_every=0.5)
    assert {r.url.params["wait"] for r in api.polls()} == {"0.5"}
    assert len(api.polls()) == 24  # held 0.5 s each; the 24th hold ends with the operation


async def test_watch_yields_a_failure_then_raises(client: ArdentClient, api: FakeBranchApi) -> None:
    api.add_operation(
        "op_1", [Step(0, "running", 5), Step(4, "failed", 5)], error="source unreachable"
    )
    seen: list[AsyncOperationResponse] = []

    async def collect() -> None:
        async for op in client.operations.watch("op_1"):
            seen.append(op)

    with pytest.raises(OperationFailedError) as info:
        await collect()
    assert [op.status for op in seen] == ["running", "failed"]
    assert info.value.error == "source unreachable"


async def test_watch_times_out_with_the_last_state(
    client: ArdentClient, api: FakeBranchApi
) -> None:
    api.add_operation("op_1", TIMELINE)
    seen: list[AsyncOperationResponse] = []

    async def collect() -> None:
        async for op in client.operations.watch("op_1", timeout=7):
            seen.append(op)

    with pytest.raises(OperationTimeoutError) as info:
        await collect()
    assert [op.progress for op in seen] == [None, 10, 50]
    assert info.value.operation is not None
    assert info.value.operation.progress == 50


async def test_watch_after_the_end_stays_ended(client: ArdentClient, api: FakeBranchApi) -> None:
    api.add_operation("op_1", [Step(0, "completed")])
    watch = client.operations.watch("op_1")
    assert (await watch.__anext__()).status == "completed"
    for _ in range(2):
        with pytest.raises(StopAsyncIteration):
            await watch.__anext__()
    assert len(api.polls()) == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"update_every": 0}, "update_every"),
        ({"update_every": 11}, "update_every"),
        ({"timeout": 0}, "timeout"),
    ],
)
def test_watch_checks_arguments_when_called(
    client: ArdentClient, api: FakeBranchApi, kwargs: dict[str, float], field: str
) -> None:
    with pytest.raises(ArdentValidationError) as info:
        client.operations.watch("op_1", **kwargs)
    assert info.value.field == field
    assert api.requests == []


async def test_operation_repr_hides_the_branch_url_password(
    client: ArdentClient, api: FakeBranchApi
) -> None:
    api.add_operation(
        "op_1",
        [Step(0, "completed")],
        result={"branch_url": "postgresql://u:S3cretPw@h:5432/db", "name": "b"},
    )
    op = await client.operations.wait("op_1")
    assert op.result is not None
    assert op.result["branch_url"] == "postgresql://u:S3cretPw@h:5432/db"
    assert "S3cretPw" not in repr(op)
    assert "postgresql://u:***@h:5432/db" in repr(op)
