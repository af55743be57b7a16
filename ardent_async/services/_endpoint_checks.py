"""Argument checks of ``client.endpoints`` (``ardent_async._spec.endpoint_calls``).

Those calls are generated one per operation and send exactly what the spec describes, so they
check exactly what the spec says: the body is the operation's request model, each query value
has its schema's type, enum and bounds (codegen passes the limits as the constants it emits:
one fact, one place), and an idempotency key is a valid header value. A refusal is an
ArdentValidationError naming the argument, raised before anything is sent.

The services (``client.branches``...) check their own arguments and send rows through
``services/_endpoint.send`` directly: nothing here is on their path.
"""

from __future__ import annotations

from collections.abc import Collection

from ardent_async._core import _validate
from ardent_async.errors import validation_error


def body(value: object, model: type[object], *, optional: bool = False) -> None:
    """``value`` is an instance of ``model`` (or None when the body is optional)."""
    if value is None and optional:
        return
    if not isinstance(value, model):
        raise validation_error("body", f"a {model.__name__}", value)


def text(
    name: str,
    value: object,
    *,
    optional: bool = False,
    min_length: int | None = None,
    max_length: int | None = None,
    values: Collection[str] | None = None,
) -> None:
    """A query string of the schema's lengths and, for an ``enum``, one of its values."""
    if value is None and optional:
        return
    if not isinstance(value, str):
        raise validation_error(name, "a string", value)
    if values is not None:
        _validate.choice(name, value, values)
    _validate.length(name, value, minimum=min_length, maximum=max_length)


def flag(name: str, value: object, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    _validate.flag(name, value)


def number(
    name: str,
    value: object,
    *,
    optional: bool = False,
    minimum: float | None = None,
    maximum: float | None = None,
) -> None:
    if value is None and optional:
        return
    _validate.number(name, value, minimum=minimum, maximum=maximum)


def integer(
    name: str,
    value: object,
    *,
    optional: bool = False,
    minimum: int | None = None,
    maximum: int | None = None,
) -> None:
    if value is None and optional:
        return
    _validate.integer(name, value, minimum=minimum, maximum=maximum)


def idempotency_key(value: object) -> None:
    """The key is sent as a header: the services' own check (``_validate.header_text``)."""
    if value is not None:
        _validate.header_text("idempotency_key", value)
