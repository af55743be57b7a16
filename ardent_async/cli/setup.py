"""``connectors create`` and ``connectors setup``: from a source URL to a branchable connector.

Stages: preflight -> create -> discover -> selection -> replica identity decisions -> engine
setup -> wait. Every stage after create is safe to repeat (discovery and engine setup are
joined when running, selection and decisions are replaces), so ``connectors setup`` resumes
a setup that stopped anywhere by running them again.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from ardent_async.cli._failure import EXIT_USAGE, CliError, Resume
from ardent_async.cli._invocation import Invocation
from ardent_async.cli.commands import ALREADY_CONNECTED, connector_summary, source_of
from ardent_async.models import AsyncOperationResponse, ConnectorRow, PreflightReport
from ardent_async.preflight import check_results
from ardent_async.services.connectors import REPLICA_IDENTITY_DECISIONS

STAGES = 7


async def connectors_create(inv: Invocation) -> None:
    args = inv.args
    service, details = source_of(args)
    org = inv.org_id(required=False)
    project = inv.project_id(args.project_id)
    name = args.name or _default_name(details)
    row = None
    if args.skip_preflight:
        inv.out.note(f"[1/{STAGES}] preflight: skipped (--skip-preflight)")
    else:
        inv.out.note(f"[1/{STAGES}] preflight of the source")
        report = await inv.client.connectors.preflight(details, service_name=service, org_id=org)
        row = await _preflight_verdict(inv, report, org, project, name)
    if row is None:
        inv.out.note(f"[2/{STAGES}] creating connector {name!r} in project {project}")
        row = await inv.client.connectors.create(
            project, name, details, service_name=service, org_id=org
        )
        inv.out.note(f"  created {row.id}")
    if not args.no_switch:
        inv.remember(org_id=row.org_id, project_id=row.project_id, connector_id=row.id)
    if args.no_setup:
        inv.out.note(f"setup not run (--no-setup): ardent-async connectors setup {row.id}")
        inv.out.record(row, fields=connector_summary(row))
        return
    row = await run_setup(inv, row.id, first_stage=3)
    inv.out.record(row, fields=connector_summary(row))


async def _preflight_verdict(
    inv: Invocation, report: PreflightReport, org: str | None, project: str, name: str
) -> ConnectorRow | None:
    """None when the preflight passed; the connector an earlier run made when the source is
    only "already connected" to this project under this name (the command is re-run: its
    setup resumes); else a CliError saying what to fix."""
    checks = check_results(report)
    if report.preflight_pass:
        inv.out.note(f"  PASS ({len(checks)} checks)")
        return None
    failing = [c for c in checks if c.failed]
    if [c.name for c in failing] == [ALREADY_CONNECTED]:
        earlier = await _connector_named(inv, org, project, name)
        if earlier is not None:
            inv.out.note(f"[2/{STAGES}] connector {name!r} already exists: {earlier.id} (reused)")
            return earlier
    for check in failing:
        inv.out.note(f"  FAIL {check.name}: {check.hint or check.message or ''}")
    hint = "Fix the source, then run this command again."
    if report.grant_script:
        hint = f"Run on the source, then this command again:\n{report.grant_script}"
    elif [c.name for c in failing] == [ALREADY_CONNECTED]:
        hint = "Another connector has this source: `ardent-async connectors list` shows it."
    raise CliError(
        "preflight_failed",
        "the source is not ready: failing checks: "
        + (", ".join(c.name for c in failing) or "see `ardent-async connectors preflight`"),
        hint=hint,
        data=report,
    )


async def _connector_named(
    inv: Invocation, org: str | None, project: str, name: str
) -> ConnectorRow | None:
    if org is None:
        org = (await inv.client.projects.get(project)).org_id
    rows = await inv.client.connectors.list(org)
    return next((r for r in rows if r.project_id == project and r.name == name), None)


async def connectors_setup(inv: Invocation) -> None:
    connector = await inv.connector_id(inv.args.connector_id)
    row = await run_setup(inv, connector, first_stage=3)
    inv.out.record(row, fields=connector_summary(row))


async def run_setup(inv: Invocation, connector: str, *, first_stage: int) -> ConnectorRow:
    """Discover, select, decide, set up the engine and wait; the connector row at the end."""
    client, args = inv.client, inv.args
    resume = Resume(
        f"the setup of connector {connector} is still running",
        inv.command_line("connectors", "setup", connector, *_decision_flags(args)),
    )
    timeout = inv.wait_timeout()
    row = await client.connectors.get(connector)
    engine = row.extra.get("engine_status")
    if engine == "ready":
        inv.out.note(f"connector {connector} is already set up (engine ready)")
        return row
    stage = first_stage
    if engine != "setting_up":  # else: join the running setup below
        inv.out.note(f"[{stage}/{STAGES}] discovering schemas and tables")
        accepted = await client.connectors.discover(connector)
        found = await inv.follow(accepted.operation_id, "discovery", resume, timeout=timeout)
        paths = _list(found.result, "discovered_paths")
        if paths is not None:
            inv.out.note(f"  found {len(paths)} tables")
        stage += 1
        selection = args.select or _list(row.extra, "selected_paths") or ["*"]
        inv.out.note(f"[{stage}/{STAGES}] selecting {', '.join(selection)}")
        row = await client.connectors.set_selection(connector, selection)
        stage += 1
        needing = _needing_decision(row, found)
        if needing:
            inv.out.note(f"[{stage}/{STAGES}] tables without a primary key: {', '.join(needing)}")
        decisions = _decisions(inv, connector, row, needing)
        if decisions:
            shown = ", ".join(f"{t}={d}" for t, d in sorted(decisions.items()))
            inv.out.note(f"[{stage}/{STAGES}] replica identity decisions: {shown}")
            row = await client.connectors.set_replica_identity_decisions(connector, decisions)
        else:
            inv.out.note(f"[{stage}/{STAGES}] replica identity decisions: none needed")
        stage += 1
    else:
        stage += 3
    inv.out.note(f"[{stage}/{STAGES}] engine setup (copies the source; may take a while)")
    setup = await client.connectors.engine_setup(connector)
    if setup.operation is not None:
        await inv.follow(setup.operation.operation_id, "engine setup", resume, timeout=timeout)
    row = await client.connectors.get(connector)
    inv.pending = None
    inv.out.note(
        f"connector {connector} is ready: "
        + inv.command_line("branches", "create", "NAME", "--connector-id", connector)
    )
    return row


def _decisions(
    inv: Invocation, connector: str, row: ConnectorRow, needing: list[str]
) -> dict[str, str]:
    """The decisions to send: --decide, then --decide-all for the rest, else those saved."""
    given = dict(inv.args.decide or [])
    saved = row.extra.get("replica_identity_decisions")
    saved = dict(saved) if isinstance(saved, dict) else {}
    decisions = _decided(needing, given, saved, inv.args.decide_all)
    missing = sorted(t for t, d in decisions.items() if d is None)
    if missing:
        raise _decisions_required(inv, connector, missing)
    chosen = {t: d for t, d in decisions.items() if d is not None}
    return _changed({**chosen, **{t: d for t, d in given.items() if t not in chosen}}, saved)


def _decided(
    needing: list[str], given: dict[str, str], saved: dict[str, str], decide_all: str | None
) -> dict[str, str | None]:
    """Each table's decision: given, else saved, else ``decide_all`` (None: still open)."""
    decisions = {table: given.get(table) or saved.get(table) for table in needing}
    if decide_all:
        return {table: decision or decide_all for table, decision in decisions.items()}
    return decisions


def _changed(decisions: dict[str, str], saved: dict[str, str]) -> dict[str, str]:
    """``decisions``, or nothing when they are the ones saved already."""
    return {} if decisions and decisions == saved else decisions


def _decisions_required(inv: Invocation, connector: str, missing: list[str]) -> CliError:
    """Tables still without a decision: say how to decide, and how the setup resumes."""
    return CliError(
        "decisions_required",
        f"{len(missing)} table(s) have no primary key or replica identity: " + ", ".join(missing),
        exit_code=EXIT_USAGE,
        hint="Decide each with --decide TABLE=DECISION or all with --decide-all DECISION "
        f"(DECISION: {' | '.join(REPLICA_IDENTITY_DECISIONS)}; replica_identity_full keeps "
        "the table as it is, exclude leaves it out).",
        resume=Resume(
            f"connector {connector} is created; its setup waits for these decisions",
            inv.command_line(
                "connectors", "setup", connector, "--decide-all", "replica_identity_full"
            ),
        ),
    )


def _needing_decision(row: ConnectorRow, found: AsyncOperationResponse) -> list[str]:
    """Selected tables that need a decision, from the row (selection-aware) or discovery."""
    preflight = row.extra.get("replica_identity_preflight")
    if isinstance(preflight, dict):
        listed = _list(preflight, "tables_needing_decision")
        if listed is not None:
            return listed
    for source in (row.extra, found.result or {}):
        listed = _list(source, "tables_needing_replica_identity_decision")
        if listed is not None:
            return listed
    return []


def _list(data: Any, key: str) -> list[str] | None:
    value = data.get(key) if isinstance(data, dict) else None
    return [str(v) for v in value] if isinstance(value, list) else None


def _decision_flags(args: Any) -> list[str]:
    flags: list[str] = []
    for table, decision in getattr(args, "decide", None) or []:
        flags += ["--decide", f"{table}={decision}"]
    if getattr(args, "decide_all", None):
        flags += ["--decide-all", args.decide_all]
    return flags


def _default_name(details: dict[str, Any]) -> str:
    url = details.get("url")
    if isinstance(url, str):
        parts = urlsplit(url)
        database = parts.path.strip("/")
        if database:
            return database
        if parts.hostname:
            return parts.hostname
    named = details.get("database") or details.get("dbname")
    return str(named) if named else "postgresql"


# -- the single steps ----------------------------------------------------------------------


async def connectors_discover(inv: Invocation) -> None:
    connector = await inv.connector_id(inv.args.connector_id)
    accepted = await inv.client.connectors.discover(connector)
    if inv.args.no_wait:
        inv.out.record(accepted)
        return
    resume = Resume(
        f"discovery of connector {connector} is still running",
        inv.command_line("operations", "wait", accepted.operation_id),
        accepted.operation_id,
    )
    inv.out.record(
        await inv.follow(accepted.operation_id, "discovery", resume, timeout=inv.wait_timeout())
    )


async def connectors_select(inv: Invocation) -> None:
    connector = await inv.connector_id(inv.args.connector_id)
    row = await inv.client.connectors.set_selection(connector, inv.args.path or ["*"])
    inv.out.record(row, fields=connector_summary(row))


async def connectors_decide(inv: Invocation) -> None:
    connector = await inv.connector_id(inv.args.connector_id)
    if not (inv.args.decide or inv.args.decide_all):
        raise CliError(
            "invalid_arguments",
            "give --decide TABLE=DECISION (repeatable) and/or --decide-all DECISION",
            exit_code=EXIT_USAGE,
        )
    row = await inv.client.connectors.get(connector)
    preflight = row.extra.get("replica_identity_preflight")
    needing = _list(preflight, "tables_needing_decision") or _list(
        row.extra, "tables_needing_replica_identity_decision"
    )
    decisions = _decisions(inv, connector, row, needing or [])
    if not decisions:
        inv.out.note("no decisions to change")
        inv.out.record(row, fields=connector_summary(row))
        return
    row = await inv.client.connectors.set_replica_identity_decisions(connector, decisions)
    inv.out.record(row, fields=connector_summary(row))


async def connectors_engine_setup(inv: Invocation) -> None:
    connector = await inv.connector_id(inv.args.connector_id)
    setup = await inv.client.connectors.engine_setup(connector)
    if setup.operation is None:
        inv.out.note(f"connector {connector} is already set up")
        inv.out.record(setup.connector)
        return
    handle = setup.operation
    if inv.args.no_wait:
        inv.out.record(handle)
        return
    resume = Resume(
        f"the engine setup of connector {connector} is still running",
        inv.command_line("operations", "wait", handle.operation_id),
        handle.operation_id,
    )
    inv.out.record(
        await inv.follow(handle.operation_id, "engine setup", resume, timeout=inv.wait_timeout())
    )
