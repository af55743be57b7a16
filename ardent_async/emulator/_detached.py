"""``ardent-emulator --detach`` and ``ardent-emulator stop``: the emulator as a background
process, found again through a pid file (its output goes to a log file beside it).

Starting twice prints the running emulator's banner again; stopping twice (or with nothing
running) says so and succeeds: both commands are safe to repeat.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

#: The banner's last line: the emulator is serving once it is printed.
READY_LINE = "# Press Ctrl-C to stop."
START_DEADLINE = 300.0  # the first embedded Postgres start unpacks a server
STOP_DEADLINE = 60.0
_POLL = 0.1


def default_pid_file() -> Path:
    """``$ARDENT_CONFIG_DIR/emulator.pid``, else under ``$XDG_CONFIG_HOME`` or ``~/.config``
    (beside the CLI's saved context)."""
    explicit = os.environ.get("ARDENT_CONFIG_DIR")
    if explicit:
        return Path(explicit) / "emulator.pid"
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "ardent-async" / "emulator.pid"


def start(serve_argv: Sequence[str], pid_file: Path) -> int:
    """Run ``ardent-emulator *serve_argv`` in the background; print its banner once it serves."""
    log = pid_file.with_suffix(".log")
    running = _running_pid(pid_file)
    if running is not None:
        print(_banner_of(log) + _footer(running, log, pid_file, again=True), flush=True)
        return 0
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    log.unlink(missing_ok=True)
    # The banner holds the emulator's tokens: readable by this user only.
    with open(os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as out:
        child = subprocess.Popen(
            [sys.executable, "-m", "ardent_async.emulator", *serve_argv],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C in this terminal no longer reaches it
        )
    deadline = time.monotonic() + START_DEADLINE
    while READY_LINE not in _text(log):
        if child.poll() is not None or time.monotonic() > deadline:
            if child.poll() is None:
                child.terminate()
            sys.stderr.write(_text(log))
            print(f"ardent-emulator: the emulator did not start (log: {log})", file=sys.stderr)
            return 1
        time.sleep(_POLL)
    pid_file.write_text(f"{child.pid}\n", encoding="utf-8")
    print(_banner_of(log) + _footer(child.pid, log, pid_file, again=False), flush=True)
    return 0


def stop(pid_file: Path) -> int:
    """Stop the emulator ``start`` left running (SIGTERM: it cleans up, then exits)."""
    pid = _running_pid(pid_file)
    if pid is None:
        stale = pid_file.exists()
        pid_file.unlink(missing_ok=True)
        print(f"no emulator running{' (stale pid file removed)' if stale else ''}: {pid_file}")
        return 0
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_DEADLINE
    while _is_emulator(pid):
        if time.monotonic() > deadline:
            print(
                f"ardent-emulator: pid {pid} still runs {STOP_DEADLINE:.0f} s after SIGTERM",
                file=sys.stderr,
            )
            return 1
        time.sleep(_POLL)
    pid_file.unlink(missing_ok=True)
    print(f"stopped the emulator (pid {pid})")
    return 0


def _footer(pid: int, log: Path, pid_file: Path, *, again: bool) -> str:
    where = "already running" if again else "running in the background"
    stop_command = "ardent-emulator stop"
    if pid_file != default_pid_file():
        stop_command += f" --pid-file {pid_file}"
    return f"# {where}: pid {pid}, log {log}; stop it with: {stop_command}"


def _banner_of(log: Path) -> str:
    """The banner's lines up to (not including) the Ctrl-C line, which does not apply here."""
    lines = _text(log).splitlines(keepends=True)
    head = lines[: lines.index(READY_LINE + "\n")] if READY_LINE + "\n" in lines else lines
    return "".join(head)


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return ""


def _running_pid(pid_file: Path) -> int | None:
    try:
        pid = int(pid_file.read_text(encoding="utf-8").strip())
    except (FileNotFoundError, ValueError):
        return None
    return pid if _is_emulator(pid) else None


def _is_emulator(pid: int) -> bool:
    """True while ``pid`` is a live emulator (not a zombie, not a reused pid)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return False  # someone else's process: the pid was reused
    proc = Path("/proc") / str(pid)
    if not Path("/proc/self").exists():
        return True  # no procfs: the signal check is all there is
    try:
        state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        command = (proc / "cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state != "Z" and b"ardent_async.emulator" in command
