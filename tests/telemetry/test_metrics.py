"""Metrics: request durations, operation durations, time to ready, retries, waiter gauges."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from ardent_async import ArdentClient
from tests.spine.scripted import AiohttpBackend, Hang, Reply
from tests.telemetry.conftest import Otel, handle, operation

CREATE = "/v1/branch/create"


async def test_create_and_wait_records_its_metrics(
    server: AiohttpBackend, make_client: Callable[..., ArdentClient], otel: Otel
) -> None:
    server.script.add(
        "POST",
        CREATE,
        Reply(503, {"detail": "busy"}, headers={"Retry-After": "1"}),
        Reply(202, handle("op_1")),
    )
    server.script.add(
        "GET",
        "/v1/operations/op_1",
        Reply(200, operation("op_1", "pending")),
        Reply(200, operation("op_1", "completed")),
    )
    client = make_client()
    await client.branches.create_and_wait("conn_1", "feature-x")

    points = otel.metrics()
    requests = points["http.client.request.duration"]
    by_status = {p.attributes.get("http.response.status_code"): p.count for p in requests}
    assert by_status == {503: 1, 202: 1, 200: 2}
    failed = next(p for p in requests if p.attributes.get("http.response.status_code") == 503)
    assert failed.attributes["error.type"] == "503"
    assert failed.attributes["server.address"] == "127.0.0.1"
    (retries,) = points["ardent.retries"]
    assert retries.value == 1
    assert retries.attributes["ardent.retry.reason"] == "503"
    (waited,) = points["ardent.operation.duration"]
    assert waited.count == 1
    assert waited.attributes == {
        "ardent.operation.type": "branch_create",
        "ardent.operation.status": "completed",
    }
    (ready,) = points["ardent.branch.time_to_ready"]
    assert ready.count == 1
    # The fake clock moved by the Retry-After pause (1 s) and the poll pacing at least.
    assert ready.sum >= 1.0


async def test_gauges_show_pending_operations_and_held_polls(
    server: AiohttpBackend, make_client: Callable[..., ArdentClient], otel: Otel
) -> None:
    server.script.add("POST", CREATE, Reply(202, handle("op_1")))
    server.script.add("GET", "/v1/operations/op_1", Hang())
    polling = asyncio.Event()
    client = make_client(
        event_hooks={"request": [lambda event: event.method == "GET" and polling.set()]}
    )
    waiting = asyncio.ensure_future(client.branches.create_and_wait("conn_1", "feature-x"))
    await asyncio.wait_for(polling.wait(), 10)  # the poll is in flight (and the server hangs)
    points = otel.metrics()
    assert [p.value for p in points["ardent.operations.pending"]] == [1]
    assert [p.value for p in points["ardent.polls.held"]] == [1]
    waiting.cancel()
    await asyncio.wait([waiting])
    points = otel.metrics()
    assert [p.value for p in points["ardent.operations.pending"]] == [0]
    assert [p.value for p in points["ardent.polls.held"]] == [0]
