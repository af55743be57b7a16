"""Watchdog of one embedded Postgres server: it ends the server when its owner process dies.

Run as a script (stdlib only, so it starts fast and imports nothing of the package)::

    python -I watchdog.py ROOT

in its own session, with stdin the read end of a pipe whose write end only the owner holds.
However the owner ends (normal exit, an exception, SIGKILL), the kernel closes that end; the
read returns and the watchdog stops the postmaster named in ``ROOT/data/postmaster.pid``
(SIGQUIT: immediate shutdown; SIGKILL after a grace period) and deletes ROOT (and the directory
in memory that ``ROOT/memory`` links to, if any). After a normal
stop the server is already gone and ROOT already deleted, so it just exits.

:func:`reap` does the same for the server directory of an owner that died with its watchdog.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import time
from pathlib import Path

GRACE_SECONDS = 6.0
#: In a server directory: a symbolic link to its directory in memory (the tablespace that small
#: replicas and their branches live in), deleted with it.
MEMORY_LINK = "memory"


def postmaster_pid(root: Path) -> int | None:
    """The PID in ``postmaster.pid``, if that process exists and is that server."""
    data = root / "data"
    try:
        pid = int((data / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return pid  # no /proc: trust the pid file
    return pid if str(data).encode() in command else None


def stop_server(root: Path) -> None:
    """Stop the server living in *root* (if any) and delete *root*."""
    pid = postmaster_pid(root)
    if pid is not None:
        _signal(pid, signal.SIGQUIT)
        deadline = time.monotonic() + GRACE_SECONDS
        while postmaster_pid(root) == pid and time.monotonic() < deadline:
            time.sleep(0.05)
        if postmaster_pid(root) == pid:
            _signal(pid, signal.SIGKILL)
            deadline = time.monotonic() + 2.0
            while postmaster_pid(root) == pid and time.monotonic() < deadline:
                time.sleep(0.05)
    remove_root(root)


def remove_root(root: Path) -> None:
    """Delete a (stopped) server's directory *root* and its directory in memory, if any."""
    with contextlib.suppress(OSError):
        shutil.rmtree(os.readlink(root / MEMORY_LINK), ignore_errors=True)
    shutil.rmtree(root, ignore_errors=True)


def _signal(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, sig)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: watchdog.py ROOT  (stdin: the owner's pipe)", file=sys.stderr)
        return 2
    root = Path(argv[1])
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the owner's Ctrl-C is the owner's
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        while os.read(0, 4096):
            pass
    except OSError:
        pass
    stop_server(root)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
