"""``ArdentTools``: the tools offered for one client and one configuration, and the dispatcher
that runs tool calls."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from ardent_async.agents._arguments import check_arguments, parse_arguments
from ardent_async.agents._catalogue import CATALOGUE, build_definition, instructions, offered
from ardent_async.agents._confirm import Confirmations
from ardent_async.agents._context import Progress, ToolContext
from ardent_async.agents._definition import OpenAIShape, ToolDefinition
from ardent_async.agents._results import error_data, masked, plain
from ardent_async.agents._settings import (
    DEFAULT_CREATE_WAIT,
    DEFAULT_MAX_ROWS,
    DEFAULT_SQL_TIMEOUT,
    ToolSettings,
)
from ardent_async.agents._spec_schemas import sensitive_fields
from ardent_async.errors import ArdentError, ArdentValidationError, validation_error

if TYPE_CHECKING:
    from ardent_async._client import ArdentClient

__all__ = ["TOOL_NAMES", "ArdentTools", "Confirm", "ToolOutcome", "tool_definitions"]

logger = logging.getLogger("ardent_async.agents")

TOOL_NAMES: tuple[str, ...] = tuple(plan.name for plan in CATALOGUE)
"""The names of every tool, in catalogue order."""


def tool_definitions(names: Iterable[str] | None = None, **settings: Any) -> list[ToolDefinition]:
    """The definitions of the named tools (default: all those ``settings`` allow), without a
    client: ``settings`` are :class:`ToolSettings`' (``org_id`` is required, as everywhere)."""
    chosen = ToolSettings(**settings)
    return [build_definition(plan, chosen) for plan in offered(chosen, _names(names))]


Confirm = Callable[[str], Awaitable[bool]]
"""``confirm(message)``: ask the user before a destructive tool acts; True to go on (MCP
elicitation, a framework's approval step...)."""


@attrs.define(frozen=True)
class ToolOutcome:
    """What to send back to the model after a tool call.

    ``content`` is JSON text: the result, or ``{"error": {"type", "message", ...}}`` when
    ``is_error``; ``data`` is the same as Python data (always an object).
    """

    content: str
    is_error: bool
    data: dict[str, Any] = attrs.field(repr=False)


class ArdentTools:
    """Agent tools for the whole branching workflow, backed by an async :class:`ArdentClient`.

    ::

        tools = ArdentTools(client, org_id="org_123", sources={"app": "postgresql://..."})
        response = await openai.responses.create(..., tools=tools.openai_tools())
        outcome = await tools.run(call.name, call.arguments)   # JSON text for the model

    The operator decides, the model cannot:

    - ``org_id`` (default ``ARDENT_ORG_ID``): the org; without one this raises, saying how to
      set it.
    - ``sources``: named source databases (``{"app": URL}``); tools take ``source: "app"``, so
      no source password passes through the model. ``allow_connection_details=True`` also
      accepts a raw ``connection_url``.
    - ``read_only``: only tools that change nothing (``run_sql`` in READ ONLY transactions).
      ``allow_writes``: also the destructive tools (confirmed first) and writing ``run_sql``.
    - ``toolsets`` (projects, connectors, branches, operations, sql) and ``tools`` (names)
      choose among the allowed tools.
    - ``project_id`` / ``connector_id`` pin the scope: other ids are refused.
    - ``create_wait`` (seconds, default 3): how long create tools wait before handing back the
      operation; ``sql_timeout`` and ``max_rows`` bound ``run_sql``.
    - ``reveal_connection_urls``: return branch URLs with their passwords (default: masked).
    """

    def __init__(
        self,
        client: ArdentClient,
        *,
        org_id: str | None = None,
        sources: Mapping[str, str] | None = None,
        read_only: bool = False,
        allow_writes: bool = False,
        allow_connection_details: bool = False,
        toolsets: Iterable[str] | None = None,
        tools: Iterable[str] | None = None,
        project_id: str | None = None,
        connector_id: str | None = None,
        reveal_connection_urls: bool = False,
        create_wait: float = DEFAULT_CREATE_WAIT,
        sql_timeout: float = DEFAULT_SQL_TIMEOUT,
        max_rows: int = DEFAULT_MAX_ROWS,
    ) -> None:
        self._settings = ToolSettings(
            org_id=org_id,  # the converter reads ARDENT_ORG_ID when None
            sources=sources or {},
            read_only=read_only,
            allow_writes=allow_writes,
            allow_connection_details=allow_connection_details,
            reveal_connection_urls=reveal_connection_urls,
            project_id=project_id,
            connector_id=connector_id,
            toolsets=toolsets,
            create_wait=create_wait,
            sql_timeout=sql_timeout,
            max_rows=max_rows,
        )
        self._client = client
        self._confirmations = Confirmations()
        plans = offered(self._settings, _names(tools))
        self._plans = {plan.name: plan for plan in plans}
        self._definitions = {plan.name: build_definition(plan, self._settings) for plan in plans}

    @property
    def settings(self) -> ToolSettings:
        """The configuration (org, sources, scope, safety) the tools run with."""
        return self._settings

    @property
    def org_id(self) -> str:
        """The org the tools work in."""
        return self._settings.org_id

    @property
    def reveal_connection_urls(self) -> bool:
        """True when branch connection URLs are returned with their passwords."""
        return self._settings.reveal_connection_urls

    @property
    def definitions(self) -> list[ToolDefinition]:
        """The offered tools' definitions (name, title, schemas, hints)."""
        return list(self._definitions.values())

    @property
    def names(self) -> list[str]:
        """The offered tools' names."""
        return list(self._definitions)

    @property
    def instructions(self) -> str:
        """Instructions for the model, naming only the tools offered."""
        return instructions(self.definitions, self._settings)

    def definition(self, name: str) -> ToolDefinition:
        """The offered tool ``name`` (ArdentValidationError naming the offered ones if none)."""
        found = self._definitions.get(name) if isinstance(name, str) else None
        if found is None:
            raise ArdentValidationError(
                f"name: no tool {name!r} (tools: {', '.join(self._definitions)})", field="name"
            )
        return found

    def openai_tools(
        self, *, strict: bool = True, api: OpenAIShape = "responses"
    ) -> list[dict[str, Any]]:
        """The tools as OpenAI function tools: the Responses API shape (default) or Chat
        Completions' (``api="chat_completions"``), with strict schemas unless ``strict=False``."""
        return [d.openai(strict=strict, api=api) for d in self._definitions.values()]

    def anthropic_tools(self) -> list[dict[str, Any]]:
        """The tools as Anthropic tools (plain dicts)."""
        return [definition.anthropic() for definition in self._definitions.values()]

    async def run_or_raise(
        self,
        name: str,
        arguments: object = None,
        *,
        progress: Progress | None = None,
        confirm: Confirm | None = None,
    ) -> dict[str, Any]:
        """Run tool ``name`` with ``arguments`` (a dict, or JSON object text) and return its
        result as JSON data, secrets masked; failures raise.

        ``progress`` hears how far long calls got; ``confirm`` asks the user before a
        destructive tool acts (without it, the tool answers with a confirmation token first).
        """
        definition = self.definition(name)
        given = parse_arguments(definition.name, arguments)
        _, secrets = sensitive_fields()
        checked = check_arguments(
            definition.input_schema, given, secret=secrets | {"connection_url"}
        )
        logger.debug("tool %s called with %s", name, sorted(checked))
        if definition.destructive:
            pending = await self._confirmation(definition, checked, confirm)
            if pending is not None:
                return pending
        context = ToolContext(self._client, self._settings, progress or _quiet)
        result = await self._plans[definition.name].handler(context, checked)
        data: dict[str, Any] = masked(
            plain(result), reveal_connection_urls=self._settings.reveal_connection_urls
        )
        return data

    async def _confirmation(
        self, definition: ToolDefinition, arguments: dict[str, Any], confirm: Confirm | None
    ) -> dict[str, Any] | None:
        """None to go on; else what to answer (a token to confirm with)."""
        token = arguments.pop("confirm", None)
        what = f"{definition.title}: {json.dumps(arguments, sort_keys=True)}"
        if confirm is not None:
            if await confirm(f"{what}. This cannot be undone. Go on?"):
                return None
            raise ArdentValidationError(
                f"{definition.name}: the user declined ({what})", field="confirm"
            )
        if token is not None:
            if self._confirmations.check(definition.name, arguments, token):
                return None
            raise ArdentValidationError(
                "confirm: not a valid confirmation token for these arguments (tokens expire; "
                "call without confirm to get a new one)",
                field="confirm",
            )
        return {
            "status": "confirmation_required",
            "confirm": self._confirmations.issue(definition.name, arguments),
            "next": f"Ask the user to confirm ({what}; it cannot be undone). Only if they "
            f"agree, call {definition.name} again with the same arguments and this confirm.",
        }

    async def run(
        self,
        name: str,
        arguments: object = None,
        *,
        progress: Progress | None = None,
        confirm: Confirm | None = None,
    ) -> ToolOutcome:
        """Run tool ``name`` for a model and return what to send back to it: never raises an
        SDK error (they become error outcomes the model can read and act on)."""
        try:
            data = await self.run_or_raise(name, arguments, progress=progress, confirm=confirm)
        except ArdentError as exc:
            failure = error_data(exc, reveal_connection_urls=self._settings.reveal_connection_urls)
            logger.debug("tool %s failed: %s", name, failure["error"]["type"])
            return ToolOutcome(content=_dumps(failure), is_error=True, data=failure)
        return ToolOutcome(content=_dumps(data), is_error=False, data=data)

    def __repr__(self) -> str:
        return f"<ArdentTools org={self._settings.org_id} {', '.join(self._definitions)}>"


async def _quiet(done: float, total: float | None, message: str) -> None:
    return None


def _names(tools: Iterable[str] | None) -> frozenset[str] | None:
    if tools is None:
        return None
    if isinstance(tools, str):
        raise validation_error("tools", "a list of tool names", tools)
    chosen = frozenset(tools)
    unknown = sorted(chosen - set(TOOL_NAMES))
    if unknown:
        raise validation_error("tools", "tool names from " + ", ".join(TOOL_NAMES), unknown[0])
    return chosen


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
