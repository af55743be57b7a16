"""Agent tools for the whole Ardent workflow: projects, connectors, branches, operations, SQL.

::

    from ardent_async import ArdentClient
    from ardent_async.agents import ArdentTools

    async with ArdentClient() as client:
        tools = ArdentTools(client, org_id="org_123", sources={"app": "postgresql://..."})
        tools.openai_tools()         # OpenAI function tools (Responses API shape, strict)
        tools.anthropic_tools()      # Anthropic tools
        outcome = await tools.run("run_sql", {"connector_id": "conn_1", "branch": "ci-42",
                                              "sql": "SELECT count(*) FROM orders"})
        outcome.content              # JSON text for the model; errors too (outcome.is_error)

The tool names are an interface (``TOOL_NAMES``). Ready-made adapters:
``ardent_async.agents.openai_agents``, ``.langchain``, ``.pydantic_ai``, ``.anthropic``; the
MCP server is ``ardent-async mcp`` (:mod:`ardent_async.mcp_server`).
"""

from __future__ import annotations

from ardent_async.agents._definition import ToolDefinition
from ardent_async.agents._settings import TOOLSETS, ToolSettings, parse_sources
from ardent_async.agents._sql import SQLError
from ardent_async.agents._tools import (
    TOOL_NAMES,
    ArdentTools,
    Confirm,
    ToolOutcome,
    tool_definitions,
)

__all__ = [
    "TOOLSETS",
    "TOOL_NAMES",
    "ArdentTools",
    "Confirm",
    "SQLError",
    "ToolDefinition",
    "ToolOutcome",
    "ToolSettings",
    "parse_sources",
    "tool_definitions",
]
