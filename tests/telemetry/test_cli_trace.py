"""``ardent-async --trace``: a timeline of requests and waits on stderr, secrets masked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ardent_async.cli import main
from ardent_async.emulator import Emulator
from tests.threaded_emulator import EmulatorThread


@pytest.fixture
def emulator(served: EmulatorThread, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Emulator:
    emulator = served.emulator
    assert emulator is not None
    monkeypatch.setenv("ARDENT_CONFIG_DIR", str(tmp_path))
    monkeypatch.setenv("ARDENT_API_URL", emulator.base_url)
    monkeypatch.setenv("ARDENT_TOKEN", emulator.token)
    monkeypatch.setenv("ARDENT_ORG_ID", emulator.org_id)
    return emulator


def test_trace_prints_each_request_and_its_answer(
    emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--trace", "projects", "create", "traced"]) == 0
    out, err = capsys.readouterr()
    lines = err.splitlines()
    request = re.compile(r"^\+\d+\.\d{3}s  POST " + re.escape(emulator.base_url) + r"/v1/projects")
    assert any(request.match(line) for line in lines), err
    assert any(re.match(r"^\+\d+\.\d{3}s    20\d  \d+ ms", line) for line in lines), err
    assert emulator.token not in err
    assert "traced" in out  # the command's own output is unchanged


def test_without_trace_stderr_has_no_timeline(
    emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["projects", "create", "quiet-one", "--quiet"]) == 0
    _, err = capsys.readouterr()
    assert "POST" not in err
