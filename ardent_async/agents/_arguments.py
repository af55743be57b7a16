"""Check a tool call's arguments against the tool's JSON Schema before anything is sent.

Models produce arguments; a wrong one should come back as a message that names the argument and
says what was expected, so the model can correct itself. Only the keywords in
``VALIDATION_KEYWORDS`` are used by the tool schemas, and all of them are enforced here (a small
checker: JSON Schema libraries are not a runtime dependency of the SDK). The checks themselves
(types, lengths, refusals that hide secrets) are the services' own, from ``services._validate``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from ardent_async._core import _validate
from ardent_async.errors import ArdentValidationError, validation_error

__all__ = ["check_arguments", "parse_arguments"]

_JSON_TYPE_NAMES = {
    "object": "an object",
    "array": "an array",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


def parse_arguments(tool: str, arguments: object) -> dict[str, Any]:
    """Arguments as a dict: a mapping as is, a JSON object text parsed (OpenAI sends text)."""
    if arguments is None:
        return {}
    if isinstance(arguments, (str, bytes)):
        text = arguments.decode("utf-8", "replace") if isinstance(arguments, bytes) else arguments
        if not text.strip():
            return {}
        try:
            arguments = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ArdentValidationError(
                f"{tool}: arguments are not valid JSON ({exc.msg} at position {exc.pos})",
                field="arguments",
            ) from None
    if not isinstance(arguments, Mapping):
        raise validation_error("arguments", "a JSON object of named arguments", arguments)
    return dict(arguments)


def check_arguments(
    schema: Mapping[str, Any], arguments: Mapping[str, Any], *, secret: frozenset[str]
) -> dict[str, Any]:
    """The arguments with ``null`` ones dropped (null means "not given"), after checking them.

    Raises ArdentValidationError naming the first bad argument (``field``: its path, like
    ``selected_schemas[2]``). Values of arguments named in ``secret`` are never echoed.
    """
    given = {k: v for k, v in arguments.items() if v is not None}
    _check(schema, given, "", hide=False, secret=secret)
    return given


def _check(
    schema: Mapping[str, Any], value: Any, path: str, *, hide: bool, secret: frozenset[str]
) -> None:
    _check_type_and_enum(schema, value, path, hide)
    if isinstance(value, Mapping):
        _check_object(schema, value, path, hide=hide, secret=secret)
    elif isinstance(value, (list, tuple)) and isinstance(schema.get("items"), Mapping):
        for index, item in enumerate(value):
            _check(schema["items"], item, f"{path}[{index}]", hide=hide, secret=secret)
    elif isinstance(value, str):
        _validate.length(
            path or "arguments",
            value,
            minimum=schema.get("minLength"),
            maximum=schema.get("maxLength"),
        )
    elif _is_type(value, "number"):
        _check_bounds(schema, value, path, hide)


def _check_type_and_enum(schema: Mapping[str, Any], value: Any, path: str, hide: bool) -> None:
    types = schema.get("type")
    if types is not None:
        allowed = [types] if isinstance(types, str) else list(types)
        if not any(_is_type(value, t) for t in allowed):
            expected = " or ".join(_JSON_TYPE_NAMES.get(t, t) for t in allowed)
            raise _refuse(path, expected, value, hide)
    if "enum" in schema and value not in schema["enum"]:
        raise _refuse(path, "one of " + ", ".join(map(str, schema["enum"])), value, hide)


def _check_bounds(schema: Mapping[str, Any], value: float, path: str, hide: bool) -> None:
    if "minimum" in schema and value < schema["minimum"]:
        raise _refuse(path, f"a number >= {schema['minimum']:g}", value, hide)
    if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
        raise _refuse(path, f"a number > {schema['exclusiveMinimum']:g}", value, hide)
    if "maximum" in schema and value > schema["maximum"]:
        raise _refuse(path, f"a number <= {schema['maximum']:g}", value, hide)


def _check_object(
    schema: Mapping[str, Any],
    value: Mapping[str, Any],
    path: str,
    *,
    hide: bool,
    secret: frozenset[str],
) -> None:
    properties: Mapping[str, Any] = schema.get("properties", {})
    for name in schema.get("required", []):
        if name not in value:
            field = _join(path, name)
            raise ArdentValidationError(f"{field}: required argument missing", field=field)
    extra_schema = schema.get("additionalProperties", True)
    for name, item in value.items():
        field = _join(path, str(name))
        if not isinstance(name, str):
            raise validation_error(field, "string keys", name)
        hidden = hide or name in secret
        if name in properties:
            _check(properties[name], item, field, hide=hidden, secret=secret)
        elif extra_schema is False:
            known = ", ".join(properties) or "none"
            raise ArdentValidationError(f"{field}: unknown argument (known: {known})", field=field)
        elif isinstance(extra_schema, Mapping):
            _check(extra_schema, item, field, hide=hidden, secret=secret)


def _is_type(value: Any, json_type: str) -> bool:
    if json_type == "object":
        return isinstance(value, Mapping)
    if json_type == "array":
        return isinstance(value, (list, tuple))
    if json_type == "string":
        return isinstance(value, str)
    if json_type == "boolean":
        return isinstance(value, bool)
    if json_type == "integer":
        return _validate.is_integer(value)
    if json_type == "number":
        return _validate.is_number(value) and math.isfinite(value)
    if json_type == "null":
        return value is None
    raise ValueError(f"unsupported JSON Schema type {json_type!r}")


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _refuse(path: str, expected: str, value: Any, hide: bool) -> ArdentValidationError:
    return _validate.refusal(path or "arguments", expected, value, hide=hide)
