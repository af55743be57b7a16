"""OpenAI's strict form of a tool's argument schema.

Strict mode (Structured Outputs) wants every property listed in ``required`` (an optional one is
written as nullable instead), ``additionalProperties: false`` on every object, no ``default`` and
only the keywords it supports. The tools' friendly schemas keep defaults and length limits for
the people and models that read them; this is the same schema in strict form. The dispatcher
treats ``null`` as "not given", so both forms call the same way.
"""

from __future__ import annotations

from typing import Any

__all__ = ["STRICT_KEYWORDS", "strict_schema"]

#: Keywords a strict schema may use (OpenAI's supported subset that the tools need).
STRICT_KEYWORDS = frozenset(
    {
        "type",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "enum",
        "description",
        "minimum",
        "maximum",
        "exclusiveMinimum",
    }
)


def strict_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A new schema: ``schema`` in strict form (the root object stays non-nullable)."""
    return _strict(schema, nullable=False)


def _strict(schema: dict[str, Any], *, nullable: bool) -> dict[str, Any]:
    out = _kept_keywords(schema)
    limits = [
        f"{word} {schema[key]}"
        for key, word in (("minLength", "at least"), ("maxLength", "at most"))
        if key in schema
    ]
    if limits:
        note = f"Length: {' and '.join(limits)} characters."
        out["description"] = f"{out['description']} {note}" if "description" in out else note
    if _is_object(out):
        out["properties"] = out.get("properties", {})
        out["required"] = list(out["properties"])
        out["additionalProperties"] = False
    if nullable:
        _make_nullable(out)
    return out


def _kept_keywords(schema: dict[str, Any]) -> dict[str, Any]:
    """The strict keywords of ``schema``, nested schemas made strict; ``required`` and
    ``additionalProperties`` are set afresh by the caller."""
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key not in STRICT_KEYWORDS or key in ("required", "additionalProperties"):
            continue
        if key == "properties":
            required = set(schema.get("required", []))
            out[key] = {
                name: _strict(prop, nullable=name not in required) for name, prop in value.items()
            }
        elif key == "items" and isinstance(value, dict):
            out[key] = _strict(value, nullable=False)
        else:
            out[key] = list(value) if isinstance(value, list) else value
    return out


def _is_object(schema: dict[str, Any]) -> bool:
    types = schema.get("type")
    return types == "object" or (isinstance(types, list) and "object" in types)


def _make_nullable(schema: dict[str, Any]) -> None:
    types = schema.get("type")
    if isinstance(types, str) and types != "null":
        schema["type"] = [types, "null"]
    elif isinstance(types, list) and "null" not in types:
        schema["type"] = [*types, "null"]
    if "enum" in schema and None not in schema["enum"]:
        schema["enum"] = [*schema["enum"], None]
