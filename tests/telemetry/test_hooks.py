"""Event hooks: their order, async hooks awaited, a raising hook never breaks the call."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import pytest

from ardent_async import ArdentClient
from ardent_async.events import OperationEvent, RequestEvent, ResponseEvent, RetryEvent
from tests.spine.scripted import AiohttpBackend, Reply
from tests.telemetry.conftest import BRANCH_PASSWORD, TOKEN, handle, operation

CREATE = "/v1/branch/create"


def script_create_and_wait(server: AiohttpBackend) -> None:
    server.script.add(
        "POST",
        CREATE,
        Reply(503, {"detail": "busy"}, headers={"Retry-After": "2"}),
        Reply(202, handle("op_1")),
    )
    server.script.add(
        "GET",
        "/v1/operations/op_1",
        Reply(200, operation("op_1", "pending")),
        Reply(200, operation("op_1", "completed")),
    )


def describe(event: object) -> str:
    if isinstance(event, RequestEvent):
        return f"request {event.method} {event.attempt}"
    if isinstance(event, ResponseEvent):
        return f"response {event.method} {event.status_code}"
    if isinstance(event, RetryEvent):
        return f"retry {event.reason} {event.delay:g} {event.retry_after}"
    assert isinstance(event, OperationEvent)
    return f"operation {event.operation_id} {event.status} {event.polls}"


async def test_events_come_in_order_and_async_hooks_are_awaited(
    server: AiohttpBackend, make_client: Callable[..., ArdentClient]
) -> None:
    script_create_and_wait(server)
    seen: list[object] = []

    def plain(event: object) -> None:
        seen.append(event)

    async def later(event: object) -> None:
        await asyncio.sleep(0)  # a real suspension: the call must wait for it
        seen.append(("async", event))

    hooks = {kind: [plain, later] for kind in ("request", "response", "retry", "operation")}
    client = make_client(
        event_hooks=hooks, telemetry=False, tracer_provider=None, meter_provider=None
    )

    await client.branches.create_and_wait("conn_1", "feature-x")

    plain_events = [e for e in seen if not isinstance(e, tuple)]
    assert [describe(e) for e in plain_events] == [
        "request POST 1",
        "response POST 503",
        "retry 503 2 True",
        "request POST 2",
        "response POST 202",
        "request GET 1",
        "response GET 200",
        "request GET 1",
        "response GET 200",
        "operation op_1 completed 2",
    ]
    # Each async hook ran right after the plain one, before the call went on.
    assert seen[1::2] == [("async", e) for e in plain_events]
    assert {e.call for e in plain_events} == {"branches.create_and_wait"}


async def test_events_hold_no_secret(
    server: AiohttpBackend, make_client: Callable[..., ArdentClient]
) -> None:
    script_create_and_wait(server)
    seen: list[object] = []
    hooks = {kind: [seen.append] for kind in ("request", "response", "retry", "operation")}
    client = make_client(event_hooks=hooks)
    await client.branches.create_and_wait("conn_1", "feature-x")
    text = repr(seen)
    assert seen
    assert TOKEN not in text
    assert BRANCH_PASSWORD not in text


async def test_a_raising_hook_is_logged_and_the_call_goes_on(
    server: AiohttpBackend,
    make_client: Callable[..., ArdentClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    script_create_and_wait(server)
    after: list[object] = []

    def broken(event: object) -> None:
        raise RuntimeError("hook bug")

    async def broken_async(event: object) -> None:
        raise ValueError("async hook bug")

    hooks = {
        "request": [broken, after.append],
        "response": [broken_async],
        "retry": [broken],
        "operation": [broken_async, after.append],
    }
    client = make_client(event_hooks=hooks)
    with caplog.at_level(logging.ERROR, logger="ardent_async.hooks"):
        branch = await client.branches.create_and_wait("conn_1", "feature-x")

    assert branch.branch_id == "br_feature-x"
    assert len(after) == 5  # the hooks after a broken one still ran (4 requests, 1 operation)
    assert len(caplog.records) == 10
    assert all(r.name == "ardent_async.hooks" and r.exc_info for r in caplog.records)


async def test_with_options_copies_add_their_hooks_and_keep_the_originals(
    server: AiohttpBackend, make_client: Callable[..., ArdentClient]
) -> None:
    server.script.add("GET", "/v1/projects", Reply(200, {"projects": []}))
    original: list[str] = []
    extra: list[str] = []
    client = make_client(event_hooks={"request": [lambda e: original.append(e.call)]})
    copy = client.with_options(
        max_retries=0, event_hooks={"request": [lambda e: extra.append(e.call)]}
    )
    await copy.projects.list("org_1")
    await client.projects.list("org_1")
    assert original == ["projects.list", "projects.list"]
    assert extra == ["projects.list"]
