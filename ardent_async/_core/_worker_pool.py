"""A pool of worker tasks for bounded fan-out: run ``work(i)`` for every index, at most
``concurrency`` at a time.

A fixed pool of worker tasks takes indices from one shared iterator, so 1,000 inputs cost
``concurrency`` tasks, not 1,000. ``work`` records its own result; an exception escaping it
(or cancellation of the caller) cancels every worker and waits for them before propagating,
so no task outlives the call (what ``asyncio.TaskGroup`` does on 3.11+, also on 3.10).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable


async def run_bounded(count: int, work: Callable[[int], Awaitable[None]], concurrency: int) -> None:
    if count <= 0:
        return
    indices = iter(range(count))

    async def worker() -> None:
        for index in indices:
            await work(index)

    loop = asyncio.get_running_loop()
    workers = [loop.create_task(worker()) for _ in range(min(concurrency, count))]
    try:
        await asyncio.gather(*workers)
    except BaseException:
        for task in workers:
            task.cancel()
        pending = [task for task in workers if not task.done()]
        if pending:
            await asyncio.wait(pending)
        raise
