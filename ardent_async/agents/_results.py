"""Tool results as plain JSON data, with secrets masked before a model (or a log) can see them.

Which fields are secret comes from the spec (``x-sensitive``): connection URLs such as
``branch_url`` keep user, host and database but lose their password, unless the tools were made
with ``reveal_connection_urls=True``; other secrets (API keys, connection details) are always
masked, and so is anything else that looks like a password or token.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import attrs

from ardent_async._core._redact import MASK, redact_text, redact_value
from ardent_async.agents._spec_schemas import sensitive_fields
from ardent_async.errors import (
    ArdentAPIError,
    ArdentError,
    ArdentValidationError,
    OperationFailedError,
    OperationTimeoutError,
)

__all__ = ["error_data", "masked", "plain"]


def plain(value: Any) -> Any:
    """JSON-ready data: models as dicts (``None`` fields left out, ``extra`` fields merged in),
    date-times as ISO 8601 strings, enums as their values."""
    if attrs.has(type(value)):
        data: dict[str, Any] = {}
        extra: Mapping[str, Any] = {}
        for field in attrs.fields(type(value)):
            item = getattr(value, field.name)
            if field.name == "extra" and isinstance(item, Mapping):
                extra = item
            elif item is not None:
                data[field.name] = plain(item)
        for key, item in extra.items():
            data.setdefault(str(key), plain(item))
        return data
    if isinstance(value, enum.Enum):
        return plain(value.value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def masked(data: Any, *, reveal_connection_urls: bool) -> Any:
    """``data`` (from :func:`plain`) with secrets masked."""
    urls, secrets = sensitive_fields()
    return _mask(data, urls, secrets, reveal_connection_urls)


def _mask(data: Any, urls: frozenset[str], secrets: frozenset[str], reveal: bool) -> Any:
    if isinstance(data, dict):
        out: dict[str, Any] = {}
        for key, value in data.items():
            if key in urls and isinstance(value, str):
                out[key] = value if reveal else redact_text(value)
            elif key in secrets and isinstance(value, dict):
                # Structured secrets (connection details, an operation's result) keep their
                # shape (host, port, branch_id...) minus the secret values.
                out[key] = _mask(value, urls, secrets, reveal)
            elif (key in secrets or _is_secret_key(key)) and value is not None:
                out[key] = MASK
            else:
                out[key] = _mask(value, urls, secrets, reveal)
        return out
    if isinstance(data, list):
        return [_mask(item, urls, secrets, reveal) for item in data]
    if isinstance(data, str):
        return redact_text(data)
    return data


def _is_secret_key(key: str) -> bool:
    # The list of secret-looking keys (password, token...) lives in _redact alone; ask it.
    return bool(redact_value({key: 0})[key] == MASK)


def error_data(exc: ArdentError, *, reveal_connection_urls: bool) -> dict[str, Any]:
    """What a model is told about a failed call: the error's kind and message, and the details
    that help it decide what to do next (status, the bad argument, the operation's state)."""
    error: dict[str, Any] = {"type": type(exc).__name__, "message": redact_text(str(exc))}
    if isinstance(exc, ArdentAPIError) and exc.status_code is not None:
        error["status_code"] = exc.status_code
    if isinstance(exc, ArdentValidationError) and exc.field is not None:
        error["argument"] = exc.field
    sqlstate = getattr(exc, "sqlstate", None)
    if isinstance(sqlstate, str):
        error["sqlstate"] = sqlstate
    if isinstance(exc, (OperationFailedError, OperationTimeoutError)) and exc.operation:
        error["operation"] = masked(
            plain(exc.operation), reveal_connection_urls=reveal_connection_urls
        )
    return {"error": error}
