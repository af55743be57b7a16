"""Waiting for long-running operations: the one place for deadlines, pacing and poll retries.

How a wait is paced:

- Every poll asks the server to hold the request (``GET /v1/operations/{id}?wait=N``, N up to
  10 s and never past the deadline). A server that honours it answers the moment the operation
  ends, so a finished operation is seen at once and a 60 s operation costs about 7 requests.
- A non-terminal answer that comes back fast (in under half the hold asked for and under a
  second, timed with the injected clock) means the server is not holding requests. The poller
  then pauses between polls itself, for a jittered share (25-40 %) of the time waited so far,
  at least ``poll_interval`` (0.5 s) and at most ``max_poll_interval`` (10 s). Pausing in
  proportion to the time already waited keeps the lateness of the answer proportional to the
  operation's length (a 5 s operation is seen within about 2 s of its end, not after a fixed
  doubling ceiling of up to 8 s) while bounding the number of polls (at most 19 for a 60 s
  operation); the jitter spreads many pollers apart. Each poll keeps asking for the hold, so a
  server that starts holding is noticed.

Poll retries and the pipeline's retries: polls are sent with the pipeline's own retries off
(``retry_safe=False``), so that a poll is retried in exactly one place, here. The pipeline would
retry ``max_retries`` times without knowing the deadline; the poller retries a transient failure
(5xx, 429, connection error, request timeout) for as long as the deadline allows, honouring
Retry-After and never sleeping past the deadline. Errors that will not heal by waiting (401,
403, 404, a malformed reply, a closed client) end the wait at once.

Cancellation: the poller starts no tasks; cancelling the task that waits cancels the poll or
sleep in progress and nothing is left behind.
"""

from __future__ import annotations

import logging
import math
import random
from collections.abc import AsyncIterator

from ardent_async._http import Pipeline
from ardent_async._paths import expand
from ardent_async._retry import parse_retry_after
from ardent_async._spec.constants import DEFAULT_WAIT_TIMEOUT, GET_OPERATION_WAIT_MAXIMUM
from ardent_async.errors import (
    ArdentAPIError,
    ArdentConnectionError,
    ArdentError,
    ArdentTimeoutError,
    OperationFailedError,
    OperationTimeoutError,
    RateLimitError,
    ServerError,
    validation_error,
)
from ardent_async.models import AsyncOperationResponse, OperationStatus

__all__ = ["MAX_SERVER_WAIT", "OperationPoller"]

logger = logging.getLogger("ardent_async")

MAX_SERVER_WAIT = GET_OPERATION_WAIT_MAXIMUM
"""The longest hold the server grants (``wait=`` on ``GET /v1/operations/{id}``)."""

DEFAULT_POLL_INTERVAL = 0.5
MAX_POLL_INTERVAL = 10.0
# The pause on the backoff path, as a share of the time waited so far (drawn uniformly).
BACKOFF_SHARE = (0.25, 0.40)
WATCH_HOLD = 2.0
"""``watch`` asks for shorter holds than ``wait``: the server only ends a hold early on a
terminal state, so a shorter hold is what lets progress changes show up in between."""

# A non-terminal answer that came back in under this fraction of the hold asked for (or under
# _HELD_ENOUGH seconds) means the server is not holding requests. A server that holds for less
# than asked (its own cap) still counts as holding: it paces the polls, so no pause is added.
_HELD_FRACTION = 0.5
_HELD_ENOUGH = 1.0
# Time a poll may take beyond the deadline (the answer to a hold that ends at the deadline).
_DEADLINE_GRACE = 1.0

_TRANSIENT = (ServerError, RateLimitError, ArdentConnectionError, ArdentTimeoutError)
_TERMINAL = frozenset({OperationStatus.COMPLETED, OperationStatus.FAILED})


def is_terminal(operation: AsyncOperationResponse) -> bool:
    """True once the operation is ``completed`` or ``failed`` (it never changes after that)."""
    return operation.status in _TERMINAL


class OperationPoller:
    """Waits for operations through one request pipeline, on the pipeline's clock.

    ``poll_interval`` is the first pause between polls when the server does not hold requests;
    later pauses are a share of the time waited, up to ``max_poll_interval``. ``rng`` makes the
    jitter reproducible.
    """

    def __init__(
        self,
        http: Pipeline,
        *,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        max_poll_interval: float = MAX_POLL_INTERVAL,
        rng: random.Random | None = None,
    ) -> None:
        self._http = http
        self.poll_interval = _seconds("poll_interval", poll_interval, 0.001, 3600)
        self.max_poll_interval = _seconds(
            "max_poll_interval", max_poll_interval, self.poll_interval, 3600
        )
        self._rng = rng or random.Random()

    async def wait(
        self,
        operation_id: str,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float | None = None,
    ) -> AsyncOperationResponse:
        """Poll until the operation is terminal; return it when ``completed``.

        Raises OperationFailedError when it ``failed`` (``.operation`` is its final state) and
        OperationTimeoutError when ``timeout`` seconds pass first (``.operation`` is the last
        state seen, or None if no poll got an answer). At least one poll is always made.
        """
        first = (
            self.poll_interval
            if poll_interval is None
            else _seconds("poll_interval", poll_interval, 0.001, 3600)
        )
        polling = self._start(
            operation_id,
            timeout,
            hold=MAX_SERVER_WAIT,
            first_pause=first,
            max_pause=max(first, self.max_poll_interval),
        )
        while True:
            operation = await polling.next()
            if operation.status == OperationStatus.COMPLETED:
                return operation
            if operation.status == OperationStatus.FAILED:
                raise failed_error(operation)

    def watch(
        self,
        operation_id: str,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        update_every: float = WATCH_HOLD,
    ) -> AsyncIterator[AsyncOperationResponse]:
        """Iterate over the operation's states, each change of status, progress or stage once.

        The iteration ends after the terminal state is yielded; if that state is ``failed``,
        the next step raises OperationFailedError, so a failure is never taken for success.
        ``update_every`` (0.1-10 s) is the longest the server holds each poll: how soon a
        progress change is seen. Arguments are checked here, before any request.
        """
        hold = _seconds("update_every", update_every, 0.1, MAX_SERVER_WAIT)
        # Client-side pauses are capped at the hold too, so no change goes unseen for longer.
        cap = min(hold, self.max_poll_interval)
        polling = self._start(
            operation_id,
            timeout,
            hold=hold,
            first_pause=min(self.poll_interval, cap),
            max_pause=cap,
        )
        return _Watch(polling)

    def _start(
        self,
        operation_id: str,
        timeout: float,
        *,
        hold: float,
        first_pause: float,
        max_pause: float,
    ) -> _Polling:
        path = expand("/v1/operations/{operation_id}", operation_id=operation_id)
        seconds = _seconds("timeout", timeout, 0.001, None)
        return _Polling(self, operation_id, path, seconds, hold, first_pause, max_pause)

    async def _fetch(self, path: str, hold: float, remaining: float) -> AsyncOperationResponse:
        """One poll, held by the server for up to ``hold`` seconds."""
        # The request must outlast the hold, but not the deadline by more than a little.
        # Whole seconds: transports cache one timeout object per distinct value.
        limit = remaining + _DEADLINE_GRACE
        base = self._http.timeout
        bound = limit if base is None else min(base + hold, limit)
        timeout = None if math.isinf(bound) else float(math.ceil(bound))
        return await self._http.send(
            "GET",
            path,
            AsyncOperationResponse,
            params={"wait": f"{round(hold, 3):g}"},
            retry_safe=False,  # retried by the poller, against the deadline (module docstring)
            timeout=timeout,
        )

    def _share(self) -> float:
        return self._rng.uniform(*BACKOFF_SHARE)

    def _retry_after(self, error: ArdentError) -> float | None:
        if not isinstance(error, ArdentAPIError):
            return None
        hinted = parse_retry_after(error.headers.get("retry-after"), self._http.clock.time())
        if hinted is None:
            return None
        return min(hinted, self._http.retry.max_retry_after)


class _Polling:
    """One wait on one operation: its deadline, its pace and the last state seen."""

    def __init__(
        self,
        poller: OperationPoller,
        operation_id: str,
        path: str,
        timeout: float,
        hold: float,
        first_pause: float,
        max_pause: float,
    ) -> None:
        self._poller = poller
        self._clock = poller._http.clock
        self.operation_id = operation_id
        self._path = path
        self._timeout = timeout
        self._deadline = self._clock.monotonic() + timeout
        self._hold = hold
        self._started = self._clock.monotonic()
        self._first_pause = first_pause
        self._max_pause = max_pause
        self._pause = 0.0
        self._polls = 0
        self._last_error: ArdentError | None = None
        self.last: AsyncOperationResponse | None = None

    async def next(self) -> AsyncOperationResponse:
        """The next state: pause as paced, then poll, retrying transient failures."""
        clock = self._clock
        while True:
            if self._pause > 0:
                await clock.sleep(min(self._pause, max(0.0, self._deadline - clock.monotonic())))
                self._pause = 0.0
            remaining = self._deadline - clock.monotonic()
            if remaining <= 0 and self._polls:
                raise self._timed_out()
            hold = min(self._hold, max(remaining, 0.0))
            started = clock.monotonic()
            self._polls += 1
            try:
                operation = await self._poller._fetch(self._path, hold, remaining)
            except _TRANSIENT as exc:
                self._last_error = exc
                hinted = self._poller._retry_after(exc)
                self._pause = self._backoff() if hinted is None else hinted
                logger.debug(
                    "polling operation %s: %s; next poll in %.2f s",
                    self.operation_id,
                    exc.message,
                    self._pause,
                )
                continue
            self.last = operation
            self._last_error = None
            held = clock.monotonic() - started >= min(hold * _HELD_FRACTION, _HELD_ENOUGH)
            if not held and not is_terminal(operation):
                self._pause = self._backoff()
            return operation

    def _backoff(self) -> float:
        waited = self._clock.monotonic() - self._started
        share = waited * self._poller._share()
        return min(self._max_pause, max(self._first_pause, share))

    def _timed_out(self) -> OperationTimeoutError:
        last = self.last
        if last is None:
            seen = "no poll got an answer"
        else:
            seen = f"last status {last.status}"
            if last.stage_label or last.stage:
                seen += f", stage {last.stage_label or last.stage!s}"
            if last.progress is not None:
                seen += f", {last.progress}%"
        if self._last_error is not None:
            seen += f"; last poll failed: {self._last_error.message}"
        return OperationTimeoutError(
            f"operation {self.operation_id} was not finished after {self._timeout:g} s ({seen})",
            operation=last,
        )


class _Watch:
    """Async iterator over an operation's distinct states, ending after the terminal one."""

    def __init__(self, polling: _Polling) -> None:
        self._polling = polling
        self._seen: tuple[object, ...] | None = None
        self._final: AsyncOperationResponse | None = None
        self._done = False

    def __aiter__(self) -> _Watch:
        return self

    async def __anext__(self) -> AsyncOperationResponse:
        if self._final is not None:  # the terminal state was yielded last time
            final, self._final, self._done = self._final, None, True
            if final.status == OperationStatus.FAILED:
                raise failed_error(final)
        if self._done:
            raise StopAsyncIteration
        while True:
            operation = await self._polling.next()
            key = (
                operation.status,
                operation.progress,
                operation.stage,
                operation.stage_label,
                operation.error,
            )
            # A terminal state always differs from the one before it (the status changed).
            if key != self._seen:
                self._seen = key
                if is_terminal(operation):
                    self._final = operation
                return operation


def _seconds(name: str, value: object, minimum: float, maximum: float | None) -> float:
    # Not services._validate: the services import this module (it would be an import cycle).
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise validation_error(name, "a number of seconds", value)
    if value < minimum or (maximum is not None and value > maximum):
        upper = "" if maximum is None else f" and <= {maximum:g}"
        raise validation_error(name, f"a number of seconds >= {minimum:g}{upper}", value)
    return float(value)


def failed_error(operation: AsyncOperationResponse) -> OperationFailedError:
    reason = operation.error or "no error message"
    return OperationFailedError(
        f"operation {operation.id} ({operation.type}) failed: {reason}", operation=operation
    )
