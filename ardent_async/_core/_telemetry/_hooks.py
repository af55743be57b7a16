"""The application's event hooks: checked once, called in order, never breaking the call."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Iterable, Mapping

from ardent_async.errors import ArdentValidationError, validation_error

__all__ = ["KINDS", "Hooks", "check_event_hooks", "emit"]

logger = logging.getLogger("ardent_async.hooks")

KINDS = ("request", "response", "retry", "operation")

Hook = Callable[[object], object]


class Hooks:
    """The hooks of each kind, as tuples (an empty tuple: none of that kind)."""

    __slots__ = KINDS

    def __init__(self, by_kind: Mapping[str, tuple[Hook, ...]]) -> None:
        self.request = by_kind.get("request", ())
        self.response = by_kind.get("response", ())
        self.retry = by_kind.get("retry", ())
        self.operation = by_kind.get("operation", ())

    def merged(self, other: Hooks | None) -> Hooks:
        """These hooks, then ``other``'s (a ``with_options`` copy adds to the original's)."""
        if other is None:
            return self
        return Hooks({kind: getattr(self, kind) + getattr(other, kind) for kind in KINDS})


def check_event_hooks(value: object, name: str = "event_hooks") -> Hooks | None:
    """``event_hooks=``: a mapping of event kind to callables; None when there are none."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise validation_error(name, "a mapping of event kind to a list of callables", value)
    by_kind: dict[str, tuple[Hook, ...]] = {}
    for kind, hooks in value.items():
        if kind not in KINDS:
            raise ArdentValidationError(
                f"{name}: unknown event kind {kind!r} (kinds: {', '.join(KINDS)})", field=name
            )
        if callable(hooks) or isinstance(hooks, (str, bytes)) or not isinstance(hooks, Iterable):
            raise validation_error(f"{name}[{kind!r}]", "a list of callables", hooks)
        checked = tuple(hooks)
        for index, hook in enumerate(checked):
            if not callable(hook):
                raise validation_error(f"{name}[{kind!r}][{index}]", "a callable", hook)
        if checked:
            by_kind[kind] = checked
    return Hooks(by_kind) if by_kind else None


async def emit(hooks: tuple[Hook, ...], kind: str, event: object) -> None:
    """Call each hook with ``event`` (awaiting coroutines); one that raises is logged."""
    for hook in hooks:
        try:
            reply = hook(event)
            if inspect.isawaitable(reply):
                await reply
        except Exception:
            logger.exception(
                "%s hook %s raised; the call goes on",
                kind,
                getattr(hook, "__qualname__", type(hook).__name__),
                extra={"ardent_event": kind},
            )
