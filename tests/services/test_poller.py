"""OperationPoller: long-poll and backoff pacing, failures, deadlines, retries, cancellation.

Time is a FakeClock: sleeps return at once and the fake server "holds" a poll by moving the
clock, so an operation's state is a function of the clock and no test really sleeps.
"""

from __future__ import annotations

import asyncio

import pytest

from ardent_async import (
    ArdentAuthError,
    ArdentClient,
    ArdentValidationError,
    ClientClosedError,
    NotFoundError,
    OperationFailedError,
    OperationPoller,
    OperationTimeoutError,
)
from tests.fakes import FakeClock
from tests.services.fake_branch_api import (
    FakeBranchApi,
    Step,
    make_client,
    running_api,
    simple_timeline,
)


def wait_params(api: FakeBranchApi) -> list[str]:
    return [r.url.params["wait"] for r in api.polls()]


# -- long-poll path ------------------------------------------------------------------------------


async def test_long_poll_sees_the_end_at_once_with_few_polls(
    client: ArdentClient, api: FakeBranchApi, clock: FakeClock
) -> None:
    op = api.add_operation("op_1", simple_timeline(60.0))
    done = await client.operations.wait("op_1", timeout=600)
    assert done.status == "completed"
    assert done.id == "op_1"
    assert len(api.polls("op_1")) == 6  # six holds of 10 s; the last ends with the operation
    assert set(wait_params(api)) == {"10"}
    assert clock.sleeps == []  # the server paced us: the client never slept
    lag = clock.now - op.ends_at
    assert 0 <= lag <= 0.1 * 60 + 0.05


async def test_operation_already_done_costs_one_poll(
    client: ArdentClient, api: FakeBranchApi
) -> None:
    api.add_operation("op_1", [Step(0, "completed")])
    await client.operations.wait("op_1")
    assert len(api.polls()) == 1


async def test_hold_never_goes_past_the_deadline(
    client: ArdentClient, api: FakeBranchApi, clock: FakeClock
) -> None:
    api.add_operation("op_1", simple_timeline(100.0))
    started = clock.now
    with pytest.raises(OperationTimeoutError):
        await client.operations.wait("op_1", timeout=25)
    assert wait_params(api) == ["10", "10", "5"]
    assert clock.now - started == pytest.approx(25)


async def test_request_timeout_outlasts_the_hold(client: ArdentClient, api: FakeBranchApi) -> None:
    api.add_operation("op_1", [Step(0, "completed")])
    await client.operations.wait("op_1")
    timeouts = api.polls()[0].extensions["timeout"]
    assert timeouts["read"] == 30.0 + 10.0  # client timeout + the server's hold


async def test_server_holding_less_than_asked_still_paces_the_polls(
    client: ArdentClient, api: FakeBranchApi, clock: FakeClock
) -> None:
    api.max_hold = 3.0
    op = api.add_operation("op_1", simple_timeline(30.0))
    await client.operations.wait("op_1")
    assert clock.sleeps == []
    assert len(api.polls()) == 10
    assert clock.now == op.ends_at


# -- backoff path (server ignores wait=) -------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
async def test_backoff_path_polls_a_60s_operation_at_most_20_times(
    clock: FakeClock, seed: int
) -> None:
    import random

    api = FakeBranchApi(clock, holds=False)
    async with running_api(api):
        client = make_client(clock)
        client.operations.poller._rng = random.Random(seed)
        op = api.add_operation("op_1", simple_timeline(60.0))
        try:
            done = await client.operations.wait("op_1")
        finally:
            await client.close()
    assert done.status == "completed"
    assert 5 <= len(api.polls()) <= 20
    # Each pause is 25-40 % of the time waited so far, between the 0.5 s floor and the 10 s cap.
    waited = 0.0
    for pause in clock.sleeps:
        low = min(10.0, max(0.5, 0.25 * waited))
        high = min(10.0, max(0.5, 0.40 * waited))
        assert low - 1e-9 <= pause <= high + 1e-9
        waited += pause
    assert clock.now - op.ends_at <= 0.4 * 60.0


async def test_server_that_starts_holding_is_noticed(clock: FakeClock) -> None:
    api = FakeBranchApi(clock, holds=False)
    async with running_api(api):
        client = make_client(clock)
        api.add_operation("op_1", simple_timeline(120.0))
        task = asyncio.ensure_future(client.operations.wait("op_1"))
        await api.until(lambda: len(api.polls()) >= 3)
        api.holds = True
        await task
        await client.close()
    sleeps_when_switched = len(clock.sleeps)
    assert sleeps_when_switched <= 3  # no more client pauses once the server holds
    assert len(api.polls()) < 20


# -- endings -------------------------------------------------------------------------------------


async def test_failed_operation_raises_with_its_error(
    client: ArdentClient, api: FakeBranchApi
) -> None:
    api.add_operation("op_1", simple_timeline(30.0, "failed"), error="disk full on host 3")
    with pytest.raises(OperationFailedError) as info:
        await client.operations.wait("op_1")
    assert "disk full on host 3" in str(info.value)
    assert "op_1" in str(info.value)
    assert info.value.operation.status == "failed"
    assert info.value.error == "disk full on host 3"


async def test_deadline_raises_timeout_with_last_state(
    client: ArdentClient, api: FakeBranchApi, clock: FakeClock
) -> None:
    api.add_operation("op_1", simple_timeline(100.0))
    started = clock.now
    with pytest.raises(OperationTimeoutError) as info:
        await client.operations.wait("op_1", timeout=45)
    last = info.value.operation
    assert last is not None
    assert last.status == "running"
    assert last.progress == 40
    assert "op_1" in str(info.value)
    assert "running" in str(info.value)
    assert clock.now - started <= 45 + 1


async def test_deadline_on_backoff_path_never_sleeps_past_it(clock: FakeClock) -> None:
    api = FakeBranchApi(clock, holds=False)
    async with running_api(api):
        client = make_client(clock)
        api.add_operation("op_1", simple_timeline(100.0))
        started = clock.now
        with pytest.raises(OperationTimeoutError):
            await client.operations.wait("op_1", timeout=7.3)
        await client.close()
    assert clock.now - started == pytest.approx(7.3)


# -- errors while polling ------------------------------------------------------------------------


async def test_transient_503s_are_retried_past_max_retries_until_success(
    client: ArdentClient, api: FakeBranchApi, clock: FakeClock
) -> None:
    api.add_operation("op_1", [Step(0, "completed")])
    api.poll_errors["op_1"].extend([(503, {})] * 5 + [(502, {}), (500, {})])
    done = await client.operations.wait("op_1")
    assert done.status == "completed"
    assert len(api.polls()) == 8  # the poller's retries, not the pipeline's (max_retries=2)
    assert len(clock.sleeps) == 7


async def test_retry_after_is_honoured_on_503_and_429(
    client: ArdentClient, api: FakeBranchApi, clock: FakeClock
) -> None:
    api.add_operation("op_1", [Step(0, "completed")])
    api.poll_errors["op_1"].extend([(503, {"Retry-After": "7"}), (429, {"Retry-After": "3"})])
    await client.operations.wait("op_1")
    assert clock.sleeps == [7.0, 3.0]
    assert len(api.polls()) == 3


async def test_retry_after_is_cut_at_the_deadline(
    client: ArdentClient, api: FakeBranchApi, clock: FakeClock
) -> None:
    api.add_operation("op_1", [Step(0, "completed")])
    api.poll_errors["op_1"].append((503, {"Retry-After": "50"}))
    with pytest.raises(OperationTimeoutError) as info:
        await client.operations.wait("op_1", timeout=20)
    assert clock.sleeps == [20.0]
    assert info.value.operation is None
    assert "503" in str(info.value)


@pytest.mark.parametrize(("status", "error"), [(404, NotFoundError), (401, ArdentAuthError)])
async def test_fatal_errors_end_the_wait_at_once(
    client: ArdentClient, api: FakeBranchApi, clock: FakeClock, status: int, error: type
) -> None:
    api.add_operation("op_1", [Step(0, "completed")])
    api.poll_errors["op_1"].append((status, {}))
    with pytest.raises(error):
        await client.operations.wait("op_1")
    assert len(api.polls()) == 1
    assert clock.sleeps == []


async def test_unknown_operation_is_not_found(client: ArdentClient, api: FakeBranchApi) -> None:
    with pytest.raises(NotFoundError):
        await client.operations.wait("op_missing")
    assert len(api.polls()) == 1


# -- cancellation ----------------------------------------------------------------------------------


async def test_cancelling_a_wait_in_a_poll_leaves_nothing_behind(
    client: ArdentClient, api: FakeBranchApi
) -> None:
    api.add_operation("op_1", simple_timeline(10.0), hang=True)
    before = asyncio.all_tasks()
    task = asyncio.ensure_future(client.operations.wait("op_1"))
    await api.until(lambda: api.hanging > 0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert api.hanging == 0  # the request in flight was cancelled too
    assert asyncio.all_tasks() == before
    # The client is still usable.
    api.add_operation("op_2", [Step(0, "completed")])
    assert (await client.operations.wait("op_2")).status == "completed"


class BlockingClock(FakeClock):
    """Sleeps never end (until cancelled): to cancel a wait during a pause."""

    def __init__(self) -> None:
        super().__init__()
        self.sleeping = 0
        self.asleep = asyncio.Event()

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.sleeping += 1
        self.asleep.set()
        try:
            await asyncio.Event().wait()
        finally:
            self.sleeping -= 1


async def test_cancelling_a_wait_in_a_pause_leaves_nothing_behind() -> None:
    clock = BlockingClock()
    api = FakeBranchApi(clock, holds=False)
    async with running_api(api):
        client = make_client(clock)
        api.add_operation("op_1", simple_timeline(60.0))
        before = asyncio.all_tasks()
        task = asyncio.ensure_future(client.operations.wait("op_1"))
        await asyncio.wait_for(clock.asleep.wait(), 10)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert clock.sleeping == 0
        assert asyncio.all_tasks() == before
        await client.close()


async def test_closed_client_ends_the_wait(client: ArdentClient, api: FakeBranchApi) -> None:
    api.add_operation("op_1", simple_timeline(10.0))
    await client.close()
    with pytest.raises(ClientClosedError):
        await client.operations.wait("op_1")


# -- arguments -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"timeout": 0}, "timeout"),
        ({"timeout": -5}, "timeout"),
        ({"timeout": "60"}, "timeout"),
        ({"timeout": True}, "timeout"),
        ({"poll_interval": 0}, "poll_interval"),
    ],
)
async def test_bad_wait_arguments_are_refused_before_any_request(
    client: ArdentClient, api: FakeBranchApi, kwargs: dict[str, object], field: str
) -> None:
    with pytest.raises(ArdentValidationError) as info:
        await client.operations.wait("op_1", **kwargs)  # type: ignore[arg-type]
    assert info.value.field == field
    assert api.requests == []


@pytest.mark.parametrize("op_id", ["", "a/b", "..", "x\ny"])
async def test_bad_operation_ids_are_refused(
    client: ArdentClient, api: FakeBranchApi, op_id: str
) -> None:
    with pytest.raises(ArdentValidationError) as info:
        await client.operations.wait(op_id)
    assert info.value.field == "operation_id"
    assert api.requests == []


def test_poller_settings_are_checked(client: ArdentClient) -> None:
    http = client._http
    with pytest.raises(ArdentValidationError):
        OperationPoller(http, poll_interval=-1)
    with pytest.raises(ArdentValidationError):
        OperationPoller(http, poll_interval=2, max_poll_interval=1)
