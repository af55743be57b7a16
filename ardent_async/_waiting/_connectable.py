"""Ready means connectable: open a real connection to a branch and run ``SELECT 1``.

An operation can complete before the branch accepts connections (the database or its role may
still be settling), so "created" is not "usable". :func:`wait_connectable` retries a real
connection, with growing pauses, until ``SELECT 1`` answers or the time is up. It needs asyncpg
(the ``connect`` extra); without it the error says what to install.
"""

from __future__ import annotations

import asyncio
import importlib
from typing import Any

from ardent_async._core._clock import Clock, SystemClock
from ardent_async._core._redact import mask_url
from ardent_async.errors import ArdentError, BranchNotConnectableError

__all__ = ["CONNECT_EXTRA", "UNTIL_CHOICES", "check_until", "wait_connectable"]

CONNECT_EXTRA = "pip install 'ardent-async[connect]'"
#: What ``create_and_wait(until=...)`` accepts: the operation done, or a connection answered.
UNTIL_CHOICES = ("ready", "connectable")
# Pauses between connection attempts; the last one repeats until the deadline.
_PAUSES = (0.05, 0.1, 0.2, 0.4, 0.8, 1.0)
# One attempt never takes longer than this (a connect hanging on a black-holed port).
_ATTEMPT_TIMEOUT = 5.0


def check_until(value: object) -> str:
    """``value`` if it is one of :data:`UNTIL_CHOICES`, else ArdentValidationError."""
    from ardent_async.errors import validation_error

    if value not in UNTIL_CHOICES:
        raise validation_error("until", "'ready' or 'connectable'", value)
    return str(value)


def _asyncpg() -> Any:
    try:
        return importlib.import_module("asyncpg")
    except ImportError:
        raise ArdentError(
            f"waiting until a branch is connectable needs asyncpg (not installed): {CONNECT_EXTRA}"
        ) from None


async def wait_connectable(url: str, *, timeout: float, clock: Clock | None = None) -> float:
    """Connect to ``url`` and run ``SELECT 1``, retrying until it works or ``timeout`` passes.

    Returns the seconds it took. Raises BranchNotConnectableError (naming the URL with its
    password masked, the attempts and the last error) when the time is up.
    """
    asyncpg = _asyncpg()
    retryable = (OSError, asyncio.TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError)
    clock = clock or SystemClock()
    started = clock.monotonic()
    deadline = started + timeout
    attempts = 0
    while True:
        attempts += 1
        left = deadline - clock.monotonic()
        try:
            await _select_one(asyncpg, url, min(_ATTEMPT_TIMEOUT, max(left, 0.05)))
        except retryable as exc:
            pause = _PAUSES[min(attempts, len(_PAUSES)) - 1]
            if clock.monotonic() + pause >= deadline:
                raise BranchNotConnectableError(
                    f"branch {mask_url(url)} did not accept a connection within {timeout:g} s"
                    f" ({attempts} attempts; last: {type(exc).__name__}: {mask_url(str(exc))})",
                    attempts=attempts,
                ) from None
            await clock.sleep(pause)
        else:
            return clock.monotonic() - started


async def _select_one(asyncpg: Any, url: str, timeout: float) -> None:
    conn = await asyncpg.connect(url, timeout=timeout)
    try:
        await conn.fetchval("SELECT 1", timeout=timeout)
    finally:
        await conn.close(timeout=timeout)
