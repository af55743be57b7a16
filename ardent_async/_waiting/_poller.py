"""Waiting for long-running operations: ``wait``, ``wait_many`` and ``watch``.

``OperationPoller`` is the front of the client's one shared waiter (``_waiter``): every wait
subscribes there, so however many run at once (a ``create_many``, a thousand gathered
``create_and_wait`` calls), their polls share one bounded budget of connections and one
bounded rate. How polls are scheduled, paced and retried, and how deadlines end a wait, is
written once, in ``_waiter``'s module docstring. This module checks the arguments, turns a
``failed`` operation into OperationFailedError and keeps ``watch``'s distinct states.

Cancellation: cancelling the task that waits withdraws its subscriptions and cancels their
polls in flight; the waiter's own task ends when nothing is pending.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Iterable, Mapping

from ardent_async._core import _validate
from ardent_async._core._paths import check_id
from ardent_async._core._pipeline import Pipeline
from ardent_async._spec.constants import DEFAULT_WAIT_TIMEOUT, GET_OPERATION_WAIT_MAXIMUM
from ardent_async._waiting._waiter import (
    DEFAULT_MAX_POLL_RATE,
    DEFAULT_POLL_CONNECTIONS,
    OperationWaiter,
    Subscription,
    is_terminal,
)
from ardent_async.errors import OperationFailedError, validation_error
from ardent_async.fanout import OperationOutcome
from ardent_async.models import AsyncOperationResponse, OperationStatus

__all__ = ["MAX_SERVER_WAIT", "OperationPoller", "is_terminal", "subscription"]

MAX_SERVER_WAIT = GET_OPERATION_WAIT_MAXIMUM
"""The longest hold the server grants (``wait=`` on ``GET /v1/operations/{id}``)."""

DEFAULT_POLL_INTERVAL = 0.5
MAX_POLL_INTERVAL = 10.0
WATCH_HOLD = 2.0
"""``watch`` asks for shorter holds than ``wait``: the server only ends a hold early on a
terminal state, so a shorter hold is what lets progress changes show up in between."""


class OperationPoller:
    """Waits for operations through the client's one shared waiter, on the pipeline's clock.

    ``poll_interval`` is the first pause between polls when the server does not hold requests;
    later pauses are a share of the time waited, up to ``max_poll_interval``. ``connections``
    (>= 2) bounds the polls in flight for all waits together; ``max_poll_rate`` the polls per
    second the server does not hold. ``rng`` makes the jitter reproducible.
    """

    def __init__(
        self,
        http: Pipeline,
        *,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        max_poll_interval: float = MAX_POLL_INTERVAL,
        connections: int = DEFAULT_POLL_CONNECTIONS,
        max_poll_rate: float = DEFAULT_MAX_POLL_RATE,
        rng: random.Random | None = None,
    ) -> None:
        self._http = http
        self.poll_interval = _validate.seconds("poll_interval", poll_interval, 0.001, 3600)
        self.max_poll_interval = _validate.seconds(
            "max_poll_interval", max_poll_interval, self.poll_interval, 3600
        )
        if isinstance(connections, bool) or not isinstance(connections, int) or connections < 2:
            raise validation_error("connections", "an integer >= 2", connections)
        rate = _validate.seconds("max_poll_rate", max_poll_rate, 0.01, 10_000)
        self.waiter = OperationWaiter(http, connections=connections, max_poll_rate=rate, rng=rng)

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
        sub = subscription(self, operation_id, timeout=timeout, poll_interval=poll_interval)
        return completed(await self.waiter.next(sub))

    async def wait_many(
        self, operation_ids: Iterable[str], *, timeout: float = DEFAULT_WAIT_TIMEOUT
    ) -> list[OperationOutcome]:
        """Wait for every operation at once; one outcome per id, in the order given.

        Never raises for one operation: a failed one has ``.error`` OperationFailedError, one
        not finished after ``timeout`` seconds (the same deadline for all) OperationTimeoutError.
        An id given twice is polled once. Arguments are checked before any request.
        """
        ids = _operation_ids(operation_ids)
        subs: dict[str, Subscription] = {}
        for operation_id in ids:
            if operation_id not in subs:
                subs[operation_id] = subscription(self, operation_id, timeout=timeout)
        if not subs:
            return []
        futures = {op_id: self.waiter.start(sub) for op_id, sub in subs.items()}
        try:
            await asyncio.wait(futures.values())
        except BaseException:
            await self.waiter.withdraw(subs.values())  # cancelled: nothing is left polling
            raise
        await self.waiter.stop_if_idle()
        return [outcome_of(op_id, futures[op_id], subs[op_id]) for op_id in ids]

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
        check_id("operation_id", operation_id)
        seconds = _validate.seconds("timeout", timeout, 0.001, None)
        hold = _validate.seconds("update_every", update_every, 0.1, MAX_SERVER_WAIT)
        # Client-side pauses are capped at the hold too, so no change goes unseen for longer.
        cap = min(hold, self.max_poll_interval)
        sub = self.waiter.subscribe(
            operation_id,
            timeout=seconds,
            hold=hold,
            first_pause=min(self.poll_interval, cap),
            max_pause=cap,
            every_answer=True,
        )
        return _Watch(self.waiter, sub)


def subscription(
    poller: OperationPoller,
    operation_id: str,
    timeout: float = DEFAULT_WAIT_TIMEOUT,
    poll_interval: float | None = None,
) -> Subscription:
    """A wait on ``operation_id`` at ``poller``'s pace, its arguments checked now; the
    poller's ``waiter`` runs it (``start``/``next``)."""
    check_id("operation_id", operation_id)
    seconds = _validate.seconds("timeout", timeout, 0.001, None)
    first = (
        poller.poll_interval
        if poll_interval is None
        else _validate.seconds("poll_interval", poll_interval, 0.001, 3600)
    )
    return poller.waiter.subscribe(
        operation_id,
        timeout=seconds,
        hold=MAX_SERVER_WAIT,
        first_pause=first,
        max_pause=max(first, poller.max_poll_interval),
    )


class _Watch:
    """Async iterator over an operation's distinct states, ending after the terminal one.

    Polls only while a step is awaited, so an iteration left unfinished costs nothing.
    """

    def __init__(self, waiter: OperationWaiter, sub: Subscription) -> None:
        self._waiter = waiter
        self._sub = sub
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
            operation = await self._waiter.next(self._sub)
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


def completed(operation: AsyncOperationResponse) -> AsyncOperationResponse:
    """The terminal ``operation`` if it completed; OperationFailedError if it failed."""
    if operation.status == OperationStatus.FAILED:
        raise failed_error(operation)
    return operation


def outcome_of(
    operation_id: str, future: asyncio.Future[AsyncOperationResponse], sub: Subscription
) -> OperationOutcome:
    """The outcome of a finished wait (its future is done)."""
    error = future.exception()
    if error is None:
        operation = future.result()
        if operation.status == OperationStatus.FAILED:
            return OperationOutcome(operation_id, operation, failed_error(operation))
        return OperationOutcome(operation_id, operation)
    if not isinstance(error, Exception):
        raise error
    return OperationOutcome(operation_id, sub.last, error)


def _operation_ids(values: object) -> list[str]:
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable):
        raise validation_error("operation_ids", "an iterable of operation ids", values)
    ids = list(values)
    for index, value in enumerate(ids):
        check_id(f"operation_ids[{index}]", value)
    return ids


def failed_error(operation: AsyncOperationResponse) -> OperationFailedError:
    reason = operation.error or "no error message"
    return OperationFailedError(
        f"operation {operation.id} ({operation.type}) failed: {reason}", operation=operation
    )
