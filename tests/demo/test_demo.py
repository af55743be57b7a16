"""The main job end to end, as a newcomer runs it: a fresh process on the embedded emulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.postgres


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ARDENT_")}
    return subprocess.run(
        [sys.executable, "-m", "ardent_async.demo", *args],
        capture_output=True,
        text=True,
        timeout=240,
        env={**clean, **(env or {})},
        check=False,
    )


def test_demo_creates_connectable_branches_and_cleans_up() -> None:
    result = _run("--branches", "4", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["preflight"]["preflight_pass"] is True
    branches = report["branches"]
    assert [b["name"] for b in branches] == [f"branch-{i:03d}" for i in range(1, 5)]
    for branch in branches:
        assert branch["error"] is None
        assert branch["rows"] > 0  # connected to the branch and read the source's rows
        assert branch["tables"] >= 3
        assert ":***@127.0.0.1:" in branch["url"]
    assert report["branches_per_second"] > 0
    assert report["kept"] is False


def test_demo_table_output_for_people() -> None:
    result = _run("--branches", "2")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Preflight: PASS" in out
    assert "wal_level" in out
    assert "branch-002" in out
    assert "Fan-out: 2/2 branches ready and connectable" in out
    assert "Cleaned up." in out


def test_expected_failure_is_one_line_without_traceback() -> None:
    result = _run(
        "--branches",
        "2",
        env={
            "ARDENT_TOKEN": "sk-ard_test_NotARealToken",
            "ARDENT_API_URL": "http://127.0.0.1:9",
            "ARDENT_SOURCE_URL": "postgresql://u:SourcePw@127.0.0.1:9/db",
        },
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("demo failed: ")
    assert "cannot connect" in lines[0]
    assert "Traceback" not in result.stderr
    assert "NotARealToken" not in result.stderr


def test_missing_source_url_against_real_api_is_explained() -> None:
    result = _run(env={"ARDENT_TOKEN": "sk-ard_test_x"})
    assert result.returncode == 1
    assert "ARDENT_SOURCE_URL" in result.stderr
