"""Public calls as scopes: each service method wrapped once, when the client is built.

The wrapper is a plain function that hands back the method's own coroutine when nothing
records (or when it runs inside another public call: ``create_and_wait`` calls ``create``,
and that is one call), so an idle client pays one function call and one check per call.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import AsyncIterator, Callable, Coroutine
from contextvars import Context, copy_context
from typing import Any, Protocol, TypeVar

from ardent_async._core._telemetry._attributes import ARGUMENT_ATTRIBUTES
from ardent_async._core._telemetry._scope import CallScope, Telemetry, current_call

__all__ = ["instrument_service"]

# Calls whose ``name`` argument names a branch (recorded as ``ardent.branch.name``).
_BRANCH_NAMED = frozenset(
    {"branches.create", "branches.create_and_wait", "branches.create_or_reuse"}
)
# Plain methods that hand back an async iterator whose polls belong to the call: the call
# lasts until the iteration ends.
_ITERATIONS = frozenset({"operations.watch"})
# Plain methods that hand back a stream doing its work in tasks of its own (a fan-out): the
# stream is told the call it belongs to, and ends it when it ends.
_STREAMS = frozenset({"branches.create_iter"})


class Recordable(Protocol):
    """A stream that runs as a recorded call (``BranchStream``)."""

    def record(self, scope: CallScope, context: Context) -> None: ...


R = TypeVar("R", bound=Recordable)


def instrument_service(service: object, resource: str, telemetry: Telemetry) -> None:
    """Wrap every public coroutine method of ``service`` (``client.<resource>``) in a scope."""
    for name, member in inspect.getmembers(type(service), inspect.isfunction):
        call = f"{resource}.{name}"
        if name.startswith("_"):
            continue
        if inspect.iscoroutinefunction(member):
            setattr(service, name, _scoped(getattr(service, name), call, telemetry))
        elif call in _ITERATIONS:
            setattr(service, name, _scoped_iteration(getattr(service, name), call, telemetry))
        elif call in _STREAMS:
            setattr(service, name, _scoped_stream(getattr(service, name), call, telemetry))


def _scoped(
    method: Callable[..., Coroutine[Any, Any, Any]], call: str, telemetry: Telemetry
) -> Callable[..., Coroutine[Any, Any, Any]]:
    recorded = _recorded_parameters(method, call)
    live = telemetry.live

    def run(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Coroutine[Any, Any, Any]:
        if not live() or current_call() is not None:
            return method(*args, **kwargs)
        attributes = _attributes(recorded, args, kwargs)
        return telemetry.call(call, attributes).run(method(*args, **kwargs))

    unset = telemetry.global_records()
    if unset is None:  # records already, or the API cannot tell us cheaply: live() decides

        @functools.wraps(method)
        def scoped(*args: Any, **kwargs: Any) -> Coroutine[Any, Any, Any]:
            return run(args, kwargs)

    else:
        tracing, metering = unset

        @functools.wraps(method)
        def scoped(*args: Any, **kwargs: Any) -> Coroutine[Any, Any, Any]:
            # Idle until the application sets a global provider: two reads, then the method's
            # own coroutine (every call of an idle client runs this).
            if tracing._TRACER_PROVIDER is None and metering._METER_PROVIDER is None:
                return method(*args, **kwargs)
            return run(args, kwargs)

    # It returns the coroutine it does not await itself; say so where Python can (3.12+), so
    # inspect.iscoroutinefunction still holds for the method.
    mark = getattr(inspect, "markcoroutinefunction", None)
    return scoped if mark is None else mark(scoped)


def _scoped_iteration(
    method: Callable[..., AsyncIterator[Any]], call: str, telemetry: Telemetry
) -> Callable[..., AsyncIterator[Any]]:
    recorded = _recorded_parameters(method, call)

    @functools.wraps(method)
    def scoped(*args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        if not telemetry.live() or current_call() is not None:
            return method(*args, **kwargs)
        scope = telemetry.call(call, _attributes(recorded, args, kwargs))
        return scope.iterate(method, args, kwargs)

    return scoped


def _scoped_stream(method: Callable[..., R], call: str, telemetry: Telemetry) -> Callable[..., R]:
    recorded = _recorded_parameters(method, call)

    @functools.wraps(method)
    def scoped(*args: Any, **kwargs: Any) -> R:
        if not telemetry.live() or current_call() is not None:
            return method(*args, **kwargs)
        scope = telemetry.call(call, _attributes(recorded, args, kwargs))
        context = copy_context()
        stream = context.run(scope.open, method, args, kwargs)
        stream.record(scope, context)
        return stream

    return scoped


def _attributes(
    recorded: list[tuple[int, str, str]], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> dict[str, str | int]:
    attributes: dict[str, str | int] = {}
    for index, name, key in recorded:
        value = kwargs.get(name) if index >= len(args) else args[index]
        if isinstance(value, str):
            attributes[key] = value
    return attributes


def _recorded_parameters(method: Callable[..., Any], call: str) -> list[tuple[int, str, str]]:
    """(position, name, attribute) of the parameters whose values go on the call's span."""
    keys = dict(ARGUMENT_ATTRIBUTES)
    if call in _BRANCH_NAMED:
        keys["name"] = "ardent.branch.name"
    recorded = []
    for index, parameter in enumerate(inspect.signature(method).parameters.values()):
        if parameter.name in keys:
            position = index if parameter.kind is parameter.POSITIONAL_OR_KEYWORD else 1 << 30
            recorded.append((position, parameter.name, keys[parameter.name]))
    return recorded
