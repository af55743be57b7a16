"""Replies from the published response schemas: allowed ones (hypothesis-jsonschema) and
deliberately broken ones (a required field dropped, nulled or of the wrong JSON type, at every
depth), each checked against the published schema with a full validator before use."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis_jsonschema import from_schema
from jsonschema import Draft202012Validator

METHODS = ("get", "post", "put", "patch", "delete")
# Values of distinct JSON types; the first one a field's schema refuses is its "wrong type".
WRONG_TYPES: tuple[Any, ...] = (12345, "text", True, [], {})


def published_responses(spec: dict[str, Any]) -> dict[tuple[str, str, int], dict[str, Any] | None]:
    """(METHOD, path, status) -> self-contained JSON Schema of the 2xx body (None: no body)."""
    found: dict[tuple[str, str, int], dict[str, Any] | None] = {}
    defs = json.loads(
        json.dumps(spec["components"]["schemas"]).replace("#/components/schemas/", "#/$defs/")
    )
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in METHODS:
                continue
            for status, response in op["responses"].items():
                if not status.startswith("2"):
                    continue
                media = (response.get("content") or {}).get("application/json")
                if media is None:
                    found[(method.upper(), path, int(status))] = None
                    continue
                text = json.dumps(media["schema"]).replace("#/components/schemas/", "#/$defs/")
                found[(method.upper(), path, int(status))] = {**json.loads(text), "$defs": defs}
    return found


def with_sdk_names(published: dict[str, Any], ours: dict[str, Any], spec: dict[str, Any]) -> Any:
    """``published`` with the field names the SDK gives its free-form objects (from our spec's
    schema for the same reply) added as ``{}`` (any value): still exactly what the published
    schema allows, but the draws now hit the SDK's named fields with values of every type."""

    def ours_at(node: Any) -> Any:
        while isinstance(node, dict) and "$ref" in node:
            node = spec["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
        return node

    def walk(theirs: Any, mine: Any) -> Any:
        mine = ours_at(mine)
        if not isinstance(theirs, dict) or not isinstance(mine, dict):
            return theirs
        for branch in mine.get("anyOf", []):
            if "$ref" in branch:
                mine = ours_at(branch)
        names = mine.get("properties") or {}
        if theirs.get("type") == "array" and "items" in theirs:
            return {**theirs, "items": walk(theirs["items"], mine.get("items", {}))}
        free_form = "properties" not in theirs and "$ref" not in theirs
        if free_form and names and theirs.get("type") in ("object", None):
            named = {"properties": {name: {} for name in names}}
            if theirs.get("type") == "object":
                return {**theirs, **named}
            return {"anyOf": [{"type": "object", **named}, theirs]}
        return theirs

    return walk(published, ours)


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema)


def allowed_replies(schema: dict[str, Any], count: int) -> list[Any]:
    """``count`` replies drawn from ``schema`` (derandomized: the same ones on every run).

    Arrays are bounded to 3 items (still allowed replies: the bound only narrows what is
    drawn) and the draws are cached per schema, so the module stays well under a minute.
    """
    key = json.dumps(schema, sort_keys=True)
    if (key, count) not in _DRAWN:
        _DRAWN[(key, count)] = _draw(_bounded(schema), count)
    return _DRAWN[(key, count)]


_DRAWN: dict[tuple[str, int], list[Any]] = {}


def _bounded(node: Any) -> Any:
    if isinstance(node, list):
        return [_bounded(n) for n in node]
    if not isinstance(node, dict):
        return node
    bounded = {k: _bounded(v) for k, v in node.items()}
    if node.get("type") == "array":
        bounded["maxItems"] = min(node.get("maxItems", 3), 3)
    return bounded


def _draw(schema: dict[str, Any], count: int) -> list[Any]:
    drawn: list[Any] = []

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(from_schema(schema))
    def collect(reply: Any) -> None:
        drawn.append(reply)

    collect()
    return drawn


def _resolve(root: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        node = {**root["$defs"][name], **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _branches(root: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """The non-null branch of an ``anyOf`` (the SDK's nullable fields), else the node."""
    node = _resolve(root, node)
    for branch in node.get("anyOf", []):
        branch = _resolve(root, branch)
        if branch.get("type") != "null":
            return branch
    return node


def minimal(root: dict[str, Any], node: dict[str, Any]) -> Any:
    """A valid instance holding every required field, with one item in every array."""
    node = _branches(root, node)
    if "enum" in node:
        return node["enum"][0]
    kind = node.get("type")
    if kind == "object" or "properties" in node:
        return {name: minimal(root, node["properties"][name]) for name in node.get("required", [])}
    if kind == "array":
        return [minimal(root, node.get("items", {}))]
    return {"string": "x", "integer": 1, "number": 1.5, "boolean": True, "null": None}.get(
        kind if isinstance(kind, str) else "", {}
    )


# Whole replies of other JSON types, in place of what the schema types the reply as (``{}``
# and ``"x"`` for a list: cattrs' own list hook took any iterable).
WRONG_REPLIES: tuple[Any, ...] = (None, 12345, "x", [], {})


def broken_replies(root: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(description, reply) for each way of breaking a required field, at every depth, and
    each whole reply of a JSON type the schema refuses (``null`` for an object, say)."""
    check = validator(root)
    for reply in WRONG_REPLIES:
        if not check.is_valid(reply):
            yield f"the reply {json.dumps(reply)}", reply
    base = minimal(root, root)
    assert check.is_valid(base), list(check.iter_errors(base))[:1]
    for where, mutate in _mutations(root, root, []):
        reply = copy.deepcopy(base)
        mutate(reply)
        if not check.is_valid(reply):  # a nullable required field may be nulled: allowed
            yield where, reply


def _mutations(root: dict[str, Any], node: dict[str, Any], path: list[Any]) -> Iterator[Any]:
    node = _branches(root, node)
    if node.get("type") == "array":
        yield from _mutations(root, node.get("items", {}), [*path, 0])
        return
    for name in node.get("required", []):
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in [*path, name])
        yield f"{where} dropped", _setter(path, name, None, drop=True)
        yield f"{where} null", _setter(path, name, None)
        prop = _branches(root, node["properties"][name])
        allowed = prop.get("type")
        for value in WRONG_TYPES:
            if _json_type(value) != allowed and not (
                allowed == "number" and _json_type(value) == "integer"
            ):
                yield f"{where} {_json_type(value)}", _setter(path, name, value)
                break
        yield from _mutations(root, node["properties"][name], [*path, name])


def _setter(path: list[Any], name: str, value: Any, *, drop: bool = False) -> Any:
    def mutate(reply: Any) -> None:
        target = reply
        for step in path:
            target = target[step]
        if drop:
            del target[name]
        else:
            target[name] = copy.deepcopy(value)

    return mutate


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    return {int: "integer", str: "string", list: "array", dict: "object"}[type(value)]
