"""The argument checker agrees with a full JSON Schema validator on every tool's schema."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ardent_async.agents import tool_definitions
from ardent_async.agents._arguments import check_arguments, parse_arguments
from ardent_async.errors import ArdentValidationError

DEFINITIONS = {
    d.name: d
    for d in tool_definitions(org_id="org_1", allow_writes=True, allow_connection_details=True)
}
SECRET = frozenset({"connection_url"})

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-5, max_value=5000),
    st.floats(min_value=-10, max_value=5000, allow_nan=False),
    st.text(max_size=8),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


def _typed_value(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """A value of one of the schema's types, numbers near the bounds the schemas use."""
    types = schema.get("type", [])
    types = [types] if isinstance(types, str) else types
    options: list[st.SearchStrategy[Any]] = []
    if "string" in types:
        options.append(st.text(max_size=8))
    if "number" in types:
        options.append(st.floats(min_value=-1, max_value=3700, allow_nan=False))
        options.append(st.sampled_from([0, 0.001, 10, 10.5, 600, 3600, 3600.5, -1]))
    if "boolean" in types:
        options.append(st.booleans())
    if "array" in types:
        options.append(st.lists(st.one_of(st.text(max_size=4), scalars), max_size=3))
    if "object" in types:
        options.append(st.dictionaries(st.text(max_size=5), json_values, max_size=3))
    return st.one_of(*options) if options else json_values


@st.composite
def calls(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A tool call whose arguments are mostly well typed, so that both outcomes are common."""
    name = draw(st.sampled_from(sorted(DEFINITIONS)))
    properties = DEFINITIONS[name].input_schema["properties"]
    arguments: dict[str, Any] = {}
    for prop, schema in properties.items():
        roll = draw(st.integers(0, 19))
        if roll == 0:
            continue  # left out
        arguments[prop] = draw(json_values if roll == 1 else _typed_value(schema))
    if draw(st.integers(0, 19)) == 0:
        arguments[draw(st.text(min_size=1, max_size=6))] = draw(scalars)
    return name, arguments


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calls())
def test_checker_agrees_with_jsonschema(call: tuple[str, dict[str, Any]]) -> None:
    name, arguments = call
    schema = DEFINITIONS[name].input_schema
    # null means "not given" to the tools; the reference validator sees the same arguments.
    without_nulls = {k: v for k, v in arguments.items() if v is not None}
    expected = jsonschema.Draft202012Validator(schema).is_valid(without_nulls)
    if expected:
        assert check_arguments(schema, arguments, secret=SECRET) == without_nulls
    else:
        with pytest.raises(ArdentValidationError) as caught:
            check_arguments(schema, arguments, secret=SECRET)
        assert caught.value.field


def _check(tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    return check_arguments(DEFINITIONS[tool].input_schema, arguments, secret=SECRET)


def test_errors_name_the_argument_and_what_was_expected() -> None:
    with pytest.raises(ArdentValidationError) as caught:
        _check("create_branch", {"connector_id": "c1"})
    assert caught.value.field == "name"
    assert "required argument missing" in str(caught.value)

    with pytest.raises(ArdentValidationError) as caught:
        _check("get_operation", {"operation_id": "op_1", "wait": 11})
    assert caught.value.field == "wait"
    assert "expected a number <= 10" in str(caught.value)

    with pytest.raises(ArdentValidationError) as caught:
        _check("preflight_connector", {"source": "app", "selected_schemas": ["a", 2]})
    assert caught.value.field == "selected_schemas[1]"

    with pytest.raises(ArdentValidationError) as caught:
        _check("list_branches", {"connector_id": "c1", "tag": "x"})
    assert caught.value.field == "tag"
    assert "unknown argument (known: connector_id)" in str(caught.value)

    with pytest.raises(ArdentValidationError) as caught:
        _check("wait_operation", {"operation_id": "op_1", "wait_timeout": 0})
    assert caught.value.field == "wait_timeout"
    assert "expected a number > 0" in str(caught.value)


def test_a_secret_argument_is_never_echoed() -> None:
    with pytest.raises(ArdentValidationError) as caught:
        _check("preflight_connector", {"connection_url": ["postgresql://u:hunter22@db/x"]})
    assert caught.value.field == "connection_url"
    assert "hunter22" not in str(caught.value)
    assert "got list" in str(caught.value)


def test_nulls_mean_not_given() -> None:
    checked = _check("list_connectors", {"project_id": None})
    assert checked == {}
    with pytest.raises(ArdentValidationError) as caught:
        _check("list_branches", {"connector_id": None})
    assert caught.value.field == "connector_id"


def test_booleans_are_not_numbers() -> None:
    with pytest.raises(ArdentValidationError) as caught:
        _check("wait_operation", {"operation_id": "op", "wait_timeout": True})
    assert caught.value.field == "wait_timeout"


def test_arguments_may_be_json_text() -> None:
    assert parse_arguments("t", '{"a": 1}') == {"a": 1}
    assert parse_arguments("t", b'{"a": 1}') == {"a": 1}
    assert parse_arguments("t", "") == {}
    assert parse_arguments("t", None) == {}
    with pytest.raises(ArdentValidationError, match="not valid JSON") as caught:
        parse_arguments("t", '{"a": ')
    assert caught.value.field == "arguments"
    with pytest.raises(ArdentValidationError) as caught:
        parse_arguments("t", "[1, 2]")
    assert caught.value.field == "arguments"


def test_string_lengths_and_enums() -> None:
    # Not used by today's tool schemas, but the spec's components use them: enforced too.
    schema = {
        "type": "object",
        "properties": {
            "name": {"type": "string", "minLength": 2, "maxLength": 4},
            "kind": {"type": "string", "enum": ["a", "b"]},
        },
        "additionalProperties": False,
    }
    assert check_arguments(schema, {"name": "abcd", "kind": "b"}, secret=SECRET)
    for arguments, field in (
        ({"name": "a"}, "name"),
        ({"name": "abcde"}, "name"),
        ({"kind": "c"}, "kind"),
    ):
        with pytest.raises(ArdentValidationError) as caught:
            check_arguments(schema, arguments, secret=SECRET)
        assert caught.value.field == field
        assert jsonschema.Draft202012Validator(schema).is_valid(arguments) is False
