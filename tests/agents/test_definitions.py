"""Tool definitions: the fixed names, spec-derived arguments, hints, safety levels, and the
shapes each agent API takes (OpenAI strict schemas included)."""

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
from ardent_async._spec.constants import MAX_WAIT_TIMEOUT
from ardent_async.agents import TOOL_NAMES, _spec_schemas, tool_definitions
from ardent_async.agents._spec_schemas import ANNOTATION_KEYWORDS, VALIDATION_KEYWORDS
from ardent_async.agents._strict import STRICT_KEYWORDS
from ardent_async.errors import ArdentValidationError

ROOT = Path(__file__).resolve().parents[2]
SPEC_YAML = ROOT / "openapi" / "ardent.yaml"
STRUCTURE = {"properties", "items", "additionalProperties"}
ALL = {"org_id": "org_1", "allow_writes": True}
WRITES = {"create_project", "create_connector", "set_replica_identity_decisions"}
WRITES |= {"setup_connector", "create_branch"}
DESTRUCTIVE = {"delete_project", "delete_connector"}


def _all(**settings: Any) -> dict[str, Any]:
    return {d.name: d for d in tool_definitions(**{**ALL, **settings})}


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
    assert _spec.load_spec() == yaml_spec


def test_the_whole_workflow_under_its_fixed_names() -> None:
    assert TOOL_NAMES == (
        "list_projects",
        "create_project",
        "delete_project",
        "list_connectors",
        "get_connector",
        "preflight_connector",
        "create_connector",
        "set_replica_identity_decisions",
        "setup_connector",
        "delete_connector",
        "list_branches",
        "get_branch",
        "create_branch",
        "get_operation",
        "wait_operation",
        "run_sql",
        "describe_branch_schema",
        "compare_branch_schema",
    )
    assert list(_all()) == list(TOOL_NAMES)


def test_safety_levels_decide_which_tools_exist() -> None:
    default = set(_all(allow_writes=False))
    assert default == set(TOOL_NAMES) - DESTRUCTIVE
    read_only = _all(allow_writes=False, read_only=True)
    assert set(read_only) == set(TOOL_NAMES) - DESTRUCTIVE - WRITES
    assert all(d.read_only and not d.destructive for d in read_only.values())
    assert "run_sql" in read_only
    with pytest.raises(ArdentValidationError) as caught:
        tool_definitions(org_id="org_1", read_only=True, allow_writes=True)
    assert caught.value.field == "allow_writes"


def test_toolsets_and_names_choose_among_the_allowed() -> None:
    assert list(_all(toolsets=["sql"])) == [
        "run_sql",
        "describe_branch_schema",
        "compare_branch_schema",
    ]
    assert list(_all(toolsets=["branches", "operations"], read_only=True, allow_writes=False)) == [
        "list_branches",
        "get_branch",
        "get_operation",
        "wait_operation",
    ]
    chosen = tool_definitions(["create_branch", "list_branches"], **ALL)
    assert [d.name for d in chosen] == ["list_branches", "create_branch"]
    for bad, field in ((["drop_database"], "tools"), ("create_branch", "tools")):
        with pytest.raises(ArdentValidationError) as caught:
            tool_definitions(bad, **ALL)
        assert caught.value.field == field
    with pytest.raises(ArdentValidationError) as caught:
        tool_definitions(org_id="org_1", toolsets=["everything"])
    assert caught.value.field == "toolsets"


def test_annotations_on_every_tool() -> None:
    for name, definition in _all().items():
        hints = definition.mcp()["annotations"]
        assert set(hints) == {
            "title",
            "readOnlyHint",
            "destructiveHint",
            "idempotentHint",
            "openWorldHint",
        }
        assert hints["title"][:1].isupper(), name
        assert hints["destructiveHint"] is (name in DESTRUCTIVE)
        assert hints["readOnlyHint"] is (name not in WRITES | DESTRUCTIVE | {"run_sql"})
    definitions = _all()
    assert definitions["create_branch"].idempotent  # the derived idempotency key
    assert not definitions["create_project"].idempotent
    assert not _all()["run_sql"].read_only  # writes allowed
    assert _all(allow_writes=False)["run_sql"].read_only


def test_arguments_carry_the_spec_schema(yaml_spec: dict[str, Any]) -> None:
    schemas = yaml_spec["components"]["schemas"]
    definitions = _all()
    branch = schemas["BranchCreateRequest"]["properties"]
    create = definitions["create_branch"].input_schema["properties"]
    assert create["name"] == branch["name"]
    assert (
        definitions["create_project"].input_schema["properties"]["name"]
        == (schemas["CreateProjectRequest"]["properties"]["name"])
    )
    op = yaml_spec["paths"]["/v1/operations/{operation_id}"]["get"]
    wait = next(p for p in op["parameters"] if p["name"] == "wait")
    assert definitions["get_operation"].input_schema["properties"]["wait"] == wait["schema"]
    deadline = definitions["wait_operation"].input_schema["properties"]["wait_timeout"]
    assert deadline["maximum"] == MAX_WAIT_TIMEOUT


def test_the_org_and_secrets_are_never_arguments() -> None:
    for name, definition in _all().items():
        properties = definition.input_schema["properties"]
        assert "org_id" not in properties, name
        assert "connection_details" not in properties, name
        assert "idempotency_key" not in properties, name
    preflight = _all()["preflight_connector"].input_schema
    assert preflight["required"] == ["source"]
    raw = _all(allow_connection_details=True)["preflight_connector"].input_schema
    assert "connection_url" in raw["properties"]
    assert raw["required"] == []


def test_configured_sources_are_listed_by_name_only() -> None:
    url = "postgresql://app:pw-visible-nowhere@db:5432/app"
    definitions = _all(sources={"app": url, "billing": url})
    for definition in definitions.values():
        assert "pw-visible-nowhere" not in json.dumps(definition.mcp())
    source = definitions["create_connector"].input_schema["properties"]["source"]
    assert source["enum"] == ["app", "billing"]


def test_pinned_ids_become_optional_and_say_so() -> None:
    definitions = _all(connector_id="conn_1", project_id="proj_1")
    create = definitions["create_branch"].input_schema
    assert create["required"] == ["name"]
    assert "Pinned to conn_1" in create["properties"]["connector_id"]["description"]
    assert definitions["create_connector"].input_schema["required"] == ["name", "source"]


def test_a_spec_change_reaches_the_tools(patched_spec: dict[str, Any]) -> None:
    branch = patched_spec["components"]["schemas"]["BranchCreateRequest"]["properties"]
    branch["name"]["maxLength"] = 63
    branch["name"]["description"] = "A new description."
    name = _all()["create_branch"].input_schema["properties"]["name"]
    assert name == {"type": "string", "maxLength": 63, "description": "A new description."}


def test_an_argument_missing_from_the_spec_fails_loudly(patched_spec: dict[str, Any]) -> None:
    del patched_spec["components"]["schemas"]["BranchCreateRequest"]["properties"]["name"]
    with pytest.raises(LookupError, match=r"create_branch.*has no argument name"):
        _all()


def test_schemas_are_self_contained_valid_and_checkable() -> None:
    for definition in _all(allow_connection_details=True).values():
        for schema in (definition.input_schema, definition.output_schema):
            text = json.dumps(schema)
            assert "$ref" not in text, definition.name
            assert '"x-' not in text, definition.name
            jsonschema.Draft202012Validator.check_schema(schema)
            assert schema["type"] == "object"
        schema = definition.input_schema
        assert schema["additionalProperties"] is False
        for node in _walk(schema):
            unknown = set(node) - VALIDATION_KEYWORDS - ANNOTATION_KEYWORDS - STRUCTURE
            assert not unknown, f"{definition.name}: the argument checker ignores {unknown}"
        for name, prop in schema["properties"].items():
            assert prop.get("description"), f"{definition.name}.{name} has no description"


def test_every_strict_schema_is_unchanged_by_openai_agents() -> None:
    strict_schema = pytest.importorskip("agents.strict_schema")
    checked = 0
    for settings in ({}, {"allow_connection_details": True, "connector_id": "conn_1"}):
        for definition in _all(**settings).values():
            schema = definition.strict_input_schema
            assert strict_schema.ensure_strict_json_schema(copy.deepcopy(schema)) == schema
            text = json.dumps(schema)
            assert text.count('"default"') == 0, definition.name
            for node in _walk(schema):
                assert set(node) <= STRICT_KEYWORDS, definition.name
                if "properties" in node:
                    assert node["required"] == list(node["properties"])
                    assert node["additionalProperties"] is False
            checked += 1
    assert checked == 2 * len(TOOL_NAMES)


def test_strict_optional_arguments_are_nullable() -> None:
    schema = _all()["run_sql"].strict_input_schema["properties"]
    assert schema["max_rows"]["type"] == ["integer", "null"]
    assert schema["sql"]["type"] == "string"
    wait = _all()["get_operation"].strict_input_schema["properties"]["wait"]
    assert wait["type"] == ["number", "null"]


def test_openai_shapes_are_what_the_openai_package_accepts() -> None:
    pydantic = pytest.importorskip("pydantic")
    responses = pytest.importorskip("openai.types.responses")
    chat = pytest.importorskip("openai.types.chat")
    as_response = pydantic.TypeAdapter(responses.FunctionToolParam)
    as_chat = pydantic.TypeAdapter(chat.ChatCompletionFunctionToolParam)
    for definition in _all().values():
        tool = definition.openai()
        assert tool["strict"] is True
        assert tool["name"] == definition.name
        as_response.validate_python(tool)
        nested = definition.openai(api="chat_completions")
        assert nested["function"]["parameters"] == tool["parameters"]
        as_chat.validate_python(nested)
        loose = definition.openai(strict=False)
        assert loose["parameters"] == definition.input_schema
        assert loose["strict"] is False
    with pytest.raises(ArdentValidationError) as caught:
        _all()["run_sql"].openai(api="assistants")  # type: ignore[arg-type]
    assert caught.value.field == "api"


def test_anthropic_and_mcp_shapes_are_copies() -> None:
    definition = _all()["create_branch"]
    anthropic = definition.anthropic()
    assert anthropic == {
        "name": "create_branch",
        "description": definition.description,
        "input_schema": definition.input_schema,
    }
    anthropic["input_schema"]["required"].append("wait")
    definition.mcp()["inputSchema"]["properties"].clear()
    assert "wait" not in definition.input_schema["required"]
    assert "name" in definition.input_schema["properties"]
