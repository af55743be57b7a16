"""The agent tools (:mod:`ardent_async.agents`) served over MCP: stdio, or streamable HTTP.

::

    ardent-async mcp --org-id org_123 --source app=postgresql://...      # stdio
    ardent-async mcp --http 127.0.0.1:8808                               # HTTP, bearer token

Needs the ``mcp`` extra (``pip install 'ardent-async[mcp]'``, the official ``mcp`` package, 1.x
or 2.x). Credentials come from the environment as for :class:`ardent_async.ArdentClient`
(``ARDENT_TOKEN``, ``ARDENT_API_URL``); the org from ``--org-id`` or ``ARDENT_ORG_ID`` (the
server refuses to start without one); named sources from ``--source NAME=URL`` or
``ARDENT_SOURCES``. Every tool has ``outputSchema`` and answers with ``structuredContent`` (and
the same JSON as text); a failed call is an error result the model can read.
"""

from __future__ import annotations

import argparse
import asyncio
import hmac
import inspect
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from ardent_async._client import ArdentClient
from ardent_async._version import __version__
from ardent_async.agents import TOOL_NAMES, TOOLSETS, ArdentTools, ToolOutcome, parse_sources
from ardent_async.errors import ArdentError

__all__ = ["build_server", "main", "serve_http", "serve_stdio"]

SERVER_NAME = "ardent"
PROG = "ardent-async mcp"
MCP_EXTRA = "pip install 'ardent-async[mcp]'"
EXIT_USAGE = 2
HTTP_PATH = "/mcp"
DEFAULT_HTTP_HOST = "127.0.0.1"
_CONFIRM_SCHEMA = {
    "type": "object",
    "properties": {"confirm": {"type": "boolean", "title": "Go on", "description": "Confirm"}},
    "required": ["confirm"],
}

logger = logging.getLogger("ardent_async.mcp")

ASGIApp = Callable[[Any, Any, Any], Awaitable[None]]


class MissingMCPError(ImportError):
    """The ``mcp`` package is not installed."""


def _lowlevel_server() -> Any:
    try:
        from mcp.server.lowlevel import Server
    except ImportError:
        raise MissingMCPError(f"the MCP server needs the mcp extra: {MCP_EXTRA}") from None
    return Server


def _result(outcome: ToolOutcome) -> Any:
    import mcp.types as types

    return types.CallToolResult.model_validate(
        {
            "content": [{"type": "text", "text": outcome.content}],
            "structuredContent": outcome.data,
            "isError": outcome.is_error,
        }
    )


def _progress_token(meta: Any) -> Any:
    if meta is None:
        return None
    if isinstance(meta, dict):
        return meta.get("progress_token", meta.get("progressToken"))
    return getattr(meta, "progressToken", getattr(meta, "progress_token", None))


def _hooks(session: Any, meta: Any, request_id: Any) -> dict[str, Any]:
    """``progress`` and ``confirm`` for one tool call: MCP progress notifications when the
    request asked for them, elicitation when the client can be asked."""
    hooks: dict[str, Any] = {}
    token = _progress_token(meta)
    if token is not None:

        async def progress(done: float, total: float | None, message: str) -> None:
            await session.send_progress_notification(
                token, done, total, message, related_request_id=request_id
            )

        hooks["progress"] = progress
    capabilities = getattr(session, "client_capabilities", None)
    if capabilities is None:
        params = getattr(session, "client_params", None)
        capabilities = getattr(params, "capabilities", None)
    if getattr(capabilities, "elicitation", None) is not None:

        async def confirm(message: str) -> bool:
            answer = await session.elicit(message, _CONFIRM_SCHEMA, related_request_id=request_id)
            content = answer.content or {}
            return bool(answer.action == "accept" and content.get("confirm") is True)

        hooks["confirm"] = confirm
    return hooks


def build_server(tools: ArdentTools) -> Any:
    """An MCP low-level ``Server`` offering ``tools`` (``server.run(...)`` or an HTTP app).

    Works with the ``mcp`` package's handler registration of 2.x (constructor arguments) and
    of 1.x (decorators). Raises MissingMCPError without the ``mcp`` package.
    """
    server_class = _lowlevel_server()
    if hasattr(server_class, "list_tools"):
        return _build_v1(server_class, tools)
    return _build_v2(server_class, tools)


def _listed(tools: ArdentTools) -> list[dict[str, Any]]:
    return [definition.mcp() for definition in tools.definitions]


def _build_v2(server_class: Any, tools: ArdentTools) -> Any:
    import mcp.types as types

    listed = types.ListToolsResult.model_validate({"tools": _listed(tools)})

    async def list_tools(ctx: Any, params: Any) -> Any:
        return listed

    async def call_tool(ctx: Any, params: Any) -> Any:
        hooks = _hooks(ctx.session, ctx.meta, ctx.request_id)
        return _result(await tools.run(params.name, params.arguments or {}, **hooks))

    return server_class(
        SERVER_NAME,
        version=__version__,
        instructions=tools.instructions,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )


def _build_v1(server_class: Any, tools: ArdentTools) -> Any:
    import mcp.types as types

    server = server_class(SERVER_NAME, version=__version__, instructions=tools.instructions)
    listed = [types.Tool.model_validate(tool) for tool in _listed(tools)]

    @server.list_tools()  # type: ignore[untyped-decorator]
    async def list_tools() -> Any:
        return listed

    options = {}
    if "validate_input" in inspect.signature(server.call_tool).parameters:
        options["validate_input"] = False  # the tools check arguments themselves

    @server.call_tool(**options)  # type: ignore[untyped-decorator]
    async def call_tool(name: str, arguments: dict[str, Any] | None) -> Any:
        ctx = server.request_context
        hooks = _hooks(ctx.session, ctx.meta, ctx.request_id)
        return _result(await tools.run(name, arguments or {}, **hooks))

    return server


async def serve_stdio(tools: ArdentTools) -> None:
    """Serve ``tools`` on stdin/stdout until the MCP client disconnects."""
    server = build_server(tools)
    from mcp.server.stdio import stdio_server

    async with stdio_server() as (read_stream, write_stream):
        await server.run(read_stream, write_stream, server.create_initialization_options())


def require_bearer(app: ASGIApp, token: str) -> ASGIApp:
    """``app`` behind a bearer token: any HTTP request without it is answered 401."""
    expected = f"Bearer {token}".encode()

    async def guarded(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            given = dict(scope.get("headers") or []).get(b"authorization", b"")
            if not hmac.compare_digest(given, expected):
                await send(
                    {
                        "type": "http.response.start",
                        "status": 401,
                        "headers": [
                            (b"content-type", b"application/json"),
                            (b"www-authenticate", b'Bearer realm="ardent-mcp"'),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": b'{"error":"unauthorized"}'})
                return
        await app(scope, receive, send)

    return guarded


def http_app(tools: ArdentTools, *, host: str, token: str) -> ASGIApp:
    """The streamable HTTP app (at ``/mcp``) behind the bearer token."""
    server = build_server(tools)
    if hasattr(server, "streamable_http_app"):  # mcp 2.x
        app: ASGIApp = server.streamable_http_app(streamable_http_path=HTTP_PATH, host=host)
        return require_bearer(app, token)
    return require_bearer(_v1_http_app(server), token)


def _v1_http_app(server: Any) -> ASGIApp:
    import contextlib

    from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
    from starlette.applications import Starlette
    from starlette.routing import Mount

    manager = StreamableHTTPSessionManager(app=server)

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> Any:
        async with manager.run():
            yield

    async def handle(scope: Any, receive: Any, send: Any) -> None:
        await manager.handle_request(scope, receive, send)

    return Starlette(routes=[Mount(HTTP_PATH, app=handle)], lifespan=lifespan)


async def serve_http(tools: ArdentTools, *, host: str, port: int, token: str) -> None:
    """Serve ``tools`` over streamable HTTP on ``host:port`` (path ``/mcp``) until stopped."""
    import uvicorn

    app = http_app(tools, host=host, token=token)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on")
    await uvicorn.Server(config).serve()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Serve the Ardent agent tools over MCP (stdio, or streamable HTTP with "
        "--http). Reads ARDENT_TOKEN and ARDENT_API_URL from the environment.",
    )
    add = parser.add_argument
    add("--org-id", help="the org the tools work in (default: $ARDENT_ORG_ID; required)")
    add(
        "--source",
        action="append",
        default=[],
        metavar="NAME=URL",
        help="a source database the tools may connect, by name (repeatable; also "
        "$ARDENT_SOURCES). The model sees only the name.",
    )
    add("--read-only", action="store_true", help="offer only tools that change nothing")
    add(
        "--allow-writes",
        action="store_true",
        help="also offer deletes (confirmed first) and let run_sql write on branches",
    )
    add(
        "--allow-connection-details",
        action="store_true",
        help="also accept raw connection URLs from the model (default: named sources only)",
    )
    add("--toolsets", help="comma-separated tool groups: " + ", ".join(TOOLSETS))
    add("--tools", help="comma-separated tool names: " + ", ".join(TOOL_NAMES))
    add("--project-id", help="pin the tools to this project: other projects are refused")
    add("--connector-id", help="pin the tools to this connector: other connectors are refused")
    add(
        "--reveal-connection-urls",
        action="store_true",
        help="return branch connection URLs with their passwords (default: masked)",
    )
    add("--create-wait", type=float, help="seconds create tools wait before handing back")
    add("--http", metavar="[HOST:]PORT", help="serve streamable HTTP (default host 127.0.0.1)")
    add("--http-token", help="bearer token HTTP clients must send (default: $ARDENT_MCP_TOKEN)")
    add("--log-level", default="WARNING", help="log level on stderr (default: WARNING)")
    return parser


def _split(value: str | None) -> list[str] | None:
    return None if value is None else [v.strip() for v in value.split(",") if v.strip()]


def _http_address(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep:
        host = DEFAULT_HTTP_HOST
    host = host.strip("[]") or DEFAULT_HTTP_HOST
    if not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ArdentError(f"--http: expected [HOST:]PORT such as 127.0.0.1:8808, got {value!r}")
    return host, int(port)


def _tools(args: argparse.Namespace, client: ArdentClient) -> ArdentTools:
    options: dict[str, Any] = {}
    if args.create_wait is not None:
        options["create_wait"] = args.create_wait
    return ArdentTools(
        client,
        org_id=args.org_id,
        sources=parse_sources(args.source, os.environ.get("ARDENT_SOURCES")),
        read_only=args.read_only,
        allow_writes=args.allow_writes,
        allow_connection_details=args.allow_connection_details,
        toolsets=_split(args.toolsets),
        tools=_split(args.tools),
        project_id=args.project_id,
        connector_id=args.connector_id,
        reveal_connection_urls=args.reveal_connection_urls,
        **options,
    )


async def _serve(args: argparse.Namespace) -> None:
    http = None
    if args.http is not None:
        host, port = _http_address(args.http)
        token = args.http_token or os.environ.get("ARDENT_MCP_TOKEN")
        if not token:
            raise ArdentError(
                "--http needs a bearer token for clients: --http-token TOKEN or ARDENT_MCP_TOKEN"
            )
        http = (host, port, token)
    async with ArdentClient() as client:
        tools = _tools(args, client)
        _lowlevel_server()  # fail before serving when the mcp extra is missing
        if http is None:
            await serve_stdio(tools)
        else:
            await serve_http(tools, host=http[0], port=http[1], token=http[2])


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point (``ardent-async mcp`` calls it with its own arguments)."""
    args = _parser().parse_args(argv)
    # stdout carries the protocol on stdio: anything logged must go to stderr.
    logging.basicConfig(stream=sys.stderr, level=args.log_level.upper())
    try:
        asyncio.run(_serve(args))
    except (ArdentError, MissingMCPError) as exc:  # configuration problems
        print(f"{PROG}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
