"""Path building: ids are checked and percent-quoted once, here, so no id can reach another path."""

from __future__ import annotations

import re
from urllib.parse import quote

from ardent_async.errors import validation_error

# Ids made only of these need no quoting (the common case, kept fast).
_PLAIN_ID = re.compile(r"[A-Za-z0-9_\-~]+(?:\.[A-Za-z0-9_\-~]+)*")
_SEPARATOR = re.compile(r"[/\\]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def check_id(name: str, value: object) -> str:
    """Return ``value`` if it is a usable resource id, else raise ArdentValidationError."""
    if type(value) is str and _PLAIN_ID.fullmatch(value):
        return value
    if not isinstance(value, str) or not value.strip():
        raise validation_error(name, "a non-empty string id", value)
    if value in (".", "..") or _SEPARATOR.search(value):
        raise validation_error(name, "an id without '/', '\\' or dot segments", value)
    if _CONTROL.search(value):
        raise validation_error(name, "an id without control characters", value)
    return value


def segment(name: str, value: object) -> str:
    """``value`` as one path segment: a checked id, percent-quoted (``name`` is the argument
    an error names). Services build paths as f-strings of these."""
    if type(value) is str and (
        # The usual id (``proj_123``) passes the two C checks; others go through the pattern.
        (value.isascii() and value.isidentifier()) or _PLAIN_ID.fullmatch(value)
    ):
        return value
    return quote(check_id(name, value), safe="")
