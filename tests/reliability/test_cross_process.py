"""Four OS processes fan out over overlapping names through chaos: one branch per name.

300 names, each in 2-4 of the processes' sets (seeded). Each process runs ``create_many`` on
the same connector of one emulator, with transport faults on (503/429, connections dropped
before the handler and replies lost after it). The derived idempotency keys make the
processes' creates of one name the same request: every name must exist exactly once, and every
process must get the ready branch, the same one, for each of its names (a create racing the
same key from another process resolves to that branch, not to an error).
"""

from __future__ import annotations

import asyncio
import collections
import json
import os
import random
import sys

import pytest

from ardent_async.emulator import Emulator
from tests.emulator.helpers import ready_connector
from tests.reports import report as report_figures

PROCESSES = 4
NAMES = 300
CHAOS = (
    "seed=11,error_503=0.15,error_429=0.05,drop=0.03,drop_after=0.03,latency_ms=20,retry_after=0"
)
DEADLINE = 240.0  # seconds for all processes; they take a few


def _name_sets(seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    sets: list[list[str]] = [[] for _ in range(PROCESSES)]
    for i in range(NAMES):
        for process in rng.sample(range(PROCESSES), rng.randint(2, 4)):
            sets[process].append(f"shared-{i:03d}")
    return sets  # all in the same order: the processes' creates of a name meet


async def test_four_processes_with_overlapping_names_get_one_branch_each(
    pytestconfig: pytest.Config,
) -> None:
    sets = _name_sets(seed=5)
    assert {len({n for s in sets for n in s})} == {NAMES}
    async with Emulator(op_duration=0.2) as emulator:
        client = emulator.client()
        _, connector = await ready_connector(client)
        await client.close()
        emulator.admin.set_chaos(CHAOS)
        env = {**os.environ, "ARDENT_TOKEN": emulator.token}
        children = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "tests.reliability.fanout_process",
                emulator.base_url,
                connector.id,
                *names,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                env=env,
            )
            for names in sets
        ]
        outputs = await asyncio.wait_for(
            asyncio.gather(*(child.communicate(b"go\n") for child in children)), DEADLINE
        )
        emulator.admin.set_chaos(None)
        log = emulator.admin.requests()
        faults = collections.Counter(e.fault for e in log if e.fault)
        # Creates answered "in flight elsewhere": the races the derived keys must resolve.
        races = sum(e.status == 409 and e.path == "/v1/branch/create" for e in log)
        rows: dict[str, list[str]] = collections.defaultdict(list)
        for branch in emulator.runtime.store.branches_of(connector.id):
            rows[branch.name].append(branch.id)
    assert [child.returncode for child in children] == [0] * PROCESSES
    reports = [json.loads(out) for out, _ in outputs]

    requested = {name for names in sets for name in names}
    duplicates = sum(len(ids) - 1 for ids in rows.values())
    lost = sorted(requested - set(rows))
    failed = [
        (process, name, result["error"])
        for process, report in enumerate(reports)
        for name, result in report.items()
        if "error" in result
    ]
    report_figures(
        pytestconfig,
        f"cross-process fan-out: {PROCESSES} processes, {sum(map(len, sets))} creates "
        f"asked for {len(requested)} names: requested={len(requested)} created={len(rows)} "
        f"duplicates={duplicates} lost={len(lost)} failed={len(failed)}; "
        f"{races} creates raced the same key; faults {dict(sorted(faults.items()))}",
    )
    assert set(faults) >= {"error_503", "drop", "drop_after"}  # the chaos really happened
    assert races > 0  # and the processes really raced each other on the same keys
    assert (duplicates, lost, failed) == (0, [], [])
    assert set(rows) == requested
    for process, (names, report) in enumerate(zip(sets, reports, strict=True)):
        assert sorted(report) == sorted(names), f"process {process} lost outcomes"
        for name in names:
            assert report[name]["branch_id"] == rows[name][0], (process, name)
