"""Client-side argument checks: ArdentValidationError naming the field, before anything is sent.

The one validation module: the services, the poller, the agent tools and the legacy configs
check their arguments here. It imports nothing of the SDK but its errors, so any module can use it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, TypeGuard, TypeVar

from ardent_async.errors import ArdentValidationError, validation_error

T = TypeVar("T")


def refusal(
    name: str, expected: str, value: object, *, hide: bool = False
) -> ArdentValidationError:
    """The error refusing ``value``; with ``hide`` it names only the value's type (secrets)."""
    if hide:
        if isinstance(value, str) and not value.strip():
            shown = "an empty string"
        elif isinstance(value, (list, tuple)) and not value:
            shown = "an empty list"
        else:
            shown = type(value).__name__
        return ArdentValidationError(f"{name}: expected {expected}, got {shown}", field=name)
    return validation_error(name, expected, value)


def is_integer(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: object) -> TypeGuard[float]:
    """An int or float, not a bool and not NaN (infinities pass; callers bound them)."""
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    return numeric and value == value


def length(name: str, value: str, *, minimum: int | None = None, maximum: int | None = None) -> str:
    """``value`` if its length is within the bounds (the refusal gives the length, not the text)."""
    if minimum is not None and len(value) < minimum:
        raise validation_error(name, f"at least {minimum} characters", f"{len(value)} characters")
    if maximum is not None and len(value) > maximum:
        raise validation_error(name, f"at most {maximum} characters", f"{len(value)} characters")
    return value


def text(name: str, value: object, *, max_length: int | None = None, hide: bool = False) -> str:
    """A non-empty string (optionally at most ``max_length`` characters); with ``hide`` a
    refusal names only the value's type (secrets)."""
    if not isinstance(value, str) or not value.strip():
        raise refusal(name, "a non-empty string", value, hide=hide)
    return length(name, value, maximum=max_length)


def optional_text(name: str, value: object, *, max_length: int | None = None) -> str | None:
    return None if value is None else text(name, value, max_length=max_length)


def flag(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise validation_error(name, "True or False", value)
    return value


def number(
    name: str, value: object, *, minimum: float | None = None, maximum: float | None = None
) -> float:
    if not is_number(value):
        raise validation_error(name, "a number", value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        lo = "-inf" if minimum is None else f"{minimum:g}"
        hi = "inf" if maximum is None else f"{maximum:g}"
        raise validation_error(name, f"a number in [{lo}, {hi}]", value)
    return float(value)


def seconds(name: str, value: object, minimum: float, maximum: float | None = None) -> float:
    """A number of seconds in [``minimum``, ``maximum``] (no bound above when None)."""
    if not is_number(value):
        raise validation_error(name, "a number of seconds", value)
    if value < minimum or (maximum is not None and value > maximum):
        upper = "" if maximum is None else f" and <= {maximum:g}"
        raise validation_error(name, f"a number of seconds >= {minimum:g}{upper}", value)
    return float(value)


def string_list(name: str, value: object) -> list[str]:
    # A mapping is a collection of its keys: taking it for a list would hide the mistake.
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Collection):
        raise validation_error(name, "a list of strings", value)
    items = list(value)
    for index, item in enumerate(items):
        if not isinstance(item, str) or not item:
            raise validation_error(f"{name}[{index}]", "a non-empty string", item)
    return items


def choice(name: str, value: object, allowed: Collection[str]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise validation_error(name, "one of " + ", ".join(sorted(allowed)), value)
    return value


def integer(
    name: str, value: object, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    if not is_integer(value):
        raise validation_error(name, "an integer", value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        lo = "-inf" if minimum is None else str(minimum)
        hi = "inf" if maximum is None else str(maximum)
        raise validation_error(name, f"an integer in [{lo}, {hi}]", value)
    return value


def mapping(name: str, value: object) -> dict[str, Any]:
    """A non-empty mapping with string keys. The value is never echoed: it may hold secrets."""
    if not isinstance(value, Mapping):
        raise refusal(name, "a mapping", value, hide=True)
    if not value:
        raise ArdentValidationError(f"{name}: expected a non-empty mapping, got {{}}", field=name)
    for key in value:
        if not isinstance(key, str) or not key:
            raise validation_error(f"{name} keys", "non-empty strings", key)
    return dict(value)


def email(name: str, value: object) -> str:
    """A plausible email address (one '@', no spaces); the server has the final word."""
    address = text(name, value)
    local, _, domain = address.partition("@")
    if not local or "." not in domain or "@" in domain or any(c.isspace() for c in address):
        raise validation_error(name, "an email address", value)
    return address


def header_text(name: str, value: object) -> str:
    """A value sent as an HTTP header: non-empty printable ASCII, no control characters.

    No length limit: the published spec sets none (the server has the final word)."""
    value = text(name, value)
    if not value.isascii() or not value.isprintable():
        raise validation_error(name, "printable ASCII (it is sent as an HTTP header)", value)
    return value
