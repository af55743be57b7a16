"""The command handlers: each takes the parsed arguments, a client and the output."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ardent_async._client import ArdentClient
from ardent_async.cli._output import Output
from ardent_async.cli._progress import progress
from ardent_async.errors import ArdentValidationError
from ardent_async.models import AsyncOperationResponse
from ardent_async.preflight import check_results
from ardent_async.services.branches import branch_result


async def projects_list(args: argparse.Namespace, client: ArdentClient, out: Output) -> None:
    rows = await client.projects.list(args.org_id)
    out.table(rows, ["id", "name", "created"], [(p.id, p.name, p.created_at) for p in rows])


async def projects_create(args: argparse.Namespace, client: ArdentClient, out: Output) -> None:
    out.record(await client.projects.create(args.name, org_id=args.org_id))


async def projects_delete(args: argparse.Namespace, client: ArdentClient, out: Output) -> None:
    out.record(await client.projects.delete(args.project_id))


def _connection_details(args: argparse.Namespace) -> dict[str, Any]:
    if args.url:
        return {"url": args.url}
    try:
        details = json.loads(args.connection_details)
    except ValueError as exc:
        raise ArdentValidationError(
            f"--connection-details: expected a JSON object ({exc})", field="connection_details"
        ) from None
    if not isinstance(details, dict):
        raise ArdentValidationError(
            "--connection-details: expected a JSON object", field="connection_details"
        )
    return details


async def connectors_preflight(args: argparse.Namespace, client: ArdentClient, out: Output) -> None:
    report = await client.connectors.preflight(
        _connection_details(args), org_id=args.org_id, selected_schemas=args.schema or None
    )
    checks = check_results(report)
    out.table(
        report,
        ["check", "result", "hint"],
        [(c.name, c.status, c.hint or c.message or "") for c in checks],
        title=f"preflight: {'PASS' if report.preflight_pass else 'FAIL'}",
    )
    if not report.preflight_pass and report.grant_script:
        out.line("\nTo fix, run on the source:\n" + report.grant_script)


async def connectors_create(args: argparse.Namespace, client: ArdentClient, out: Output) -> None:
    row = await client.connectors.create(
        args.project_id, args.name, _connection_details(args), org_id=args.org_id
    )
    out.record(row)


async def connectors_list(args: argparse.Namespace, client: ArdentClient, out: Output) -> None:
    rows = await client.connectors.list(args.org_id)
    out.table(
        rows,
        ["id", "name", "project", "status"],
        [(c.id, c.name, c.project_id, c.status) for c in rows],
    )


async def connectors_get(args: argparse.Namespace, client: ArdentClient, out: Output) -> None:
    out.record(await client.connectors.get(args.connector_id))


async def connectors_delete(args: argparse.Namespace, client: ArdentClient, out: Output) -> None:
    handle = await client.connectors.delete(args.connector_id, force=args.force)
    if args.wait:
        out.record(await _wait(client, handle.operation_id, args.timeout, out, "deleting"))
    else:
        out.record(handle)


async def branches_create(args: argparse.Namespace, client: ArdentClient, out: Output) -> None:
    handle = await client.branches.create(args.connector_id, args.name)
    if not (args.wait or args.print_url):
        out.record(handle)
        return
    operation = await _wait(
        client, handle.operation_id, args.timeout, out, f"branch {args.name}", quiet=args.print_url
    )
    branch = branch_result(operation)  # EmptyBranchURLError when it has no URL
    if args.print_url:
        # For `psql "$(ardent-async branches create ... --print-url)"`: the real URL, alone.
        out.stream.write(f"{branch.branch_url}\n")
        return
    out.record(branch)


async def branches_list(args: argparse.Namespace, client: ArdentClient, out: Output) -> None:
    rows = await client.branches.list(args.connector_id)
    out.table(
        rows,
        ["id", "name", "status", "created", "url"],
        [(b.id, b.name, b.status, b.created_at, out.secret_url(b.branch_url)) for b in rows],
    )


async def operations_get(args: argparse.Namespace, client: ArdentClient, out: Output) -> None:
    out.record(await client.operations.get(args.operation_id, wait=args.wait))


async def operations_wait(args: argparse.Namespace, client: ArdentClient, out: Output) -> None:
    out.record(await _wait(client, args.operation_id, args.timeout, out, "waiting"))


async def _wait(
    client: ArdentClient,
    operation_id: str,
    timeout: float,
    out: Output,
    label: str,
    *,
    quiet: bool = False,
) -> AsyncOperationResponse:
    """Follow the operation with a progress display; return it once completed."""
    last: AsyncOperationResponse | None = None
    with progress(label, quiet=quiet or out.format == "json") as view:
        async for op in client.operations.watch(operation_id, timeout=timeout):
            last = op
            stage = op.stage_label or str(op.status)
            done = (
                op.progress if op.progress is not None else (100 if op.status == "completed" else 0)
            )
            view.update(done, 100, f"{label}: {stage}")
    assert last is not None
    return last
