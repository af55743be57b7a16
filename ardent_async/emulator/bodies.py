"""Request bodies: JSON decoding, checking against the spec's request schemas, and building the
generated request models.

The emulator checks bodies itself (``request_schema``, against the spec's schema of the
model's name), not with the SDK's decoder: an emulator sharing the SDK's decoder could not
catch the SDK's decoding bugs. Failures answer 422 with FastAPI-style ``{"loc", "msg",
"type"}`` entries, whose messages never quote the value sent (it may be a password).
"""

from __future__ import annotations

import enum
import json
import typing
from typing import Any, TypeVar

import attrs
from aiohttp import web

from ardent_async._spec import load_spec

from .http_errors import ApiError, invalid
from .request_schema import schema_problems

T = TypeVar("T")

MAX_BODY_BYTES = 1024 * 1024


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


def parse_model(data: Any, model: type[T], *, missing_status: int = 422) -> T:
    """``data`` checked against the spec's schema named ``model.__name__``, as a ``model``.

    ``missing_status`` 400 answers a missing required field with a plain ``detail`` string
    (``Missing required field: name``), as the branch create does.
    """
    if not isinstance(data, dict):
        raise invalid(
            ["body"], "Input should be a valid dictionary or object", "model_attributes_type"
        )
    problems = body_problems(data, model.__name__)
    if problems:
        first = problems[0]
        if missing_status != 422 and first["type"] == "missing":
            field = ".".join(map(str, first["loc"][1:]))
            raise ApiError(missing_status, f"Missing required field: {field}")
        raise ApiError(422, problems)
    return build_model(model, data)


def body_problems(data: Any, schema_name: str) -> list[dict[str, Any]]:
    """The validation entries for ``data`` against the spec's schema ``schema_name``."""
    schemas = load_spec()["components"]["schemas"]
    if schema_name not in schemas:
        raise LookupError(f"the spec has no schema {schema_name!r} to check a body against")
    return list(schema_problems(data, schemas[schema_name], ["body"]))


def build_model(model: type[T], data: dict[str, Any]) -> T:
    """``model`` from checked JSON data: nested models and enums built from their fields, keys
    the model does not declare kept in its ``extra`` (when it has one)."""
    fields = attrs.fields_dict(model)  # type: ignore[arg-type]
    hints = typing.get_type_hints(model)
    known = {
        name: _leaf(hints[name], value)
        for name, value in data.items()
        if name in fields and name != "extra"
    }
    if "extra" in fields:
        known["extra"] = {
            name: value for name, value in data.items() if name not in fields or name == "extra"
        }
    return model(**known)


def _leaf(hint: Any, value: Any) -> Any:
    for candidate in (hint, *typing.get_args(hint)):
        if isinstance(value, dict) and attrs.has(candidate):
            return build_model(candidate, value)
        if (
            isinstance(value, str)
            and isinstance(candidate, type)
            and issubclass(candidate, enum.Enum)
        ):
            return candidate(value)
    return value


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
