"""``ardent-async``: the command line over the SDK's services.

Conventions follow the official Ardent CLI: ``ARDENT_TOKEN`` and ``ARDENT_API_URL`` configure
it, a current org/project/connector is saved by ``... switch`` commands (``ARDENT_ORG_ID``
overrides the org), ``--format json`` prints one object with ``json_schema_version`` (the
official CLI's key; and ``error.code`` on failure), ``--print-url`` prints only a branch's URL.
Exit status: 0 success, 1 runtime failure, 2 command error, 130 interrupted (see
:mod:`._failure`).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import sys
from collections.abc import Sequence

from ardent_async._client import ArdentClient
from ardent_async._core._telemetry._timeline import Timeline
from ardent_async.cli._failure import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    from_sdk,
)
from ardent_async.cli._invocation import Invocation
from ardent_async.cli._output import Output
from ardent_async.cli._parser import UsageError, parse, requested_format
from ardent_async.errors import ArdentError

__all__ = ["main"]

# Commands with parsers of their own, imported only when used (they need extras).
_DELEGATED = {"emulator": "ardent_async.emulator.__main__", "mcp": "ardent_async.mcp_server"}


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    if words and words[0] in _DELEGATED:
        module = importlib.import_module(_DELEGATED[words[0]])
        return int(module.main(words[1:]))
    try:
        args = parse(words)
    except UsageError as exc:
        return _usage_failure(exc, words)
    out = Output(args.format, show_secrets=args.show_secrets, quiet=args.quiet)
    runs: list[Invocation] = []
    try:
        return asyncio.run(_run(args, out, runs))
    except KeyboardInterrupt:
        pending = runs[0].pending if runs else None
        what = "" if pending is None else " (the work goes on on the server)"
        stopped = CliError(
            "interrupted", f"interrupted{what}", exit_code=EXIT_INTERRUPTED, resume=pending
        )
        out.error(stopped)
        return EXIT_INTERRUPTED


async def _run(args: argparse.Namespace, out: Output, runs: list[Invocation]) -> int:
    try:
        client = ArdentClient(
            token=args.token,
            base_url=args.api_url,
            max_retries=args.max_retries,
            timeout=args.request_timeout,
            allow_insecure_http=args.insecure_http,
            event_hooks=Timeline(sys.stderr).hooks() if args.trace else None,
        )
    except ArdentError as exc:
        return _report(out, from_sdk(exc))
    async with client:
        try:
            run = Invocation(args, client, out)
            runs.append(run)
            await args.handler(run)
        except CliError as exc:
            return _report(out, exc)
        except ArdentError as exc:
            return _report(out, from_sdk(exc, resume=runs[0].pending if runs else None))
    return EXIT_OK


def _report(out: Output, error: CliError) -> int:
    out.error(error)
    return error.exit_code


def _usage_failure(exc: UsageError, words: list[str]) -> int:
    error = CliError("invalid_arguments", exc.message, exit_code=EXIT_USAGE)
    fmt = requested_format(words)
    if fmt == "json":
        Output("json", show_secrets=False).error(error)
    else:
        sys.stderr.write(exc.usage)
        sys.stderr.write(f"ardent-async: error: {exc.message}\n")
    return EXIT_USAGE
