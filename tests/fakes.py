"""Test doubles shared by the suites (no sleeping, no mocking of aiohttp)."""

from __future__ import annotations

import asyncio


class FakeClock:
    """A clock whose sleeps return at once and advance time; records every sleep."""

    def __init__(self, start: float = 1_000_000.0) -> None:
        self.now = start
        self.wall_offset = 1_700_000_000.0 - start
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return self.now + self.wall_offset

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)
        # Yield to the loop like a real sleep would, so cancellation can land here.
        await asyncio.sleep(0)
