"""The agent tools for Anthropic's tool runner (extra ``anthropic``).

::

    from anthropic import AsyncAnthropic
    from ardent_async.agents.anthropic import ardent_tools

    runner = AsyncAnthropic().beta.messages.tool_runner(
        model=MODEL, max_tokens=1024, messages=[...],
        tools=ardent_tools(client, org_id="org_123", sources={...}),
    )
    async for message in runner: ...

A failed call is a tool result with ``is_error: true`` carrying the JSON error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ardent_async.agents._adapter import agent_tools, keyword_caller

if TYPE_CHECKING:
    from ardent_async._client import ArdentClient

__all__ = ["EXTRA", "ardent_tools"]

EXTRA = "pip install 'ardent-async[anthropic]'"
"""What to install for this adapter."""


def ardent_tools(client: ArdentClient, **options: Any) -> list[Any]:
    """``BetaAsyncFunctionTool`` objects for :class:`~ardent_async.agents.ArdentTools` made
    with ``options``."""
    try:
        from anthropic.lib.tools import BetaAsyncFunctionTool, ToolError
    except ImportError:
        raise ImportError(f"the Anthropic adapter needs anthropic: {EXTRA}") from None
    tools = agent_tools(client, options)
    made = []
    for definition in tools.definitions:
        made.append(
            BetaAsyncFunctionTool(
                keyword_caller(tools, definition.name, raise_error=ToolError),
                name=definition.name,
                description=definition.description,
                input_schema=definition.input_schema,
            )
        )
    return made
