"""``ArdentTools``: the tool definitions for one client, and the dispatcher that runs tool calls."""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import attrs

from ardent_async.agents._arguments import check_arguments, parse_arguments
from ardent_async.agents._catalogue import CATALOGUE, ToolDefinition, ToolPlan, build_definition
from ardent_async.agents._results import error_data, masked, plain
from ardent_async.agents._spec_schemas import sensitive_fields
from ardent_async.errors import ArdentError, ArdentValidationError, validation_error

if TYPE_CHECKING:
    from ardent_async._client import ArdentClient

__all__ = ["TOOL_NAMES", "ArdentTools", "ToolOutcome", "tool_definitions"]

TOOL_NAMES: tuple[str, ...] = tuple(plan.name for plan in CATALOGUE)
"""The names of every tool, in catalogue order."""


def tool_definitions(names: Iterable[str] | None = None) -> list[ToolDefinition]:
    """The definitions of the named tools (default: all), argument schemas read from the spec."""
    return [build_definition(plan) for plan in _select(names)]


@attrs.define(frozen=True)
class ToolOutcome:
    """What to send back to the model after a tool call.

    ``content`` is JSON text: the result, or ``{"error": {"type", "message", ...}}`` when
    ``is_error``; ``data`` is the same as Python data.
    """

    content: str
    is_error: bool
    data: Any = attrs.field(repr=False)


class ArdentTools:
    """Agent tools for the branching workflow, backed by an async :class:`ArdentClient`.

    ::

        tools = ArdentTools(client)
        response = openai.chat.completions.create(..., tools=tools.openai_tools())
        for call in response.choices[0].message.tool_calls or []:
            outcome = await tools.run(call.function.name, call.function.arguments)
            messages.append({"role": "tool", "tool_call_id": call.id, "content": outcome.content})

    :meth:`run` (for the model's tool loop) returns a :class:`ToolOutcome` and turns SDK errors
    into error outcomes; :meth:`run_or_raise` (for your own code) returns the result data and
    raises them.

    Results are JSON data; connection URLs (``branch_url``) have their password masked unless
    ``reveal_connection_urls=True`` (only for agents that must connect to the branch themselves).
    ``tools`` limits the offered tools by name (leave out ``delete_connector`` for an agent that
    must not delete).

    ``org_id`` (default: ``ARDENT_ORG_ID``) is the org the tools work in when the model names
    none: ``org_id`` arguments become optional and their schema shows the default, so the model
    learns its org from the tool definitions (the API has no "who am I" call).
    """

    def __init__(
        self,
        client: ArdentClient,
        *,
        reveal_connection_urls: bool = False,
        tools: Iterable[str] | None = None,
        org_id: str | None = None,
    ) -> None:
        if not isinstance(reveal_connection_urls, bool):
            raise validation_error(
                "reveal_connection_urls", "True or False", reveal_connection_urls
            )
        if org_id is None:
            org_id = os.environ.get("ARDENT_ORG_ID") or None
        if org_id is not None and (not isinstance(org_id, str) or not org_id.strip()):
            raise validation_error("org_id", "an org id such as org_123, or None", org_id)
        self._client = client
        self._reveal = reveal_connection_urls
        self._org_id = org_id
        self._plans = {plan.name: plan for plan in _select(tools)}
        self._definitions = {
            name: _with_default_org(build_definition(plan), org_id)
            for name, plan in self._plans.items()
        }

    @property
    def org_id(self) -> str | None:
        """The default org of ``org_id`` arguments (None: the model must give one)."""
        return self._org_id

    @property
    def reveal_connection_urls(self) -> bool:
        """True when branch connection URLs are returned with their passwords."""
        return self._reveal

    @property
    def definitions(self) -> list[ToolDefinition]:
        """The chosen tools' definitions (name, description, input schema, hints)."""
        return list(self._definitions.values())

    @property
    def names(self) -> list[str]:
        """The chosen tools' names."""
        return list(self._definitions)

    def openai_tools(self) -> list[dict[str, Any]]:
        """The tools as OpenAI-style function tools (plain dicts)."""
        return [definition.openai() for definition in self._definitions.values()]

    def anthropic_tools(self) -> list[dict[str, Any]]:
        """The tools as Anthropic-style tools (plain dicts)."""
        return [definition.anthropic() for definition in self._definitions.values()]

    async def run_or_raise(self, name: str, arguments: object = None) -> Any:
        """Run tool ``name`` with ``arguments`` (a dict, or JSON object text) and return its
        result as JSON-serialisable data, secrets masked; failures raise.

        For code that calls a tool itself (tests, scripted agents). Bad arguments raise
        ArdentValidationError naming the argument, before any request; API and operation
        failures raise the SDK's errors. In a model's tool loop use :meth:`run`.
        """
        definition = self._definitions.get(name) if isinstance(name, str) else None
        if definition is None:
            raise ArdentValidationError(
                f"name: no tool {name!r} (tools: {', '.join(self._definitions)})", field="name"
            )
        given = parse_arguments(definition.name, arguments)
        _, secrets = sensitive_fields()
        checked = check_arguments(definition.input_schema, given, secret=secrets)
        if self._org_id is not None and "org_id" in definition.input_schema["properties"]:
            checked.setdefault("org_id", self._org_id)
        result = await self._plans[definition.name].handler(self._client, checked)
        return masked(plain(result), reveal_connection_urls=self._reveal)

    async def run(self, name: str, arguments: object = None) -> ToolOutcome:
        """Run tool ``name`` for a model and return what to send back to it: never raises an
        SDK error.

        Like :meth:`run_or_raise`, but an SDK error (bad arguments included) becomes an error
        outcome (``is_error=True``, ``{"error": {...}}``) so the model can fix its arguments or
        try something else.
        """
        try:
            data = await self.run_or_raise(name, arguments)
        except ArdentError as exc:
            failure = error_data(exc, reveal_connection_urls=self._reveal)
            return ToolOutcome(content=_dumps(failure), is_error=True, data=failure)
        return ToolOutcome(content=_dumps(data), is_error=False, data=data)

    def __repr__(self) -> str:
        reveal = " reveal_connection_urls" if self._reveal else ""
        return f"<ArdentTools {', '.join(self._definitions)}{reveal}>"


def _with_default_org(definition: ToolDefinition, org_id: str | None) -> ToolDefinition:
    properties = definition.input_schema["properties"]
    if org_id is None or "org_id" not in properties:
        return definition
    schema = copy.deepcopy(definition.input_schema)
    argument = schema["properties"]["org_id"]
    argument["default"] = org_id
    argument["description"] = (
        f"{argument.get('description', 'Organization ID.')} Defaults to {org_id}, "
        "the org these tools work in."
    ).strip()
    schema["required"] = [name for name in schema["required"] if name != "org_id"]
    return attrs.evolve(definition, input_schema=schema)


def _select(names: Iterable[str] | None) -> list[ToolPlan]:
    if names is None:
        return list(CATALOGUE)
    if isinstance(names, str):
        raise validation_error("tools", "a list of tool names", names)
    by_name = {plan.name: plan for plan in CATALOGUE}
    chosen: list[ToolPlan] = []
    for name in names:
        if name not in by_name:
            raise validation_error("tools", "tool names from " + ", ".join(by_name), name)
        if by_name[name] not in chosen:
            chosen.append(by_name[name])
    return chosen


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
