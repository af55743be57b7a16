"""What the client records while it works: one scope per public call, one per HTTP attempt.

A :class:`Telemetry` exists only when something listens (OpenTelemetry's API is installed
and not turned off, or event hooks were given); without one, the pipeline, the waiter and the
services run exactly as they would without this module. With one, each public call checks
once whether anything records right now (:attr:`Telemetry.live`), and the pipeline checks one
context variable per attempt: a call that records runs in a :class:`CallScope`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine, Mapping
from contextvars import ContextVar, copy_context
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar

from ardent_async._core._clock import Clock
from ardent_async._core._redact import mask_url, redact_headers, redact_text
from ardent_async._core._telemetry._attributes import error_name, result_attributes, server_of
from ardent_async._core._telemetry._hooks import Hooks, emit
from ardent_async._spec.endpoints import REPLAY_HEADER
from ardent_async.events import OperationEvent, RequestEvent, ResponseEvent, RetryEvent

if TYPE_CHECKING:
    from opentelemetry.trace import Span

    from ardent_async._core._telemetry._otel import Otel, WaiterState
    from ardent_async._core._transport import Response
    from ardent_async.models import AsyncOperationResponse

__all__ = ["AttemptScope", "CallScope", "Telemetry", "current_call"]

T = TypeVar("T")

_CALL: ContextVar[CallScope | None] = ContextVar("ardent_async_call", default=None)


# The recording call this code runs in (polls of the shared waiter carry their caller's), None
# when nothing records: the context variable's own getter, asked on every request (a C call,
# no Python frame).
current_call: Callable[[], CallScope | None] = _CALL.get


class Telemetry:
    """One client's instrumentation: OpenTelemetry (or None) and event hooks (or None)."""

    __slots__ = ("clock", "hooks", "live", "otel")

    def __init__(self, otel: Otel | None, hooks: Hooks | None, clock: Clock) -> None:
        self.otel = otel
        self.hooks = hooks
        self.clock = clock
        # Whether a call records right now, asked by every public call: decided here which
        # question that is. Hooks always record; OpenTelemetry records once a provider is set
        # (even one set after the client was built), so its own check is asked each call.
        self.live: Callable[[], bool] = _always if hooks is not None or otel is None else otel.live

    def global_records(self) -> tuple[ModuleType, ModuleType] | None:
        """See :meth:`Otel.global_records` (None with hooks: they always record)."""
        if self.hooks is not None or self.otel is None:
            return None
        return self.otel.global_records()

    def with_hooks(self, hooks: Hooks | None) -> Telemetry:
        """A copy whose hooks are these plus ``hooks`` (for ``with_options``)."""
        if hooks is None:
            return self
        merged = hooks if self.hooks is None else self.hooks.merged(hooks)
        return Telemetry(self.otel, merged, self.clock)

    def watch_waiter(self, waiter: WaiterState) -> None:
        if self.otel is not None:
            self.otel.watch_waiter(waiter)

    def call(self, name: str, attributes: Mapping[str, str | int]) -> CallScope:
        """A scope for the public call ``name`` (``"branches.create_and_wait"``)."""
        return CallScope(self, name, attributes)


def _always() -> bool:
    return True


class CallScope:
    """One public call: its span (when tracing), its hooks' ``call`` name, its start time."""

    __slots__ = ("attributes", "name", "parent", "span", "started", "telemetry")

    def __init__(
        self,
        telemetry: Telemetry,
        name: str,
        attributes: Mapping[str, str | int],
        parent: CallScope | None = None,
    ) -> None:
        self.telemetry = telemetry
        self.name = name
        self.attributes = dict(attributes)
        self.parent = parent
        self.span: Span | None = None
        self.started = 0.0

    @property
    def call_name(self) -> str:
        """The public call, for hooks (a fan-out's branch reports its fan-out's)."""
        return self.parent.call_name if self.parent is not None else self.name

    async def run(self, work: Coroutine[Any, Any, T]) -> T:
        """Await ``work`` as this call: its span current, its attempts and waits under it."""
        otel = self.telemetry.otel
        self.started = self.telemetry.clock.monotonic()
        token = None
        if otel is not None and otel.tracer is not None:
            self.span, token = otel.start_call(f"ardent.{self.name}")
            self.span.set_attributes(self.attributes)
        reset = _CALL.set(self)
        error: BaseException | None = None
        try:
            result = await work
            self.note_result(result)
            return result
        except BaseException as exc:
            error = exc
            raise
        finally:
            _CALL.reset(reset)
            if otel is not None and self.span is not None:
                otel.deactivate(token)
                otel.end(self.span, error)

    def iterate(
        self,
        method: Callable[..., AsyncIterator[T]],
        args: tuple[Any, ...],
        kwargs: Mapping[str, Any],
    ) -> AsyncIterator[T]:
        """``method(*args, **kwargs)``'s iteration as this call, until the iteration ends.

        The method runs in a copy of the caller's context where this call is current, so the
        waits it subscribes carry it; the caller's own context is left as it was (the call
        spans the caller's steps of the iteration, not the code in between).
        """
        context = copy_context()
        iterator = context.run(self.open, method, args, kwargs)
        return _ScopedIteration(self, iterator)

    def open(
        self,
        method: Callable[..., T],
        args: tuple[Any, ...],
        kwargs: Mapping[str, Any],
    ) -> T:
        """Start this call and run ``method`` as it, in the current context (a copy, made by
        the caller: this call stays current in it)."""
        otel = self.telemetry.otel
        self.started = self.telemetry.clock.monotonic()
        if otel is not None and otel.tracer is not None:
            self.span = otel.start_child(f"ardent.{self.name}")
            self.span.set_attributes(self.attributes)
            otel.activate(self.span)  # in the copied context only
        _CALL.set(self)
        return method(*args, **kwargs)

    def set(self, key: str, value: str | int | bool) -> None:
        if self.span is not None:
            self.span.set_attribute(key, value)

    def note_result(self, result: object) -> None:
        """``ardent.*`` attributes from what the call returns (ids and statuses only)."""
        attributes = result_attributes(result)
        if attributes and self.span is not None:
            self.span.set_attributes(attributes)
        if "ardent.branch.id" in attributes:
            self.record_ready()

    def record_ready(self) -> None:
        otel = self.telemetry.otel
        if otel is not None and otel.instruments is not None:
            otel.instruments.time_to_ready.record(self.telemetry.clock.monotonic() - self.started)

    # -- a fan-out's branches --------------------------------------------------------------

    def branch(self, name: str) -> CallScope:
        """A child scope for one branch of a fan-out (its create and its wait)."""
        child = CallScope(self.telemetry, "branch", {"ardent.branch.name": name}, parent=self)
        otel = self.telemetry.otel
        child.started = self.telemetry.clock.monotonic()
        if otel is not None and otel.tracer is not None:
            child.span = otel.start_child("ardent.branch")
            child.span.set_attributes(child.attributes)
        return child

    def enter(self) -> tuple[object, object | None]:
        """Make this (branch) scope current in this task; undo with :meth:`leave`."""
        otel = self.telemetry.otel
        token = None
        if otel is not None and self.span is not None:
            token = otel.activate(self.span)
        return _CALL.set(self), token

    def leave(self, tokens: tuple[object, object | None]) -> None:
        reset, token = tokens
        _CALL.reset(reset)  # type: ignore[arg-type]
        otel = self.telemetry.otel
        if token is not None and otel is not None:
            otel.deactivate(token)

    def finish(self, result: object, error: BaseException | None) -> None:
        """End a branch scope with its outcome."""
        if error is None:
            self.note_result(result)
        otel = self.telemetry.otel
        if otel is not None and self.span is not None:
            otel.end(self.span, error)

    # -- attempts, retries, operations -----------------------------------------------------

    async def attempt(
        self, method: str, url: str, attempt: int, template: str | None = None
    ) -> AttemptScope:
        """An HTTP attempt about to be sent (its span started, its request hooks run).
        ``template``: the path's template (``/v1/projects/{project_id}``) when known."""
        telemetry = self.telemetry
        # Only a URL with user info or a query can hold a password (the regexes cost µs).
        shown = mask_url(url) if "@" in url or "=" in url else url
        scope = AttemptScope(self, method, shown, attempt, telemetry.clock.monotonic())
        otel = telemetry.otel
        if otel is not None and otel.tracer is not None:
            scope.span = otel.start_attempt(method, shown, attempt, template)
        hooks = telemetry.hooks
        if hooks is not None and hooks.request:
            await emit(
                hooks.request, "request", RequestEvent(method, shown, attempt, self.call_name)
            )
        return scope

    async def retry(
        self, method: str, url: str, attempt: int, reason: str, delay: float, retry_after: bool
    ) -> None:
        """Attempt ``attempt`` will be sent again in ``delay`` seconds."""
        telemetry = self.telemetry
        otel = telemetry.otel
        if otel is not None and otel.instruments is not None:
            otel.instruments.retries.add(
                1, {"ardent.retry.reason": reason, "http.request.method": method}
            )
        if retry_after:
            self.set("ardent.retry_after_honoured", True)
        hooks = telemetry.hooks
        if hooks is not None and hooks.retry:
            event = RetryEvent(
                method, mask_url(url), attempt, self.call_name, reason, delay, retry_after
            )
            await emit(hooks.retry, "retry", event)

    async def operation_ended(
        self, operation: AsyncOperationResponse, waited: float, polls: int
    ) -> None:
        """An operation this call waited for reached a terminal state."""
        telemetry = self.telemetry
        status = str(operation.status)
        kind = str(operation.type)
        if self.span is not None:
            self.span.set_attributes(
                {
                    "ardent.operation.id": operation.id,
                    "ardent.operation.type": kind,
                    "ardent.operation.status": status,
                }
            )
        otel = telemetry.otel
        if otel is not None and otel.instruments is not None:
            otel.instruments.operation_duration.record(
                waited, {"ardent.operation.type": kind, "ardent.operation.status": status}
            )
        hooks = telemetry.hooks
        if hooks is not None and hooks.operation:
            error = None if operation.error is None else redact_text(operation.error)
            event = OperationEvent(operation.id, kind, status, waited, polls, error, self.call_name)
            await emit(hooks.operation, "operation", event)


class _ScopedIteration(AsyncIterator[T]):
    """An iteration that ends its call's span when it ends (or fails)."""

    def __init__(self, scope: CallScope, iterator: AsyncIterator[T]) -> None:
        self._scope = scope
        self._iterator = iterator
        self._open = True

    def __aiter__(self) -> _ScopedIteration[T]:
        return self

    async def __anext__(self) -> T:
        try:
            return await self._iterator.__anext__()
        except StopAsyncIteration:
            self._end(None)
            raise
        except BaseException as exc:
            self._end(exc)
            raise

    def _end(self, error: BaseException | None) -> None:
        if self._open:
            self._open = False
            self._scope.finish(None, error)


class AttemptScope:
    """One HTTP attempt of a call: headers to send, then how it ended."""

    __slots__ = ("attempt", "call", "method", "span", "started", "url")

    def __init__(
        self, call: CallScope, method: str, url: str, attempt: int, started: float
    ) -> None:
        self.call = call
        self.method = method
        self.url = url
        self.attempt = attempt
        self.started = started
        self.span: Span | None = None

    def headers(self, headers: Mapping[str, str]) -> Mapping[str, str]:
        """``headers`` plus ``traceparent`` when tracing (and propagation is on)."""
        otel = self.call.telemetry.otel
        if self.span is None or otel is None or not otel.propagate_trace:
            return headers
        return otel.inject(self.span, headers)

    def abandon(self, error: BaseException) -> None:
        """The attempt was cancelled or broke: end its span, nothing else (no hooks)."""
        otel = self.call.telemetry.otel
        if otel is not None and self.span is not None:
            otel.end_attempt(self.span, None, error_name(error))

    async def ended(self, response: Response | None, error: BaseException | None) -> None:
        """The attempt got ``response`` (any status) or failed with ``error``."""
        telemetry = self.call.telemetry
        elapsed = telemetry.clock.monotonic() - self.started
        status = None if response is None else response.status_code
        failure = error_name(error) if error is not None else None
        if failure is None and status is not None and status >= 400:
            failure = str(status)
        replayed = response is not None and response.headers.get(REPLAY_HEADER) == "true"
        otel = telemetry.otel
        if otel is not None:
            if self.span is not None:
                if replayed:
                    self.span.set_attribute("ardent.idempotency.replayed", True)
                    self.call.set("ardent.idempotency.replayed", True)
                otel.end_attempt(self.span, status, failure)
            if otel.instruments is not None:
                otel.instruments.request_duration.record(
                    elapsed, _duration_attributes(self.method, self.url, status, failure)
                )
        hooks = telemetry.hooks
        if hooks is not None and hooks.response:
            headers = {} if response is None else redact_headers(response.headers)
            event = ResponseEvent(
                self.method,
                self.url,
                self.attempt,
                self.call.call_name,
                status,
                elapsed,
                headers,
                replayed,
                failure,
            )
            await emit(hooks.response, "response", event)


def _duration_attributes(
    method: str, url: str, status: int | None, failure: str | None
) -> dict[str, str | int]:
    host, port = server_of(url)
    attributes: dict[str, str | int] = {
        "http.request.method": method,
        "server.address": host,
        "server.port": port,
    }
    if status is not None:
        attributes["http.response.status_code"] = status
    if failure is not None:
        attributes["error.type"] = failure
    return attributes
