"""Argument schemas read from the OpenAPI spec shipped in the package (``ardent_async._spec``).

Tool schemas are built from the spec's operations (path, query and header parameters, request
body properties) with every ``$ref`` inlined, so each tool's schema stands alone and changes with
the spec instead of drifting from a hand-copied version.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

import attrs

from ardent_async._spec import load_spec, ref_target
from ardent_async._spec.endpoints import ENDPOINTS

__all__ = [
    "ANNOTATION_KEYWORDS",
    "VALIDATION_KEYWORDS",
    "Argument",
    "SpecOperation",
    "operation_arguments",
    "resolve",
    "sensitive_fields",
    "spec_catalogue",
]

# The JSON Schema keywords the argument checker enforces; schemas must use no others that
# constrain values (tests hold the tool schemas to this, so no constraint is silently skipped).
VALIDATION_KEYWORDS = frozenset(
    {
        "type",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "enum",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "maxLength",
        "minLength",
    }
)
# Keywords that only describe.
ANNOTATION_KEYWORDS = frozenset({"description", "default", "format", "title"})


@attrs.define
class Argument:
    """One argument of an operation: where it travels (path/query/header/body) and its schema."""

    name: str
    location: str
    schema: dict[str, Any] = attrs.field(repr=False)
    required: bool


def _spec() -> dict[str, Any]:
    return load_spec()


def resolve(schema: dict[str, Any], *, _seen: tuple[str, ...] = ()) -> dict[str, Any]:
    """A copy of ``schema`` with every ``$ref`` inlined and the spec's ``x-`` extensions dropped.

    A ``$ref`` beside other keywords (``description``) is merged with them, the local keywords
    winning, as OpenAPI 3.1 allows.
    """
    out: dict[str, Any] = {}
    ref = schema.get("$ref")
    if isinstance(ref, str):
        if ref in _seen:
            raise ValueError(f"recursive schema {' -> '.join((*_seen, ref))} cannot be inlined")
        out.update(resolve(ref_target(ref, _spec()), _seen=(*_seen, ref)))
    for key, value in schema.items():
        if key == "$ref" or key.startswith("x-"):
            continue
        if key == "properties":
            out[key] = {k: resolve(v, _seen=_seen) for k, v in value.items()}
        elif key in ("items", "additionalProperties") and isinstance(value, dict):
            out[key] = resolve(value, _seen=_seen)
        elif key in ("anyOf", "oneOf", "allOf"):
            out[key] = [resolve(v, _seen=_seen) for v in value]
        else:
            out[key] = copy.deepcopy(value)
    return out


@functools.cache
def _operation(operation_id: str) -> tuple[str, str, dict[str, Any]]:
    """Method, path and spec entry of an operation (found through the endpoint table)."""
    endpoint = ENDPOINTS.get(operation_id)
    if endpoint is None:
        raise KeyError(f"the spec has no operation {operation_id!r}")
    op: dict[str, Any] = _spec()["paths"][endpoint.path][endpoint.method.lower()]
    return endpoint.method, endpoint.path, op


@attrs.define(frozen=True)
class SpecOperation:
    """An operation of the spec as an agent catalogue sees it: what it does and its arguments."""

    operation_id: str
    method: str
    path: str
    summary: str
    resource: str
    read_only: bool
    arguments: tuple[Argument, ...] = attrs.field(repr=False)


def spec_catalogue() -> list[SpecOperation]:
    """Every operation of the endpoint table, in spec order, with its arguments (so an
    operation added to the spec is here once codegen has run)."""
    return [
        SpecOperation(
            operation_id=endpoint.operation_id,
            method=endpoint.method,
            path=endpoint.path,
            summary=endpoint.summary,
            resource=endpoint.resource,
            read_only=endpoint.method in ("GET", "HEAD"),
            arguments=tuple(operation_arguments(endpoint.operation_id)),
        )
        for endpoint in ENDPOINTS.values()
    ]


def operation_arguments(operation_id: str) -> list[Argument]:
    """The operation's arguments in order: path, query and header parameters, then the
    properties of its JSON request body. Schemas are resolved (fresh copies)."""
    _, _, op = _operation(operation_id)
    arguments: list[Argument] = []
    for location in ("path", "query", "header"):
        for param in op.get("parameters", []):
            if param.get("in") != location:
                continue
            schema = resolve(param.get("schema", {}))
            if "description" in param:
                schema.setdefault("description", param["description"])
            required = bool(param.get("required", location == "path"))
            arguments.append(Argument(param["name"], location, schema, required))
    body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
    if "schema" in body:
        schema = resolve(body["schema"])
        required_fields = set(schema.get("required", []))
        for name, prop in schema.get("properties", {}).items():
            arguments.append(Argument(name, "body", prop, name in required_fields))
    return arguments


@functools.lru_cache(maxsize=1)
def sensitive_fields() -> tuple[frozenset[str], frozenset[str]]:
    """Field names the spec marks ``x-sensitive``: (connection URLs, other secrets).

    Connection URLs (string fields named ``*_url``) may be revealed on request; other secret
    strings (API keys) never are; secret objects (connection details, an operation's result)
    are shown with their secret parts masked.
    """
    urls: set[str] = set()
    secrets: set[str] = set()
    for schema in _spec()["components"]["schemas"].values():
        for name, prop in schema.get("properties", {}).items():
            if not prop.get("x-sensitive"):
                continue
            types = prop.get("type")
            is_text = types == "string" or (isinstance(types, list) and "string" in types)
            (urls if is_text and name.endswith("_url") else secrets).add(name)
    return frozenset(urls), frozenset(secrets)
