"""The command handlers (the connector set-up flow is in :mod:`.setup`): each takes the run."""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

import attrs

from ardent_async.cli import _ci_outputs, _context
from ardent_async.cli._failure import EXIT_FAILURE, EXIT_USAGE, CliError, Resume, from_sdk
from ardent_async.cli._invocation import Invocation
from ardent_async.cli._progress import progress
from ardent_async.cli._source_url import checked_source_url
from ardent_async.errors import (
    ArdentAuthError,
    ArdentError,
    ArdentValidationError,
    ConflictError,
    OperationTimeoutError,
)
from ardent_async.fanout import BranchOutcome, FanOutProgress
from ardent_async.models import BranchCreateResult, ConnectorRow, PreflightReport
from ardent_async.preflight import NOT_CHECKED, WARN, CheckResult, check_results
from ardent_async.services.branches import ReadyBranch, branch_result

#: The preflight check that fails only because this org already connected the source.
ALREADY_CONNECTED = "already_connected"


# -- context and orgs ----------------------------------------------------------------------


async def context_show(inv: Invocation) -> None:
    env_org = os.environ.get("ARDENT_ORG_ID")
    rows: list[tuple[str, str | None, str]] = []
    org_source = (
        "--org-id"
        if inv.args.org_id
        else "ARDENT_ORG_ID"
        if env_org
        else "saved"
        if inv.saved.org_id
        else "unset"
    )
    rows.append(("org", inv.org_id(required=False), org_source))
    for key in ("project_id", "connector_id"):
        value = getattr(inv.saved, key)
        rows.append((key.removesuffix("_id"), value, "saved" if value else "unset"))
    data = {
        "api_url": inv.client.base_url,
        "file": str(_context.context_path()),
        **{name + "_id": value for name, value, _ in rows},
    }
    inv.out.table(
        data,
        ["current", "id", "from"],
        rows,
        title=f"context for {inv.client.base_url} ({_context.context_path()})",
    )


async def context_clear(inv: Invocation) -> None:
    inv.saved = _context.SavedContext(inv.client.base_url)
    _context.save(inv.saved)
    inv.out.record({"api_url": inv.client.base_url, "cleared": True})


async def orgs_switch(inv: Invocation) -> None:
    org_id = inv.args.switch_org_id
    try:
        details = await inv.client.orgs.get(org_id)
    except ArdentAuthError as exc:
        if exc.status_code != 403:
            raise
        # A member may lack the right to read the org's details; the id still scopes calls.
        inv.out.note(f"note: this token may not read org {org_id}'s details; saved it anyway")
        inv.remember(org_id=org_id)
        inv.out.record({"org_id": org_id})
        return
    inv.remember(org_id=org_id)
    inv.out.record(details)


async def orgs_show(inv: Invocation) -> None:
    org = inv.org_id()
    assert org is not None
    inv.out.record(await inv.client.orgs.get(org))


# -- projects ------------------------------------------------------------------------------


async def projects_list(inv: Invocation) -> None:
    org = inv.org_id()
    assert org is not None
    rows = await inv.client.projects.list(org)
    inv.out.table(rows, ["id", "name", "created"], [(p.id, p.name, p.created_at) for p in rows])


async def projects_create(inv: Invocation) -> None:
    name, org = inv.args.name, inv.org_id(required=False)
    # Safe to repeat, like every create: the org's project of that name is the one asked for.
    known = await inv.client.projects.list(org) if org is not None else []
    row = next((project for project in known if project.name == name), None)
    if row is None:
        row = await inv.client.projects.create(name, org_id=org)
    else:
        inv.out.note(f"project {name!r} already exists: {row.id} (reused)")
    if not inv.args.no_switch:
        inv.remember(org_id=row.org_id, project_id=row.id)
    inv.out.record(row)


async def projects_switch(inv: Invocation) -> None:
    row = await inv.client.projects.get(inv.args.project_id)
    inv.remember(org_id=row.org_id, project_id=row.id)
    inv.out.record(row)


async def projects_delete(inv: Invocation) -> None:
    reply = await inv.client.projects.delete(inv.args.project_id)
    if inv.saved.project_id == inv.args.project_id:
        inv.remember(project_id=None)
    inv.out.record(reply)


# -- connectors (the set-up steps are in .setup) --------------------------------------------


def source_of(args: argparse.Namespace) -> tuple[str, dict[str, Any]]:
    """``(service_name, connection_details)``: from ``[postgresql] URL``, ``--url`` or
    ``--connection-details``."""
    words = list(args.source)
    service = "postgresql"
    if len(words) == 2:
        service, url = words
    elif len(words) > 2:
        raise _usage(f"expected [postgresql] URL, got {len(words)} words")
    else:
        url = words[0] if words else None
    given = [x for x in (url, args.url, args.connection_details) if x is not None]
    if len(given) != 1:
        raise _usage(
            "give the source once: a URL (positional or --url) or --connection-details JSON"
        )
    if args.connection_details is None:
        if url is not None:
            return service, {"url": checked_source_url(url, "URL")}
        return service, {"url": checked_source_url(args.url, "--url")}
    try:
        details = json.loads(args.connection_details)
    except ValueError as exc:
        raise _usage(f"--connection-details: expected a JSON object ({exc})") from None
    if not isinstance(details, dict):
        raise _usage("--connection-details: expected a JSON object")
    return service, details


async def connectors_preflight(inv: Invocation) -> None:
    service, details = source_of(inv.args)
    report = await inv.client.connectors.preflight(
        details,
        service_name=service,
        org_id=inv.org_id(required=False),
        selected_schemas=inv.args.schema or None,
    )
    checks = check_results(report)
    failing = [c.name for c in checks if c.failed]
    # Connected already (by an earlier run of the same steps): nothing to fix on the source, and
    # `connectors create` with the connector's name resumes it.
    connected = failing == [ALREADY_CONNECTED]
    passed = bool(report.preflight_pass) or connected
    problem = _preflight_problem(inv, report, checks, passed=passed)
    if problem is not None and inv.out.format == "json":
        raise problem  # one document: the report as data, and the error
    _show_preflight(inv, report, checks, passed=passed, connected=connected)
    if problem is not None:
        raise problem


def _preflight_problem(
    inv: Invocation, report: PreflightReport, checks: list[CheckResult], *, passed: bool
) -> CliError | None:
    """The failure to report: a failing preflight, or warnings with --fail-on-warnings."""
    if not passed:
        failing = [c.name for c in checks if c.failed]
        fix = "Fix the source (the grant script below)" if report.grant_script else "Fix the source"
        return CliError(
            "preflight_failed",
            "preflight FAIL: " + (", ".join(failing) or "see the report"),
            hint=f"{fix}, then run the preflight again.",
            data=report,
        )
    warning = [c.name for c in checks if c.status == WARN]
    if warning and inv.args.fail_on_warnings:
        return CliError(
            "preflight_warnings",
            "preflight passed with warnings (--fail-on-warnings): " + ", ".join(warning),
            exit_code=EXIT_USAGE,
            data=report,
        )
    return None


def _show_preflight(
    inv: Invocation,
    report: PreflightReport,
    checks: list[CheckResult],
    *,
    passed: bool,
    connected: bool,
) -> None:
    """The checks as a table; the grant script when it fixes a failure; a note when the
    source is connected already."""
    inv.out.table(
        report,
        ["check", "result", "hint"],
        _check_rows(checks),
        title=f"preflight: {'PASS' if passed else 'FAIL'}",
    )
    if not passed and report.grant_script:
        inv.out.line("\nTo fix, run on the source:\n" + report.grant_script)
    if connected:
        inv.out.note(
            "the source is already connected in this org: nothing to fix "
            "(`ardent-async connectors list` shows its connector)"
        )


def _check_rows(checks: list[CheckResult]) -> list[tuple[str, str, str]]:
    """One row per check run; the checks the server did not run (after an unreachable source)
    share one row instead of repeating "not checked" eight times."""
    ran = [c for c in checks if c.status != NOT_CHECKED]
    rows = [(c.name, c.status, c.hint or c.message or "") for c in ran]
    unrun = [c for c in checks if c.status == NOT_CHECKED]
    if unrun:
        why = next((c.message for c in unrun if c.message), None)
        rows.append((f"{len(unrun)} more", NOT_CHECKED, why or ", ".join(c.name for c in unrun)))
    return rows


async def connectors_list(inv: Invocation) -> None:
    org = inv.org_id()
    assert org is not None
    rows = await inv.client.connectors.list(org)
    inv.out.table(
        rows,
        ["id", "name", "project", "status", "engine"],
        [(c.id, c.name, c.project_id, c.status, c.extra.get("engine_status")) for c in rows],
    )


def connector_summary(row: ConnectorRow) -> dict[str, Any]:
    """What a person wants to see of a connector (``--format json`` prints all of it)."""
    extra = row.extra
    tables = extra.get("discovered_paths")
    return {
        "id": row.id,
        "name": row.name,
        "org_id": row.org_id,
        "project_id": row.project_id,
        "service_name": row.service_name,
        "status": row.status,
        "engine_status": extra.get("engine_status"),
        "created_at": row.created_at,
        "discovered_tables": len(tables) if isinstance(tables, list) else None,
        "selected_paths": extra.get("selected_paths"),
        "replica_identity_decisions": extra.get("replica_identity_decisions") or None,
    }


async def connectors_switch(inv: Invocation) -> None:
    row = await inv.client.connectors.get(inv.args.connector_id)
    inv.remember(org_id=row.org_id, project_id=row.project_id, connector_id=row.id)
    inv.out.record(row, fields=connector_summary(row))


async def connectors_get(inv: Invocation) -> None:
    connector = await inv.connector_id(inv.args.connector_id)
    row = await inv.client.connectors.get(connector)
    inv.out.record(row, fields=connector_summary(row))


async def connectors_delete(inv: Invocation) -> None:
    connector = inv.args.connector_id
    handle = await inv.client.connectors.delete(connector, force=inv.args.force)
    if inv.saved.connector_id == connector:
        inv.remember(connector_id=None)
    if not inv.args.wait:
        inv.out.record(handle)
        return
    resume = Resume(
        f"connector {connector} is still being deleted",
        inv.command_line("operations", "wait", handle.operation_id),
        handle.operation_id,
    )
    inv.out.record(
        await inv.follow(
            handle.operation_id, f"deleting {connector}", resume, timeout=inv.wait_timeout()
        )
    )


# -- branches ------------------------------------------------------------------------------


async def branches_create(inv: Invocation) -> None:
    args = inv.args
    _refuse_repeated_names(args.names)  # before any output or request
    if _ci_outputs.wanted(args):
        _ci_outputs.check(args)
        connector = await inv.connector_id(args.connector_id)
        ready = await _ci_outputs.create(inv, connector, inv.wait_timeout(branch_create=True))
        _show_branch(inv, ready.branch)
        return
    connector = await inv.connector_id(args.connector_id)
    waiting = args.wait or args.print_url
    timeout = inv.wait_timeout(branch_create=True)
    if len(args.names) > 1:
        await _create_several(inv, connector, args.names, waiting=waiting, timeout=timeout)
    elif waiting:
        await _create_and_wait(inv, connector, args.names[0], timeout=timeout)
    else:
        await _create_one(inv, connector, args.names[0])


async def _create_one(inv: Invocation, connector: str, name: str) -> None:
    """Send the create (``--wait`` not given): its operation, or the branch of that name."""
    try:
        handle = await inv.client.branches.create(connector, name)
    except ArdentValidationError as exc:
        raise await _explain_refusal(inv, connector, exc) from None
    except ConflictError:
        # Taken by a create the server no longer links to this name's key: running the same
        # command again gives the same branch, as it does while the server remembers the key.
        if inv.args.if_exists != "reuse":
            raise
        inv.out.note(f"branch {name} exists already on {connector}: reusing it")
        inv.out.record(await inv.client.branches.get(connector, name))
        return
    inv.out.record(handle)


async def _create_and_wait(inv: Invocation, connector: str, name: str, *, timeout: float) -> None:
    """The SDK's one path to a ready branch (``create_or_reuse``, or ``create_and_wait`` with
    ``--if-exists error``): the derived key, a name taken reused, an earlier run's failed
    create started anew. Interrupted or timed out, the same command resumes it."""
    args = inv.args
    again = ["branches", "create", name, "--connector-id", connector]
    if not args.print_url:
        again.append("--wait")
    reuse = args.if_exists == "reuse"
    if not reuse:
        again += ["--if-exists", args.if_exists]
    resume = Resume(
        f"branch {name} is still being created",
        inv.command_line(*again, print_url=args.print_url),
    )
    inv.pending = resume
    branches = inv.client.branches
    try:
        with progress(f"branch {name}", quiet=inv.out.quiet, percent=True) as view:
            view.update(0, 100, f"branch {name} on {connector}: creating")
            if reuse:
                ready = await branches.create_or_reuse(connector, name, timeout=timeout)
            else:
                branch = await branches.create_and_wait(
                    connector, name, timeout=timeout, if_exists="error"
                )
                ready = ReadyBranch(branch, created=True)
            view.update(100, 100, f"branch {name}: ready")
    except ArdentValidationError as exc:
        raise await _explain_refusal(inv, connector, exc) from None
    except OperationTimeoutError as exc:
        raise _timed_out(resume, exc, f"branch {name}", timeout) from None
    inv.pending = None
    if not ready.created:
        inv.out.note(f"branch {name} existed on {connector}: reusing it")
    _show_branch(inv, ready.branch)  # EmptyBranchURLError when it has no URL


def _timed_out(resume: Resume, exc: OperationTimeoutError, label: str, timeout: float) -> CliError:
    """A wait that ran out: the operation it was waiting for (if known), and how to resume."""
    operation = exc.operation
    return CliError(
        "timeout",
        f"{label}: not finished after {timeout:g} s (the work goes on on the server)",
        resume=attrs.evolve(resume, operation_id=None if operation is None else operation.id),
        data=operation,
    )


def _refuse_repeated_names(names: list[str]) -> None:
    repeated = [name for name in dict.fromkeys(names) if names.count(name) > 1]
    if repeated:
        shown = ", ".join(repr(name) for name in repeated)
        raise _usage(f"NAME: each branch name once; {shown} given more than once")


async def branches_wait(inv: Invocation) -> None:
    op_id = inv.args.operation_id
    resume = Resume(
        "the branch is still being created",
        inv.command_line("branches", "wait", op_id, print_url=inv.args.print_url),
        op_id,
    )
    timeout = inv.wait_timeout(branch_create=True)
    _show_branch(inv, branch_result(await inv.follow(op_id, "branch", resume, timeout=timeout)))


def _show_branch(inv: Invocation, branch: BranchCreateResult) -> None:
    if inv.args.print_url:
        # For `psql "$(ardent-async branches create ... --print-url)"`: the real URL, alone.
        inv.out.raw(_url(branch))
        return
    inv.out.record(branch)


def _url(branch: BranchCreateResult) -> str:
    # branch_result (used by every wait) has refused a result without a usable URL.
    assert branch.branch_url
    return branch.branch_url


async def _create_several(
    inv: Invocation, connector: str, names: list[str], *, waiting: bool, timeout: float
) -> None:
    left = list(dict.fromkeys(names))
    # create_many derives each idempotency key from the name: running the same command again
    # replays the creates the server remembers instead of duplicating them.
    again = ["branches", "create", *names, "--connector-id", connector]
    if waiting and not inv.args.print_url:
        again.append("--wait")
    inv.pending = _several_pending(inv, again, left)
    verb = "ready" if waiting else "accepted"
    inv.out.note(f"creating {len(names)} branches on {connector}, {inv.args.concurrency} at a time")
    with progress("branches", quiet=inv.out.quiet, total=len(names)) as view:
        view.update(0, len(names), f"branches {verb}")

        def progressed(step: FanOutProgress) -> None:
            if step.name in left:
                left.remove(step.name)
            inv.pending = _several_pending(inv, again, left)
            failed = f" ({step.failed} failed)" if step.failed else ""
            view.update(step.done, step.total, f"branches {verb}{failed}: {step.name}")

        outcomes = await inv.client.branches.create_many(
            connector,
            names,
            concurrency=inv.args.concurrency,
            wait=waiting,
            timeout=timeout,
            on_progress=progressed,
        )
    inv.pending = None
    results = [_outcome_data(o) for o in outcomes]
    failures = [o for o in outcomes if o.error is not None]
    problem = await _several_failed(inv, connector, failures, len(outcomes), results)
    if problem is not None and inv.out.format == "json":
        raise problem
    _show_several(inv, outcomes, results)
    if problem is not None:
        raise problem


def _several_pending(inv: Invocation, again: list[str], left: list[str]) -> Resume:
    """The creates not finished yet, and the command (the same one) that resumes them."""
    shown = ", ".join(left[:5]) + (f" and {len(left) - 5} more" if len(left) > 5 else "")
    return Resume(
        f"{len(left)} branch creates may still be running ({shown})",
        inv.command_line(*again, print_url=inv.args.print_url),
    )


def _show_several(
    inv: Invocation, outcomes: list[BranchOutcome], results: list[dict[str, Any]]
) -> None:
    """The ready branches' URLs (--print-url), else a row per name."""
    if inv.args.print_url:
        for outcome in outcomes:
            if outcome.branch is not None:
                inv.out.raw(_url(outcome.branch))
        return
    inv.out.table(
        results,
        ["name", "result", "url or operation"],
        [_outcome_row(inv, o) for o in outcomes],
    )


def _outcome_row(inv: Invocation, outcome: BranchOutcome) -> tuple[str, str, str]:
    if outcome.branch is not None:
        return (outcome.name, "ready", inv.out.secret_url(outcome.branch.branch_url))
    shown = outcome.handle.operation_id if outcome.handle is not None else str(outcome.error)
    return (outcome.name, "accepted" if outcome.ok else "failed", shown)


def _outcome_data(outcome: BranchOutcome) -> dict[str, Any]:
    data: dict[str, Any] = {"name": outcome.name, "ok": outcome.ok}
    if outcome.branch is not None:
        data["branch"] = outcome.branch
    if outcome.handle is not None:
        data["operation_id"] = outcome.handle.operation_id
    if outcome.error is not None:
        error = from_sdk(outcome.error) if isinstance(outcome.error, ArdentError) else None
        data["error"] = (
            error.as_dict() if error else {"code": "error", "message": str(outcome.error)}
        )
    return data


async def _several_failed(
    inv: Invocation,
    connector: str,
    failures: list[BranchOutcome],
    total: int,
    results: list[dict[str, Any]],
) -> CliError | None:
    if not failures:
        return None
    first = failures[0].error
    if isinstance(first, ArdentValidationError) and len(failures) == total:
        explained = await _explain_refusal(inv, connector, first)
        explained.data = results
        return explained
    codes = {r["error"]["code"] for r in results if "error" in r}
    code = codes.pop() if len(codes) == 1 else "partial_failure"
    names = ", ".join(o.name for o in failures[:5])
    return CliError(
        code,
        f"{len(failures)} of {total} branches failed ({names}): {first}",
        exit_code=EXIT_FAILURE,
        data=results,
    )


async def _explain_refusal(inv: Invocation, connector: str, exc: ArdentValidationError) -> CliError:
    """A refused branch create: say so plainly when the connector is simply not set up yet."""
    error = from_sdk(exc)
    if exc.status_code not in (400, 422):
        return error
    try:
        row = await inv.client.connectors.get(connector)
    except ArdentError:
        return error
    engine = row.extra.get("engine_status")
    if engine is None or engine == "ready":
        return error
    return CliError(
        "engine_not_ready",
        f"connector {connector} is not set up for branching yet (engine status: {engine})",
        status=exc.status_code,
        hint=f"Finish its setup: {inv.command_line('connectors', 'setup', connector)}",
    )


async def branches_list(inv: Invocation) -> None:
    connector = await inv.connector_id(inv.args.connector_id)
    rows = await inv.client.branches.list(connector)
    inv.out.table(
        rows,
        ["id", "name", "status", "created", "url"],
        [(b.id, b.name, b.status, b.created_at, inv.out.secret_url(b.branch_url)) for b in rows],
    )


async def branches_info(inv: Invocation) -> None:
    connector = await inv.connector_id(inv.args.connector_id)
    inv.out.record(await inv.client.branches.get(connector, inv.args.branch))


# -- operations ----------------------------------------------------------------------------


async def operations_get(inv: Invocation) -> None:
    inv.out.record(await inv.client.operations.get(inv.args.operation_id, wait=inv.args.hold))


async def operations_wait(inv: Invocation) -> None:
    op_id = inv.args.operation_id
    resume = Resume(
        f"operation {op_id} is still running", inv.command_line("operations", "wait", op_id)
    )
    inv.out.record(
        await inv.follow(op_id, f"operation {op_id}", resume, timeout=inv.wait_timeout())
    )


def _usage(message: str) -> CliError:
    return CliError("invalid_arguments", message, exit_code=EXIT_USAGE)
