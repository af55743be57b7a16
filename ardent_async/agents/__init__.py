"""Agent tools for the branching workflow, derived from the Ardent OpenAPI spec.

::

    from ardent_async import ArdentClient
    from ardent_async.agents import ArdentTools

    async with ArdentClient() as client:
        tools = ArdentTools(client)
        tools.anthropic_tools()      # Anthropic-style tool dicts
        tools.openai_tools()         # OpenAI-style function tools
        outcome = await tools.run("create_branch", {"connector_id": "conn_1", "name": "ci-42"})
        outcome.content              # JSON text for the model; errors too (outcome.is_error)
        branch = await tools.run_or_raise("list_branches", {"connector_id": "conn_1"})  # raises

The tools: ``list_connectors``, ``preflight_connector``, ``create_branch`` (waits by default),
``list_branches``, ``get_operation``, ``wait_operation``, ``delete_connector``. Their argument
schemas are read from the spec shipped in the package, with ``$ref``s inlined. The same tools are
served over MCP by ``python -m ardent_async.mcp_server`` (extra ``mcp``).
"""

from __future__ import annotations

from ardent_async.agents._catalogue import ToolDefinition
from ardent_async.agents._tools import TOOL_NAMES, ArdentTools, ToolOutcome, tool_definitions

__all__ = [
    "TOOL_NAMES",
    "ArdentTools",
    "ToolDefinition",
    "ToolOutcome",
    "anthropic_tools",
    "openai_tools",
    "tool_definitions",
]


def openai_tools(names: list[str] | None = None) -> list[dict[str, object]]:
    """OpenAI-style function tools (plain dicts) for the named tools (default: all)."""
    return [definition.openai() for definition in tool_definitions(names)]


def anthropic_tools(names: list[str] | None = None) -> list[dict[str, object]]:
    """Anthropic-style tools (plain dicts) for the named tools (default: all)."""
    return [definition.anthropic() for definition in tool_definitions(names)]
