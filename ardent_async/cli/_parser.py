"""The command line's grammar: groups, commands, flags, help with defaults and an example each.

Global flags (``--format``, ``--token``...) are accepted before or after the command: every
command's parser carries them too. Their parsers default to ``SUPPRESS`` so that a flag given
before the command is not overwritten by a subcommand's default; :func:`parse` fills the
defaults in afterwards.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from ardent_async._spec.constants import (
    DEFAULT_CONCURRENCY,
    DEFAULT_MAX_RETRIES,
    DEFAULT_REQUEST_TIMEOUT,
    DEFAULT_WAIT_TIMEOUT,
)
from ardent_async._version import __version__
from ardent_async.cli import commands, setup
from ardent_async.services.connectors import REPLICA_IDENTITY_DECISIONS as DECISION_CHOICES

GLOBAL_DEFAULTS: dict[str, Any] = {
    "format": "table",
    "token": None,
    "api_url": None,
    "org_id": None,
    "insecure_http": False,
    "show_secrets": False,
    "quiet": False,
    "wait_timeout": None,  # None: the command's own default (see wait_deadline)
    "request_timeout": DEFAULT_REQUEST_TIMEOUT,
    "max_retries": DEFAULT_MAX_RETRIES,
    "trace": False,
}

_EPILOG_FOOTER = """
Global flags go before or after the command. Exit status: 0 success, 1 runtime failure
(network, API error, failed or timed-out wait, failing preflight), 2 command error (bad flags
or values, missing org/project/connector), 130 interrupted."""


class UsageError(Exception):
    """A command-line mistake found while parsing: exit 2, shown in the chosen format."""

    def __init__(self, message: str, usage: str) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message, self.format_usage())


class _Help(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=32, width=100)


def _global_flags() -> argparse.ArgumentParser:
    flags = _Parser(add_help=False, allow_abbrev=False)
    group = flags.add_argument_group("global flags (anywhere on the line)")
    s = argparse.SUPPRESS
    group.add_argument(
        "--format", choices=["table", "json"], default=s, help="output format (default: table)"
    )
    group.add_argument(
        "--token",
        default=s,
        help="API token (default: $ARDENT_TOKEN; prefer the variable, flags show in `ps`)",
    )
    group.add_argument(
        "--api-url",
        default=s,
        help="API base URL (default: $ARDENT_API_URL, else https://api.tryardent.com)",
    )
    group.add_argument(
        "--org-id",
        default=s,
        help="org (default: $ARDENT_ORG_ID, else the one saved by `orgs switch`)",
    )
    group.add_argument(
        "--insecure-http",
        action="store_true",
        default=s,
        help="allow a plain-http --api-url on another host (default: only loopback)",
    )
    group.add_argument(
        "--show-secrets",
        action="store_true",
        default=s,
        help="print connection URLs with their passwords (default: masked)",
    )
    group.add_argument(
        "--quiet", "-q", action="store_true", default=s, help="no progress or notes on stderr"
    )
    group.add_argument(
        "--wait-timeout",
        type=_positive,
        default=s,
        metavar="SECONDS",
        help=f"how long a wait may last (default: {DEFAULT_WAIT_TIMEOUT:g}; branch creates: "
        "$ARDENT_BRANCH_CREATE_MAX_WAIT_MS if set); the work goes on after it",
    )
    group.add_argument(
        "--request-timeout",
        type=_positive,
        default=s,
        metavar="SECONDS",
        help=f"timeout of each HTTP request (default: {DEFAULT_REQUEST_TIMEOUT:g})",
    )
    group.add_argument(
        "--max-retries",
        type=_non_negative_int,
        default=s,
        metavar="N",
        help=f"retries of a failed request (default: {DEFAULT_MAX_RETRIES})",
    )
    group.add_argument(
        "--trace",
        action="store_true",
        default=s,
        help="print a timeline of requests, retries and waits to stderr (secrets masked)",
    )
    return flags


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}")
    return value


def _concurrency(text: str) -> int:
    value = _non_negative_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text!r}")
    return value


def _decision(text: str) -> tuple[str, str]:
    table, sep, decision = text.rpartition("=")
    if not sep or not table:
        raise argparse.ArgumentTypeError(f"expected TABLE=DECISION, got {text!r}")
    if decision not in DECISION_CHOICES:
        raise argparse.ArgumentTypeError(
            f"{table}: expected one of {', '.join(DECISION_CHOICES)}, got {decision!r}"
        )
    return table, decision


def build_parser() -> argparse.ArgumentParser:
    flags = _global_flags()
    parser = _Parser(
        prog="ardent-async",
        description="Ardent from the command line: from an empty org to a connectable branch.\n\n"
        "  ardent-async orgs switch org_123\n"
        "  ardent-async projects create ci\n"
        '  ardent-async connectors create postgresql "$ARDENT_SOURCE_URL" '
        "--decide-all replica_identity_full\n"
        '  psql "$(ardent-async branches create pr-42 --print-url)"',
        epilog=_EPILOG_FOOTER,
        formatter_class=_Help,
        parents=[flags],
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"ardent-async {__version__}")
    groups = parser.add_subparsers(dest="group", metavar="GROUP", parser_class=_Parser)
    groups.required = True

    def group(name: str, text: str) -> argparse._SubParsersAction[argparse.ArgumentParser]:
        sub = groups.add_parser(
            name, help=text, description=text, formatter_class=_Help, allow_abbrev=False
        )
        actions: argparse._SubParsersAction[argparse.ArgumentParser] = sub.add_subparsers(
            dest="action", metavar="COMMAND", parser_class=_Parser
        )
        actions.required = True
        return actions

    def command(
        actions: argparse._SubParsersAction[argparse.ArgumentParser],
        name: str,
        handler: Any,
        text: str,
        example: str,
        *,
        aliases: Sequence[str] = (),
    ) -> argparse.ArgumentParser:
        sub = actions.add_parser(
            name,
            help=text,
            description=text,
            epilog=f"example:\n  {example}\n{_EPILOG_FOOTER}",
            formatter_class=_Help,
            parents=[flags],
            aliases=list(aliases),
            allow_abbrev=False,
        )
        sub.set_defaults(handler=handler)
        return sub

    # -- context ---------------------------------------------------------------------------
    ctx = group("context", "the current org, project and connector (saved per API URL)")
    command(
        ctx,
        "show",
        commands.context_show,
        "show the current org, project and connector, and where each comes from",
        "ardent-async context show",
    )
    command(
        ctx,
        "clear",
        commands.context_clear,
        "forget the saved org, project and connector for this API URL",
        "ardent-async context clear",
    )

    orgs = group("orgs", "organizations")
    p = command(
        orgs,
        "switch",
        commands.orgs_switch,
        "make ORG_ID the current org (checked with the API, then saved)",
        "ardent-async orgs switch org_123",
    )
    p.add_argument("switch_org_id", metavar="ORG_ID")
    command(
        orgs,
        "show",
        commands.orgs_show,
        "show the current org",
        "ardent-async orgs show --org-id org_123",
    )

    # -- projects --------------------------------------------------------------------------
    projects = group("projects", "projects")
    command(
        projects,
        "list",
        commands.projects_list,
        "list the projects of the current org",
        "ardent-async projects list --format json",
    )
    p = command(
        projects,
        "create",
        commands.projects_create,
        "create a project in the current org (else the token's) and make it current",
        "ardent-async projects create ci",
    )
    p.add_argument("name", metavar="NAME")
    p.add_argument("--no-switch", action="store_true", help="do not make it the current project")
    p = command(
        projects,
        "switch",
        commands.projects_switch,
        "make PROJECT_ID the current project (and its org the current org)",
        "ardent-async projects switch proj_123",
    )
    p.add_argument("project_id", metavar="PROJECT_ID")
    p = command(
        projects,
        "delete",
        commands.projects_delete,
        "delete a project",
        "ardent-async projects delete proj_123",
    )
    p.add_argument("project_id", metavar="PROJECT_ID")

    # -- connectors ------------------------------------------------------------------------
    connectors = group("connectors", "connectors: the Postgres sources Ardent branches")

    def source_arguments(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "source",
            nargs="*",
            metavar="[postgresql] URL",
            help="the source's postgresql:// URL (optionally after its service, postgresql)",
        )
        p.add_argument("--url", help="the source's URL (instead of the positional URL)")
        p.add_argument(
            "--connection-details",
            metavar="JSON",
            help="connection details as a JSON object (instead of a URL)",
        )

    def decision_arguments(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--select",
            action="append",
            metavar="PATH",
            help="schema or schema.table to replicate, repeatable (default: * = everything, "
            "or the selection already saved)",
        )
        p.add_argument(
            "--decide",
            action="append",
            type=_decision,
            metavar="TABLE=DECISION",
            help="replica identity decision for a table without a primary key, repeatable; "
            f"DECISION: {', '.join(DECISION_CHOICES)}",
        )
        p.add_argument(
            "--decide-all",
            choices=DECISION_CHOICES,
            metavar="DECISION",
            help="the decision for every such table not named by --decide",
        )

    p = command(
        connectors,
        "preflight",
        commands.connectors_preflight,
        "check a Postgres source before connecting it (exit 1 when a check fails)",
        'ardent-async connectors preflight "$ARDENT_SOURCE_URL"',
    )
    source_arguments(p)
    p.add_argument("--schema", action="append", help="schema to check, repeatable (default: all)")
    p.add_argument(
        "--fail-on-warnings", action="store_true", help="exit 2 when a check warns (default: 0)"
    )
    p = command(
        connectors,
        "create",
        setup.connectors_create,
        "connect a source and set it up for branching: preflight, create, discover, select, "
        "decide, engine setup, wait (then it is the current connector)",
        'ardent-async connectors create postgresql "$ARDENT_SOURCE_URL" --name prod '
        "--decide-all replica_identity_full",
    )
    source_arguments(p)
    p.add_argument("--name", help="connector name (default: the database name in the URL)")
    p.add_argument("--project-id", help="project (default: the current project)")
    p.add_argument("--skip-preflight", action="store_true", help="create without a preflight")
    p.add_argument(
        "--no-setup", action="store_true", help="only create it (finish with `connectors setup`)"
    )
    p.add_argument("--no-switch", action="store_true", help="do not make it the current connector")
    decision_arguments(p)
    p = command(
        connectors,
        "setup",
        setup.connectors_setup,
        "resume or retry a connector's setup: discover, select, decide, engine setup, wait",
        "ardent-async connectors setup conn_123 --decide-all exclude",
        aliases=["retry-setup"],
    )
    p.add_argument("connector_id", nargs="?", metavar="CONNECTOR_ID", help="default: current")
    decision_arguments(p)
    p = command(
        connectors,
        "discover",
        setup.connectors_discover,
        "discover the source's schemas and tables (waits unless --no-wait)",
        "ardent-async connectors discover conn_123",
    )
    p.add_argument("connector_id", nargs="?", metavar="CONNECTOR_ID", help="default: current")
    p.add_argument("--no-wait", action="store_true", help="print the operation and return")
    p = command(
        connectors,
        "select",
        setup.connectors_select,
        "choose the discovered schemas or tables to replicate",
        "ardent-async connectors select conn_123 --path public",
    )
    p.add_argument("connector_id", nargs="?", metavar="CONNECTOR_ID", help="default: current")
    p.add_argument(
        "--path",
        action="append",
        metavar="PATH",
        help="schema or schema.table, repeatable (default: * = everything)",
    )
    p = command(
        connectors,
        "decide",
        setup.connectors_decide,
        "set replica identity decisions for tables without a primary key",
        "ardent-async connectors decide conn_123 --decide public.audit=replica_identity_full",
    )
    p.add_argument("connector_id", nargs="?", metavar="CONNECTOR_ID", help="default: current")
    p.add_argument(
        "--decide", action="append", type=_decision, metavar="TABLE=DECISION", help="repeatable"
    )
    p.add_argument(
        "--decide-all", choices=DECISION_CHOICES, metavar="DECISION", help="for the others"
    )
    p = command(
        connectors,
        "engine-setup",
        setup.connectors_engine_setup,
        "start (or join) the engine setup that makes a connector branchable",
        "ardent-async connectors engine-setup conn_123",
    )
    p.add_argument("connector_id", nargs="?", metavar="CONNECTOR_ID", help="default: current")
    p.add_argument("--no-wait", action="store_true", help="print the operation and return")
    command(
        connectors,
        "list",
        commands.connectors_list,
        "list the connectors of the current org",
        "ardent-async connectors list",
    )
    p = command(
        connectors,
        "switch",
        commands.connectors_switch,
        "make CONNECTOR_ID the current connector (and its project and org current)",
        "ardent-async connectors switch conn_123",
    )
    p.add_argument("connector_id", metavar="CONNECTOR_ID")
    p = command(
        connectors,
        "get",
        commands.connectors_get,
        "show a connector (default: the current one)",
        "ardent-async connectors get conn_123",
    )
    p.add_argument("connector_id", nargs="?", metavar="CONNECTOR_ID", help="default: current")
    p = command(
        connectors,
        "delete",
        commands.connectors_delete,
        "delete a connector and its branches",
        "ardent-async connectors delete conn_123 --force --wait",
    )
    p.add_argument("connector_id", metavar="CONNECTOR_ID")
    p.add_argument("--force", action="store_true", help="delete even with branches in use")
    p.add_argument("--wait", action="store_true", help="wait for the delete to finish")

    # -- branches --------------------------------------------------------------------------
    branches = group("branches", "branches: isolated, writable copies of a connector's database")
    p = command(
        branches,
        "create",
        commands.branches_create,
        "create one or more branches; --wait for them, --print-url for just the URLs",
        'psql "$(ardent-async branches create pr-42 --print-url)"',
    )
    p.add_argument("names", nargs="+", metavar="NAME", help="branch names")
    p.add_argument("--connector-id", help="connector (default: the current connector)")
    p.add_argument("--wait", action="store_true", help="wait until the branches are ready")
    p.add_argument(
        "--if-exists",
        choices=("reuse", "error"),
        default="reuse",
        help="a name already taken on the connector: reuse that branch (default) or fail",
    )
    p.add_argument(
        "--print-url",
        action="store_true",
        help="wait, then print only the connection URLs (one a line, real passwords)",
    )
    p.add_argument(
        "--wait-connectable",
        action="store_true",
        help="wait until the branch accepts a connection (SELECT 1 ran); one NAME",
    )
    p.add_argument(
        "--github-output",
        action="store_true",
        help="GitHub Actions: print ::add-mask:: for the password, then append branch_id,"
        " branch_url, pooled_branch_url and created (true/false) to $GITHUB_OUTPUT; one NAME,"
        " reused when it exists, waited for until connectable",
    )
    p.add_argument(
        "--env-file",
        metavar="PATH",
        help="append DATABASE_URL=<branch URL> to PATH (a dotenv file; created 0600); one NAME,"
        " reused when it exists, waited for until connectable",
    )
    p.add_argument(
        "--concurrency",
        type=_concurrency,
        default=DEFAULT_CONCURRENCY,
        metavar="N",
        help=f"creates in flight at once, for several names (default: {DEFAULT_CONCURRENCY})",
    )
    p = command(
        branches,
        "wait",
        commands.branches_wait,
        "wait for a branch create started earlier (`branches create NAME` prints its operation)",
        "ardent-async branches wait op_123 --print-url",
    )
    p.add_argument("operation_id", metavar="OPERATION_ID")
    p.add_argument("--print-url", action="store_true", help="print only the connection URL")
    p = command(
        branches,
        "list",
        commands.branches_list,
        "list a connector's branches (at most 100, the API's cap)",
        "ardent-async branches list --connector-id conn_123",
    )
    p.add_argument("--connector-id", help="connector (default: the current connector)")
    p = command(
        branches,
        "info",
        commands.branches_info,
        "show one branch, by id or name",
        "ardent-async branches info pr-42 --show-secrets",
    )
    p.add_argument("branch", metavar="BRANCH")
    p.add_argument("--connector-id", help="connector (default: the current connector)")

    # -- operations ------------------------------------------------------------------------
    operations = group("operations", "operations: long-running work to follow")
    p = command(
        operations,
        "get",
        commands.operations_get,
        "show an operation",
        "ardent-async operations get op_123",
    )
    p.add_argument("operation_id", metavar="OPERATION_ID")
    p.add_argument(
        "--hold",
        type=_positive,
        metavar="SECONDS",
        help="let the server hold the request until the operation changes (default: answer now)",
    )
    p = command(
        operations,
        "wait",
        commands.operations_wait,
        "wait for an operation to finish (exit 1 if it fails or the wait times out)",
        "ardent-async operations wait op_123 --wait-timeout 120",
    )
    p.add_argument("operation_id", metavar="OPERATION_ID")

    groups.add_parser(
        "emulator", help="run the local Ardent emulator (see `ardent-async emulator --help`)"
    )
    groups.add_parser("mcp", help="serve the agent tools over MCP: stdio or HTTP (see its --help)")
    return parser


def requested_format(argv: Sequence[str]) -> str:
    """The ``--format`` on the line, for reporting a usage error in it before parsing works."""
    for index, arg in enumerate(argv):
        if arg == "--format" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--format="):
            return arg.split("=", 1)[1]
    return "table"


def parse(argv: Sequence[str]) -> argparse.Namespace:
    args = build_parser().parse_args(argv)
    for name, default in GLOBAL_DEFAULTS.items():
        if not hasattr(args, name):
            setattr(args, name, default)
    return args


def print_help_hint(error: UsageError) -> None:
    sys.stderr.write(error.usage)
