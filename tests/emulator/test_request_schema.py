"""The emulator's own request-body checker against jsonschema, on every request schema of the spec.

The emulator checks bodies without the SDK's decoder and without an extra package
(``ardent_async.emulator.request_schema``); here jsonschema is the reference. Bodies drawn from
each schema (hypothesis-jsonschema, derandomized) must pass and build their model; and a minimal
valid body with each field in turn removed or set to each of a fixed set of probes must get
jsonschema's verdict.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis_jsonschema import from_schema
from jsonschema import Draft202012Validator

from ardent_async._spec import dereference, load_spec
from ardent_async.emulator.bodies import body_problems, build_model
from ardent_async.emulator.request_schema import UnsupportedSchemaError, schema_problems

SPEC = load_spec()
REQUEST_SCHEMAS = sorted(
    {
        operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rpartition("/")[2]
        for path in SPEC["paths"].values()
        for operation in path.values()
        if isinstance(operation, dict) and "requestBody" in operation
    }
)
# What each field is replaced with: every JSON type, strings around the spec's length bounds,
# containers empty, of strings and of numbers.
PROBES: list[Any] = [None, True, False, 0, 1, -1, 1.5, 2.0, "", "x", "mongodb", [], ["x"], [1]]
PROBES += [{}, {"a": 1}, {"type": "mysql", "id": "c"}, {"type": 1, "id": "c"}]
PROBES += ["x" * n for n in (99, 100, 101, 499, 500, 501)]
CHECKS = settings(
    derandomize=True,
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def inlined(node: Any) -> Any:
    """``node`` with every ``$ref`` replaced by its target and extension keys dropped."""
    node = dereference(node)
    if isinstance(node, dict):
        return {k: inlined(v) for k, v in node.items() if not k.startswith("x-")}
    if isinstance(node, list):
        return [inlined(item) for item in node]
    return node


def test_every_request_schema_is_found() -> None:
    assert "BranchCreateRequest" in REQUEST_SCHEMAS
    assert len(REQUEST_SCHEMAS) == 18


def minimal_body(schema: dict[str, Any]) -> Any:
    """The smallest valid value of an inlined request schema: required fields only."""
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type", "object")
    kind = kind if isinstance(kind, str) else next(k for k in kind if k != "null")
    if kind == "object":
        return {f: minimal_body(schema["properties"][f]) for f in schema.get("required", [])}
    return {"string": "x" * max(1, schema.get("minLength", 1)), "boolean": False}.get(kind, [])


def mutations(schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The minimal body with each field (and one unknown field) set to each probe, or removed."""
    base = minimal_body(schema)
    for field in [*schema.get("properties", {}), "unknown_field"]:
        yield {k: v for k, v in base.items() if k != field}
        for probe in PROBES:
            yield {**base, field: probe}


@pytest.mark.parametrize("name", REQUEST_SCHEMAS)
def test_valid_bodies_pass_and_build_their_model(name: str) -> None:
    import ardent_async.models as models

    schema = inlined(SPEC["components"]["schemas"][name])
    assert body_problems(minimal_body(schema), name) == []

    @CHECKS
    @given(from_schema(schema))
    def check(data: Any) -> None:
        assert body_problems(data, name) == []
        build_model(getattr(models, name), data)

    check()


@pytest.mark.parametrize("name", REQUEST_SCHEMAS)
def test_verdicts_agree_with_jsonschema(name: str) -> None:
    schema = inlined(SPEC["components"]["schemas"][name])
    reference = Draft202012Validator(schema)
    disagreements = [
        (body, problems)
        for body in mutations(schema)
        if ((problems := body_problems(body, name)) == []) != reference.is_valid(body)
    ]
    assert disagreements == []


def test_problems_name_the_field_never_the_value() -> None:
    secret = "postgresql://app:hunter2@db/app"
    problems = body_problems(
        {"project_id": 1, "service_name": "postgresql", "connection_details": secret},
        "CreateConnectorRequest",
    )
    assert problems == [
        {"loc": ["body", "name"], "msg": "Field required", "type": "missing"},
        {
            "loc": ["body", "project_id"],
            "msg": "Input should be a valid string",
            "type": "string_type",
        },
        {
            "loc": ["body", "connection_details"],
            "msg": "Input should be a valid dictionary",
            "type": "dict_type",
        },
    ]
    assert "hunter2" not in json.dumps(problems)


def test_nested_enum_and_lengths() -> None:
    assert body_problems({"Config": {"type": "oracle", "id": "c"}}, "LegacySetConfigRequest") == [
        {
            "loc": ["body", "Config", "type"],
            "msg": "Input should be "
            + ", ".join(
                repr(v) for v in SPEC["components"]["schemas"]["LegacyConfigType"]["enum"][:-1]
            )
            + f" or {SPEC['components']['schemas']['LegacyConfigType']['enum'][-1]!r}",
            "type": "enum",
        }
    ]
    assert (
        body_problems({"name": "x" * 101}, "CreateProjectRequest")[0]["type"] == "string_too_long"
    )
    assert (
        body_problems({"expires_days": True, "name": "k", "role_id": "r"}, "CreateAPIKeyRequest")[
            0
        ]["type"]
        == "int_type"
    )


def test_a_keyword_the_checker_does_not_know_is_refused() -> None:
    with pytest.raises(UnsupportedSchemaError, match="pattern"):
        list(schema_problems("x", {"type": "string", "pattern": "^a"}, ["body"]))
