"""``branches create NAME --github-output / --env-file PATH / --wait-connectable``: one branch
for a CI job, reused when the job runs again, its details handed to the later steps.

``--github-output`` prints ``::add-mask::`` for the password first (GitHub then hides it in every
later log line), then appends ``branch_id``, ``branch_url``, ``pooled_branch_url`` and ``created``
(``false`` when the branch existed and was reused) to the file named by ``$GITHUB_OUTPUT``.
The mask line goes to stdout, GitHub's documented stream, in front of the table it precedes;
with ``--format json`` it goes to stderr instead, so stdout is one JSON document: the runner
reads workflow commands from stderr as well (actions/runner's script handler passes both
streams through its command processing), and a step capturing stdout (``$(...)``) would
otherwise swallow the mask line before the runner saw it.
``--env-file PATH`` appends ``DATABASE_URL=...``. Both imply waiting until the branch is
connectable (a real ``SELECT 1``), as ``--wait-connectable`` asks for alone.
"""

from __future__ import annotations

import argparse
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ardent_async.cli._failure import EXIT_USAGE, CliError
from ardent_async.cli._invocation import Invocation
from ardent_async.cli._output import Output
from ardent_async.services.branches import ReadyBranch

GITHUB_OUTPUT = "GITHUB_OUTPUT"


def wanted(args: argparse.Namespace) -> bool:
    """True when any CI flag was given."""
    return bool(args.github_output or args.env_file or args.wait_connectable)


def check(args: argparse.Namespace, environ: Mapping[str, str] = os.environ) -> None:
    """Refuse what cannot work, before any request."""
    flags = "--github-output, --env-file and --wait-connectable"
    if len(args.names) != 1:
        raise _usage(f"{flags} take one NAME ({len(args.names)} given)")
    if args.if_exists == "error":
        raise _usage(
            f"{flags} reuse a branch that exists (created=false): not with --if-exists error"
        )
    if args.print_url:
        raise _usage(f"--print-url prints only the URL; it does not combine with {flags}")
    if args.github_output and not environ.get(GITHUB_OUTPUT):
        raise _usage(
            "--github-output: $GITHUB_OUTPUT is not set (GitHub Actions sets it in every step)"
        )


async def create(inv: Invocation, connector: str, timeout: float) -> ReadyBranch:
    """Reuse or create the branch, wait until connectable, hand its details to later steps."""
    args = inv.args
    name = args.names[0]
    inv.out.note(f"branch {name} on {connector}: reusing it if it exists, else creating it")
    ready = await inv.client.branches.create_or_reuse(
        connector, name, timeout=timeout, until="connectable"
    )
    branch = ready.branch
    assert branch.branch_url is not None  # create_or_reuse refuses a branch without one
    if args.github_output:
        _mask(inv.out, branch.branch_url)
        outputs = {
            "branch_id": branch.branch_id,
            "branch_url": branch.branch_url,
            "pooled_branch_url": branch.pooled_branch_url or "",
            "created": "true" if ready.created else "false",
        }
        _append(Path(os.environ[GITHUB_OUTPUT]), outputs)
    if args.env_file:
        _append(Path(args.env_file), {"DATABASE_URL": branch.branch_url})
    inv.out.note(f"branch {name} {'created' if ready.created else 'existed: reused'}")
    return ready


def _mask(out: Output, url: str) -> None:
    """``::add-mask::`` for the URL's password, before anything else is printed: on stdout,
    or on stderr with ``--format json`` (stdout stays pure JSON; see the module docstring).
    Not a note: ``--quiet`` does not silence it."""
    stream = out.notes if out.format == "json" else out.stream
    for secret in _password_forms(url):
        stream.write(f"::add-mask::{secret}\n")
    stream.flush()


def _password_forms(url: str) -> list[str]:
    """The password as it appears in the URL and decoded (both could reach a log)."""
    netloc = urlsplit(url).netloc
    userinfo = netloc.rpartition("@")[0]
    raw = userinfo.partition(":")[2] if ":" in userinfo else ""
    return [form for form in dict.fromkeys([raw, unquote(raw)]) if form]


def _append(path: Path, values: Mapping[str, str]) -> None:
    """``name=value`` lines (GitHub's multi-line form for a value with a line break),
    appended; a new file is readable by its owner only."""
    lines = []
    for key, value in values.items():
        if "\n" in value or "\r" in value:
            delimiter = f"ghadelimiter_{secrets.token_hex(8)}"
            lines.append(f"{key}<<{delimiter}\n{value}\n{delimiter}\n")
        else:
            lines.append(f"{key}={value}\n")
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as file:
        file.write("".join(lines))


def _usage(message: str) -> CliError:
    return CliError("invalid_arguments", message, exit_code=EXIT_USAGE)
