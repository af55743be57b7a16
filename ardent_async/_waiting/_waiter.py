"""The client's one shared waiter: every wait on an operation goes through it, and this
docstring is the one place for its scheduling rules (``OperationWaiter._step`` applies them;
``_poller`` is the front the services call).

Waiting is a separate stage from submitting. However many operations are pending (10 or
10,000), the waiter spends a bounded budget on them, so waiting never starves the requests
still to be sent (creates share the transport's connection pool with the polls).

1. **Held polls** (``GET /v1/operations/{id}?wait=N``, N up to the server's 10 s and never
   past the deadline): up to ``connections - 1`` at a time, given to the pending operations
   first in line (the oldest: the ones most likely to end next). The server answers a held
   poll the moment its operation ends, so an operation seen this way costs about one poll
   (a 60 s operation about 7), and N operations that end in the order they were sent are seen
   as they end. An operation whose hold ran out while it still runs goes behind the others in
   line, so long ones take turns with the rest.
2. **The sweep** (``wait=0``): one poll at a time, round-robin over the operations the held
   polls do not cover, at most ``max_poll_rate`` per second (a burst of 4 allowed), so an
   operation that ends out of order is still seen and the load stays bounded whatever the
   number pending.
3. **Pacing when the server does not hold**: a non-terminal answer to a held poll that came
   back fast (in under half the hold asked for and under a second, timed with the injected
   clock) means the server is not holding requests. That operation then pauses before its
   next poll for a jittered share (25-40 %) of the time waited so far, at least its first
   pause (``poll_interval``, 0.5 s) and at most ``max_poll_interval`` (10 s); and until the
   server is seen holding again, held polls count against ``max_poll_rate`` too. Pausing in
   proportion to the time already waited keeps the lateness proportional to the
   operation's length (a 5 s operation is seen within about 2 s of its end) while bounding
   the polls (at most 19 for a 60 s operation); the jitter spreads many pollers apart. Each
   poll keeps asking for the hold, so a server that starts holding is noticed. A swept
   operation is paced the same way before the sweep polls it again.
4. **Failures**: polls are sent with the pipeline's retries off (``retry_safe=False``), so a
   poll is retried in exactly one place, here, against the deadline (the pipeline would retry
   ``max_retries`` times without knowing it). A transient failure (5xx, 429, connection error,
   request timeout) pauses that operation as in rule 3; a Retry-After pauses every poll (the
   server asking this client to slow down), capped at the retry policy's
   ``max_retry_after``. Errors that will not heal (401, 403, 404, malformed reply, closed
   client) end that wait at once.
5. **Deadlines** belong to each wait (``Subscription``): at least one poll is made, a held
   poll never outlasts the deadline (plus a second's grace for its answer), and a wait past
   its deadline ends with OperationTimeoutError carrying the last state seen.
6. **Lifetime**: the waiter's own task exists only while something is pending; a cancelled
   wait withdraws (its poll in flight is cancelled) and leaves the waiter usable.
"""

from __future__ import annotations

import asyncio
import bisect
import contextvars
import heapq
import itertools
import logging
import math
import random
from collections.abc import Coroutine, Iterable

from ardent_async._core._paths import segment
from ardent_async._core._pipeline import Pipeline
from ardent_async._core._retry import parse_retry_after
from ardent_async._core._telemetry import current_call, retry_reason
from ardent_async._spec.endpoints import GET_OPERATION
from ardent_async.errors import (
    ArdentAPIError,
    ArdentConnectionError,
    ArdentError,
    ArdentTimeoutError,
    OperationTimeoutError,
    RateLimitError,
    ServerError,
)
from ardent_async.models import AsyncOperationResponse, OperationStatus

__all__ = ["DEFAULT_MAX_POLL_RATE", "DEFAULT_POLL_CONNECTIONS", "OperationWaiter", "Subscription"]

logger = logging.getLogger("ardent_async.waiter")

DEFAULT_POLL_CONNECTIONS = 16
DEFAULT_MAX_POLL_RATE = 20.0
BACKOFF_SHARE = (0.25, 0.40)
# A non-terminal answer that came back in under this fraction of the hold asked for (or under
# _HELD_ENOUGH seconds) means the server is not holding requests. A server that holds for less
# than asked (its own cap) still counts as holding: it paces the polls, so no pause is added.
_HELD_FRACTION = 0.5
_HELD_ENOUGH = 1.0
# Time a poll may take beyond the deadline (the answer to a hold that ends at the deadline).
_DEADLINE_GRACE = 1.0
_MIN_PAUSE = 0.001
# The sweep looks this far past its cursor for an operation due for it.
_SWEEP_SCAN = 64
# Rate-limited polls may come in a burst of this many before the rate applies.
_BURST = 4

_TRANSIENT = (ServerError, RateLimitError, ArdentConnectionError, ArdentTimeoutError)
_TERMINAL = frozenset({OperationStatus.COMPLETED, OperationStatus.FAILED})


def is_terminal(operation: AsyncOperationResponse) -> bool:
    """True once the operation is ``completed`` or ``failed`` (it never changes after that)."""
    return operation.status in _TERMINAL


class Subscription:
    """One wait on one operation: its deadline, its pace, the last state seen.

    ``every_answer`` subscriptions (``watch``) are handed each answer; the others only the
    terminal state, an error, or the timeout. The outcome arrives in ``future``.
    """

    __slots__ = (
        "_hold",
        "context",
        "deadline",
        "due",
        "every_answer",
        "first_pause",
        "future",
        "last",
        "last_error",
        "max_pause",
        "operation_id",
        "path",
        "polls",
        "rank",
        "seq",
        "started",
        "sweep_due",
        "task",
        "timeout",
    )

    def __init__(
        self,
        operation_id: str,
        *,
        seq: int,
        now: float,
        timeout: float,
        hold: float,
        first_pause: float,
        max_pause: float,
        every_answer: bool,
    ) -> None:
        self.operation_id = operation_id
        self.path = GET_OPERATION.path_for(operation_id=segment("operation_id", operation_id))
        self.seq = seq
        self.rank = seq
        self.started = now
        self.timeout = timeout
        self.deadline = now + timeout
        self._hold = hold
        self.first_pause = first_pause
        self.max_pause = max_pause
        self.every_answer = every_answer
        self.polls = 0
        self.due = now
        self.sweep_due = now
        self.last: AsyncOperationResponse | None = None
        self.last_error: ArdentError | None = None
        self.task: asyncio.Task[None] | None = None
        self.future: asyncio.Future[AsyncOperationResponse] | None = None
        # The subscriber's context when its call is recorded: the polls run in it, so their
        # spans and events belong to the call that waits, not to the shared waiter.
        self.context = contextvars.copy_context() if current_call() is not None else None

    def hold_for(self, now: float) -> float:
        return min(self._hold, max(self.deadline - now, 0.0))

    def timed_out(self) -> OperationTimeoutError:
        last = self.last
        if last is None:
            seen = "no poll got an answer"
        else:
            seen = f"last status {last.status}"
            if last.stage_label or last.stage:
                seen += f", stage {last.stage_label or last.stage!s}"
            if last.progress is not None:
                seen += f", {last.progress}%"
        if self.last_error is not None:
            seen += f"; last poll failed: {self.last_error.message}"
        return OperationTimeoutError(
            f"operation {self.operation_id} was not finished after {self.timeout:g} s ({seen})",
            operation=last,
        )


class OperationWaiter:
    """Polls every pending subscription of one client within a bounded budget.

    ``connections`` (>= 2) bounds the polls in flight: one for the sweep, the rest held.
    ``max_poll_rate`` bounds the polls per second that are not held by the server.
    """

    def __init__(
        self,
        http: Pipeline,
        *,
        connections: int = DEFAULT_POLL_CONNECTIONS,
        max_poll_rate: float = DEFAULT_MAX_POLL_RATE,
        rng: random.Random | None = None,
    ) -> None:
        self._http = http
        self._clock = http.clock
        self.connections = connections
        self.max_poll_rate = max_poll_rate
        self._rng = rng or random.Random()
        self._seq = itertools.count()
        # Pending subscriptions by seq (oldest first), and where each one is:
        self._pending: dict[int, Subscription] = {}
        # Due now, no poll in flight; sorted by (rank, seq): the longest in line first.
        self._ready: list[tuple[int, int]] = []
        self._resting: list[tuple[float, int]] = []  # heap (due, seq): pausing between polls
        self._deadlines: list[tuple[float, int]] = []  # heap (deadline, seq)
        self._held = 0
        self._sweeping = 0
        self._sweep_cursor = (-1, -1)
        self._server_holds = True
        self._rate_at = 0.0  # the rate limiter's theoretical arrival time (GCRA)
        self._paused_until = 0.0
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self.peak_in_flight = 0
        """The most polls in flight at once so far (for tests and benchmarks)."""
        self.polls_sent = 0

    @property
    def pending_count(self) -> int:
        """Operations waited for right now (a metric: ``ardent.operations.pending``)."""
        return len(self._pending)

    @property
    def held_polls(self) -> int:
        """Polls the server is holding right now (a metric: ``ardent.polls.held``)."""
        return self._held

    # -- what the services use -----------------------------------------------------------------

    def subscribe(
        self,
        operation_id: str,
        *,
        timeout: float,
        hold: float,
        first_pause: float,
        max_pause: float,
        every_answer: bool = False,
    ) -> Subscription:
        """A new subscription, not yet pending: ``start`` it to have it polled."""
        return Subscription(
            operation_id,
            seq=next(self._seq),
            now=self._clock.monotonic(),
            timeout=timeout,
            hold=hold,
            first_pause=first_pause,
            max_pause=max_pause,
            every_answer=every_answer,
        )

    def start(self, sub: Subscription) -> asyncio.Future[AsyncOperationResponse]:
        """Make ``sub`` pending; the future gets its next outcome (see Subscription).

        Cancelling the future withdraws the subscription (and cancels its poll in flight).
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[AsyncOperationResponse] = loop.create_future()
        sub.future = future
        now = self._clock.monotonic()
        if sub.polls and now >= sub.deadline:
            future.set_exception(sub.timed_out())
            return future
        self._pending[sub.seq] = sub
        heapq.heappush(self._deadlines, (sub.deadline, sub.seq))
        if sub.due <= now:
            bisect.insort(self._ready, (sub.rank, sub.seq))
        else:
            heapq.heappush(self._resting, (sub.due, sub.seq))
        future.add_done_callback(lambda done: self._on_future_done(sub, done))
        self._poke(loop)
        return future

    async def next(self, sub: Subscription) -> AsyncOperationResponse:
        """Start ``sub`` and wait for its next outcome; cancelling withdraws it."""
        future = self.start(sub)
        try:
            return await future
        except asyncio.CancelledError:
            await self.withdraw([sub])
            raise
        finally:
            await self.stop_if_idle()

    async def stop_if_idle(self) -> None:
        """End the waiter's task now if nothing is pending (so a finished wait leaves none)."""
        scheduler = self._task
        if not self._pending and scheduler is not None and not scheduler.done():
            self._stopping = True
            scheduler.cancel()
            await asyncio.wait([scheduler])

    async def withdraw(self, subs: Iterable[Subscription]) -> None:
        """Stop waiting for these subscriptions; return once their polls in flight ended."""
        polls: list[asyncio.Task[None]] = []
        for sub in subs:
            if self._pending.pop(sub.seq, None) is not None:
                self._withdraw(sub)
            if sub.task is not None and not sub.task.done():
                sub.task.cancel()
                polls.append(sub.task)
            if sub.future is not None:
                sub.future.cancel()
        if self._wake is not None:
            self._wake.set()
        if polls:
            await asyncio.wait(polls)
        await self.stop_if_idle()

    # -- the scheduler -------------------------------------------------------------------------

    def _poke(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._task is None or self._task.done():
            self._wake = asyncio.Event()
            self._task = loop.create_task(self._run())
        elif self._wake is not None:
            self._wake.set()

    def _on_future_done(
        self, sub: Subscription, future: asyncio.Future[AsyncOperationResponse]
    ) -> None:
        # Resolved by the waiter (already withdrawn) or cancelled by the caller (withdraw now).
        if self._pending.pop(sub.seq, None) is not None:
            if sub.task is not None and not sub.task.done():
                sub.task.cancel()
            if self._wake is not None:
                self._wake.set()

    async def _run(self) -> None:
        assert self._wake is not None
        wake = self._wake
        try:
            while self._pending:
                wake.clear()
                delay = self._step()
                if not self._pending:
                    break
                if delay is None:
                    await wake.wait()
                else:
                    # Never a pause too short to move a float clock (no busy loop at 1e-10 s).
                    await _first_of(wake.wait(), self._clock.sleep(max(delay, _MIN_PAUSE)))
        except BaseException as exc:
            stopped = isinstance(exc, asyncio.CancelledError) and self._stopping
            if not stopped:
                # Never leave a caller waiting on a waiter that stopped (a bug, loop shutdown).
                for sub in list(self._pending.values()):
                    if isinstance(exc, Exception):
                        self._settle_error(sub, exc)
                    else:
                        self._withdraw(sub)
                        if sub.future is not None:
                            sub.future.cancel()
                if not isinstance(exc, Exception):
                    raise
        finally:
            if self._task is asyncio.current_task():
                self._task = None
            if self._stopping:
                self._stopping = False
                if self._pending:  # subscribed while it was being stopped
                    self._poke(asyncio.get_running_loop())

    def _step(self) -> float | None:
        """One turn of the scheduler (the rules: module docstring): start every poll the
        budget allows now; return how long until another may be due (None: nothing will be
        until a poll ends or a subscription starts)."""
        now = self._clock.monotonic()
        self._expire(now)
        self._ready_rested(now)
        wait_for: list[float] = []
        if self._paused_until > now:  # a Retry-After pauses every poll
            wait_for.append(self._paused_until - now)
        else:
            self._launch_held(now, wait_for)
            self._launch_sweep(now, wait_for)
        self._next_rested(now, wait_for)
        self._next_deadline(now, wait_for)
        return min(wait_for) if wait_for else None

    def _ready_rested(self, now: float) -> None:
        """Subscriptions whose pause is over join the ready line."""
        while self._resting and self._resting[0][0] <= now:
            due, seq = heapq.heappop(self._resting)
            sub = self._pending.get(seq)
            if sub is not None and sub.task is None and sub.due == due:
                bisect.insort(self._ready, (sub.rank, seq))

    def _launch_held(self, now: float, wait_for: list[float]) -> None:
        """Held polls for the first in line, up to ``connections - 1`` in flight (rate-limited
        too while the server is not seen holding)."""
        holders = self.connections - 1
        while self._ready and self._held < holders:
            if not self._server_holds and not self._take_token(now, wait_for):
                return
            self._launch(self._ready.pop(0)[1], now, held=True)

    def _launch_sweep(self, now: float, wait_for: list[float]) -> None:
        """The one sweep poll, round-robin over the rest of the line, rate-limited."""
        if not self._ready or self._sweeping >= 1:
            return
        index = self._next_to_sweep(now, wait_for)
        if index is not None and self._take_token(now, wait_for):
            self._sweep_cursor = self._ready.pop(index)
            self._launch(self._sweep_cursor[1], now, held=False)

    def _next_rested(self, now: float, wait_for: list[float]) -> None:
        """When the next pause ends (stale heap entries are dropped on the way)."""
        while self._resting:
            due, seq = self._resting[0]
            sub = self._pending.get(seq)
            if sub is not None and sub.task is None and sub.due == due:
                wait_for.append(due - now)
                return
            heapq.heappop(self._resting)

    def _next_deadline(self, now: float, wait_for: list[float]) -> None:
        """When the next deadline of a subscription without a poll in flight passes."""
        while self._deadlines:
            deadline, seq = self._deadlines[0]
            sub = self._pending.get(seq)
            if sub is not None and sub.task is None:
                wait_for.append(deadline - now)
                return
            heapq.heappop(self._deadlines)

    def _next_to_sweep(self, now: float, wait_for: list[float]) -> int | None:
        """Where in ``_ready`` the sweep goes on (round-robin), or None if none is due yet."""
        ready = self._ready
        start = bisect.bisect_right(ready, self._sweep_cursor)
        earliest = math.inf
        for step in range(min(len(ready), _SWEEP_SCAN)):
            index = (start + step) % len(ready)
            due = self._pending[ready[index][1]].sweep_due
            if due <= now:
                return index
            earliest = min(earliest, due)
        if earliest < math.inf:
            wait_for.append(earliest - now)
        return None

    def _take_token(self, now: float, wait_for: list[float]) -> bool:
        interval = 1.0 / self.max_poll_rate
        start = max(self._rate_at, now)
        if start - now > interval * (_BURST - 1) + _MIN_PAUSE:
            wait_for.append(start - now - interval * (_BURST - 1))
            return False
        self._rate_at = start + interval
        return True

    def _expire(self, now: float) -> None:
        while self._deadlines and self._deadlines[0][0] <= now:
            _, seq = heapq.heappop(self._deadlines)
            sub = self._pending.get(seq)
            if sub is None or sub.task is not None:
                continue  # gone, or its poll (held no longer than the deadline) will tell
            if sub.polls:
                self._settle_error(sub, sub.timed_out())
            # Never polled: it is ready (a new subscription is), and times out after one poll.

    def _launch(self, seq: int, now: float, *, held: bool) -> None:
        sub = self._pending[seq]
        hold = sub.hold_for(now) if held else 0.0
        if held:
            self._held += 1
        else:
            self._sweeping += 1
        in_flight = self._held + self._sweeping
        self.peak_in_flight = max(self.peak_in_flight, in_flight)
        sub.polls += 1
        self.polls_sent += 1
        poll = self._poll(sub, hold, held=held)
        loop = asyncio.get_running_loop()
        if sub.context is None:
            sub.task = loop.create_task(poll)
        else:
            sub.task = sub.context.run(loop.create_task, poll)

    async def _poll(self, sub: Subscription, hold: float, *, held: bool) -> None:
        clock = self._clock
        started = clock.monotonic()
        try:
            try:
                operation = await self._fetch(sub.path, hold, sub.deadline - started)
            except _TRANSIENT as exc:
                pause, hinted = self._on_transient(sub, exc, held=held)
                call = current_call()
                if call is not None:
                    url = self._http.base_url + sub.path
                    await call.retry("GET", url, 1, retry_reason(exc), pause, hinted)
                return
            except Exception as exc:
                self._settle_error(sub, exc)
                return
            call = current_call()
            if call is not None and is_terminal(operation):
                waited = clock.monotonic() - sub.started
                await call.operation_ended(operation, waited, sub.polls)
            self._on_answer(sub, operation, started, hold, held=held)
        finally:
            if held:
                self._held -= 1
            else:
                self._sweeping -= 1
            sub.task = None
            if self._wake is not None:
                self._wake.set()

    async def _fetch(self, path: str, hold: float, remaining: float) -> AsyncOperationResponse:
        # The request must outlast the hold, but not the deadline by more than a little.
        # Whole seconds: transports cache one timeout object per distinct value.
        limit = max(remaining, 0.0) + _DEADLINE_GRACE
        base = self._http.timeout
        bound = limit if base is None else min(base + hold, limit)
        timeout = None if math.isinf(bound) else float(math.ceil(bound))
        return await self._http.send(
            GET_OPERATION.method,
            path,
            AsyncOperationResponse,
            params={"wait": f"{round(hold, 3):g}"},
            retry_safe=False,  # retried here, against the deadline (module docstring)
            timeout=timeout,
            template=GET_OPERATION.path,
        )

    def _on_answer(
        self,
        sub: Subscription,
        operation: AsyncOperationResponse,
        started: float,
        hold: float,
        *,
        held: bool,
    ) -> None:
        now = self._clock.monotonic()
        sub.last = operation
        sub.last_error = None
        if sub.seq not in self._pending:
            return
        if is_terminal(operation):
            self._settle(sub, operation)
            return
        quick = now - started < min(hold * _HELD_FRACTION, _HELD_ENOUGH)
        if held:
            self._server_holds = not quick
        # A sweep (wait=0) always answers at once; only a held poll answered fast says the
        # server is not holding: then the next poll of this operation is paced. A swept one
        # stays ready for a held poll; only the sweep waits before polling it again.
        pause = self._backoff(sub, now) if quick and held else 0.0
        if not held:
            sub.sweep_due = now + self._backoff(sub, now)
        if held and not quick:
            # A full hold and still running: go behind the others in line, so operations that
            # run long take turns with the rest instead of keeping the held polls to themselves.
            sub.rank = next(self._seq)
        if sub.every_answer:
            sub.due = now + min(pause, max(sub.deadline - now, 0.0))
            self._settle(sub, operation)
            return
        self._rest(sub, now, pause)

    def _on_transient(
        self, sub: Subscription, error: ArdentError, *, held: bool
    ) -> tuple[float, bool]:
        """Pause this wait after a transient failure: (the pause, whether Retry-After set it)."""
        now = self._clock.monotonic()
        sub.last_error = error
        if held:
            self._server_holds = False
        hinted = self._retry_after(error, now)
        if hinted is not None:
            self._paused_until = max(self._paused_until, now + hinted)
            pause = hinted
        else:
            pause = self._backoff(sub, now)
        logger.debug(
            "polling operation %s: %s; next poll in %.2f s",
            sub.operation_id,
            error.message,
            pause,
            extra={
                "ardent_operation_id": sub.operation_id,
                "ardent_reason": retry_reason(error),
                "ardent_delay": pause,
            },
        )
        if sub.seq in self._pending:
            self._rest(sub, now, pause)
        return pause, hinted is not None

    def _rest(self, sub: Subscription, now: float, pause: float) -> None:
        if now >= sub.deadline:
            self._settle_error(sub, sub.timed_out())
            return
        sub.due = now + min(pause, sub.deadline - now)
        heapq.heappush(self._deadlines, (sub.deadline, sub.seq))
        if pause <= 0:
            bisect.insort(self._ready, (sub.rank, sub.seq))
        else:
            heapq.heappush(self._resting, (sub.due, sub.seq))

    def _backoff(self, sub: Subscription, now: float) -> float:
        share = (now - sub.started) * self._rng.uniform(*BACKOFF_SHARE)
        return min(sub.max_pause, max(sub.first_pause, share))

    def _retry_after(self, error: ArdentError, now: float) -> float | None:
        if not isinstance(error, ArdentAPIError):
            return None
        hinted = parse_retry_after(error.headers.get("retry-after"), self._clock.time())
        if hinted is None:
            return None
        return min(hinted, self._http.retry.max_retry_after)

    def _settle(self, sub: Subscription, operation: AsyncOperationResponse) -> None:
        self._withdraw(sub)
        if sub.future is not None and not sub.future.done():
            sub.future.set_result(operation)

    def _settle_error(self, sub: Subscription, error: BaseException) -> None:
        self._withdraw(sub)
        if sub.future is not None and not sub.future.done():
            sub.future.set_exception(error)

    def _withdraw(self, sub: Subscription) -> None:
        self._pending.pop(sub.seq, None)
        key = (sub.rank, sub.seq)
        index = bisect.bisect_left(self._ready, key)
        if index < len(self._ready) and self._ready[index] == key:
            del self._ready[index]


async def _first_of(*coroutines: Coroutine[object, object, object]) -> None:
    """Wait until the first of these coroutines ends; cancel the others."""
    tasks = [asyncio.ensure_future(c) for c in coroutines]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.wait(tasks)
