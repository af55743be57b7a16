"""Poller efficiency: polls made, and how late ``wait()`` returns after an operation ends.

Operations lasting 1 s, 5 s, 30 s and 60 s on the emulator, waited on through the long-poll path
(the server holds ``?wait=``) and the backoff path (a server that answers at once). All six
waits run at the same time, each against its own emulator process.
"""

from __future__ import annotations

import asyncio
import time

import attrs

from ardent_async import ArdentClient, Request, Response
from ardent_async._core._transport import AiohttpTransport
from bench._emulator import emulator_process, ready_connector
from bench._stats import Figure

DURATIONS = (1.0, 5.0, 30.0, 60.0)


class CountingTransport(AiohttpTransport):
    """The default transport, counting operation polls."""

    def __init__(self) -> None:
        super().__init__()
        self.polls = 0

    async def send(self, request: Request) -> Response:
        if "/v1/operations/" in request.url:
            self.polls += 1
        return await super().send(request)


@attrs.define(frozen=True)
class PollResult:
    polls: int
    delay: float
    """Seconds between the operation's completed_at and wait() returning."""


async def _one(duration: float, long_poll: bool) -> PollResult:
    args = ["--op-duration", str(duration)] + ([] if long_poll else ["--no-long-poll"])
    async with emulator_process(*args) as emu:
        transport = CountingTransport()
        async with ArdentClient(token=emu.token, base_url=emu.base_url, transport=transport) as c:
            connector_id = (await ready_connector(c, emu.org_id)).id
            handle = await c.branches.create(connector_id, "timed")
            transport.polls = 0
            operation = await c.operations.wait(handle.operation_id, timeout=duration * 3 + 30)
            returned = time.time()
    assert operation.completed_at is not None
    ended = operation.completed_at.timestamp()
    return PollResult(transport.polls, returned - ended)


async def run() -> dict[str, Figure]:
    cases = [(d, lp) for d in DURATIONS for lp in (True, False)]
    outcomes = await asyncio.gather(*(_one(d, lp) for d, lp in cases))
    results: dict[str, Figure] = {}
    for (duration, long_poll), outcome in zip(cases, outcomes, strict=True):
        path = "long-poll" if long_poll else "backoff"
        label = f"poller {duration:g} s operation, {path} path"
        results[f"{label}: polls"] = Figure((float(outcome.polls),), unit="polls")
        results[f"{label}: end→return delay"] = Figure((outcome.delay,), unit="s")
    return results


if __name__ == "__main__":
    for name, figure in asyncio.run(run()).items():
        print(f"{name}: {figure.show()}")
