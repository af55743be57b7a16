"""Event hooks: what the client tells ``ArdentClient(event_hooks=...)`` while it works.

::

    def show(event: RequestEvent) -> None:
        print(event.method, event.url, "attempt", event.attempt)

    client = ArdentClient(event_hooks={"request": [show], "retry": [on_retry]})

Four kinds of event, each a frozen object: ``request`` (an HTTP attempt is about to be sent),
``response`` (it ended: a status, or the error that ended it), ``retry`` (the client will
send it again after ``delay`` seconds) and ``operation`` (an operation the client waited for
reached ``completed`` or ``failed``). A hook is a plain function or a coroutine function
taking the event; coroutines are awaited before the call goes on. A hook that raises is
logged (logger ``ardent_async.hooks``) and never breaks the call.

Every URL, header and error text in an event is redacted (no token, key or password); the
request and response bodies are not part of the events.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence

import attrs
from typing_extensions import TypedDict

__all__ = [
    "EventHooks",
    "OperationEvent",
    "RequestEvent",
    "ResponseEvent",
    "RetryEvent",
]


@attrs.frozen
class RequestEvent:
    """An HTTP attempt about to be sent. ``attempt`` counts from 1 (2 is the first resend).

    ``call`` is the public call it belongs to (``"branches.create_and_wait"``), or None.
    """

    method: str
    url: str
    attempt: int
    call: str | None


@attrs.frozen
class ResponseEvent:
    """An HTTP attempt that ended: ``status_code`` (None when no response came, then
    ``error_type`` names the failure), ``elapsed`` seconds, the response ``headers``
    (credentials masked) and ``replayed`` (the server replayed an idempotent create)."""

    method: str
    url: str
    attempt: int
    call: str | None
    status_code: int | None
    elapsed: float
    headers: Mapping[str, str]
    replayed: bool
    error_type: str | None


@attrs.frozen
class RetryEvent:
    """Attempt ``attempt`` will be sent again after ``delay`` seconds.

    ``reason`` is the HTTP status (``"503"``) or the failure (``"connection"``, ``"timeout"``);
    ``retry_after`` is True when the delay is the server's ``Retry-After``. Polls of the
    shared waiter (``operations.wait`` and the waits of ``create_and_wait``/``create_many``)
    are retried against their deadline and reported here too.
    """

    method: str
    url: str
    attempt: int
    call: str | None
    reason: str
    delay: float
    retry_after: bool


@attrs.frozen
class OperationEvent:
    """An operation the client waited for ended: ``status`` ``completed`` or ``failed``.

    ``waited`` seconds since the wait began (right after the operation was submitted, for
    ``create_and_wait`` and ``create_many``), ``polls`` the polls it took, ``error`` the
    operation's own error message (redacted), if any.
    """

    operation_id: str
    operation_type: str
    status: str
    waited: float
    polls: int
    error: str | None
    call: str | None


class EventHooks(TypedDict, total=False):
    """``event_hooks=``: a list of hooks per kind of event (each may be a coroutine function)."""

    request: Sequence[Callable[[RequestEvent], Awaitable[object] | object]]
    response: Sequence[Callable[[ResponseEvent], Awaitable[object] | object]]
    retry: Sequence[Callable[[RetryEvent], Awaitable[object] | object]]
    operation: Sequence[Callable[[OperationEvent], Awaitable[object] | object]]
