"""run_bounded: when one worker fails or the caller is cancelled, every other worker is
cancelled and awaited before the call ends (no task outlives it, nothing more is started)."""

from __future__ import annotations

import asyncio

import pytest

from ardent_async._core._worker_pool import run_bounded

STEPS = 50  # loop turns a slow piece of work takes (it yields at each one)


class Record:
    def __init__(self) -> None:
        self.started: list[int] = []
        self.finished: list[int] = []
        self.cancelled: list[int] = []
        self.three_started = asyncio.Event()

    async def slow(self, index: int) -> None:
        self.started.append(index)
        if len(self.started) == 3:
            self.three_started.set()
        try:
            for _ in range(STEPS):
                await asyncio.sleep(0)
        except asyncio.CancelledError:
            self.cancelled.append(index)
            raise
        self.finished.append(index)


async def test_a_failing_worker_cancels_the_others() -> None:
    record = Record()

    async def work(index: int) -> None:
        if index == 0:
            record.started.append(index)
            await asyncio.sleep(0)
            raise ValueError("work 0 failed")
        await record.slow(index)

    with pytest.raises(ValueError, match="work 0 failed"):
        await run_bounded(10, work, concurrency=3)
    assert record.started == [0, 1, 2]
    assert record.cancelled == [1, 2]
    assert record.finished == []


async def test_cancelling_the_caller_cancels_every_worker() -> None:
    record = Record()
    task = asyncio.ensure_future(run_bounded(10, record.slow, concurrency=3))
    await record.three_started.wait()
    task.cancel()
    await asyncio.wait([task])
    assert task.cancelled()
    assert record.started == [0, 1, 2]
    assert sorted(record.cancelled) == [0, 1, 2]
    assert record.finished == []
