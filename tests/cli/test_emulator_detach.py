"""``ardent-emulator --detach`` / ``stop``: a stable set-up in one terminal, safe to repeat."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

from ardent_async.emulator.__main__ import org_id_for
from ardent_async.emulator._detached import READY_LINE
from tests.cli._run import clean_env

TOKEN = "sk-ard_test_stable-local-token"


def _emulator(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ardent_async.emulator", *args],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def _exports(banner: str) -> dict[str, str]:
    first = banner.splitlines()[0]
    assert first.startswith("export ")
    return dict(word.split("=", 1) for word in shlex.split(first)[1:])


def _alive(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"


def test_detach_start_twice_then_stop_twice(tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    started = _emulator("--detach", "--token", TOKEN, env=env)
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        values = _exports(started.stdout)
        assert set(values) == {
            "ARDENT_API_URL", "ARDENT_TOKEN", "ARDENT_ORG_ID", "ARDENT_SOURCE_URL"
        }  # fmt: skip
        assert values["ARDENT_TOKEN"] == TOKEN
        assert values["ARDENT_ORG_ID"] == org_id_for(TOKEN)  # the same org on every start
        assert READY_LINE not in started.stdout  # Ctrl-C does not reach a detached emulator
        assert "stop it with: ardent-emulator stop" in started.stdout
        pid = int((tmp_path / "emulator.pid").read_text())
        assert _alive(pid)
        assert (tmp_path / "emulator.log").stat().st_mode & 0o077 == 0  # it holds the token

        again = _emulator("--detach", "--token", TOKEN, env=env)
        assert again.returncode == 0, again.stderr
        assert _exports(again.stdout) == values
        assert f"already running: pid {pid}" in again.stdout

        # What the banner says to do works: paste it, run a command.
        listed = subprocess.run(
            ["bash", "-euc", f"{started.stdout}\n{sys.executable} -m ardent_async orgs show"],
            env=env, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert listed.returncode == 0, listed.stderr
        assert values["ARDENT_ORG_ID"] in listed.stdout
    finally:
        stopped = _emulator("stop", env=env)
    assert stopped.returncode == 0, stopped.stderr
    assert stopped.stdout.startswith("stopped the emulator (pid ")
    assert not _alive(pid)
    assert not (tmp_path / "emulator.pid").exists()
    twice = _emulator("stop", env=env)
    assert twice.returncode == 0
    assert twice.stdout.startswith("no emulator running")


def test_a_stale_pid_file_is_not_trusted(tmp_path: Path) -> None:
    # A pid that is not an emulator (this test's own process) must never be signalled.
    pid_file = tmp_path / "other.pid"
    pid_file.write_text(f"{os.getpid()}\n")
    stopped = _emulator("stop", "--pid-file", str(pid_file), env=clean_env(tmp_path))
    assert stopped.returncode == 0
    assert "stale pid file removed" in stopped.stdout
    assert not pid_file.exists()


def test_a_failed_start_shows_why(tmp_path: Path) -> None:
    failed = _emulator("--detach", "--port", "-5", env=clean_env(tmp_path))
    assert failed.returncode == 1
    assert "the emulator did not start" in failed.stderr
    assert not (tmp_path / "emulator.pid").exists()
