"""The agent tools as openai-agents ``FunctionTool`` objects (extra ``openai-agents``).

::

    from agents import Agent
    from ardent_async.agents.openai_agents import ardent_tools

    agent = Agent(name="dba", tools=ardent_tools(client, org_id="org_123", sources={...}))

Schemas are strict (openai-agents' default); destructive tools have ``needs_approval=True``, so
a run pauses for the user's approval before a delete, and an approved call acts at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ardent_async.agents._adapter import agent_tools, approved

if TYPE_CHECKING:
    from ardent_async._client import ArdentClient

__all__ = ["EXTRA", "ardent_tools"]

EXTRA = "pip install 'ardent-async[openai-agents]'"
"""What to install for this adapter."""


def ardent_tools(client: ArdentClient, **options: Any) -> list[Any]:
    """openai-agents ``FunctionTool`` objects for :class:`~ardent_async.agents.ArdentTools`
    made with ``options``."""
    try:
        from agents import FunctionTool
    except ImportError:
        raise ImportError(f"the openai-agents adapter needs openai-agents: {EXTRA}") from None
    tools = agent_tools(client, options)
    made = []
    for definition in tools.definitions:

        async def invoke(ctx: Any, arguments: str, name: str = definition.name) -> str:
            confirm = approved if tools.definition(name).destructive else None
            return (await tools.run(name, arguments, confirm=confirm)).content

        made.append(
            FunctionTool(
                name=definition.name,
                description=definition.description,
                params_json_schema=definition.strict_input_schema,
                on_invoke_tool=invoke,
                strict_json_schema=True,
                needs_approval=definition.destructive,
            )
        )
    return made
