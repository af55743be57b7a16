"""Path building: ids are checked and percent-quoted once, here, so no id can reach another path."""

from __future__ import annotations

from urllib.parse import quote

from ardent_async.errors import validation_error

_FORBIDDEN = frozenset("/\\")


def check_id(name: str, value: object) -> str:
    """Return ``value`` if it is a usable resource id, else raise ArdentValidationError."""
    if not isinstance(value, str):
        raise validation_error(name, "a non-empty string id", value)
    if not value.strip():
        raise validation_error(name, "a non-empty string id", value)
    if value in (".", "..") or _FORBIDDEN.intersection(value):
        raise validation_error(name, "an id without '/', '\\' or dot segments", value)
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        raise validation_error(name, "an id without control characters", value)
    return value


def expand(template: str, **ids: str) -> str:
    """Fill ``{name}`` placeholders of ``template`` with checked, quoted ids."""
    quoted = {name: quote(check_id(name, value), safe="") for name, value in ids.items()}
    return template.format_map(quoted)
