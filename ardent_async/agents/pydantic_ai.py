"""The agent tools as pydantic-ai ``Tool`` objects (extra ``pydantic-ai``).

::

    from pydantic_ai import Agent
    from ardent_async.agents.pydantic_ai import ardent_tools

    agent = Agent(model, tools=ardent_tools(client, org_id="org_123", sources={...}))

Each tool returns the JSON text the other adapters return; a failed call returns its
``{"error": ...}`` JSON, for the model to read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ardent_async.agents._adapter import agent_tools, keyword_caller

if TYPE_CHECKING:
    from ardent_async._client import ArdentClient

__all__ = ["EXTRA", "ardent_tools"]

EXTRA = "pip install 'ardent-async[pydantic-ai]'"
"""What to install for this adapter."""


def ardent_tools(client: ArdentClient, **options: Any) -> list[Any]:
    """pydantic-ai ``Tool`` objects for :class:`~ardent_async.agents.ArdentTools` made with
    ``options``."""
    try:
        from pydantic_ai import Tool
    except ImportError:
        raise ImportError(f"the pydantic-ai adapter needs pydantic-ai-slim: {EXTRA}") from None
    tools = agent_tools(client, options)
    made = []
    for definition in tools.definitions:
        made.append(
            Tool.from_schema(
                keyword_caller(tools, definition.name),
                name=definition.name,
                description=definition.description,
                json_schema=definition.input_schema,
            )
        )
    return made
