"""Request bodies: JSON decoding and validation into the SDK's generated request models.

Decoding reuses the SDK's converter, so a body the client would build is exactly a body the
emulator accepts. Failures answer 422 with FastAPI-style ``{"loc", "msg", "type"}`` entries.
"""

from __future__ import annotations

import json
import re
from typing import Any, TypeVar

from aiohttp import web

from ardent_async._converter import converter
from ardent_async._spec.constants import STRING_LENGTHS
from ardent_async.errors import ArdentResponseError

from .http_errors import ApiError, invalid, issue

T = TypeVar("T")

MAX_BODY_BYTES = 1024 * 1024
_PATH_PART = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\['([^']*)'\]")


async def read_json(request: web.Request) -> Any:
    """The request's JSON body; 422 for a missing or malformed body."""
    raw = await request.read()
    if len(raw) > MAX_BODY_BYTES:
        raise ApiError(413, "Request body too large")
    if not raw.strip():
        raise invalid(["body"], "Field required", "missing")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        position = getattr(exc, "pos", 0)
        raise invalid(["body", position], "JSON decode error", "json_invalid") from None


def parse_model(
    data: Any,
    model: type[T],
    *,
    missing_status: int = 422,
) -> T:
    """Validate ``data`` as ``model``, string lengths included (the spec's bounds for the schema
    of that name); ``missing_status`` 400 answers a missing required field with a plain
    ``detail`` string."""
    if not isinstance(data, dict):
        raise invalid(
            ["body"], "Input should be a valid dictionary or object", "model_attributes_type"
        )
    try:
        value: T = converter.structure(data, model)
    except ArdentResponseError as exc:
        loc = ["body", *_loc(exc.path or "", model.__name__)]
        missing = "required field missing" in str(exc)
        if missing and missing_status != 422:
            raise ApiError(
                missing_status, f"Missing required field: {'.'.join(map(str, loc[1:]))}"
            ) from None
        if missing:
            raise ApiError(422, [issue(loc, "Field required", "missing")]) from None
        message = str(exc).rpartition(": ")[2] or "invalid value"
        raise ApiError(422, [issue(loc, message.capitalize(), "type_error")]) from None
    for (schema, field), (low, high) in STRING_LENGTHS.items():
        text = data.get(field) if schema == model.__name__ else None
        if isinstance(text, str) and not low <= len(text) <= high:
            kind = "string_too_short" if len(text) < low else "string_too_long"
            bound = f"at least {low}" if len(text) < low else f"at most {high}"
            raise invalid(["body", field], f"String should have {bound} characters", kind)
    return value


def _loc(path: str, root: str) -> list[str | int]:
    """``CreateProjectRequest.name`` -> ``["name"]``; ``X.decisions['a.b']`` -> ``[..., "a.b"]``."""
    rest = path[len(root) :] if path.startswith(root) else path
    parts: list[str | int] = []
    for match in _PATH_PART.finditer(rest):
        name, index, key = match.groups()
        if name is not None:
            parts.append(name)
        elif index is not None:
            parts.append(int(index))
        else:
            parts.append(key)
    return parts


def query_flag(request: web.Request, name: str, default: bool = False) -> bool:
    """A boolean query parameter (``true/false/1/0/yes/no``); 422 for anything else."""
    raw = request.query.get(name)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in ("true", "1", "yes", "on"):
        return True
    if lowered in ("false", "0", "no", "off"):
        return False
    raise invalid(["query", name], "Input should be a valid boolean", "bool_parsing")


def query_text(request: web.Request, name: str, *, required: bool) -> str | None:
    raw = request.query.get(name)
    if raw is None and required:
        raise invalid(["query", name], "Field required", "missing")
    return raw
