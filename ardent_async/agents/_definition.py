"""A tool as agent APIs describe one, in each API's shape."""

from __future__ import annotations

import copy
from typing import Any, Literal

import attrs

from ardent_async.agents._strict import strict_schema
from ardent_async.errors import validation_error

__all__ = ["OpenAIShape", "ToolDefinition"]

OpenAIShape = Literal["responses", "chat_completions"]


@attrs.define(frozen=True)
class ToolDefinition:
    """Name, title, description, argument and result schemas, and hints of one tool.

    ``read_only`` tools change nothing; ``destructive`` ones delete (and ask for confirmation);
    ``idempotent`` ones may be repeated with the same arguments to no further effect.
    :meth:`openai`, :meth:`anthropic` and :meth:`mcp` give the shapes those APIs take (plain
    dicts, fresh copies).
    """

    name: str
    description: str
    input_schema: dict[str, Any] = attrs.field(repr=False)
    read_only: bool = False
    destructive: bool = False
    idempotent: bool = False
    title: str = ""
    toolset: str = ""
    output_schema: dict[str, Any] = attrs.field(factory=lambda: {"type": "object"}, repr=False)

    @property
    def strict_input_schema(self) -> dict[str, Any]:
        """The argument schema in OpenAI's strict form (all required, optional ones nullable,
        no ``default``, ``additionalProperties: false`` everywhere)."""
        return strict_schema(self.input_schema)

    def openai(self, *, strict: bool = True, api: OpenAIShape = "responses") -> dict[str, Any]:
        """An OpenAI function tool: the Responses API shape (default) or Chat Completions'
        (``api="chat_completions"``); ``strict`` schemas by default."""
        if not isinstance(strict, bool):
            raise validation_error("strict", "True or False", strict)
        schema = self.strict_input_schema if strict else copy.deepcopy(self.input_schema)
        if api == "responses":
            return {
                "type": "function",
                "name": self.name,
                "description": self.description,
                "parameters": schema,
                "strict": strict,
            }
        if api == "chat_completions":
            return {
                "type": "function",
                "function": {
                    "name": self.name,
                    "description": self.description,
                    "parameters": schema,
                    "strict": strict,
                },
            }
        raise validation_error("api", "'responses' or 'chat_completions'", api)

    def anthropic(self) -> dict[str, Any]:
        """An Anthropic tool (Messages API ``tools=[...]``)."""
        return {
            "name": self.name,
            "description": self.description,
            "input_schema": copy.deepcopy(self.input_schema),
        }

    def annotations(self) -> dict[str, Any]:
        """MCP's tool annotations."""
        return {
            "title": self.title,
            "readOnlyHint": self.read_only,
            "destructiveHint": self.destructive,
            "idempotentHint": self.idempotent,
            "openWorldHint": True,
        }

    def mcp(self) -> dict[str, Any]:
        """The tool in MCP's wire format (the same keys in every ``mcp`` version)."""
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "inputSchema": copy.deepcopy(self.input_schema),
            "outputSchema": copy.deepcopy(self.output_schema),
            "annotations": self.annotations(),
        }
