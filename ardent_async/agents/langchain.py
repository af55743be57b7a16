"""The agent tools as LangChain ``StructuredTool`` objects (extra ``langchain``).

::

    from ardent_async.agents.langchain import ardent_tools

    tools = ardent_tools(client, org_id="org_123", sources={...})
    model = chat_model.bind_tools(tools)
    message = await tools[0].ainvoke(tool_call)   # a ToolMessage

A failed call comes back as a ``ToolMessage`` with ``status="error"`` carrying the JSON error,
so the model can read it and correct itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ardent_async.agents._adapter import agent_tools, keyword_caller

if TYPE_CHECKING:
    from ardent_async._client import ArdentClient

__all__ = ["EXTRA", "ardent_tools"]

EXTRA = "pip install 'ardent-async[langchain]'"
"""What to install for this adapter."""


def ardent_tools(client: ArdentClient, **options: Any) -> list[Any]:
    """LangChain ``StructuredTool`` objects (async) for
    :class:`~ardent_async.agents.ArdentTools` made with ``options``."""
    try:
        from langchain_core.tools import StructuredTool, ToolException
    except ImportError:
        raise ImportError(f"the LangChain adapter needs langchain-core: {EXTRA}") from None
    tools = agent_tools(client, options)
    made = []
    for definition in tools.definitions:
        made.append(
            StructuredTool(
                name=definition.name,
                description=definition.description,
                args_schema=definition.input_schema,
                coroutine=keyword_caller(tools, definition.name, raise_error=ToolException),
                handle_tool_error=_error_text,
            )
        )
    return made


def _error_text(error: Exception) -> str:
    return str(error)
