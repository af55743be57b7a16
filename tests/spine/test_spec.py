"""openapi/ardent.yaml is valid, and agrees with the published public API description."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "openapi" / "ardent.yaml"
# The published description lives beside the repository in the shared workspace; a copy is
# vendored in the package (ardent_async/_spec) so the checks also run from a plain clone.
VENDORED = ROOT / "ardent_async" / "_spec" / "ardent-public-openapi.json"
SHARED = ROOT.parent / "shared" / "reference" / "ardent-public-openapi.json"
REFERENCE_CANDIDATES = [SHARED, VENDORED]
METHODS = ("get", "post", "put", "patch", "delete")


def _load_reference() -> dict[str, Any]:
    for candidate in REFERENCE_CANDIDATES:
        if candidate.exists():
            return json.loads(candidate.read_text())  # type: ignore[no-any-return]
    pytest.fail("reference OpenAPI description not found")


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return yaml.safe_load(SPEC.read_text())  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    return _load_reference()


def _operations(doc: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), path): op
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if method in METHODS
    }


def _resolve(doc: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = doc
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def _nullable(schema: dict[str, Any]) -> bool:
    types = schema.get("type")
    if isinstance(types, list):
        return "null" in types
    return any(s.get("type") == "null" for s in schema.get("anyOf", []))


def test_spec_validates(spec: dict[str, Any]) -> None:
    validate(spec)


def test_all_35_public_operations_present(spec: dict[str, Any], reference: dict[str, Any]) -> None:
    ours = _operations(spec)
    theirs = _operations(reference)
    assert len(theirs) == 35
    missing = sorted(set(theirs) - set(ours))
    assert missing == []


def test_operations_agree_on_parameters_and_statuses(
    spec: dict[str, Any], reference: dict[str, Any]
) -> None:
    ours = _operations(spec)
    for key, ref_op in _operations(reference).items():
        op = ours[key]
        ref_params = {
            (p["in"], p["name"], p.get("required", False)) for p in ref_op.get("parameters", [])
        }
        our_params = {
            (p["in"], p["name"], p.get("required", False)) for p in op.get("parameters", [])
        }
        assert ref_params == our_params, key
        assert set(ref_op["responses"]) <= set(op["responses"]), key
        assert ("requestBody" in ref_op) == ("requestBody" in op), key


def test_schemas_agree_on_fields_requiredness_nullability_enums(
    spec: dict[str, Any], reference: dict[str, Any]
) -> None:
    ours = spec["components"]["schemas"]
    for name, ref_schema in reference["components"]["schemas"].items():
        schema = ours[name]
        assert set(schema.get("required", [])) == set(ref_schema.get("required", [])), name
        assert schema.get("enum") == ref_schema.get("enum"), name
        assert set(schema.get("properties", {})) == set(ref_schema.get("properties", {})), name
        for field, ref_prop in ref_schema.get("properties", {}).items():
            prop = _resolve(spec, schema["properties"][field])
            assert _nullable(prop) == _nullable(_resolve(reference, ref_prop)), f"{name}.{field}"


def test_every_schema_has_a_description(spec: dict[str, Any]) -> None:
    undocumented = [n for n, s in spec["components"]["schemas"].items() if not s.get("description")]
    assert undocumented == []


def test_legacy_surface_has_its_own_tag_and_security(spec: dict[str, Any]) -> None:
    legacy = {k: op for k, op in _operations(spec).items() if "legacy" in op["tags"]}
    assert set(legacy) == {
        ("POST", "/v1/jobs/createJob"),
        ("POST", "/v1/jobs/APIChat"),
        ("DELETE", "/v1/jobs/deleteJob"),
        ("GET", "/v1/jobs/{jobID}/files"),
        ("POST", "/v1/configs/setConfig"),
        ("DELETE", "/v1/configs/deleteConfig"),
    }
    # The jobs endpoints take the HMAC key pair (<= 0.6) or a bearer API key (0.8); configs
    # only exist in the HMAC releases.
    for (_, path), op in legacy.items():
        both = [{"legacyHmac": []}, {"bearerAuth": []}]
        assert op["security"] == (both if path.startswith("/v1/jobs/") else [{"legacyHmac": []}])


# -- never narrower than the published description --------------------------------------------

JSON_TYPES = frozenset({"string", "integer", "number", "boolean", "array", "object", "null"})


def _types(doc: dict[str, Any], node: Any) -> frozenset[str]:
    """The JSON types a schema node accepts (``not: {type: object}`` counts as the others)."""
    node = _resolve(doc, node)
    if "anyOf" in node:
        return frozenset().union(*(_types(doc, branch) for branch in node["anyOf"]))
    if "not" in node:
        return JSON_TYPES - _types(doc, node["not"])
    kind = node.get("type")
    if kind is None:
        return frozenset({"object"}) if "properties" in node else JSON_TYPES
    found = frozenset(kind if isinstance(kind, list) else [kind])
    return found | {"integer"} if "number" in found else found


def _object_branch(doc: dict[str, Any], node: Any) -> dict[str, Any] | None:
    node = _resolve(doc, node)
    for branch in node.get("anyOf", []):
        found = _object_branch(doc, branch)
        if found is not None:
            return found
    return node if "object" in _types(doc, node) and "anyOf" not in node else None


def _narrowings(
    ref: dict[str, Any], spec: dict[str, Any], theirs: Any, ours: Any, where: str
) -> list[str]:
    """How ``ours`` refuses something ``theirs`` allows: JSON types, formats, closed objects,
    required fields, enums; recursively through properties and items."""
    theirs, ours = _resolve(ref, theirs), _resolve(spec, ours)
    problems = []
    missing = _types(ref, theirs) - _types(spec, ours)
    if missing:
        problems.append(f"{where}: refuses JSON type(s) {sorted(missing)}")
    t_flat = {k: v for b in [theirs, *theirs.get("anyOf", [])] for k, v in _resolve(ref, b).items()}
    o_flat = {k: v for b in [ours, *ours.get("anyOf", [])] for k, v in _resolve(spec, b).items()}
    if "format" in o_flat and o_flat.get("format") != t_flat.get("format"):
        problems.append(f"{where}: adds format {o_flat['format']!r}")
    if "enum" in o_flat and o_flat.get("enum") != t_flat.get("enum"):
        problems.append(f"{where}: enum differs")
    if "items" in t_flat and "items" in o_flat:
        problems += _narrowings(ref, spec, t_flat["items"], o_flat["items"], f"{where}[]")
    t_obj, o_obj = _object_branch(ref, theirs), _object_branch(spec, ours)
    if t_obj is None or o_obj is None:
        return problems
    if (
        o_obj.get("additionalProperties") is False
        and t_obj.get("additionalProperties") is not False
    ):
        problems.append(f"{where}: closed object")
    extra_required = set(o_obj.get("required", [])) - set(t_obj.get("required", []))
    if extra_required:
        problems.append(f"{where}: requires {sorted(extra_required)}")
    t_props, o_props = t_obj.get("properties", {}), o_obj.get("properties", {})
    if o_props and not t_props and not o_obj.get("x-tolerant"):
        problems.append(f"{where}: names fields of a free-form object without x-tolerant")
    for name, prop in t_props.items():
        if name in o_props:
            problems += _narrowings(ref, spec, prop, o_props[name], f"{where}.{name}")
    return problems


def test_no_schema_narrows_the_published_one(
    spec: dict[str, Any], reference: dict[str, Any]
) -> None:
    ours = spec["components"]["schemas"]
    problems = [
        problem
        for name, ref_schema in reference["components"]["schemas"].items()
        for problem in _narrowings(reference, spec, ref_schema, ours[name], name)
    ]
    assert problems == []


def test_no_reply_schema_narrows_the_published_one(
    spec: dict[str, Any], reference: dict[str, Any]
) -> None:
    ours = _operations(spec)
    problems = []
    for key, ref_op in _operations(reference).items():
        for status, ref_response in ref_op["responses"].items():
            ref_media = (ref_response.get("content") or {}).get("application/json")
            response = _resolve(spec, ours[key]["responses"][status])
            media = (response.get("content") or {}).get("application/json")
            if ref_media is None:
                continue
            where = f"{key[0]} {key[1]} {status}"
            if media is None:
                problems.append(f"{where}: no JSON body documented")
                continue
            problems += _narrowings(reference, spec, ref_media["schema"], media["schema"], where)
    assert problems == []


def test_sdk_only_schemas_add_no_format(spec: dict[str, Any]) -> None:
    """The published description has no ``format`` at all; SDK-only schemas use x-timestamp."""
    public = {
        name: schema
        for name, schema in spec["components"]["schemas"].items()
        if not name.startswith("Legacy")
    }
    assert '"format"' not in json.dumps(public)


def test_narrowing_is_detected() -> None:
    """The comparison above can fail: a planted format, closed object and type are found."""
    ref = {"components": {"schemas": {}}}
    theirs = {
        "type": "object",
        "properties": {
            "at": {"type": "string"},
            "n": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
        },
    }
    ours = {
        "type": "object",
        "additionalProperties": False,
        "required": ["at"],
        "properties": {"at": {"type": "string", "format": "date-time"}, "n": {"type": "integer"}},
    }
    found = _narrowings(ref, ref, theirs, ours, "X")
    assert found == [
        "X: closed object",
        "X: requires ['at']",
        "X.at: adds format 'date-time'",
        "X.n: refuses JSON type(s) ['null']",
    ]


def test_tolerant_schemas_require_nothing(spec: dict[str, Any]) -> None:
    """x-tolerant objects decode field by field (a bad one moves to ``extra``), which needs
    every named field optional; x-any-json models are tolerant too."""
    schemas = spec["components"]["schemas"]
    tolerant = {n for n, s in schemas.items() if s.get("x-tolerant")}
    assert {"OrgDetails", "OrgInvite", "OrgMember", "OrgRole", "MessageResponse"} <= tolerant
    assert [n for n in tolerant if schemas[n].get("required")] == []
    assert {n for n, s in schemas.items() if s.get("x-any-json")} <= tolerant
