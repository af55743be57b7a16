"""client.branches: create (idempotency key), create_and_wait (typed result), list, get."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timezone
from typing import Any

import httpx
import pytest

from ardent_async import (
    ArdentClient,
    ArdentResponseError,
    ArdentValidationError,
    BranchCreateResult,
    BranchFailedError,
    ConflictError,
    EmptyBranchURLError,
    NotFoundError,
    OperationFailedError,
    OperationTimeoutError,
    ReadyBranch,
)
from ardent_async._core._transport import AiohttpTransport
from ardent_async.models import OperationHandle, OperationStatus, OperationType
from tests.fakes import FakeClock
from tests.services.fake_branch_api import (
    BRANCH_URL,
    CONNECTOR,
    TOKEN,
    FakeBranchApi,
    branch_result_json,
    make_client,
    operation_json,
)
from tests.spine.scripted import AiohttpBackend, Reply


def creates(api: FakeBranchApi) -> list[httpx.Request]:
    return api.seen("POST", "/v1/branch/create")


def row_json(branch_id: str, name: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": branch_id,
        "name": name,
        "connector_id": CONNECTOR,
        "service_type": "postgres",
        "status": "ready",
        "created_at": "2026-01-02T03:04:05Z",
        "branch_url": BRANCH_URL,
        **extra,
    }


# -- create ----------------------------------------------------------------------------------------


async def test_create_sends_the_exact_request(client: ArdentClient, api: FakeBranchApi) -> None:
    handle = await client.branches.create(CONNECTOR, "pr-123")
    assert isinstance(handle, OperationHandle)
    assert handle.operation_id == "op_1"
    assert handle.status is OperationStatus.PENDING
    assert handle.type is OperationType.BRANCH_CREATE
    assert handle.resource_id == "br_pr-123"
    (request,) = api.requests
    assert request.method == "POST"
    assert request.url.path == "/v1/branch/create"
    assert request.url.query == b""
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["x-idempotency-key"].startswith("ardent-async-")
    assert json.loads(request.content) == {
        "connector_id": CONNECTOR,
        "name": "pr-123",
        "service_type": "postgres",
    }


async def test_create_uses_the_callers_key_and_keeps_it_across_retries(
    client: ArdentClient, api: FakeBranchApi, clock: FakeClock
) -> None:
    api.create_errors["pr-1"].extend([(503, {}), (502, {})])
    handle = await client.branches.create(CONNECTOR, "pr-1", idempotency_key="ci-run-42-pr-1")
    assert handle.operation_id == "op_1"
    keys = [r.headers["x-idempotency-key"] for r in creates(api)]
    assert keys == ["ci-run-42-pr-1"] * 3
    assert len({r.content for r in creates(api)}) == 1
    assert len(clock.sleeps) == 2


async def test_lengths_the_published_spec_does_not_limit_are_sent(
    client: ArdentClient, api: FakeBranchApi
) -> None:
    # The published contract gives the key header and service_type no maxLength: the SDK
    # refuses neither a long key nor a long service type (the server has the final word).
    key, service_type = "k" * 1000, "s" * 200
    await client.branches.create(CONNECTOR, "pr-1", idempotency_key=key, service_type=service_type)
    (request,) = creates(api)
    assert request.headers["x-idempotency-key"] == key
    assert json.loads(request.content)["service_type"] == service_type


async def test_derived_key_is_stable_across_retries_and_differs_per_name(
    client: ArdentClient, api: FakeBranchApi
) -> None:
    api.create_errors["a"].append((500, {}))
    await client.branches.create(CONNECTOR, "a")
    await client.branches.create(CONNECTOR, "b")
    keys = [r.headers["x-idempotency-key"] for r in creates(api)]
    assert len(keys) == 3
    assert keys[0] == keys[1]
    assert keys[1] != keys[2]


async def test_create_conflict_that_persists_is_raised_after_the_race_window(
    client: ArdentClient, api: FakeBranchApi, clock: FakeClock
) -> None:
    # 409 from a derived key may be the same create in flight elsewhere: retried a few times
    # (jittered pauses within a few seconds), then the server's ConflictError stands.
    api.create_errors["pr-1"].extend([(409, {})] * 10)
    with pytest.raises(ConflictError) as info:
        await client.branches.create(CONNECTOR, "pr-1")
    assert info.value.status_code == 409
    assert 1 < len(creates(api)) <= 5
    assert sum(clock.sleeps) < 4.0


async def test_create_racing_the_same_key_resolves_to_its_operation(
    client: ArdentClient, api: FakeBranchApi, clock: FakeClock
) -> None:
    api.create_errors["pr-1"].append((409, {"detail": "still in flight"}))
    handle = await client.branches.create(CONNECTOR, "pr-1")
    assert handle.operation_id == "op_1"
    keys = {r.headers["x-idempotency-key"] for r in creates(api)}
    assert len(creates(api)) == 2
    assert len(keys) == 1
    assert len(clock.sleeps) == 1


async def test_create_twice_sends_the_same_derived_key(
    client: ArdentClient, api: FakeBranchApi
) -> None:
    await client.branches.create(CONNECTOR, "pr-1")
    await client.branches.create(CONNECTOR, "pr-1")
    await client.branches.create(CONNECTOR, "pr-1", idempotency_scope="run-2")
    keys = [r.headers["x-idempotency-key"] for r in creates(api)]
    assert keys[0] == keys[1]
    assert keys[2] != keys[0]


async def test_key_and_scope_together_are_refused_before_sending(
    client: ArdentClient, api: FakeBranchApi
) -> None:
    with pytest.raises(ArdentValidationError, match="idempotency_scope"):
        await client.branches.create(CONNECTOR, "pr-1", idempotency_key="k", idempotency_scope="s")
    assert api.requests == []


async def test_create_sends_other_service_types(client: ArdentClient, api: FakeBranchApi) -> None:
    await client.branches.create(CONNECTOR, "cache-1", service_type="redis")
    assert json.loads(api.requests[0].content)["service_type"] == "redis"


@pytest.mark.parametrize(
    ("args", "kwargs", "field"),
    [
        ((CONNECTOR, ""), {}, "name"),
        ((CONNECTOR, "   "), {}, "name"),
        ((CONNECTOR, 42), {}, "name"),
        ((CONNECTOR, None), {}, "name"),
        (("", "pr-1"), {}, "connector_id"),
        (("conn/../x", "pr-1"), {}, "connector_id"),
        ((CONNECTOR, "pr-1"), {"service_type": "postgresql"}, "service_type"),
        ((CONNECTOR, "pr-1"), {"service_type": ""}, "service_type"),
        ((CONNECTOR, "pr-1"), {"idempotency_key": ""}, "idempotency_key"),
        ((CONNECTOR, "pr-1"), {"idempotency_key": "a\r\nX-Evil: 1"}, "idempotency_key"),
        ((CONNECTOR, "pr-1"), {"idempotency_key": "clé"}, "idempotency_key"),
    ],
)
async def test_bad_create_arguments_are_refused_before_any_request(
    client: ArdentClient,
    api: FakeBranchApi,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    field: str,
) -> None:
    with pytest.raises(ArdentValidationError) as info:
        await client.branches.create(*args, **kwargs)
    assert info.value.field == field
    with pytest.raises(ArdentValidationError):
        await client.branches.create_and_wait(*args, **kwargs)
    assert api.requests == []


async def test_postgresql_refusal_says_what_to_use(client: ArdentClient) -> None:
    with pytest.raises(ArdentValidationError, match="'postgres'"):
        await client.branches.create(CONNECTOR, "pr-1", service_type="postgresql")


# -- create_and_wait -----------------------------------------------------------------------------


async def test_create_and_wait_returns_the_typed_branch(
    client: ArdentClient, api: FakeBranchApi
) -> None:
    api.results["pr-7"] = branch_result_json(
        "pr-7", read_ready_at="2026-01-02T03:05:00Z", replica_lag_ms=3
    )
    branch = await client.branches.create_and_wait(CONNECTOR, "pr-7")
    assert isinstance(branch, BranchCreateResult)
    assert branch.branch_id == "br_pr-7"
    assert branch.name == "pr-7"
    assert branch.connector_id == CONNECTOR
    assert branch.branch_url == BRANCH_URL
    assert branch.read_ready_at == datetime(2026, 1, 2, 3, 5, tzinfo=timezone.utc)
    assert branch.extra == {"replica_lag_ms": 3}
    assert "S3cretPw" not in repr(branch)
    (poll,) = api.polls()
    assert poll.url.path == "/v1/operations/op_1"
    assert poll.url.params["wait"] == "10"


@pytest.mark.parametrize("url", ["", "   ", None, ...])
async def test_create_and_wait_without_branch_url_is_a_hard_failure(
    client: ArdentClient, api: FakeBranchApi, url: Any
) -> None:
    api.results["pr-1"] = branch_result_json("pr-1", branch_url=url)
    with pytest.raises(EmptyBranchURLError) as info:
        await client.branches.create_and_wait(CONNECTOR, "pr-1")
    assert isinstance(info.value, ArdentResponseError)
    assert info.value.path == "BranchCreateResult.branch_url"
    assert "op_1" in str(info.value)


async def test_create_and_wait_with_a_malformed_result_names_the_field(
    client: ArdentClient, api: FakeBranchApi
) -> None:
    result = branch_result_json("pr-1")
    del result["branch_id"]
    api.results["pr-1"] = result
    with pytest.raises(ArdentResponseError) as info:
        await client.branches.create_and_wait(CONNECTOR, "pr-1")
    assert not isinstance(info.value, EmptyBranchURLError)
    assert info.value.path == "BranchCreateResult.branch_id"
    assert "S3cretPw" not in str(info.value)


async def test_create_and_wait_failed_operation(client: ArdentClient, api: FakeBranchApi) -> None:
    api.fail_names.add("pr-1")
    with pytest.raises(OperationFailedError) as info:
        await client.branches.create_and_wait(CONNECTOR, "pr-1")
    assert "branch pr-1 could not be created" in str(info.value)
    assert info.value.operation.id == "op_1"


async def test_create_and_wait_timeout_covers_the_whole_call(
    clock: FakeClock, api: FakeBranchApi
) -> None:
    api.duration = 100.0
    api.create_errors["pr-1"].append((503, {"Retry-After": "4"}))
    client = make_client(clock)
    started = clock.now
    with pytest.raises(OperationTimeoutError) as info:
        await client.branches.create_and_wait(CONNECTOR, "pr-1", timeout=30)
    await client.close()
    assert clock.sleeps == [4.0]  # the create's retry used 4 s of the 30
    assert clock.now - started == pytest.approx(30)
    assert info.value.operation is not None
    assert info.value.operation.status == "running"


async def test_create_and_wait_twice_gives_the_same_branch_by_replay(
    client: ArdentClient, api: FakeBranchApi
) -> None:
    first = await client.branches.create_and_wait(CONNECTOR, "pr-7")
    second = await client.branches.create_and_wait(CONNECTOR, "pr-7")
    assert first == second
    keys = {r.headers["x-idempotency-key"] for r in creates(api)}
    assert len(keys) == 1
    assert len(api.operations) == 1  # the second create was a replay, not a new operation


async def test_create_and_wait_reuses_a_branch_taken_under_another_key(
    client: ArdentClient, api: FakeBranchApi, clock: FakeClock
) -> None:
    api.create_errors["pr-1"].append((409, {}))
    api.branch_rows = [row_json("br_9", "pr-1", pooled_branch_url=BRANCH_URL)]
    branch = await client.branches.create_and_wait(CONNECTOR, "pr-1")
    assert isinstance(branch, BranchCreateResult)
    assert (branch.branch_id, branch.name, branch.branch_url) == ("br_9", "pr-1", BRANCH_URL)
    assert branch.pooled_branch_url == BRANCH_URL
    assert len(creates(api)) == 1  # found at once: no race pauses
    assert clock.sleeps == []


async def test_create_and_wait_reuse_waits_for_the_existing_branch_url(
    client: ArdentClient, api: FakeBranchApi, clock: FakeClock
) -> None:
    api.create_errors["pr-1"].append((409, {}))
    api.branch_rows = [row_json("br_9", "pr-1", branch_url=None, status="creating")]
    started = clock.now

    async def becomes_ready() -> None:
        await clock.sleep(3.0)
        api.branch_rows = [row_json("br_9", "pr-1")]

    ready = asyncio.get_running_loop().create_task(becomes_ready())
    branch = await client.branches.create_and_wait(CONNECTOR, "pr-1", timeout=60)
    await ready
    assert branch.branch_url == BRANCH_URL
    assert 3.0 <= clock.now - started < 10.0


async def test_create_and_wait_if_exists_error_raises_the_conflict(
    client: ArdentClient, api: FakeBranchApi
) -> None:
    api.create_errors["pr-1"].extend([(409, {})] * 10)
    api.branch_rows = [row_json("br_9", "pr-1")]
    with pytest.raises(ConflictError):
        await client.branches.create_and_wait(CONNECTOR, "pr-1", if_exists="error")
    assert api.seen("GET", "/v1/branches") == []


async def test_create_and_wait_if_exists_is_checked_before_sending(
    client: ArdentClient, api: FakeBranchApi
) -> None:
    with pytest.raises(ArdentValidationError, match="if_exists"):
        await client.branches.create_and_wait(CONNECTOR, "pr-1", if_exists="keep")  # type: ignore[arg-type]
    assert api.requests == []


# -- create_or_reuse: the ready branch and whether this call created it ---------------------------


async def test_create_or_reuse_says_created_then_reused_on_a_replay(
    client: ArdentClient, api: FakeBranchApi
) -> None:
    first = await client.branches.create_or_reuse(CONNECTOR, "pr-7")
    again = await client.branches.create_or_reuse(CONNECTOR, "pr-7")
    assert isinstance(first, ReadyBranch)
    assert (first.created, again.created) == (True, False)
    assert first.branch == again.branch
    assert first.branch.branch_url == BRANCH_URL
    assert len(api.operations) == 1  # the second create was a replay, not a new operation


async def test_create_or_reuse_says_reused_for_a_name_taken_under_another_key(
    client: ArdentClient, api: FakeBranchApi
) -> None:
    api.create_errors["pr-1"].append((409, {}))
    api.branch_rows = [row_json("br_9", "pr-1")]
    ready = await client.branches.create_or_reuse(CONNECTOR, "pr-1")
    assert (ready.branch.branch_id, ready.created) == ("br_9", False)


@pytest.mark.parametrize("status", ["failed", "FAILED", "error", "deleting", "deleted"])
async def test_a_listed_branch_that_will_never_be_ready_is_not_reused(
    client: ArdentClient, api: FakeBranchApi, status: str
) -> None:
    # The name is taken (409 while the race pauses last), and the only row of that name is in a
    # state that never gets a URL: nothing to hand out, so the conflict is raised.
    api.create_errors["pr-1"].extend([(409, {})] * 10)
    api.branch_rows = [row_json("br_9", "pr-1", status=status, branch_url=None)]
    with pytest.raises(ConflictError):
        await client.branches.create_or_reuse(CONNECTOR, "pr-1", timeout=30)


async def test_create_or_reuse_restarts_after_a_replayed_failure_and_says_created(
    client: ArdentClient, api: FakeBranchApi
) -> None:
    api.fail_names.add("pr-3")
    with pytest.raises(OperationFailedError):  # an earlier run: its create failed
        await client.branches.create_and_wait(CONNECTOR, "pr-3")
    api.fail_names.clear()
    # The derived key replays that failure; a new create starts under a key derived from the
    # failure, and that create is this call's.
    ready = await client.branches.create_or_reuse(CONNECTOR, "pr-3")
    assert ready.created is True
    assert ready.branch.branch_url == BRANCH_URL
    assert len(api.operations) == 2
    [first, replayed, restarted] = [r.headers["x-idempotency-key"] for r in creates(api)]
    assert first == replayed != restarted


async def test_create_or_reuse_checks_until_before_sending(
    client: ArdentClient, api: FakeBranchApi
) -> None:
    with pytest.raises(ArdentValidationError, match="until"):
        await client.branches.create_or_reuse(CONNECTOR, "pr-1", until="soon")
    assert api.requests == []


async def test_wait_ready_times_out_on_a_branch_without_url(
    client: ArdentClient, api: FakeBranchApi, clock: FakeClock
) -> None:
    api.branch_rows = [row_json("br_9", "pr-1", branch_url=None, status="creating")]
    started = clock.now
    with pytest.raises(OperationTimeoutError, match="br_9"):
        await client.branches.wait_ready(CONNECTOR, "pr-1", timeout=20)
    assert clock.now - started == pytest.approx(20)


@pytest.mark.parametrize("url", [None, BRANCH_URL], ids=["no-url", "url-still-listed"])
@pytest.mark.parametrize("status", ["failed", "ERROR", "deleting", "deleted"])
async def test_wait_ready_ends_at_once_on_a_branch_that_will_never_be_usable(
    client: ArdentClient, api: FakeBranchApi, clock: FakeClock, status: str, url: str | None
) -> None:
    # A branch being deleted may still be listed with its URL: never handed out as ready.
    api.branch_rows = [row_json("br_9", "pr-1", branch_url=url, status=status)]
    started = clock.now
    with pytest.raises(BranchFailedError, match="br_9") as info:
        await client.branches.wait_ready(CONNECTOR, "pr-1", timeout=20)
    assert (info.value.branch_id, info.value.name, info.value.status) == ("br_9", "pr-1", status)
    assert clock.now == started  # no poll waited for


async def test_wait_ready_ends_when_a_creating_branch_turns_failed(
    client: ArdentClient, api: FakeBranchApi, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    api.branch_rows = [row_json("br_9", "pr-1", branch_url=None, status="creating")]
    pause = clock.sleep

    async def pause_then_fail(seconds: float) -> None:
        await pause(seconds)
        api.branch_rows = [row_json("br_9", "pr-1", branch_url=None, status="failed")]

    monkeypatch.setattr(clock, "sleep", pause_then_fail)
    with pytest.raises(BranchFailedError, match="failed"):
        await client.branches.wait_ready(CONNECTOR, "pr-1", timeout=60)
    assert len(clock.sleeps) == 1  # one poll after the first look, then it ended


# -- list and get ----------------------------------------------------------------------------------


async def test_list_sends_the_exact_request_and_keeps_extra_columns(
    client: ArdentClient, api: FakeBranchApi
) -> None:
    api.branch_rows = [
        row_json("br_1", "main-copy", tags=["ci"], owner="ana"),
        row_json("br_2", "pr-9", pooled_branch_url=None),
    ]
    rows = await client.branches.list(CONNECTOR)
    (request,) = api.requests
    assert request.method == "GET"
    assert request.url.path == f"/v1/branches/{CONNECTOR}"
    assert request.url.query == b""
    assert [r.id for r in rows] == ["br_1", "br_2"]
    assert rows[0].extra == {"tags": ["ci"], "owner": "ana"}
    assert rows[0].created_at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert "S3cretPw" not in repr(rows)


async def test_list_quotes_the_connector_id(client: ArdentClient, api: FakeBranchApi) -> None:
    await client.branches.list("conn 1?x")
    assert api.requests[0].url.raw_path == b"/v1/branches/conn%201%3Fx"


async def test_list_filters_on_the_tags_column(client: ArdentClient, api: FakeBranchApi) -> None:
    api.branch_rows = [
        row_json("br_1", "a", tags=["ci", "nightly"]),
        row_json("br_2", "b", tags=["dev"]),
        row_json("br_3", "c"),
        row_json("br_4", "d", tags="ci"),
    ]
    rows = await client.branches.list(CONNECTOR, tag="ci")
    assert [r.id for r in rows] == ["br_1", "br_4"]
    assert api.requests[0].url.query == b""  # filtered here: the API has no tag parameter


async def test_list_rejects_a_row_missing_a_required_field(
    client: ArdentClient, api: FakeBranchApi
) -> None:
    row = row_json("br_1", "a")
    del row["created_at"]
    api.branch_rows = [row_json("br_0", "ok"), row]
    with pytest.raises(ArdentResponseError) as info:
        await client.branches.list(CONNECTOR)
    assert "created_at" in (info.value.path or "")


async def test_get_finds_by_id_then_by_name(client: ArdentClient, api: FakeBranchApi) -> None:
    api.branch_rows = [row_json("br_1", "br_2"), row_json("br_2", "pr-2")]
    assert (await client.branches.get(CONNECTOR, "br_2")).id == "br_2"  # the id wins
    assert (await client.branches.get(CONNECTOR, "pr-2")).id == "br_2"
    assert (await client.branches.get(CONNECTOR, "br_1")).name == "br_2"


async def test_get_missing_branch_is_not_found(client: ArdentClient, api: FakeBranchApi) -> None:
    api.branch_rows = [row_json("br_1", "a")]
    with pytest.raises(NotFoundError) as info:
        await client.branches.get(CONNECTOR, "nope")
    assert "nope" in str(info.value)
    assert CONNECTOR in str(info.value)


async def test_list_and_get_refuse_bad_arguments(client: ArdentClient, api: FakeBranchApi) -> None:
    with pytest.raises(ArdentValidationError):
        await client.branches.list("")
    with pytest.raises(ArdentValidationError):
        await client.branches.list(CONNECTOR, tag="")
    with pytest.raises(ArdentValidationError):
        await client.branches.get(CONNECTOR, "")
    assert api.requests == []


async def test_create_and_wait_over_aiohttp_against_a_real_server(clock: FakeClock) -> None:
    server = AiohttpBackend()
    await server.start()
    handle = {"operation_id": "op_9", "resource_id": "br_9", "status": "pending"}
    running = operation_json("op_9", "running", progress=50)
    done = operation_json("op_9", "completed", result=branch_result_json("pr-9"))
    server.script.add(
        "POST", "/v1/branch/create", Reply(202, json={**handle, "type": "branch_create"})
    )
    server.script.add(
        "GET",
        "/v1/operations/op_9",
        Reply(503, json={"detail": "busy"}, headers={"Retry-After": "2"}),
        Reply(json=running),
        Reply(json=done),
    )
    client = make_client(clock, base_url=server.base_url, transport=AiohttpTransport())
    try:
        branch = await client.branches.create_and_wait(CONNECTOR, "pr-9")
    finally:
        await client.close()
        await server.stop()
    assert branch.name == "pr-9"
    assert branch.branch_url == BRANCH_URL
    assert [s.method for s in server.script.seen] == ["POST", "GET", "GET", "GET"]
    assert server.script.seen[0].headers["X-Idempotency-Key"].startswith("ardent-async-")
    assert {s.query for s in server.script.seen[1:]} == {"wait=10"}
    # Retry-After honoured, then the fast non-terminal answer switched to client-side pacing.
    assert clock.sleeps[0] == 2.0
    assert len(clock.sleeps) == 2
    # 2 s waited so far: a pause of 25-40 % of that, at least the 0.5 s floor.
    assert 0.5 <= clock.sleeps[1] <= 0.8
