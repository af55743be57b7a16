"""Reply bodies built from the SDK's generated models, so client and emulator cannot drift.

Encoded here, not by the SDK's converter: the emulator shares the models, never the code that
decodes them.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import attrs
from aiohttp import web


def payload(value: Any) -> Any:
    """JSON-ready data of a model (its ``extra`` fields merged in, at every level), a list or
    mapping of them, or plain data; datetimes become ISO 8601 text, enums their values."""
    if attrs.has(type(value)):
        data: dict[str, Any] = {}
        extra: Any = None
        for field in attrs.fields(type(value)):
            item = getattr(value, field.name)
            if field.name == "extra":
                extra = item
            else:
                data[field.name] = payload(item)
        if extra:
            data.update(payload(extra))
        return data
    if isinstance(value, Mapping):
        return {key: payload(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [payload(item) for item in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def encode(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()


def reply(value: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    """A JSON response of a model, a list of models, or plain JSON data."""
    return web.Response(
        status=status,
        body=encode(payload(value)),
        content_type="application/json",
        headers=headers,
    )


def no_content() -> web.Response:
    return web.Response(status=204)
