"""The shared waiter: bounded budget of polls, fair sweeps, deadlines, and the fan-out on top.

All on virtual time (``VirtualClock``): concurrent holds overlap as they would for real, and
nothing sleeps. The client's waiting budget is a quarter of its 100 connections: 24 held polls
and one sweep.
"""

from __future__ import annotations

import asyncio
import collections
import random

import pytest

from ardent_async import (
    ArdentClient,
    ConflictError,
    NotFoundError,
    OperationFailedError,
    OperationTimeoutError,
)
from ardent_async.fanout import BranchOutcome, FanOutProgress
from tests.fakes import VirtualClock
from tests.services.fake_branch_api import (
    CONNECTOR,
    FakeBranchApi,
    make_client,
    running_api,
    simple_timeline,
)

BUDGET = 25  # polls in flight: 24 held + 1 sweep
RATE = 20.0  # polls per second the server does not hold


def _ops(api: FakeBranchApi, durations: list[float]) -> list[str]:
    ids = [f"op_{i}" for i in range(len(durations))]
    for op_id, duration in zip(ids, durations, strict=True):
        api.add_operation(op_id, simple_timeline(duration))
    return ids


def _max_in_window(times: list[float], window: float) -> int:
    """The most events in any ``window`` seconds."""
    times = sorted(times)
    most = start = 0
    for end in range(len(times)):
        while times[end] - times[start] > window:
            start += 1
        most = max(most, end - start + 1)
    return most


async def test_waiting_never_holds_more_than_its_budget_while_creates_are_pending(
    client: ArdentClient, api: FakeBranchApi, clock: VirtualClock
) -> None:
    # Users gathering create_and_wait themselves: every create is sent while the waits are
    # pending, and the waits never take more than their budget of connections.
    names = [f"g{i}" for i in range(300)]
    started = clock.now
    branches = await asyncio.gather(
        *(client.branches.create_and_wait(CONNECTOR, name) for name in names)
    )
    gathered = clock.now - started
    assert [b.name for b in branches] == names
    assert BUDGET - 1 <= api.max_polls_in_flight <= BUDGET  # the budget was used, never more
    assert api.max_creates_in_flight == len(names)  # no create waited behind a wait

    # About what create_many costs (both: the build time, 5 s, plus a little).
    started = clock.now
    outcomes = await client.branches.create_many(CONNECTOR, [f"m{i}" for i in range(300)])
    assert all(o.ok for o in outcomes)
    fanned = clock.now - started
    assert 5.0 <= fanned < 6.0
    assert 5.0 <= gathered <= 1.2 * fanned


async def test_2000_pending_operations_are_all_seen_at_a_bounded_rate(
    client: ArdentClient, api: FakeBranchApi, clock: VirtualClock
) -> None:
    rng = random.Random(7)
    # Mostly in order, some out of order, some long: 5-40 s.
    durations = [rng.choice([5.0, 5.0, 5.0, 12.0, 40.0]) + i / 400 for i in range(2000)]
    ids = _ops(api, durations)
    started = clock.now
    outcomes = await client.operations.wait_many(ids, timeout=600)
    assert all(o.ok for o in outcomes), [o for o in outcomes if not o.ok][:3]
    assert [o.operation_id for o in outcomes] == ids
    elapsed = clock.now - started
    # Operations that end out of order, behind the held ones, are seen by the sweep: within
    # one round of it (N / RATE seconds) at worst.
    assert elapsed < max(durations) + len(ids) / RATE

    # Load: polls answered "not finished yet" stay bounded whatever the number pending.
    # Held ones end at most once per 10 s hold per slot; sweeps at RATE per second.
    running = [t for t, status in api.poll_log if status not in ("completed", "failed")]
    assert _max_in_window(running, 10.0) <= 24 * 2 + RATE * 10 + 4
    assert api.max_polls_in_flight <= BUDGET
    # Every operation is seen finished once, with a few polls each on average.
    finished = [s for _, s in api.poll_log if s == "completed"]
    assert len(finished) == len(ids)
    assert len(api.poll_log) <= 3 * len(ids)


async def test_a_server_that_does_not_hold_is_polled_at_the_bounded_rate(
    clock: VirtualClock,
) -> None:
    api = FakeBranchApi(clock, holds=False)
    async with running_api(api):
        client = make_client(clock)
        ids = _ops(api, [20.0 + i / 100 for i in range(500)])
        outcomes = await client.operations.wait_many(ids)
        await client.close()
    assert all(o.ok for o in outcomes)
    times = [t for t, _ in api.poll_log]
    # At most RATE per second (plus a burst of 4), however many are pending; the first held
    # polls (before the server was seen not holding) come on top, once.
    assert _max_in_window(times, 5.0) <= BUDGET + RATE * 5 + 4
    assert _max_in_window([t for t in times if t > times[0] + 1], 5.0) <= RATE * 5 + 4
    assert len(times) >= len(ids)


async def test_wait_many_gives_outcomes_in_input_order_with_mixed_failures(
    client: ArdentClient, api: FakeBranchApi, clock: VirtualClock
) -> None:
    api.add_operation("slow", simple_timeline(100.0))
    api.add_operation("done", simple_timeline(5.0))
    api.add_operation("bad", simple_timeline(3.0, "failed"), error="disk full")
    api.add_operation("flaky", simple_timeline(2.0))
    api.poll_errors["flaky"].extend([(503, {}), (500, {})])
    ids = ["slow", "done", "missing", "bad", "flaky", "done"]
    started = clock.now
    outcomes = await client.operations.wait_many(ids, timeout=30)
    assert clock.now - started == pytest.approx(30, abs=1)
    assert [o.operation_id for o in outcomes] == ids
    kinds = [type(o.error).__name__ if o.error else "ok" for o in outcomes]
    assert kinds == [
        "OperationTimeoutError",
        "ok",
        "NotFoundError",
        "OperationFailedError",
        "ok",
        "ok",
    ]
    slow, done, missing, bad, flaky, again = outcomes
    assert slow.operation is not None
    assert slow.operation.status == "running"
    assert isinstance(slow.error, OperationTimeoutError)
    assert "30 s" in str(slow.error)
    assert done.operation is not None
    assert done.operation.status == "completed"
    assert again.operation == done.operation
    assert isinstance(missing.error, NotFoundError)
    assert missing.operation is None
    assert isinstance(bad.error, OperationFailedError)
    assert "disk full" in str(bad.error)
    assert bad.operation is not None
    assert bad.operation.status == "failed"
    assert flaky.ok
    assert len(api.polls("done")) == 1


async def test_cancelling_mid_wait_leaves_no_task_and_a_usable_client(
    client: ArdentClient, api: FakeBranchApi, clock: VirtualClock
) -> None:
    ids = _ops(api, [50.0] * 40)
    before = asyncio.all_tasks()
    task = asyncio.ensure_future(client.operations.wait_many(ids))
    await api.until(lambda: api.polls_in_flight == BUDGET - 1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert asyncio.all_tasks() == before  # no poll, no waiter task left behind
    assert api.in_flight == 0
    branch = await client.branches.create_and_wait(CONNECTOR, "after")
    assert branch.name == "after"
    assert asyncio.all_tasks() == before


async def test_create_iter_yields_in_completion_order(
    client: ArdentClient, api: FakeBranchApi, clock: VirtualClock
) -> None:
    # Within the held polls' budget, each is seen the moment it is ready.
    names = [f"n{i}" for i in range(20)]
    for i, name in enumerate(names):
        api.durations[name] = 30.0 - i  # the last name is ready first
    api.fail_names.add("n10")
    seen: list[BranchOutcome] = []
    ready_at: list[float] = []
    async with client.branches.create_iter(CONNECTOR, names) as outcomes:
        async for outcome in outcomes:
            seen.append(outcome)
            ready_at.append(clock.now)
    assert [o.name for o in seen] == list(reversed(names))
    assert ready_at == sorted(ready_at)
    assert [t - ready_at[0] for t in ready_at] == pytest.approx(range(20))  # each as it is ready
    assert [o.name for o in seen if not o.ok] == ["n10"]
    assert isinstance(seen[names[::-1].index("n10")].error, OperationFailedError)


async def test_leaving_create_iter_early_stops_sending_and_waiting(
    client: ArdentClient, api: FakeBranchApi, clock: VirtualClock
) -> None:
    names = [f"n{i}" for i in range(200)]
    api.durations.update(dict.fromkeys(names[1:], 100.0))
    before = asyncio.all_tasks()
    async with client.branches.create_iter(CONNECTOR, names, concurrency=4) as outcomes:
        async for outcome in outcomes:
            assert outcome.name == "n0"  # the first ready one: start on it, stop the rest
            break
    sent = len(api.seen("POST", "/v1/branch/create"))
    assert asyncio.all_tasks() == before
    assert api.in_flight == 0
    polls = len(api.polls())
    await client.branches.create_and_wait(CONNECTOR, "other")  # time passes; nothing else runs
    assert len(api.seen("POST", "/v1/branch/create")) == sent + 1
    assert len(api.polls()) == polls + 1


async def test_max_building_is_separate_from_concurrency(
    client: ArdentClient, api: FakeBranchApi, clock: VirtualClock
) -> None:
    names = [f"n{i}" for i in range(40)]
    started = clock.now
    outcomes = await client.branches.create_many(CONNECTOR, names, concurrency=16, max_building=10)
    assert all(o.ok for o in outcomes)
    assert api.max_active == 10
    assert clock.now - started == pytest.approx(20, abs=1)  # 4 rounds of 5 s


# -- the three gaps planted bugs went through -----------------------------------------------


async def test_a_huge_retry_after_on_a_poll_is_capped(
    client: ArdentClient, api: FakeBranchApi, clock: VirtualClock
) -> None:
    api.add_operation("op_1", simple_timeline(5.0))
    api.poll_errors["op_1"].append((503, {"Retry-After": "3600"}))
    started = clock.now
    operation = await client.operations.wait("op_1", timeout=600)
    assert operation.status == "completed"
    # The retry policy's max_retry_after (60 s), not 3600 s (nor the whole 600 s deadline).
    assert clock.now - started == pytest.approx(60, abs=0.5)
    assert max(clock.sleeps) <= 60


async def test_retry_after_pauses_every_poll_of_the_client(
    client: ArdentClient, api: FakeBranchApi, clock: VirtualClock
) -> None:
    ids = _ops(api, [1.0] * 30)
    api.poll_errors["op_0"].append((429, {"Retry-After": "7"}))
    started = clock.now
    outcomes = await client.operations.wait_many(ids)
    assert all(o.ok for o in outcomes)
    # The 429 was the first poll: nothing else is sent until the server's 7 s have passed.
    after = [t - started for t, _ in api.poll_log[1:]]
    first_batch = [t for t in after if t < 7]
    assert len(first_batch) <= BUDGET  # only those already sent with the 429's
    assert clock.now - started >= 7


async def test_a_failing_progress_callback_stops_the_sending(
    client: ArdentClient, api: FakeBranchApi
) -> None:
    before = asyncio.all_tasks()

    def report(progress: FanOutProgress) -> None:
        raise RuntimeError("dashboard down")

    names = [f"n{i}" for i in range(40)]
    with pytest.raises(RuntimeError, match="dashboard down"):
        await client.branches.create_many(
            CONNECTOR, names, concurrency=4, wait=False, on_progress=report
        )
    # The first outcome's callback raised: the 4 creates in flight then, and the ones their
    # workers had started, were sent; not the other 30-odd.
    assert len(api.seen("POST", "/v1/branch/create")) <= 2 * 4
    assert asyncio.all_tasks() == before
    assert api.in_flight == 0


async def test_a_poll_that_loses_its_connection_is_retried(
    client: ArdentClient, api: FakeBranchApi, clock: VirtualClock
) -> None:
    ids = _ops(api, [3.0] * 5)
    for op_id in ids:
        api.poll_drops[op_id] = 2
    outcomes = await client.operations.wait_many(ids, timeout=60)
    assert all(o.ok for o in outcomes), outcomes
    assert collections.Counter(s for _, s in api.poll_log)["error"] == 10
    assert all(api.poll_drops[op_id] == 0 for op_id in ids)


# -- idempotency races ----------------------------------------------------------------------


async def test_a_create_racing_the_same_key_resolves_to_the_same_branch(
    client: ArdentClient, api: FakeBranchApi, clock: VirtualClock
) -> None:
    # Another process is sending the same derived key: the server answers 409 until its
    # request is done, then replays it.
    api.create_errors["raced"].extend([(409, {})] * 2)
    outcomes = await client.branches.create_many(CONNECTOR, ["raced", "plain"])
    assert [o.ok for o in outcomes] == [True, True]
    assert len(api.seen("POST", "/v1/branch/create")) == 4


async def test_a_name_taken_without_the_key_still_ends_as_a_conflict(
    client: ArdentClient, api: FakeBranchApi, clock: VirtualClock
) -> None:
    api.create_errors["taken"].extend([(409, {})] * 10)
    started = clock.now
    (outcome,) = await client.branches.create_many(CONNECTOR, ["taken"])
    assert isinstance(outcome.error, ConflictError)
    assert len(api.seen("POST", "/v1/branch/create")) == 5  # 1 + 4 retries
    assert clock.now - started < 4  # jittered 0.2-2 s pauses


async def test_wait_many_of_nothing_sends_nothing(client: ArdentClient, api: FakeBranchApi) -> None:
    assert await client.operations.wait_many([]) == []
    assert api.requests == []


def test_waiter_settings_are_checked() -> None:
    from ardent_async import ArdentValidationError, OperationPoller

    client = make_client(VirtualClock())
    for bad in ({"connections": 1}, {"connections": 2.5}, {"max_poll_rate": 0}):
        with pytest.raises(ArdentValidationError):
            OperationPoller(client._http, **bad)  # type: ignore[arg-type]
