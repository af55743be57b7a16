"""client.branches.create_many: one outcome per name in input order, bounded, resumable."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from ardent_async import (
    ArdentClient,
    ArdentValidationError,
    BadRequestError,
    BranchOutcome,
    ConflictError,
    EmptyBranchURLError,
    FanOutProgress,
    OperationFailedError,
    OperationTimeoutError,
)
from ardent_async.models import BranchCreateResult, OperationHandle
from tests.fakes import FakeClock
from tests.services.fake_branch_api import (
    CONNECTOR,
    FakeBranchApi,
    branch_result_json,
    make_client,
)


def keys_by_name(api: FakeBranchApi) -> dict[str, str]:
    import json

    return {
        json.loads(r.content)["name"]: r.headers["x-idempotency-key"]
        for r in api.seen("POST", "/v1/branch/create")
    }


async def test_200_names_with_failures_give_200_outcomes_in_input_order(
    client: ArdentClient, api: FakeBranchApi
) -> None:
    names = [f"ci-{i:03d}" for i in range(200)]
    kinds: dict[str, type[BaseException] | None] = {}
    for i, name in enumerate(names):
        match i % 10:
            case 1:
                api.create_errors[name].append((409, {}))
                kinds[name] = ConflictError
            case 2:
                api.create_errors[name].append((400, {}))
                kinds[name] = BadRequestError
            case 3:
                api.fail_names.add(name)
                kinds[name] = OperationFailedError
            case 4:
                api.results[name] = branch_result_json(name, branch_url="")
                kinds[name] = EmptyBranchURLError
            case 5:
                api.create_errors[name].append((503, {}))  # retried with the same key
                kinds[name] = None
            case 6:
                api.durations[name] = 10_000.0
                kinds[name] = OperationTimeoutError
            case _:
                kinds[name] = None
    # Reversed order of the input, so that "in input order" is not an accident of scheduling.
    names.reverse()

    outcomes = await client.branches.create_many(CONNECTOR, names, concurrency=8, timeout=120)

    assert len(outcomes) == 200
    assert [o.name for o in outcomes] == names
    for outcome in outcomes:
        expected = kinds[outcome.name]
        assert isinstance(outcome, BranchOutcome)
        if expected is None:
            assert outcome.ok, outcome
            assert isinstance(outcome.branch, BranchCreateResult)
            assert outcome.branch.name == outcome.name
            assert isinstance(outcome.handle, OperationHandle)
        else:
            assert not outcome.ok
            assert type(outcome.error) is expected, outcome
            assert outcome.branch is None
            created = expected not in (ConflictError, BadRequestError)
            assert (outcome.handle is not None) == created
    assert sum(not o.ok for o in outcomes) == 100  # five failing kinds, 20 names each
    # Requests in flight reached the bound (so it was the bound that held) and never passed it.
    assert api.max_in_flight == 8


async def test_concurrency_bound_holds_for_small_limits(
    client: ArdentClient, api: FakeBranchApi
) -> None:
    names = [f"n{i}" for i in range(30)]
    outcomes = await client.branches.create_many(CONNECTOR, names, concurrency=3)
    assert all(o.ok for o in outcomes)
    assert api.max_in_flight <= 3
    assert api.max_active == 3  # branches being created at once, from create to its end


async def test_keys_are_derived_from_connector_service_and_name(
    clock: FakeClock, api: FakeBranchApi
) -> None:
    names = [f"pr-{i}" for i in range(20)]
    first = make_client(clock)
    await first.branches.create_many(CONNECTOR, names, concurrency=4)
    await first.close()
    keys = keys_by_name(api)
    assert len(set(keys.values())) == 20
    operations = len(api.operations)
    api.requests.clear()

    # A re-run (new client, other order, other concurrency) sends the same keys and resumes:
    # the server replays every create instead of starting new ones.
    second = make_client(clock)
    again = await second.branches.create_many(CONNECTOR, list(reversed(names)), concurrency=7)
    assert keys_by_name(api) == keys
    assert len(api.operations) == operations
    assert all(o.ok for o in again)

    api.requests.clear()
    await second.branches.create_many("conn_2", names[:1])
    await second.branches.create_many(CONNECTOR, names[:1], service_type="redis")
    await second.branches.create_many(CONNECTOR, names[:1], idempotency_scope="run-2")
    other = [r.headers["x-idempotency-key"] for r in api.seen("POST", "/v1/branch/create")]
    assert len(set(other)) == 3
    assert keys["pr-0"] not in other
    await second.close()


async def test_without_waiting_outcomes_carry_handles(
    client: ArdentClient, api: FakeBranchApi
) -> None:
    names = ["a", "b", "c"]
    api.create_errors["b"].append((409, {}))
    outcomes = await client.branches.create_many(CONNECTOR, names, wait=False)
    assert [o.name for o in outcomes] == names
    assert [o.ok for o in outcomes] == [True, False, True]
    assert outcomes[0].handle is not None
    assert outcomes[0].handle.operation_id.startswith("op_")
    assert outcomes[0].branch is None
    assert api.polls() == []


async def test_progress_is_reported_once_per_name(client: ArdentClient, api: FakeBranchApi) -> None:
    names = [f"n{i}" for i in range(25)]
    api.fail_names.update({"n3", "n7"})
    seen: list[FanOutProgress] = []
    outcomes = await client.branches.create_many(CONNECTOR, names, on_progress=seen.append)
    assert [p.done for p in seen] == list(range(1, 26))
    assert {p.total for p in seen} == {25}
    assert sorted(p.name for p in seen) == sorted(names)
    assert seen[-1].failed == 2
    assert seen[-1].succeeded == 23
    by_name = {o.name: o for o in outcomes}
    assert all(p.outcome is by_name[p.name] for p in seen)


async def test_async_progress_callbacks_are_awaited(
    client: ArdentClient, api: FakeBranchApi
) -> None:
    seen: list[str] = []

    async def report(progress: FanOutProgress) -> None:
        await asyncio.sleep(0)
        seen.append(progress.name)

    await client.branches.create_many(CONNECTOR, ["a", "b", "c"], on_progress=report)
    assert sorted(seen) == ["a", "b", "c"]


async def test_a_failing_progress_callback_stops_everything_cleanly(
    client: ArdentClient, api: FakeBranchApi
) -> None:
    before = asyncio.all_tasks()

    def report(progress: FanOutProgress) -> None:
        if progress.done == 3:
            raise RuntimeError("dashboard down")

    names = [f"n{i}" for i in range(40)]
    with pytest.raises(RuntimeError, match="dashboard down"):
        await client.branches.create_many(CONNECTOR, names, concurrency=5, on_progress=report)
    assert asyncio.all_tasks() == before
    assert api.in_flight == 0


async def test_cancelling_create_many_cancels_everything_in_flight(
    client: ArdentClient, api: FakeBranchApi
) -> None:
    names = [f"n{i}" for i in range(50)]
    api.hang_names.update(names[3:])
    before = asyncio.all_tasks()
    task = asyncio.ensure_future(client.branches.create_many(CONNECTOR, names, concurrency=6))
    await api.until(lambda: api.hanging == 6)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert asyncio.all_tasks() == before
    assert api.hanging == 0
    assert api.in_flight == 0
    assert len(api.seen("POST", "/v1/branch/create")) == 9  # 3 finished, 6 stuck: none more
    # The client still works.
    branch = await client.branches.create_and_wait(CONNECTOR, "after-cancel")
    assert branch.name == "after-cancel"


@pytest.mark.parametrize(
    ("names", "kwargs", "field"),
    [
        (["a", "b", "a"], {}, "names[2]"),
        ("abc", {}, "names"),
        (None, {}, "names"),
        (["a", ""], {}, "names[1]"),
        (["a", 3], {}, "names[1]"),
        (["a", "x" * 256], {}, "names[1]"),
        (["a"], {"concurrency": 0}, "concurrency"),
        (["a"], {"concurrency": 1001}, "concurrency"),
        (["a"], {"concurrency": 2.5}, "concurrency"),
        (["a"], {"concurrency": True}, "concurrency"),
        (["a"], {"wait": "yes"}, "wait"),
        (["a"], {"timeout": 0}, "timeout"),
        (["a"], {"on_progress": 5}, "on_progress"),
        (["a"], {"service_type": "postgresql"}, "service_type"),
        (["a"], {"idempotency_scope": ""}, "idempotency_scope"),
    ],
)
async def test_bad_arguments_are_refused_before_any_request(
    client: ArdentClient, api: FakeBranchApi, names: Any, kwargs: dict[str, Any], field: str
) -> None:
    with pytest.raises(ArdentValidationError) as info:
        await client.branches.create_many(CONNECTOR, names, **kwargs)
    assert info.value.field == field
    assert api.requests == []


async def test_bad_connector_id_is_refused(client: ArdentClient, api: FakeBranchApi) -> None:
    for names in (["x"], []):
        with pytest.raises(ArdentValidationError) as info:
            await client.branches.create_many("a/b", names)
        assert info.value.field == "connector_id"
    assert api.requests == []


async def test_no_names_no_requests(client: ArdentClient, api: FakeBranchApi) -> None:
    assert await client.branches.create_many(CONNECTOR, []) == []
    assert api.requests == []


async def test_any_iterable_of_names(client: ArdentClient, api: FakeBranchApi) -> None:
    outcomes = await client.branches.create_many(CONNECTOR, (f"g{i}" for i in range(4)))
    assert [o.name for o in outcomes] == ["g0", "g1", "g2", "g3"]


async def test_a_thousand_names_stay_cheap(client: ArdentClient, api: FakeBranchApi) -> None:
    names = [f"load-{i}" for i in range(1000)]
    before = len(asyncio.all_tasks())
    peak = 0

    def report(progress: FanOutProgress) -> None:
        nonlocal peak
        peak = max(peak, len(asyncio.all_tasks()) - before)

    started = time.perf_counter()
    outcomes = await client.branches.create_many(
        CONNECTOR, names, concurrency=64, on_progress=report
    )
    elapsed = time.perf_counter() - started
    assert all(o.ok for o in outcomes)
    # Tasks grow with the concurrency, not with the names: one per slot (plus, on Python < 3.12,
    # one per request in flight for the transport's own timeout).
    assert peak <= 2 * 64
    assert elapsed < 60  # generous: proves no quadratic or sleeping path, not a benchmark
