"""One run of a command: its arguments, client, output, the current context, work in flight."""

from __future__ import annotations

import argparse
import os
import shlex

from ardent_async._client import ArdentClient
from ardent_async._spec.constants import DEFAULT_WAIT_TIMEOUT
from ardent_async.cli import _context
from ardent_async.cli._failure import EXIT_USAGE, CliError, Resume
from ardent_async.cli._output import Output
from ardent_async.cli._progress import progress
from ardent_async.errors import OperationTimeoutError
from ardent_async.models import AsyncOperationResponse


class Invocation:
    """What a command handler works with.

    ``pending`` names the server-side work being waited on, so an interrupt or timeout can say
    what goes on and which command resumes it.
    """

    def __init__(self, args: argparse.Namespace, client: ArdentClient, out: Output) -> None:
        self.args = args
        self.client = client
        self.out = out
        self.saved = _context.load(client.base_url)
        self.pending: Resume | None = None

    # -- the current org / project / connector ---------------------------------------------

    def org_id(self, *, required: bool = True) -> str | None:
        org = self.args.org_id or os.environ.get("ARDENT_ORG_ID") or self.saved.org_id
        if org is None and required:
            raise CliError(
                "no_current_org",
                "no org given: pass --org-id ORG_ID, set ARDENT_ORG_ID, or run "
                "`ardent-async orgs switch ORG_ID` once",
                exit_code=EXIT_USAGE,
                hint="The API has no call that tells a token's org: find it in the Ardent app "
                "(Settings), or in the emulator's first line (ARDENT_ORG_ID=...).",
            )
        return org

    def project_id(self, given: str | None = None) -> str:
        project = given or self.saved.project_id
        if project is None:
            raise CliError(
                "no_current_project",
                "no project given: pass --project-id PROJECT_ID, or create one with "
                "`ardent-async projects create NAME` (it becomes the current project)",
                exit_code=EXIT_USAGE,
                hint="`ardent-async projects list` shows the org's projects; "
                "`ardent-async projects switch PROJECT_ID` picks one.",
            )
        return project

    async def connector_id(self, given: str | None = None) -> str:
        connector = given or self.saved.connector_id
        if connector is not None:
            return connector
        org = self.org_id(required=False)
        if org is not None:
            rows = await self.client.connectors.list(org)
            if not rows:
                raise CliError(
                    "no_connectors",
                    f"org {org} has no connectors: connect a source with "
                    '`ardent-async connectors create postgresql "$ARDENT_SOURCE_URL"`',
                    exit_code=EXIT_USAGE,
                )
            ids = ", ".join(row.id for row in rows[:10])
            hint = f"The org's connectors: {ids}"
        else:
            hint = None
        raise CliError(
            "no_current_connector",
            "no connector given: pass --connector-id CONNECTOR_ID, or run "
            "`ardent-async connectors switch CONNECTOR_ID` once",
            exit_code=EXIT_USAGE,
            hint=hint,
        )

    def remember(self, **ids: str | None) -> None:
        """Save ids as current (a new org forgets the project and connector of the old one)."""
        if "org_id" in ids and ids["org_id"] != self.saved.org_id:
            self.saved.project_id = self.saved.connector_id = None
        if "project_id" in ids and ids["project_id"] != self.saved.project_id:
            self.saved.connector_id = None
        for key, value in ids.items():
            setattr(self.saved, key, value)
        path = _context.save(self.saved)
        shown = ", ".join(f"{k.removesuffix('_id')} {v}" for k, v in ids.items() if v)
        self.out.note(f"current {shown} (saved in {path})")

    # -- waiting -----------------------------------------------------------------------------

    def wait_timeout(self, *, branch_create: bool = False) -> float:
        """``--wait-timeout``; else, for branch creates, the official CLI's
        ``ARDENT_BRANCH_CREATE_MAX_WAIT_MS``; else 600 s."""
        if self.args.wait_timeout is not None:
            return float(self.args.wait_timeout)
        raw = os.environ.get("ARDENT_BRANCH_CREATE_MAX_WAIT_MS") if branch_create else None
        if not raw:
            return DEFAULT_WAIT_TIMEOUT
        try:
            millis = float(raw)
        except ValueError:
            millis = -1.0
        if not millis > 0:
            raise CliError(
                "invalid_argument",
                f"ARDENT_BRANCH_CREATE_MAX_WAIT_MS: expected a positive number, got {raw!r}",
                exit_code=EXIT_USAGE,
            )
        return millis / 1000

    def command_line(self, *words: str, print_url: bool = False) -> str:
        """An ``ardent-async`` command to resume with, keeping the output flags in use."""
        parts = ["ardent-async", *words]
        if print_url:
            parts.append("--print-url")
        if self.args.format == "json":
            parts += ["--format", "json"]
        return shlex.join(parts)

    async def follow(
        self, operation_id: str, label: str, resume: Resume, *, timeout: float
    ) -> AsyncOperationResponse:
        """Wait for the operation, showing its stages; name it and its resume command if the
        wait times out or is interrupted."""
        self.pending = resume
        self.out.note(f"{label}: operation {operation_id}")
        last: AsyncOperationResponse | None = None
        try:
            with progress(label, quiet=self.out.quiet, percent=True) as view:
                async for op in self.client.operations.watch(operation_id, timeout=timeout):
                    last = op
                    stage = op.stage_label or str(op.status)
                    if op.progress is not None:
                        done = float(op.progress)
                    else:
                        done = 100.0 if op.status == "completed" else 0.0
                    view.update(done, 100, f"{label}: {stage}")
        except OperationTimeoutError as exc:
            raise CliError(
                "timeout",
                f"{label}: not finished after {timeout:g} s (the work goes on on the server)",
                resume=resume,
                data=exc.operation,
            ) from None
        assert last is not None
        self.pending = None
        return last
