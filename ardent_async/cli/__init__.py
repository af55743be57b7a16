"""``ardent-async``: the command line over the SDK's services.

Conventions follow the official Ardent CLI: ``ARDENT_TOKEN`` and ``ARDENT_API_URL`` configure
it; exit status 0 = success, 1 = runtime or API failure, 2 = usage or validation error.
Tables are for people; ``--format json`` is for scripts. Secrets are masked unless
``--show-secrets`` (``branches create --print-url`` prints the real URL, its whole purpose).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import sys
from collections.abc import Awaitable, Callable, Sequence

from ardent_async._client import ArdentClient
from ardent_async._redact import redact_text
from ardent_async._spec.constants import DEFAULT_WAIT_TIMEOUT
from ardent_async._version import __version__
from ardent_async.cli import commands
from ardent_async.cli._output import Output
from ardent_async.errors import ArdentAuthError, ArdentError, ArdentValidationError

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2

Handler = Callable[[argparse.Namespace, ArdentClient, Output], Awaitable[None]]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ardent-async",
        description="Ardent from the command line: projects, connectors, branches, operations.",
    )
    parser.add_argument("--version", action="version", version=f"ardent-async {__version__}")
    parser.add_argument("--token", help="API token (default: $ARDENT_TOKEN)")
    parser.add_argument("--api-url", help="API base URL (default: $ARDENT_API_URL)")
    parser.add_argument(
        "--format", choices=["table", "json"], default="table", help="output format"
    )
    parser.add_argument("--show-secrets", action="store_true", help="print URLs with passwords")
    parser.add_argument(
        "--timeout", type=float, default=DEFAULT_WAIT_TIMEOUT, help="seconds to wait (waits)"
    )
    parser.add_argument("--max-retries", type=int, default=2, help="retries per request")
    groups = parser.add_subparsers(dest="group", required=True, metavar="COMMAND")

    def command(
        group: argparse._SubParsersAction[argparse.ArgumentParser],
        name: str,
        handler: Handler,
        help_text: str,
    ) -> argparse.ArgumentParser:
        sub = group.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    projects = groups.add_parser("projects", help="projects").add_subparsers(
        required=True, metavar="ACTION"
    )
    p = command(projects, "list", commands.projects_list, "list the projects of an org")
    p.add_argument("--org-id", required=True)
    p = command(projects, "create", commands.projects_create, "create a project")
    p.add_argument("name")
    p.add_argument("--org-id")
    p = command(projects, "delete", commands.projects_delete, "delete a project")
    p.add_argument("project_id")

    connectors = groups.add_parser("connectors", help="connectors").add_subparsers(
        required=True, metavar="ACTION"
    )
    for name, handler, text in (
        (
            "preflight",
            commands.connectors_preflight,
            "check a Postgres source before connecting it",
        ),
        ("create", commands.connectors_create, "create a connector for a source"),
    ):
        p = command(connectors, name, handler, text)
        source = p.add_mutually_exclusive_group(required=True)
        source.add_argument("--url", help="postgresql:// URL of the source")
        source.add_argument("--connection-details", help="connection details as a JSON object")
        p.add_argument("--org-id")
        if name == "preflight":
            p.add_argument("--schema", action="append", help="schema to check (repeatable)")
        else:
            p.add_argument("--project-id", required=True)
            p.add_argument("--name", required=True)
    p = command(connectors, "list", commands.connectors_list, "list connectors")
    p.add_argument("--org-id", required=True)
    p = command(connectors, "get", commands.connectors_get, "show a connector")
    p.add_argument("connector_id")
    p = command(connectors, "delete", commands.connectors_delete, "delete a connector")
    p.add_argument("connector_id")
    p.add_argument("--force", action="store_true")
    p.add_argument("--wait", action="store_true", help="wait for the delete to finish")

    branches = groups.add_parser("branches", help="branches").add_subparsers(
        required=True, metavar="ACTION"
    )
    p = command(branches, "create", commands.branches_create, "create a branch")
    p.add_argument("--connector-id", required=True)
    p.add_argument("name")
    p.add_argument("--wait", action="store_true", help="wait until the branch is ready")
    p.add_argument("--print-url", action="store_true", help="wait, then print only its URL")
    p = command(branches, "list", commands.branches_list, "list a connector's branches")
    p.add_argument("--connector-id", required=True)

    operations = groups.add_parser("operations", help="operations").add_subparsers(
        required=True, metavar="ACTION"
    )
    p = command(operations, "get", commands.operations_get, "show an operation")
    p.add_argument("operation_id")
    p.add_argument("--wait", type=float, help="let the server hold the request up to N s")
    p = command(operations, "wait", commands.operations_wait, "wait for an operation to finish")
    p.add_argument("operation_id")

    groups.add_parser(
        "emulator", help="run the local Ardent emulator (see its --help)", add_help=False
    )
    groups.add_parser("mcp", help="serve the agent tools over MCP (stdio)", add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    # Commands with parsers of their own, imported only when used (they need extras).
    delegated = {"emulator": "ardent_async.emulator.__main__", "mcp": "ardent_async.mcp_server"}
    if args_list and args_list[0] in delegated:
        module = importlib.import_module(delegated[args_list[0]])
        return int(module.main(args_list[1:]))
    parser = build_parser()
    args = parser.parse_args(args_list)  # exits 2 on usage errors
    try:
        return asyncio.run(_run(args))
    except KeyboardInterrupt:
        print("ardent-async: interrupted", file=sys.stderr)
        return 130


async def _run(args: argparse.Namespace) -> int:
    out = Output(args.format, show_secrets=args.show_secrets)
    try:
        async with ArdentClient(
            token=args.token, base_url=args.api_url, max_retries=args.max_retries
        ) as client:
            await args.handler(args, client, out)
    except (ArdentValidationError, ArdentAuthError) as exc:
        # Refused before sending (bad argument, no token): a usage error.
        return _fail(exc, EXIT_USAGE if exc.status_code is None else EXIT_FAILURE)
    except ArdentError as exc:
        return _fail(exc, EXIT_FAILURE)
    return EXIT_OK


def _fail(exc: ArdentError, code: int) -> int:
    print(f"ardent-async: error: {redact_text(str(exc))}", file=sys.stderr)
    return code
