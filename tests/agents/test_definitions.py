"""Tool definitions: derived from the spec, self-contained, valid JSON Schema, agent API shapes."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from ardent_async import _spec
from ardent_async._spec.constants import DEFAULT_WAIT_TIMEOUT, MAX_WAIT_TIMEOUT
from ardent_async.agents import (
    TOOL_NAMES,
    _spec_schemas,
    anthropic_tools,
    openai_tools,
    tool_definitions,
)
from ardent_async.agents._spec_schemas import ANNOTATION_KEYWORDS, VALIDATION_KEYWORDS
from ardent_async.errors import ArdentValidationError

ROOT = Path(__file__).resolve().parents[2]
SPEC_YAML = ROOT / "openapi" / "ardent.yaml"
STRUCTURE = {"properties", "items", "additionalProperties"}


@pytest.fixture(scope="module")
def yaml_spec() -> dict[str, Any]:
    return yaml.safe_load(SPEC_YAML.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.fixture
def patched_spec(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """A private copy of the spec that the tool builders read; change it to see them follow."""
    spec = copy.deepcopy(_spec.load_spec())
    monkeypatch.setattr(_spec_schemas, "load_spec", lambda: spec)
    _spec_schemas._operation.cache_clear()
    _spec_schemas.sensitive_fields.cache_clear()
    yield spec
    _spec_schemas._operation.cache_clear()
    _spec_schemas.sensitive_fields.cache_clear()


def _walk(schema: Any) -> Iterator[dict[str, Any]]:
    if isinstance(schema, dict):
        yield schema
        for key, value in schema.items():
            if key == "properties":
                for prop in value.values():
                    yield from _walk(prop)
            elif key in ("items", "additionalProperties"):
                yield from _walk(value)


def test_packaged_spec_copy_matches_the_yaml(yaml_spec: dict[str, Any]) -> None:
    # The JSON shipped in the package is what the tools read: it must be the current spec.
    assert _spec.load_spec() == yaml_spec


def test_the_seven_workflow_tools_are_defined() -> None:
    assert TOOL_NAMES == (
        "list_connectors",
        "preflight_connector",
        "create_branch",
        "list_branches",
        "get_operation",
        "wait_operation",
        "delete_connector",
    )
    assert [d.name for d in tool_definitions()] == list(TOOL_NAMES)


def test_body_arguments_carry_the_spec_schema(yaml_spec: dict[str, Any]) -> None:
    schemas = yaml_spec["components"]["schemas"]
    tools = {d.name: d.input_schema for d in tool_definitions()}

    branch = schemas["BranchCreateRequest"]["properties"]
    create = tools["create_branch"]["properties"]
    for name in ("connector_id", "name"):
        assert create[name] == branch[name]
    service_type = {k: v for k, v in branch["service_type"].items() if not k.startswith("x-")}
    assert create["service_type"] == {**service_type, "default": "postgres"}

    preflight = schemas["PreflightConnectorRequest"]["properties"]
    offered = tools["preflight_connector"]["properties"]
    assert set(offered) == set(preflight)
    for name, prop in preflight.items():
        expected = {k: v for k, v in prop.items() if not k.startswith("x-")}
        if name == "service_name":
            expected["default"] = "postgresql"
        assert offered[name] == expected, name


def test_parameters_carry_the_spec_schema(yaml_spec: dict[str, Any]) -> None:
    op = yaml_spec["paths"]["/v1/operations/{operation_id}"]["get"]
    wait = next(p for p in op["parameters"] if p["name"] == "wait")
    (get_operation,) = tool_definitions(["get_operation"])
    assert get_operation.input_schema["properties"]["wait"] == wait["schema"]
    assert get_operation.input_schema["required"] == ["operation_id"]

    header = yaml_spec["paths"]["/v1/branch/create"]["post"]["parameters"][0]
    assert header["name"] == "X-Idempotency-Key"
    (create,) = tool_definitions(["create_branch"])
    key = create.input_schema["properties"]["idempotency_key"]
    assert key == {**header["schema"], "description": header["description"]}


def test_required_follows_the_spec_except_sdk_defaults() -> None:
    required = {d.name: d.input_schema["required"] for d in tool_definitions()}
    assert required == {
        "list_connectors": ["org_id"],
        "preflight_connector": ["connection_details"],  # service_name defaults to postgresql
        "create_branch": ["connector_id", "name"],  # service_type defaults to postgres
        "list_branches": ["connector_id"],
        "get_operation": ["operation_id"],
        "wait_operation": ["operation_id"],
        "delete_connector": ["connector_id"],
    }


def test_wait_deadlines_are_named_as_in_the_cli() -> None:
    """The SDK-only wait deadline is ``wait_timeout`` (the CLI's ``--wait-timeout``), never a bare
    ``timeout`` a model could read as the timeout of one request."""
    for name in ("create_branch", "wait_operation"):
        (definition,) = tool_definitions([name])
        properties = definition.input_schema["properties"]
        assert "timeout" not in properties
        deadline = properties["wait_timeout"]
        assert deadline["default"] == DEFAULT_WAIT_TIMEOUT
        assert deadline["maximum"] == MAX_WAIT_TIMEOUT
        assert "whole wait" in deadline["description"]
        assert "wait_timeout" in definition.description or name == "create_branch"


def test_a_spec_change_reaches_the_tools(patched_spec: dict[str, Any]) -> None:
    branch = patched_spec["components"]["schemas"]["BranchCreateRequest"]["properties"]
    branch["name"]["maxLength"] = 63
    branch["name"]["description"] = "A new description."
    (create,) = tool_definitions(["create_branch"])
    name = create.input_schema["properties"]["name"]
    assert name == {"type": "string", "maxLength": 63, "description": "A new description."}


def test_an_argument_missing_from_the_spec_fails_loudly(patched_spec: dict[str, Any]) -> None:
    del patched_spec["components"]["schemas"]["BranchCreateRequest"]["properties"]["name"]
    with pytest.raises(LookupError, match=r"create_branch.*has no argument name"):
        tool_definitions(["create_branch"])


def test_refs_are_inlined(patched_spec: dict[str, Any]) -> None:
    # Point a body field at a component: the tool must carry the component's schema inline.
    schemas = patched_spec["components"]["schemas"]
    schemas["BranchName"] = {"type": "string", "minLength": 1, "description": "From a component."}
    schemas["BranchCreateRequest"]["properties"]["name"] = {
        "$ref": "#/components/schemas/BranchName"
    }
    (create,) = tool_definitions(["create_branch"])
    assert create.input_schema["properties"]["name"] == schemas["BranchName"]
    assert "$ref" not in json.dumps(create.input_schema)


def test_schemas_are_self_contained_valid_and_checkable() -> None:
    for definition in tool_definitions():
        schema = definition.input_schema
        text = json.dumps(schema)
        assert "$ref" not in text, definition.name
        assert '"x-' not in text, definition.name
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["additionalProperties"] is False
        for node in _walk(schema):
            unknown = set(node) - VALIDATION_KEYWORDS - ANNOTATION_KEYWORDS - STRUCTURE
            assert not unknown, f"{definition.name}: the argument checker ignores {unknown}"
        for name, prop in schema["properties"].items():
            assert prop.get("description"), f"{definition.name}.{name} has no description"


def test_hints_mark_reads_and_deletes() -> None:
    definitions = {d.name: d for d in tool_definitions()}
    assert {n for n, d in definitions.items() if d.read_only} == {
        "list_connectors",
        "preflight_connector",
        "list_branches",
        "get_operation",
        "wait_operation",
    }
    assert {n for n, d in definitions.items() if d.destructive} == {"delete_connector"}


def test_openai_and_anthropic_shapes() -> None:
    definitions = tool_definitions()
    openai = openai_tools()
    anthropic = anthropic_tools()
    for definition, o, a in zip(definitions, openai, anthropic, strict=True):
        assert o == {
            "type": "function",
            "function": {
                "name": definition.name,
                "description": definition.description,
                "parameters": definition.input_schema,
            },
        }
        assert a == {
            "name": definition.name,
            "description": definition.description,
            "input_schema": definition.input_schema,
        }
        json.dumps([o, a])  # plain JSON data


def test_rendered_tools_are_copies() -> None:
    (definition,) = tool_definitions(["create_branch"])
    definition.openai()["function"]["parameters"]["properties"].clear()
    definition.anthropic()["input_schema"]["required"].append("wait")
    assert "name" in definition.input_schema["properties"]
    assert "wait" not in definition.input_schema["required"]


def test_choosing_tools_by_name() -> None:
    assert [d["name"] for d in anthropic_tools(["list_branches", "create_branch"])] == [
        "list_branches",
        "create_branch",
    ]
    with pytest.raises(ArdentValidationError, match="tools: expected tool names") as caught:
        tool_definitions(["drop_database"])
    assert caught.value.field == "tools"
    with pytest.raises(ArdentValidationError):
        tool_definitions("create_branch")  # a string, not a list of names
