"""Whether the process that created something is still alive (PID plus start time, so a
reused PID is not mistaken for the original owner)."""

from __future__ import annotations

import os
from pathlib import Path


def process_token(pid: int) -> str | None:
    """``pid:start-time`` (``pid:?`` where ``/proc`` is missing), or ``None`` if *pid* is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return f"{pid}:?" if _pid_alive(pid) else None
    fields = stat.rsplit(")", 1)[1].split()
    return f"{pid}:{fields[19]}"  # field 22 of proc_pid_stat(5): starttime


def own_token() -> str:
    token = process_token(os.getpid())
    assert token is not None
    return token


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def owner_alive(token: str) -> bool:
    """Whether the process *token* (from :func:`process_token`) names still runs."""
    try:
        pid = int(token.split(":", 1)[0])
    except ValueError:
        return False
    current = process_token(pid)
    if current is None:
        return False
    return token.endswith(":?") or current.endswith(":?") or current == token
