"""The emulator's own check of a request body against the spec's request schema.

A small JSON Schema checker for the keywords the spec's request schemas use (``type``,
``properties``, ``required``, ``additionalProperties``, ``items``, ``minLength``,
``maxLength``, ``enum``, ``$ref``), so the API-only emulator needs no extra package. A schema
using any other assertion is refused (:class:`UnsupportedSchemaError`) rather than half-checked;
tests hold this checker to jsonschema's verdicts on every request schema of the spec.

Problems are FastAPI-style ``{"loc", "msg", "type"}`` entries whose messages never quote the
value sent (it may be a password).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ardent_async._spec import dereference

from .http_errors import issue

ASSERTIONS = frozenset(
    {"type", "properties", "required", "additionalProperties", "items", "minLength", "maxLength"}
    | {"enum", "$ref"}
)
ANNOTATIONS = frozenset({"description", "default", "title", "examples", "deprecated"})
# JSON type -> (pydantic-style error type, what the input should be)
TYPE_ERRORS = {
    "string": ("string_type", "a valid string"),
    "integer": ("int_type", "a valid integer"),
    "number": ("float_type", "a valid number"),
    "boolean": ("bool_type", "a valid boolean"),
    "object": ("dict_type", "a valid dictionary"),
    "array": ("list_type", "a valid list"),
    "null": ("none_required", "null"),
}

Loc = Sequence[str | int]


class UnsupportedSchemaError(LookupError):
    """The spec uses a schema keyword this checker does not know (extend it, with a test)."""


def schema_problems(value: Any, schema: Mapping[str, Any], loc: Loc) -> Iterator[dict[str, Any]]:
    """What is wrong with ``value`` under ``schema`` (``$ref``s into the spec followed)."""
    schema = dereference(schema)
    unknown = {k for k in schema if k not in ASSERTIONS | ANNOTATIONS and not k.startswith("x-")}
    if unknown:
        raise UnsupportedSchemaError(f"request schema keywords not checked: {sorted(unknown)}")
    types = schema.get("type")
    if types is not None and not is_type(value, types):
        kind, should = TYPE_ERRORS[_first_non_null(types)]
        yield issue(loc, f"Input should be {should}", kind)
        return
    if "enum" in schema and not any(_same(value, option) for option in schema["enum"]):
        yield issue(loc, f"Input should be {_one_of(schema['enum'])}", "enum")
    if isinstance(value, str):
        yield from _length_problems(value, schema, loc)
    elif isinstance(value, dict):
        yield from _object_problems(value, schema, loc)
    elif isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            yield from schema_problems(item, schema["items"], [*loc, index])


def is_type(value: Any, types: str | Sequence[str]) -> bool:
    """JSON Schema's type test: booleans are not numbers, ``1.0`` is an integer."""
    names = [types] if isinstance(types, str) else types
    return any(_is_one_type(value, name) for name in names)


def _is_one_type(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return name == "boolean"
    if name == "integer":
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if name == "number":
        return isinstance(value, (int, float))
    python = {"string": str, "object": dict, "array": list, "boolean": bool}.get(name)
    return value is None if name == "null" else python is not None and isinstance(value, python)


def _first_non_null(types: str | Sequence[str]) -> str:
    names = [types] if isinstance(types, str) else list(types)
    return next((name for name in names if name != "null"), "null")


def _same(value: Any, option: Any) -> bool:
    if isinstance(value, bool) or isinstance(option, bool):
        return value is option  # JSON equality: true is not 1
    return bool(value == option)


def _one_of(options: Sequence[Any]) -> str:
    quoted = [repr(option) for option in options]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


def _length_problems(text: str, schema: Mapping[str, Any], loc: Loc) -> Iterator[dict[str, Any]]:
    low, high = schema.get("minLength"), schema.get("maxLength")
    if low is not None and len(text) < low:
        yield issue(loc, f"String should have at least {low} characters", "string_too_short")
    if high is not None and len(text) > high:
        yield issue(loc, f"String should have at most {high} characters", "string_too_long")


def _object_problems(
    data: dict[str, Any], schema: Mapping[str, Any], loc: Loc
) -> Iterator[dict[str, Any]]:
    for name in schema.get("required", ()):
        if name not in data:
            yield issue([*loc, name], "Field required", "missing")
    properties: Mapping[str, Any] = schema.get("properties", {})
    others = schema.get("additionalProperties", True)
    for name, item in data.items():
        if name in properties:
            yield from schema_problems(item, properties[name], [*loc, name])
        elif others is False:
            yield issue([*loc, name], "Extra inputs are not permitted", "extra_forbidden")
        elif isinstance(others, Mapping):
            yield from schema_problems(item, others, [*loc, name])
