"""The agent tools (:mod:`ardent_async.agents`) served over MCP on stdio.

::

    python -m ardent_async.mcp_server                  # or: ardent-async mcp

Needs the ``mcp`` extra (``pip install 'ardent-async[mcp]'``, the official ``mcp`` package).
Credentials and URL come from the environment as for :class:`ardent_async.ArdentClient`
(``ARDENT_TOKEN``, ``ARDENT_API_URL``). An MCP client configuration::

    {"mcpServers": {"ardent": {"command": "python", "args": ["-m", "ardent_async.mcp_server"],
                               "env": {"ARDENT_TOKEN": "sk-ard_live_..."}}}}

Connection URLs in results have their passwords masked unless ``--reveal-connection-urls`` is
given; ``--tools`` limits the tools offered (leave out ``delete_connector`` to forbid deletes).
Tool failures (bad arguments, API errors) are returned as error results the model can read.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import logging
import sys
from collections.abc import Sequence
from typing import Any

from ardent_async._client import ArdentClient
from ardent_async._version import __version__
from ardent_async.agents import TOOL_NAMES, ArdentTools, ToolDefinition
from ardent_async.errors import ArdentError

__all__ = ["build_server", "main", "serve_stdio"]

SERVER_NAME = "ardent"
INSTRUCTIONS = (
    "Tools for Ardent Postgres branches: find a connector (list_connectors), create an "
    "isolated branch of its database (create_branch), list branches, follow long-running "
    "operations, check a source before connecting it (preflight_connector)."
)


def _mcp_tool(definition: ToolDefinition) -> dict[str, Any]:
    """A tool in MCP's wire format (the same keys in every ``mcp`` version)."""
    return {
        "name": definition.name,
        "description": definition.description,
        "inputSchema": definition.input_schema,
        "annotations": {
            "readOnlyHint": definition.read_only,
            "destructiveHint": definition.destructive,
            "openWorldHint": True,
        },
    }


def build_server(tools: ArdentTools) -> Any:
    """An MCP low-level ``Server`` offering ``tools`` (run it with ``server.run(...)``).

    Works with the ``mcp`` package's handler registration of 2.x (constructor arguments) and
    of 1.x (decorators).
    """
    try:
        from mcp.server.lowlevel import Server
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ImportError(
            "the MCP server needs the mcp package: pip install 'ardent-async[mcp]'"
        ) from exc
    if hasattr(Server, "list_tools"):
        return _build_v1(Server, tools)
    return _build_v2(Server, tools)


def _build_v2(server_class: Any, tools: ArdentTools) -> Any:
    import mcp.types as types

    listed = types.ListToolsResult.model_validate(
        {"tools": [_mcp_tool(definition) for definition in tools.definitions]}
    )

    async def list_tools(ctx: Any, params: Any) -> Any:
        return listed

    async def call_tool(ctx: Any, params: Any) -> Any:
        outcome = await tools.run(params.name, params.arguments or {})
        return types.CallToolResult.model_validate(
            {"content": [{"type": "text", "text": outcome.content}], "isError": outcome.is_error}
        )

    return server_class(
        SERVER_NAME,
        version=__version__,
        instructions=INSTRUCTIONS,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )


def _build_v1(server_class: Any, tools: ArdentTools) -> Any:
    import mcp.types as types

    options: dict[str, Any] = {"version": __version__}
    if "instructions" in inspect.signature(server_class.__init__).parameters:
        options["instructions"] = INSTRUCTIONS  # mcp >= 1.4
    server = server_class(SERVER_NAME, **options)
    listed = [types.Tool.model_validate(_mcp_tool(d)) for d in tools.definitions]

    @server.list_tools()  # type: ignore[untyped-decorator]
    async def list_tools() -> Any:
        return listed

    @server.call_tool()  # type: ignore[untyped-decorator]
    async def call_tool(name: str, arguments: dict[str, Any] | None) -> Any:
        outcome = await tools.run(name, arguments or {})
        if outcome.is_error:
            # 1.x turns an exception into an error result carrying its text.
            raise _ToolError(outcome.content)
        return [types.TextContent(type="text", text=outcome.content)]

    return server


class _ToolError(Exception):
    """The error outcome of a tool call, for ``mcp`` 1.x which reports exceptions as such."""


async def serve_stdio(
    *,
    reveal_connection_urls: bool = False,
    tools: Sequence[str] | None = None,
    client: ArdentClient | None = None,
    org_id: str | None = None,
) -> None:
    """Serve the tools on stdin/stdout until the MCP client disconnects.

    ``client`` defaults to an :class:`ArdentClient` configured from the environment (closed at
    the end; a given one is left open). ``org_id`` (default ``ARDENT_ORG_ID``) is the org
    the tools use when the model names none.
    """
    from mcp.server.stdio import stdio_server

    owned = client is None
    api = client if client is not None else ArdentClient()
    try:
        offered = ArdentTools(
            api, reveal_connection_urls=reveal_connection_urls, tools=tools, org_id=org_id
        )
        server = build_server(offered)
        async with stdio_server() as (read_stream, write_stream):
            await server.run(read_stream, write_stream, server.create_initialization_options())
    finally:
        if owned:
            await api.close()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ardent_async.mcp_server",
        description="Serve the Ardent agent tools over MCP (stdio). "
        "Reads ARDENT_TOKEN, ARDENT_API_URL and ARDENT_ORG_ID from the environment.",
    )
    parser.add_argument(
        "--org-id",
        help="the org the tools use when the model names none (default: $ARDENT_ORG_ID)",
    )
    parser.add_argument(
        "--reveal-connection-urls",
        action="store_true",
        help="return branch connection URLs with their passwords (default: masked)",
    )
    parser.add_argument(
        "--tools",
        help="comma-separated tools to offer (default: all): " + ", ".join(TOOL_NAMES),
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point (``ardent-async mcp`` calls it with its own arguments)."""
    args = _parser().parse_args(argv)
    # stdout carries the protocol: anything logged must go to stderr.
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
    tools = None if args.tools is None else [t.strip() for t in args.tools.split(",") if t.strip()]
    try:
        asyncio.run(
            serve_stdio(
                reveal_connection_urls=args.reveal_connection_urls, tools=tools, org_id=args.org_id
            )
        )
    except ArdentError as exc:  # configuration problems: bad URL, unknown tool name
        print(f"ardent mcp: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
