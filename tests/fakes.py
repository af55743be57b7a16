"""Test doubles shared by the suites (no sleeping, no mocking of aiohttp)."""

from __future__ import annotations

import asyncio
import heapq
import itertools


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


class VirtualClock:
    """Virtual time for many concurrent sleepers: time moves only when every task waits.

    A sleep parks until the event loop has nothing else to run; then the clock jumps to the
    earliest sleep's end and wakes it (what trio's autojump clock does). So concurrent tasks
    see one consistent timeline, and ten held polls of 10 s take 10 virtual seconds, not 100.
    For in-process fakes only (respx): a request on a real socket looks idle too.
    ``run()`` must be running (the ``vclock`` fixture does it).
    """

    def __init__(self, start: float = 1_000_000.0) -> None:
        self.now = start
        self.wall_offset = 1_700_000_000.0 - start
        self.sleeps: list[float] = []
        self._timers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()
        self._added: asyncio.Event | None = None

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return self.now + self.wall_offset

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        await self.sleep_until(self.now + max(0.0, seconds))

    async def sleep_until(self, when: float) -> None:
        if when <= self.now:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._timers, (when, next(self._seq), future))
        if self._added is not None:
            self._added.set()
        await future

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        ready = loop._ready  # type: ignore[attr-defined]  # the loop's runnable callbacks
        self._added = asyncio.Event()
        while True:
            # Let everything runnable run; the loop is idle when nothing else is queued.
            for _ in range(3):
                await asyncio.sleep(0)
            if ready:
                continue
            while self._timers and self._timers[0][2].done():
                heapq.heappop(self._timers)  # cancelled sleeps
            if not self._timers:
                self._added.clear()
                await self._added.wait()
                continue
            when, _, future = heapq.heappop(self._timers)
            self.now = max(self.now, when)
            future.set_result(None)
