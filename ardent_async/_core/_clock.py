"""Time, injectable: retries and the poller sleep through a Clock so tests never really sleep."""

from __future__ import annotations

import asyncio
import time
from typing import Protocol


class Clock(Protocol):
    """Monotonic time, wall time and sleeping."""

    def monotonic(self) -> float:
        """Seconds on a monotonic clock (deadlines and backoff are measured on it)."""

    def time(self) -> float:
        """Seconds since the epoch (for HTTP-date ``Retry-After`` headers)."""

    async def sleep(self, seconds: float) -> None:
        """Sleep ``seconds`` (a fake clock advances instead, so tests never wait)."""


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        """``time.monotonic()``."""
        return time.monotonic()

    def time(self) -> float:
        """``time.time()``."""
        return time.time()

    async def sleep(self, seconds: float) -> None:
        """``asyncio.sleep(seconds)``."""
        await asyncio.sleep(seconds)
