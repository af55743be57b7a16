"""Spans: one per public call, a child per HTTP attempt, the waiting under the call."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from opentelemetry.trace import SpanKind, StatusCode

from ardent_async import ArdentClient, NotFoundError
from ardent_async._core._retry import RetryPolicy
from ardent_async.events import ResponseEvent, RetryEvent
from tests.spine.scripted import AiohttpBackend, Drop, Reply
from tests.telemetry.conftest import Otel, handle, operation, secrets_in

CREATE = "/v1/branch/create"


async def test_create_and_wait_is_one_call_span_with_its_attempts_and_polls(
    server: AiohttpBackend, make_client: Callable[..., ArdentClient], otel: Otel
) -> None:
    server.script.add("POST", CREATE, Reply(503, {"detail": "busy"}), Reply(202, handle("op_1")))
    server.script.add(
        "GET",
        "/v1/operations/op_1",
        Reply(200, operation("op_1", "pending")),
        Reply(200, operation("op_1", "completed")),
    )
    client = make_client()

    branch = await client.branches.create_and_wait("conn_1", "feature-x")

    assert branch.branch_id == "br_feature-x"
    spans = otel.spans()
    calls = [s for s in spans if s.name.startswith("ardent.")]
    assert [s.name for s in calls] == ["ardent.branches.create_and_wait"]
    call = calls[0]
    children = [
        s for s in spans if s.parent is not None and s.parent.span_id == call.context.span_id
    ]
    assert len(children) == len(spans) - 1, "every other span is a child of the call span"
    posts = [s for s in children if s.attributes["http.request.method"] == "POST"]
    polls = [s for s in children if s.attributes["http.request.method"] == "GET"]
    assert len(posts) == 2
    assert len(polls) == 2
    first, second = posts
    assert first.attributes["http.response.status_code"] == 503
    assert first.attributes["error.type"] == "503"
    assert "http.request.resend_count" not in first.attributes
    assert second.attributes["http.response.status_code"] == 202
    assert second.attributes["http.request.resend_count"] == 1
    assert "error.type" not in second.attributes
    # Named "{method} {url.template}" (HTTP client semantic conventions): the template, never
    # the ids of the path (low cardinality).
    assert {s.name for s in posts} == {"POST /v1/branch/create"}
    assert {s.name for s in polls} == {"GET /v1/operations/{operation_id}"}
    assert {s.attributes["url.template"] for s in posts} == {"/v1/branch/create"}
    assert {s.attributes["url.template"] for s in polls} == {"/v1/operations/{operation_id}"}
    for attempt in children:
        assert attempt.kind is SpanKind.CLIENT
        assert attempt.attributes["server.address"] == "127.0.0.1"
        assert attempt.attributes["server.port"] == int(server.base_url.rsplit(":", 1)[1])
        assert attempt.attributes["url.full"].startswith(server.base_url + "/v1/")
        assert attempt.context.trace_id == call.context.trace_id
    assert all(p.start_time >= second.end_time for p in polls), "polls follow the create"
    assert call.start_time <= first.start_time
    assert polls[-1].end_time <= call.end_time
    assert call.attributes["ardent.connector.id"] == "conn_1"
    assert call.attributes["ardent.branch.name"] == "feature-x"
    assert call.attributes["ardent.branch.id"] == "br_feature-x"
    assert call.attributes["ardent.operation.id"] == "op_1"
    assert call.attributes["ardent.operation.type"] == "branch_create"
    assert call.attributes["ardent.operation.status"] == "completed"
    assert call.status.status_code is StatusCode.UNSET
    assert secrets_in(spans) == []


async def test_traceparent_is_sent_with_each_attempt_unless_turned_off(
    server: AiohttpBackend, make_client: Callable[..., ArdentClient], otel: Otel
) -> None:
    server.script.add("GET", "/v1/projects", Reply(200, {"projects": []}))
    await make_client().projects.list("org_1")
    await make_client(propagate_trace=False).projects.list("org_1")

    sent, quiet = (seen.headers for seen in server.script.seen)
    attempt = next(s for s in otel.spans() if s.kind is SpanKind.CLIENT)
    _, trace_id, span_id, _ = sent["traceparent"].split("-")
    assert (int(trace_id, 16), int(span_id, 16)) == (
        attempt.context.trace_id,
        attempt.context.span_id,
    )
    assert "traceparent" not in {key.lower() for key in quiet}


async def test_an_attempt_span_is_named_by_its_template_under_the_base_urls_path(
    server: AiohttpBackend, make_client: Callable[..., ArdentClient], otel: Otel
) -> None:
    project = {
        "id": "proj_42",
        "org_id": "org_1",
        "name": "p",
        "created_at": "2026-01-02T03:04:05Z",
    }
    server.script.add("GET", "/gateway/v1/projects/proj_42", Reply(200, project))
    client = make_client(base_url=server.base_url + "/gateway/")

    await client.projects.get("proj_42")

    (attempt,) = [s for s in otel.spans() if s.kind is SpanKind.CLIENT]
    assert attempt.name == "GET /gateway/v1/projects/{project_id}"
    assert attempt.attributes["url.template"] == "/gateway/v1/projects/{project_id}"
    assert attempt.attributes["url.full"] == server.base_url + "/gateway/v1/projects/proj_42"
    assert attempt.attributes["http.request.method"] == "GET"


async def test_a_service_call_names_its_attempt_span_by_the_rows_template(
    server: AiohttpBackend, make_client: Callable[..., ArdentClient], otel: Otel
) -> None:
    server.script.add("GET", "/v1/operations/op_7", Reply(200, operation("op_7", "pending")))
    client = make_client()

    await client.operations.get("op_7")

    (attempt,) = [s for s in otel.spans() if s.kind is SpanKind.CLIENT]
    assert attempt.name == "GET /v1/operations/{operation_id}"
    assert attempt.attributes["url.template"] == "/v1/operations/{operation_id}"
    assert attempt.attributes["url.full"].endswith("/v1/operations/op_7")


async def test_a_failed_call_ends_its_span_with_the_error(
    server: AiohttpBackend, make_client: Callable[..., ArdentClient], otel: Otel
) -> None:
    server.script.add("GET", "/v1/projects/proj_1", Reply(404, {"detail": "no such project"}))
    client = make_client()
    with pytest.raises(NotFoundError):
        await client.projects.get("proj_1")
    (call,) = [s for s in otel.spans() if s.name == "ardent.projects.get"]
    assert call.status.status_code is StatusCode.ERROR
    assert call.attributes["error.type"] == "404"
    assert call.attributes["ardent.project.id"] == "proj_1"


async def test_fan_out_is_one_parent_with_a_child_per_branch(
    server: AiohttpBackend, make_client: Callable[..., ArdentClient], otel: Otel
) -> None:
    names = [f"b{i:02d}" for i in range(20)]
    server.script.add("POST", CREATE, *(Reply(202, handle(f"op_{n}", n)) for n in names))
    for name in names:
        server.script.add(
            "GET",
            f"/v1/operations/op_{name}",
            Reply(200, operation(f"op_{name}", "completed", name)),
        )
    client = make_client()

    outcomes = await client.branches.create_many("conn_1", names, concurrency=5)

    assert all(outcome.ok for outcome in outcomes)
    spans = otel.spans()
    (parent,) = [s for s in spans if s.name == "ardent.branches.create_many"]
    branches = [s for s in spans if s.name == "ardent.branch"]
    assert len(branches) == 20
    assert {s.parent.span_id for s in branches if s.parent} == {parent.context.span_id}
    assert sorted(s.attributes["ardent.branch.name"] for s in branches) == names
    by_id = {s.context.span_id: s for s in branches}
    attempts = [s for s in spans if s.kind is SpanKind.CLIENT]
    assert len(attempts) == 40  # a create and a poll per branch
    for attempt in attempts:
        assert attempt.parent is not None
        assert attempt.parent.span_id in by_id
    for branch in branches:
        under = [a for a in attempts if a.parent and a.parent.span_id == branch.context.span_id]
        assert sorted(a.attributes["http.request.method"] for a in under) == ["GET", "POST"]
        name = branch.attributes["ardent.branch.name"]
        assert branch.attributes["ardent.branch.id"] == f"br_{name}"
    assert parent.attributes["ardent.fanout.size"] == 20
    assert secrets_in(spans) == []


async def test_telemetry_false_records_nothing(
    server: AiohttpBackend, make_client: Callable[..., ArdentClient], otel: Otel
) -> None:
    server.script.add("GET", "/v1/projects", Reply(200, {"projects": []}))
    client = make_client(telemetry=False, tracer_provider=None, meter_provider=None)
    await client.projects.list("org_1")
    assert otel.spans() == []
    assert "traceparent" not in {key.lower() for key in server.script.seen[0].headers}


async def test_watch_is_one_call_span_until_the_iteration_ends(
    server: AiohttpBackend, make_client: Callable[..., ArdentClient], otel: Otel
) -> None:
    server.script.add(
        "GET",
        "/v1/operations/op_1",
        Reply(200, operation("op_1", "pending")),
        Reply(200, operation("op_1", "completed")),
    )
    client = make_client()
    statuses = [str(op.status) async for op in client.operations.watch("op_1")]

    assert statuses == ["pending", "completed"]
    spans = otel.spans()
    (watch,) = [s for s in spans if s.name == "ardent.operations.watch"]
    polls = [s for s in spans if s.kind is SpanKind.CLIENT]
    assert len(polls) == 2
    assert {p.parent.span_id for p in polls if p.parent} == {watch.context.span_id}
    assert watch.attributes["ardent.operation.id"] == "op_1"
    assert watch.attributes["ardent.operation.status"] == "completed"
    assert watch.end_time >= polls[-1].end_time


async def test_replays_retry_after_and_dropped_connections_are_recorded(
    server: AiohttpBackend, make_client: Callable[..., ArdentClient], otel: Otel
) -> None:
    server.script.add(
        "POST",
        CREATE,
        Drop(),
        Reply(503, {"detail": "busy"}, headers={"Retry-After": "3"}),
        Reply(202, handle("op_1"), headers={"X-Idempotency-Replay": "true"}),
    )
    retries: list[RetryEvent] = []
    replies: list[ResponseEvent] = []
    client = make_client(
        retry_policy=RetryPolicy(max_retries=3),
        event_hooks={"retry": [retries.append], "response": [replies.append]},
    )

    await client.branches.create("conn_1", "feature-x")

    spans = otel.spans()
    (call,) = [s for s in spans if s.name == "ardent.branches.create"]
    dropped, busy, replayed = sorted(
        (s for s in spans if s.kind is SpanKind.CLIENT), key=lambda s: s.start_time
    )
    assert dropped.attributes["error.type"] == "ArdentConnectionError"
    assert "http.response.status_code" not in dropped.attributes
    assert busy.attributes["http.request.resend_count"] == 1
    assert replayed.attributes["http.request.resend_count"] == 2
    assert replayed.attributes["ardent.idempotency.replayed"] is True
    assert call.attributes["ardent.idempotency.replayed"] is True
    assert call.attributes["ardent.retry_after_honoured"] is True
    assert call.attributes["ardent.operation.id"] == "op_1"
    assert [(r.reason, r.retry_after) for r in retries] == [("connection", False), ("503", True)]
    assert retries[1].delay == 3
    assert [(r.status_code, r.error_type, r.replayed) for r in replies] == [
        (None, "ArdentConnectionError", False),
        (503, "503", False),
        (202, None, True),
    ]
    points = otel.metrics()["ardent.retries"]
    assert sorted((p.attributes["ardent.retry.reason"], p.value) for p in points) == [
        ("503", 1),
        ("connection", 1),
    ]


async def test_create_iter_on_its_own_is_one_call_with_a_child_per_branch(
    server: AiohttpBackend, make_client: Callable[..., ArdentClient], otel: Otel
) -> None:
    names = ["it-1", "it-2", "it-3"]
    server.script.add("POST", CREATE, *(Reply(202, handle(f"op_{n}", n)) for n in names))
    for name in names:
        server.script.add(
            "GET",
            f"/v1/operations/op_{name}",
            Reply(200, operation(f"op_{name}", "completed", name)),
        )
    client = make_client()

    async with client.branches.create_iter("conn_1", names) as stream:
        done = sorted([outcome.name async for outcome in stream])

    assert done == names
    spans = otel.spans()
    (call,) = [s for s in spans if s.name == "ardent.branches.create_iter"]
    branches = [s for s in spans if s.name == "ardent.branch"]
    assert sorted(s.attributes["ardent.branch.name"] for s in branches) == names
    assert {s.parent.span_id for s in branches if s.parent} == {call.context.span_id}
    assert call.attributes["ardent.fanout.size"] == 3
    assert call.end_time >= max(s.end_time for s in branches)
    attempts = [s for s in spans if s.kind is SpanKind.CLIENT]
    assert len(attempts) == 6
    assert {a.parent.span_id for a in attempts if a.parent} == {b.context.span_id for b in branches}


async def test_a_generated_endpoint_call_is_a_call_span_with_its_attempt(
    server: AiohttpBackend, make_client: Callable[..., ArdentClient], otel: Otel
) -> None:
    server.script.add("GET", "/v1/branches/conn_1", Reply(200, []))
    client = make_client()

    assert await client.endpoints.list_branches("conn_1") == []

    spans = otel.spans()
    (call,) = [s for s in spans if s.name.startswith("ardent.")]
    assert call.name == "ardent.endpoints.list_branches"
    assert call.attributes["ardent.connector.id"] == "conn_1"
    (attempt,) = [s for s in spans if s is not call]
    assert attempt.name == "GET /v1/branches/{connector_id}"
    assert attempt.kind is SpanKind.CLIENT
    assert attempt.parent is not None
    assert attempt.parent.span_id == call.context.span_id
