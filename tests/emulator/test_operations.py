"""Operations: states, progress, long-poll (``wait=``) and its bounds."""

from __future__ import annotations

import time

import pytest

from ardent_async import ArdentClient
from ardent_async.emulator import Emulator

from .helpers import raw, ready_connector


async def test_long_poll_holds_until_terminal(
    ardent_emulator: Emulator, ardent_client: ArdentClient
) -> None:
    _, connector = await ready_connector(ardent_client)
    ardent_emulator.runtime.runner.op_duration = 1.0
    handle = await ardent_client.branches.create(connector.id, "slow")
    assert handle.status == "pending"
    at_once = await ardent_client.operations.get(handle.operation_id, wait=0)
    assert at_once.status in ("pending", "running")
    assert at_once.completed_at is None

    started = time.monotonic()
    held = await ardent_client.operations.get(handle.operation_id, wait=10)
    elapsed = time.monotonic() - started
    # One request saw the end: the server held it until the operation completed.
    assert held.status == "completed"
    assert held.progress == 100
    assert held.result is not None
    assert held.result["branch_id"] == handle.resource_id
    assert held.started_at is not None
    assert held.completed_at is not None
    assert elapsed < 8.0


async def test_short_wait_returns_before_the_end(
    ardent_emulator: Emulator, ardent_client: ArdentClient
) -> None:
    _, connector = await ready_connector(ardent_client)
    ardent_emulator.runtime.runner.op_duration = 5.0
    handle = await ardent_client.branches.create(connector.id, "slower")
    op = await ardent_client.operations.get(handle.operation_id, wait=0.2)
    assert op.status in ("pending", "running")


async def test_watch_sees_progress_in_order(
    ardent_emulator: Emulator, ardent_client: ArdentClient
) -> None:
    _, connector = await ready_connector(ardent_client)
    ardent_emulator.runtime.runner.op_duration = 0.3
    handle = await ardent_client.branches.create(connector.id, "watched")
    seen = [op async for op in ardent_client.operations.watch(handle.operation_id, timeout=20)]
    assert seen[-1].status == "completed"
    progress = [op.progress or 0 for op in seen]
    assert progress == sorted(progress)
    for op in seen:
        assert (op.stage_label is None) == (op.status == "pending")


@pytest.mark.parametrize("wait", ["-1", "10.5", "soon", "nan"])
async def test_wait_out_of_range_is_422(ardent_emulator: Emulator, wait: str) -> None:
    async with ardent_emulator.client() as client:
        _, connector = await ready_connector(client)
        handle = await client.branches.create(connector.id, "b")
    status, _, body = await raw(
        ardent_emulator.base_url,
        "GET",
        f"/v1/operations/{handle.operation_id}?wait={wait}",
        token=ardent_emulator.token,
    )
    assert status == 422
    assert body["detail"][0]["loc"] == ["query", "wait"]


async def test_unknown_operation_is_404(ardent_client: ArdentClient) -> None:
    from ardent_async import NotFoundError

    with pytest.raises(NotFoundError):
        await ardent_client.operations.get("op_nope")
