"""A sample project's tests: each xdist worker writes to its own branch and sees only its rows.

Run by tests/ci_plugin/test_sample_project.py as ``pytest -n 4`` in a subprocess. Sync and async
tests alike, no event-loop marker. ``SAMPLE_FAIL=1`` adds a failing test (its report must name
its branch).
"""

from __future__ import annotations

import asyncio
import os

import asyncpg
import pytest

from ardent_async.emulator.ci_values import BranchDSN, CIBranch, SecretURL

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
ROWS = 3


async def write_and_read(url: str) -> set[str]:
    conn = await asyncpg.connect(url, timeout=30)
    try:
        await conn.execute("CREATE TABLE IF NOT EXISTS ci_rows (worker text, n int)")
        await conn.executemany(
            "INSERT INTO ci_rows VALUES ($1, $2)", [(WORKER, n) for n in range(ROWS)]
        )
        rows = await conn.fetch("SELECT DISTINCT worker FROM ci_rows")
        return {row["worker"] for row in rows}
    finally:
        await conn.close()


@pytest.mark.parametrize("round_", range(4))
async def test_async_worker_sees_only_its_rows(ardent_branch_url: SecretURL, round_: int) -> None:
    assert await write_and_read(ardent_branch_url) == {WORKER}


@pytest.mark.parametrize("round_", range(4))
def test_sync_worker_sees_only_its_rows(ardent_branch: CIBranch, round_: int) -> None:
    assert ardent_branch.name.endswith(f"-{WORKER}")
    assert asyncio.run(write_and_read(ardent_branch.url)) == {WORKER}


async def test_the_dsn_connects_by_parts(ardent_branch_dsn: BranchDSN) -> None:
    conn = await asyncpg.connect(**ardent_branch_dsn.as_dict(), timeout=30)
    try:
        assert await conn.fetchval("SELECT current_database()") == ardent_branch_dsn.database
    finally:
        await conn.close()


def test_values_print_masked(ardent_branch: CIBranch) -> None:
    password = ardent_branch.dsn.password
    assert password
    for shown in (repr(ardent_branch), str(ardent_branch.url), f"{ardent_branch.dsn}"):
        assert password not in shown
    assert password in ardent_branch.url.reveal()


@pytest.mark.skipif(not os.environ.get("SAMPLE_FAIL"), reason="SAMPLE_FAIL=1 adds a failure")
def test_fails_on_purpose(ardent_branch_url: SecretURL) -> None:
    assert ardent_branch_url == "postgresql://somewhere-else"


async def test_a_fresh_branch_is_the_tests_own(
    ardent_fresh_branch: CIBranch, ardent_branch: CIBranch
) -> None:
    assert ardent_fresh_branch.branch_id != ardent_branch.branch_id
    conn = await asyncpg.connect(ardent_fresh_branch.url, timeout=30)
    try:  # a branch of the source: its data, none of the worker's rows
        assert await conn.fetchval("SELECT to_regclass('ci_rows')") is None
    finally:
        await conn.close()
