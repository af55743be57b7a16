"""The logger tree and its structured fields."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from ardent_async import ArdentClient
from tests.spine.scripted import AiohttpBackend, Reply
from tests.telemetry.conftest import TOKEN, handle, operation


async def test_retries_and_poll_failures_log_structured_fields(
    server: AiohttpBackend,
    make_client: Callable[..., ArdentClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    server.script.add("POST", "/v1/branch/create", Reply(503), Reply(202, handle("op_1")))
    server.script.add(
        "GET",
        "/v1/operations/op_1",
        Reply(502, {"detail": "bad gateway"}),
        Reply(200, operation("op_1", "completed")),
    )
    caplog.set_level(logging.DEBUG, logger="ardent_async")
    # No telemetry at all: the logs are the same without it.
    client = make_client(telemetry=False, tracer_provider=None, meter_provider=None)
    await client.branches.create_and_wait("conn_1", "feature-x")

    (retry,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert retry.name == "ardent_async"
    assert retry.__dict__["ardent_method"] == "POST"
    assert retry.__dict__["ardent_path"] == "/v1/branch/create"
    assert retry.__dict__["ardent_attempt"] == 1
    assert retry.__dict__["ardent_reason"] == "503"
    assert retry.__dict__["ardent_delay"] >= 0
    (poll,) = [r for r in caplog.records if r.name == "ardent_async.waiter"]
    assert poll.__dict__["ardent_operation_id"] == "op_1"
    assert poll.__dict__["ardent_reason"] == "502"
    exchanges = [r for r in caplog.records if "ardent_status" in r.__dict__]
    assert [r.__dict__["ardent_status"] for r in exchanges] == [503, 202, 502, 200]
    assert all(TOKEN not in r.getMessage() for r in caplog.records)
