"""Chaos fan-out: 300 branches through seeded faults, then the emulator's own state is counted.

Faults (per request): 20 % 503 and 10 % 429 (both with Retry-After) and 5 % dropped connections
before the handler, 5 % replies lost after the handler ran, added latency, and 2 % of operations
failing. Whatever happens, every requested name must end with exactly one branch in the
emulator (zero duplicates, zero lost), and every outcome is the ready branch or an exception
that says why. A second run of the same ``create_many`` (a crash-resume) must replay, not
duplicate. The figures are printed for the CI log.
"""

from __future__ import annotations

import collections
import os
from typing import Any

import pytest

from ardent_async import ArdentClient, OperationFailedError, RetryPolicy
from ardent_async.emulator import Emulator
from ardent_async.emulator.operation_runner import INJECTED_FAILURE
from ardent_async.fanout import BranchOutcome
from tests.emulator.helpers import ready_connector
from tests.reports import report

BRANCHES = 300
# Two chaos seeds in the default run (each is ~50 s of 300 creates); ARDENT_CHAOS_SEEDS=1,2,3,4
# runs more, e.g. after touching the pipeline, the poller or the waiter.
SEEDS = tuple(int(seed) for seed in os.environ.get("ARDENT_CHAOS_SEEDS", "1,2").split(","))
CHAOS = (
    "seed={seed},error_503=0.2,error_429=0.1,drop=0.05,drop_after=0.05,"
    "latency_ms=2,fail_ops=0.02,retry_after=0"
)
CREATE_PATH = "/v1/branch/create"
# Enough retries that a request failing 16 times in a row (0.4**16 ~ 4e-7) is not expected:
# then every name gets through, and an outcome error can only be an operation that failed.
RETRIES = RetryPolicy(max_retries=15, base_delay=0.001, max_delay=0.01)


def _client(emulator: Emulator) -> ArdentClient:
    return emulator.client(retry_policy=RETRIES, timeout=15)


def _rows_by_name(emulator: Emulator, connector_id: str) -> dict[str, list[Any]]:
    rows: dict[str, list[Any]] = collections.defaultdict(list)
    for branch in emulator.runtime.store.branches_of(connector_id):
        rows[branch.name].append(branch)
    return rows


def _summary(outcomes: list[BranchOutcome]) -> dict[str, int]:
    kinds = collections.Counter(
        "ok" if o.error is None else type(o.error).__name__ for o in outcomes
    )
    return dict(sorted(kinds.items()))


def _check_outcomes(
    emulator: Emulator, connector_id: str, names: list[str], outcomes: list[BranchOutcome]
) -> dict[str, list[Any]]:
    """Each outcome agrees with the emulator's state; returns that state by name."""
    assert [o.name for o in outcomes] == names
    rows = _rows_by_name(emulator, connector_id)
    assert set(rows) <= set(names), "a branch nobody asked for"
    for outcome in outcomes:
        found = rows.get(outcome.name, [])
        assert len(found) <= 1, f"duplicate branches named {outcome.name!r}: {found}"
        if outcome.error is None:
            assert outcome.branch is not None
            assert len(found) == 1, f"{outcome.name!r} reported ready but not in the emulator"
            assert (found[0].id, found[0].status) == (outcome.branch.branch_id, "ready")
            assert outcome.branch.name == outcome.name
            assert outcome.branch.branch_url
            continue
        # Not the branch: an exception that says why (here, the injected failure).
        reason = str(outcome.error)
        assert reason, f"{outcome.name!r} failed without a message"
        if isinstance(outcome.error, OperationFailedError):
            assert INJECTED_FAILURE in reason
            assert outcome.handle is not None
            assert len(found) == 1
            assert found[0].status == "failed"
            assert found[0].operation_id == outcome.handle.operation_id
    return rows


@pytest.mark.parametrize("seed", SEEDS)
async def test_300_branches_through_chaos_no_duplicates_none_lost(
    seed: int, pytestconfig: pytest.Config
) -> None:
    names = [f"chaos-{seed}-{i:03d}" for i in range(BRANCHES)]
    async with (
        Emulator(op_duration=0, validate_responses=True) as emulator,
        _client(emulator) as client,
    ):
        _, connector = await ready_connector(client)
        emulator.admin.clear_requests()
        emulator.admin.set_chaos(CHAOS.format(seed=seed))

        first = await client.branches.create_many(connector.id, names, concurrency=32)
        first_log = emulator.admin.requests()
        rows = _check_outcomes(emulator, connector.id, names, first)

        # A crash-resume: the same call again, under new faults. Derived keys make each
        # create a replay of the first run's; nothing is created twice.
        emulator.admin.clear_requests()
        emulator.admin.set_chaos(CHAOS.format(seed=seed + 1000))
        second = await client.branches.create_many(connector.id, names, concurrency=32)
        second_log = emulator.admin.requests()
        emulator.admin.set_chaos(None)
        rows = _check_outcomes(emulator, connector.id, names, second)

        # The emulator's own list (the API shows the first 100) agrees with its state.
        listed = await client.branches.list(connector.id)
        store = emulator.runtime.store
        creates = [op for op in store.operations.values() if op.type == "branch_create"]
        records = [slot for slot in store.idempotency if slot[0] == emulator.org_id]

    assert emulator.validator is not None
    emulator.validator.assert_clean()
    by_id = {b.id: b for found in rows.values() for b in found}
    assert len(listed) == min(BRANCHES, 100)
    assert all(by_id[row.id].name == row.name for row in listed)

    duplicated = sum(len(found) - 1 for found in rows.values() if len(found) > 1)
    lost = [name for name in names if name not in rows]
    assert (duplicated, lost) == (0, [])
    assert len(creates) == BRANCHES, "a create was processed twice"
    assert len(records) == BRANCHES  # one idempotency key per name, across both runs

    # The resume changed no outcome: same branch for every ready name, same failure otherwise.
    for before, after in zip(first, second, strict=True):
        if before.error is None:
            assert after.branch == before.branch
        else:
            assert isinstance(after.error, type(before.error))
            assert after.handle == before.handle

    faults = collections.Counter(e.fault for e in first_log if e.fault)
    resume_faults = collections.Counter(e.fault for e in second_log if e.fault)
    lost_replies = [e for e in first_log if e.fault == "drop_after" and e.path == CREATE_PATH]
    failed_ops = sum(isinstance(o.error, OperationFailedError) for o in first)
    created = sum(b.status == "ready" for b in by_id.values())
    # The chaos really happened: every kind of fault, lost create replies recovered by replay.
    assert set(faults) == {"error_503", "error_429", "drop", "drop_after"}
    assert lost_replies
    assert created + failed_ops == BRANCHES
    assert _summary(second) == _summary(first)

    report(
        pytestconfig,
        f"chaos seed={seed}: requested={BRANCHES} created={created} "
        f"failed_ops={failed_ops} duplicated={duplicated} lost={len(lost)}\n"
        f"  run 1: outcomes {_summary(first)}; {len(first_log)} requests, faults "
        f"{dict(sorted(faults.items()))} ({len(lost_replies)} create replies lost)\n"
        f"  run 2 (resume): outcomes {_summary(second)}; {len(second_log)} requests, "
        f"faults {dict(sorted(resume_faults.items()))}; creates processed in total "
        f"{len(creates)}",
    )
