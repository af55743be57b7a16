"""``ardent-async`` as real processes against the emulator (API-only: fast, no Postgres)."""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from ardent_async import ArdentClient
from ardent_async.cli._parser import build_parser
from ardent_async.emulator import Emulator
from ardent_async.emulator._detached import READY_LINE
from tests.cli._run import Run, clean_env, run, start

SOURCE = "postgresql://replicator:S0urcePassw0rd@127.0.0.1:5432/app"

Cli = Callable[..., Awaitable[Run]]


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    async with Emulator(op_duration=0, validate_responses=True) as emu:
        yield emu
    assert emu.validator is not None
    emu.validator.assert_clean()


@pytest.fixture
def env(emulator: Emulator, tmp_path: Path) -> dict[str, str]:
    return clean_env(tmp_path, ARDENT_API_URL=emulator.base_url, ARDENT_TOKEN=emulator.token)


@pytest.fixture
def cli(env: dict[str, str]) -> Cli:
    async def call(*args: str, **extra: str) -> Run:
        return await run(*args, env={**env, **extra})

    return call


async def _ready_connector(cli: Cli, emulator: Emulator) -> str:
    """An org with a project and a set-up connector, all made with `ardent-async`."""
    assert (await cli("orgs", "switch", emulator.org_id)).code == 0
    assert (await cli("projects", "create", "cli")).code == 0
    made = await cli("connectors", "create", SOURCE, "--decide-all", "exclude", "--format", "json")
    assert made.code == 0, made.err
    connector: str = made.data["id"]
    return connector


async def test_lists_take_the_org_from_env_or_the_saved_context(
    cli: Cli, emulator: Emulator
) -> None:
    none = await cli("projects", "list", "--format", "json")
    assert none.code == 2
    assert none.error["code"] == "no_current_org"
    assert "orgs switch" in none.error["message"]
    assert "ARDENT_ORG_ID" in none.error["message"]

    from_env = await cli("projects", "list", "--format", "json", ARDENT_ORG_ID=emulator.org_id)
    assert from_env.code == 0, from_env.err
    assert from_env.data == []

    switched = await cli("orgs", "switch", emulator.org_id)
    assert switched.code == 0, switched.err
    created = await cli("projects", "create", "alpha", "--format", "json")  # flags after
    assert created.code == 0, created.err
    project = created.data
    listed = await cli("projects", "list", "--format", "json")
    assert [p["id"] for p in listed.data] == [project["id"]]
    shown = await cli("context", "show", "--format", "json")
    assert shown.data["org_id"] == emulator.org_id
    assert shown.data["project_id"] == project["id"]  # create made it current
    table = await cli("projects", "list")
    assert "alpha" in table.out

    connectors = await cli("connectors", "list", "--format", "json")
    assert connectors.code == 0
    assert connectors.data == []

    deleted = await cli("--format", "json", "projects", "delete", project["id"])
    assert deleted.code == 0, deleted.err
    again = await cli("projects", "delete", project["id"], "--format", "json")
    assert again.code == 1
    assert again.error["code"] == "not_found"
    assert again.error["status"] == 404

    cleared = await cli("context", "clear")
    assert cleared.code == 0
    assert (await cli("projects", "list")).code == 2


async def test_connector_create_runs_every_stage_and_asks_for_decisions(
    cli: Cli, emulator: Emulator
) -> None:
    await cli("orgs", "switch", emulator.org_id)
    no_project = await cli("connectors", "create", SOURCE, "--format", "json")
    assert no_project.code == 2
    assert no_project.error["code"] == "no_current_project"
    await cli("projects", "create", "p")

    first = await cli("connectors", "create", "postgresql", SOURCE, "--format", "json")
    assert first.code == 2  # a decision is a value the command still needs
    error = first.error
    assert error["code"] == "decisions_required"
    assert "public.audit_events" in error["message"]
    resume = error["resume"]["command"]
    assert resume.startswith("ardent-async connectors setup conn_")
    assert "--decide-all replica_identity_full" in resume
    for stage in ("[1/7] preflight", "[2/7] creating connector 'app'", "[3/7] discovering"):
        assert stage in first.err
    assert "S0urcePassw0rd" not in first.out + first.err

    early = await cli("branches", "create", "too-early", "--format", "json")
    assert early.code == 1
    assert early.error["code"] == "engine_not_ready"
    assert "connectors setup conn_" in early.error["hint"]

    setup = await cli("connectors", "setup", "--decide", "public.audit_events=exclude")
    assert setup.code == 0, setup.err
    assert "[6/7] engine setup" in setup.err
    assert re.search(r"engine_status +ready", setup.out)
    again = await cli("connectors", "retry-setup", "--format", "json")  # the official name
    assert again.code == 0
    assert again.data["engine_status"] == "ready"
    assert "already set up" in again.err

    branch = await cli("branches", "create", "b1", "--wait", "--format", "json")
    assert branch.code == 0, branch.err
    assert branch.data["name"] == "b1"
    assert ":***@" in branch.data["branch_url"]


async def test_single_setup_steps_are_subcommands(cli: Cli, emulator: Emulator) -> None:
    await cli("orgs", "switch", emulator.org_id)
    await cli("projects", "create", "p")
    made = await cli("connectors", "create", SOURCE, "--no-setup", "--format", "json")
    assert made.code == 0, made.err
    connector = made.data["id"]
    discovered = await cli("connectors", "discover", "--format", "json")
    assert discovered.code == 0, discovered.err
    assert discovered.data["status"] == "completed"
    selected = await cli("connectors", "select", connector, "--path", "public", "--format", "json")
    assert selected.code == 0, selected.err
    assert selected.data["selected_paths"] == ["public"]
    refused = await cli("connectors", "engine-setup", "--format", "json")
    assert refused.code == 1
    assert refused.error["code"] == "api_error"
    assert refused.error["status"] == 422
    bad = await cli("connectors", "decide", "--decide", "public.audit_events=maybe")
    assert bad.code == 2
    assert "exclude" in bad.err
    decided = await cli("connectors", "decide", "--decide-all", "replica_identity_full")
    assert decided.code == 0, decided.err
    setup = await cli("connectors", "engine-setup", connector, "--format", "json")
    assert setup.code == 0, setup.err
    assert setup.data["status"] == "completed"
    got = await cli("connectors", "get")
    assert re.search(r"engine_status +ready", got.out)


async def test_preflight_fail_is_not_success(cli: Cli) -> None:
    passing = await cli("connectors", "preflight", SOURCE)
    assert passing.code == 0, passing.err
    assert "preflight: PASS" in passing.out
    assert "S0urcePassw0rd" not in passing.out + passing.err
    details = json.dumps({"url": SOURCE, "emulate_failed_checks": ["wal_level"]})
    failing = await cli("connectors", "preflight", "--connection-details", details)
    assert failing.code == 1
    assert "preflight: FAIL" in failing.out
    assert "preflight FAIL: wal_level" in failing.err
    as_json = await cli(
        "connectors", "preflight", "--connection-details", details, "--format", "json"
    )
    assert as_json.code == 1
    document = as_json.json()
    assert document["error"]["code"] == "preflight_failed"
    assert document["data"]["preflight_pass"] is False


async def test_single_branch_create_twice_gives_the_same_branch(
    cli: Cli, emulator: Emulator
) -> None:
    connector = await _ready_connector(cli, emulator)
    first = await cli("branches", "create", "pr-42", "--print-url")
    second = await cli("branches", "create", "pr-42", "--print-url")
    assert (first.code, second.code) == (0, 0), second.err
    assert first.out.startswith("postgresql://")
    assert second.out == first.out
    waited = await cli("branches", "create", "pr-42", "--wait", "--format", "json")
    assert waited.code == 0, waited.err
    # Taken under another key (another tool, or a key the server forgot): reused by default,
    # refused with --if-exists error.
    async with ArdentClient(emulator.token, base_url=emulator.base_url) as client:
        other = await client.branches.create_and_wait(
            connector, "by-hand", idempotency_key="someone-else"
        )
    reused = await cli("branches", "create", "by-hand", "--wait", "--format", "json")
    assert reused.code == 0, reused.err
    assert reused.data["branch_id"] == other.branch_id
    assert "reusing it" in reused.err
    refused = await cli("branches", "create", "by-hand", "--if-exists", "error")
    assert refused.code == 1
    assert "already exists" in refused.err
    listed = await cli("branches", "list", "--format", "json")
    assert sorted(b["name"] for b in listed.data) == ["by-hand", "pr-42"]


async def test_a_replayed_failed_create_is_started_anew(cli: Cli, emulator: Emulator) -> None:
    await _ready_connector(cli, emulator)
    emulator.admin.set_chaos("fail_ops=1")
    failed = await cli("branches", "create", "flaky", "--wait", "--format", "json")
    assert failed.code == 1
    assert failed.error["code"] == "operation_failed"
    emulator.admin.set_chaos(None)
    # The same command again: its derived key replays the failed create (a failed operation
    # never recovers), so a new create starts, as create_and_wait does; the branch is ready.
    again = await cli("branches", "create", "flaky", "--wait", "--format", "json")
    assert again.code == 0, again.err
    assert (again.data["name"], again.data["status"]) == ("flaky", "ready")
    assert again.data["branch_url"]
    listed = await cli("branches", "list", "--format", "json")
    assert [(b["name"], b["status"]) for b in listed.data] == [("flaky", "ready")]


async def test_several_branches_with_progress(cli: Cli, emulator: Emulator) -> None:
    connector = await _ready_connector(cli, emulator)
    made = await cli("branches", "create", "a", "b", "c", "--wait", "--format", "json")
    assert made.code == 0, made.err
    assert [r["name"] for r in made.data] == ["a", "b", "c"]
    assert all(r["ok"] and r["branch"]["branch_url"] for r in made.data)
    assert "branches ready" in made.err  # the progress, on stderr
    urls = await cli("branches", "create", "d", "e", "--print-url", "--connector-id", connector)
    assert urls.code == 0, urls.err
    lines = urls.out.splitlines()
    assert len(lines) == 2
    assert all(line.startswith("postgresql://") and ":***@" not in line for line in lines)
    accepted = await cli("branches", "create", "f", "g")
    assert accepted.code == 0
    assert "accepted" in accepted.out
    listed = await cli("branches", "list", "--format", "json")
    assert {"a", "b", "c", "d", "e", "f", "g"} <= {b["name"] for b in listed.data}
    info = await cli("branches", "info", "a", "--format", "json")
    assert info.data["name"] == "a"


async def test_flags_anywhere_and_token_flag(
    emulator: Emulator, tmp_path: Path, env: dict[str, str]
) -> None:
    bare = clean_env(tmp_path, ARDENT_API_URL=emulator.base_url)
    missing = await run("projects", "list", "--org-id", emulator.org_id, env=bare)
    assert missing.code == 2
    assert "set ARDENT_TOKEN or pass --token" in missing.err
    assert "ArdentClient" not in missing.err
    with_flag = await run(
        "projects", "list", "--org-id", emulator.org_id, "--token", emulator.token, env=bare
    )
    assert with_flag.code == 0, with_flag.err
    before = await run("--format", "json", "--org-id", emulator.org_id, "projects", "list", env=env)
    after = await run("projects", "list", "--org-id", emulator.org_id, "--format", "json", env=env)
    assert before.json() == after.json()


async def test_exit_codes_and_json_error_codes(
    cli: Cli, emulator: Emulator, tmp_path: Path
) -> None:
    usage = await cli("projects", "lisst", "--format", "json")
    assert usage.code == 2
    assert usage.error["code"] == "invalid_arguments"
    unknown_flag = await cli("projects", "list", "--frobnicate")
    assert unknown_flag.code == 2
    assert "--frobnicate" in unknown_flag.err
    old_name = await cli("operations", "wait", "op_1", "--timeout", "5")
    assert old_name.code == 2  # the wait deadline is --wait-timeout
    bad_id = await cli("projects", "delete", "a/b", "--format", "json")
    assert bad_id.code == 2
    assert bad_id.error["code"] == "invalid_argument"
    assert bad_id.error["message"].startswith("PROJECT_ID: expected an id")
    insecure = await cli("projects", "list", ARDENT_API_URL="http://ardent.internal:8080")
    assert insecure.code == 2
    assert "--insecure-http" in insecure.err
    assert "allow_insecure_http" not in insecure.err
    bad_token = await cli(
        "projects",
        "list",
        "--org-id",
        emulator.org_id,
        "--format",
        "json",
        ARDENT_TOKEN="sk-ard_test_wrong",
    )
    assert bad_token.code == 1
    assert bad_token.error["code"] == "not_authenticated"
    assert "sk-ard_test_wrong" not in bad_token.out + bad_token.err
    missing = await cli("operations", "get", "op_missing", "--format", "json")
    assert missing.code == 1
    assert missing.error["code"] == "not_found"
    offline = await cli(
        "operations",
        "get",
        "op_1",
        "--format",
        "json",
        "--max-retries",
        "0",
        ARDENT_API_URL="http://127.0.0.1:9",
    )
    assert offline.code == 1
    assert offline.error["code"] == "offline"
    server_refusal = await cli(
        "branches", "create", "x", "--connector-id", "conn_missing", "--format", "json"
    )
    assert server_refusal.code == 1
    assert server_refusal.error["code"] == "not_found"


async def test_operations_get_hold_and_wait(cli: Cli, emulator: Emulator) -> None:
    await _ready_connector(cli, emulator)
    handle = (await cli("branches", "create", "op", "--format", "json")).data
    got = await cli("operations", "get", handle["operation_id"], "--hold", "5", "--format", "json")
    assert got.code == 0, got.err
    assert got.data["id"] == handle["operation_id"]
    waited = await cli("operations", "wait", handle["operation_id"])
    assert waited.code == 0, waited.err
    assert "completed" in waited.out
    resumed = await cli("branches", "wait", handle["operation_id"], "--print-url")
    assert resumed.code == 0, resumed.err
    assert resumed.out.startswith("postgresql://")


async def test_connector_delete_waits(cli: Cli, emulator: Emulator) -> None:
    connector = await _ready_connector(cli, emulator)
    deleted = await cli("connectors", "delete", connector, "--force", "--wait", "--format", "json")
    assert deleted.code == 0, deleted.err
    assert deleted.data["status"] == "completed"
    gone = await cli("connectors", "get", connector, "--format", "json")
    assert gone.code == 1
    assert gone.error["code"] == "not_found"


@pytest.fixture
async def slow_emulator() -> AsyncIterator[Emulator]:
    async with Emulator(op_duration=0) as emu:
        yield emu


async def _slow_connector(emu: Emulator) -> str:
    """A set-up connector; from then on every operation takes a minute."""
    async with emu.client() as client:
        project = await client.projects.create("slow")
        connector = await client.connectors.create(project.id, "src", {"url": SOURCE})
        accepted = await client.connectors.discover(connector.id)
        await client.operations.wait(accepted.operation_id, timeout=30)
        await client.connectors.set_selection(connector.id, ["*"])
        await client.connectors.set_replica_identity_decisions(
            connector.id, {"public.audit_events": "exclude"}
        )
        setup = await client.connectors.engine_setup(connector.id)
        assert setup.operation is not None
        await client.operations.wait(setup.operation.operation_id, timeout=30)
    emu.runtime.runner.op_duration = 60.0
    return connector.id


@pytest.mark.parametrize("extra", [(), ("--print-url",), ("--format", "json")])
async def test_interrupt_names_the_resume_command(
    slow_emulator: Emulator, tmp_path: Path, extra: tuple[str, ...]
) -> None:
    connector = await _slow_connector(slow_emulator)
    env = clean_env(
        tmp_path, ARDENT_API_URL=slow_emulator.base_url, ARDENT_TOKEN=slow_emulator.token
    )
    wait = () if "--print-url" in extra else ("--wait",)
    # --trace: a line per request on stderr, so the test sees the create being waited for.
    proc = await start(
        "branches", "create", "slow", "--connector-id", connector, *wait, *extra, "--trace",
        env=env,
    )  # fmt: skip
    assert proc.stderr is not None
    seen = ""
    while "/operations/op_" not in seen:  # accepted, and polled (operations take 60 s here)
        line = (await asyncio.wait_for(proc.stderr.readline(), 30)).decode()
        assert line, f"the CLI ended before waiting: {seen}"
        seen += line
    proc.send_signal(signal.SIGINT)
    out_bytes, err_bytes = await asyncio.wait_for(proc.communicate(), 30)
    out, err = out_bytes.decode(), err_bytes.decode()
    assert proc.returncode == 130
    # The same command resumes: its derived key joins the create still running.
    command = f"ardent-async branches create slow --connector-id {connector}"
    if "--format" in extra:
        error = json.loads(out)["error"]
        assert error["code"] == "interrupted"
        assert error["resume"]["command"] == f"{command} --wait --format json"
        return
    assert "branch slow is still being created" in err
    if "--print-url" in extra:
        assert out == ""  # stdout is for the URL only
        assert f"Resume with: {command} --print-url" in err
    else:
        assert f"Resume with: {command} --wait" in err


async def test_wait_timeout_says_how_to_resume(slow_emulator: Emulator, tmp_path: Path) -> None:
    connector = await _slow_connector(slow_emulator)
    env = clean_env(
        tmp_path, ARDENT_API_URL=slow_emulator.base_url, ARDENT_TOKEN=slow_emulator.token
    )
    timed_out = await run(
        "branches", "create", "t1", "--connector-id", connector, "--print-url",
        "--wait-timeout", "0.5", "--format", "json", env=env,
    )  # fmt: skip
    assert timed_out.code == 1
    error = timed_out.error
    assert error["code"] == "timeout"
    assert error["resume"]["operation_id"].startswith("op_")  # the create waited for
    assert error["resume"]["command"] == (
        f"ardent-async branches create t1 --connector-id {connector} --print-url --format json"
    )
    from_env = await run(
        "branches", "create", "t2", "--connector-id", connector, "--wait",
        env={**env, "ARDENT_BRANCH_CREATE_MAX_WAIT_MS": "300"},
    )  # fmt: skip
    assert from_env.code == 1
    assert "not finished after 0.3 s" in from_env.err
    assert "(operation op_" in from_env.err
    assert f"Resume with: ardent-async branches create t2 --connector-id {connector} --wait" in (
        from_env.err
    )


def test_every_command_has_help_with_an_example() -> None:
    def commands_of(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                return dict(action.choices)
        return {}

    leaves = 0
    for name, group in commands_of(build_parser()).items():
        if name in ("emulator", "mcp"):
            continue
        for command_name, command in commands_of(group).items():
            text = command.format_help()
            assert "example:\n  " in text, f"{name} {command_name}"
            assert "(default: table)" in text
            assert command.description, f"{name} {command_name}"
            leaves += 1
    assert leaves >= 20


async def test_help_runs_as_a_process(tmp_path: Path) -> None:
    shown = await run("connectors", "create", "--help", env=clean_env(tmp_path))
    assert shown.code == 0
    assert "example:" in shown.out
    assert "--decide-all" in shown.out
    assert "(default: 600" in shown.out


async def test_emulator_command_starts_and_stops(tmp_path: Path) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "ardent_async",
        "emulator",
        "--port",
        "0",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None
    try:
        lines = []
        while not lines or not lines[-1].startswith(READY_LINE):
            line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
            assert line, f"the emulator exited before its banner: {lines}"
            lines.append(line)
        banner = "".join(lines)
        assert banner.startswith("export ARDENT_API_URL=http://127.0.0.1:")
        # Pasted as it is into a shell with no ARDENT_ variable: the next command just works.
        pasted = await asyncio.to_thread(
            subprocess.run,
            ["bash", "-euc", f"{banner}\n{sys.executable} -m ardent_async projects create "
             "via-shell --format json\necho \"org=$ARDENT_ORG_ID\""],
            env=clean_env(tmp_path), capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert pasted.returncode == 0, pasted.stderr
        document, org = pasted.stdout.rsplit("\n", 2)[:2]
        assert json.loads(document)["data"]["org_id"] == org.removeprefix("org=")
        assert org.startswith("org=org_")
    finally:
        proc.terminate()
        await asyncio.wait_for(proc.wait(), 30)
    assert proc.returncode in (0, -15)
