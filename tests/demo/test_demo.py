"""The main job end to end, as a newcomer runs it: a fresh process on the embedded emulator."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

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


def test_keep_keeps_the_embedded_emulator_running_until_ctrl_c(tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ARDENT_")}
    demo = subprocess.Popen(
        [sys.executable, "-m", "ardent_async.demo", "--branches", "2", "--keep", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=clean,
    )  # fmt: skip
    assert demo.stderr is not None
    try:
        export = ""
        for line in demo.stderr:  # returns as the demo prints; it ends with the Ctrl-C line
            if line.strip().startswith("export ARDENT_API_URL="):
                export = line.strip()
            if line.startswith("Press Ctrl-C"):
                break
        assert export, "the demo did not say how to reach the emulator it keeps"
        values = dict(word.split("=", 1) for word in export.split()[1:])
        connector_id = _connector_id(demo)
        assert values["ARDENT_CONNECTOR_ID"] == connector_id  # for the README quickstart
        listed = subprocess.run(
            [sys.executable, "-m", "ardent_async", "branches", "list", "--format", "json",
             "--show-secrets", "--connector-id", connector_id],
            capture_output=True, text=True, timeout=60, check=False,
            env={**clean, **values, "ARDENT_CONFIG_DIR": str(tmp_path)},
        )  # fmt: skip
        assert listed.returncode == 0, listed.stderr
        rows = json.loads(listed.stdout)["data"]
        assert sorted(r["name"] for r in rows) == ["branch-001", "branch-002"]
        assert all(":***@" not in r["branch_url"] for r in rows)  # the kept branches are live
    finally:
        demo.send_signal(signal.SIGINT)
        _, err = demo.communicate(timeout=120)
    assert demo.returncode == 0, err
    assert "Stopping the embedded emulator" in err


def _connector_id(demo: subprocess.Popen[str]) -> str:
    # With --json the report is on stdout, complete before the demo starts holding.
    assert demo.stdout is not None
    text = ""
    while True:
        text += demo.stdout.readline()
        try:
            report = json.loads(text)
        except ValueError:
            continue
        return str(report["connector_id"])
