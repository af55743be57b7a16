"""Every ardent-async command, run as a real process against the emulator (API-only)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from typing import Any

import attrs
import pytest

from ardent_async.emulator import Emulator

SOURCE = "postgresql://replicator:S0urcePassw0rd@127.0.0.1:5432/app"


@attrs.define
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    async with Emulator(op_duration=0, validate_responses=True) as emu:
        yield emu
    assert emu.validator is not None
    emu.validator.assert_clean()


async def cli(emu: Emulator | None, *args: str, token: str | None = None) -> Run:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARDENT_")}
    if emu is not None:
        env["ARDENT_API_URL"] = emu.base_url
        env["ARDENT_TOKEN"] = token or emu.token
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "ardent_async",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode is not None
    return Run(proc.returncode, out.decode(), err.decode())


@pytest.fixture
async def ready_connector(emulator: Emulator) -> str:
    """A connector whose engine is set up, made through the SDK."""
    async with emulator.client() as client:
        project = await client.projects.create("cli")
        connector = await client.connectors.create(project.id, "src", {"url": SOURCE})
        accepted = await client.connectors.discover(connector.id)
        await client.operations.wait(accepted.operation_id, timeout=30)
        await client.connectors.set_selection(connector.id, ["*"])
        connector = await client.connectors.get(connector.id)
        needing = connector.extra.get("tables_needing_replica_identity_decision") or []
        if needing:
            await client.connectors.set_replica_identity_decisions(
                connector.id, dict.fromkeys(needing, "exclude")
            )
        setup = await client.connectors.engine_setup(connector.id)
        if setup.operation is not None:
            await client.operations.wait(setup.operation.operation_id, timeout=30)
        return connector.id


async def test_projects_create_list_delete(emulator: Emulator) -> None:
    created = await cli(emulator, "--format", "json", "projects", "create", "alpha")
    assert created.code == 0, created.err
    project = created.json()
    assert project["name"] == "alpha"
    listed = await cli(
        emulator, "--format", "json", "projects", "list", "--org-id", emulator.org_id
    )
    assert [p["id"] for p in listed.json()] == [project["id"]]
    table = await cli(emulator, "projects", "list", "--org-id", emulator.org_id)
    assert table.code == 0
    assert "alpha" in table.out
    assert project["id"] in table.out
    deleted = await cli(emulator, "projects", "delete", project["id"])
    assert deleted.code == 0, deleted.err
    again = await cli(emulator, "projects", "delete", project["id"])
    assert again.code == 1
    assert "404" in again.err


async def test_connectors_preflight_create_list_get_delete(emulator: Emulator) -> None:
    project = (await cli(emulator, "--format", "json", "projects", "create", "p")).json()
    pre = await cli(emulator, "connectors", "preflight", "--url", SOURCE)
    assert pre.code == 0, pre.err
    assert "preflight: PASS" in pre.out
    assert "wal_level" in pre.out
    assert "S0urcePassw0rd" not in pre.out + pre.err
    failing = await cli(
        emulator,
        "--format",
        "json",
        "connectors",
        "preflight",
        "--connection-details",
        json.dumps({"url": SOURCE, "emulate_failed_checks": ["wal_level"]}),
    )
    assert failing.code == 0
    assert failing.json()["preflight_pass"] is False
    created = await cli(
        emulator,
        "--format",
        "json",
        "connectors",
        "create",
        "--project-id",
        project["id"],
        "--name",
        "src",
        "--url",
        SOURCE,
    )
    assert created.code == 0, created.err
    connector = created.json()
    listed = await cli(
        emulator, "--format", "json", "connectors", "list", "--org-id", emulator.org_id
    )
    assert connector["id"] in [c["id"] for c in listed.json()]
    got = await cli(emulator, "connectors", "get", connector["id"])
    assert got.code == 0
    assert connector["id"] in got.out
    deleted = await cli(
        emulator, "--format", "json", "connectors", "delete", connector["id"], "--wait"
    )
    assert deleted.code == 0, deleted.err
    assert deleted.json()["status"] == "completed"
    gone = await cli(emulator, "connectors", "get", connector["id"])
    assert gone.code == 1


async def test_branches_create_wait_print_url_and_list(
    emulator: Emulator, ready_connector: str
) -> None:
    handle = await cli(
        emulator, "--format", "json", "branches", "create", "--connector-id", ready_connector, "b1"
    )
    assert handle.code == 0, handle.err
    assert handle.json()["operation_id"]
    waited = await cli(
        emulator,
        "--format",
        "json",
        "branches",
        "create",
        "--connector-id",
        ready_connector,
        "b2",
        "--wait",
    )
    assert waited.code == 0, waited.err
    branch = waited.json()
    assert branch["name"] == "b2"
    assert ":***@" in branch["branch_url"]  # masked by default
    shown = await cli(
        emulator,
        "--show-secrets",
        "--format",
        "json",
        "branches",
        "create",
        "--connector-id",
        ready_connector,
        "b3",
        "--wait",
    )
    assert ":***@" not in shown.json()["branch_url"]
    url = await cli(
        emulator, "branches", "create", "--connector-id", ready_connector, "b4", "--print-url"
    )
    assert url.code == 0, url.err
    assert url.out.startswith("postgresql://")
    assert url.out.count("\n") == 1
    assert ":***@" not in url.out  # --print-url exists to hand the real URL to another program
    listed = await cli(
        emulator, "--format", "json", "branches", "list", "--connector-id", ready_connector
    )
    names = {b["name"] for b in listed.json()}
    assert {"b2", "b3", "b4"} <= names
    table = await cli(emulator, "branches", "list", "--connector-id", ready_connector)
    assert "b4" in table.out
    assert ":***@" in table.out


async def test_operations_get_and_wait(emulator: Emulator, ready_connector: str) -> None:
    handle = (
        await cli(
            emulator,
            "--format",
            "json",
            "branches",
            "create",
            "--connector-id",
            ready_connector,
            "op",
        )
    ).json()
    got = await cli(
        emulator, "--format", "json", "operations", "get", handle["operation_id"], "--wait", "5"
    )
    assert got.code == 0, got.err
    assert got.json()["id"] == handle["operation_id"]
    waited = await cli(emulator, "operations", "wait", handle["operation_id"])
    assert waited.code == 0, waited.err
    assert "completed" in waited.out


async def test_exit_codes(emulator: Emulator) -> None:
    usage = await cli(emulator, "projects", "list")  # --org-id missing
    assert usage.code == 2
    assert "--org-id" in usage.err
    bad_id = await cli(emulator, "projects", "delete", "a/b")
    assert bad_id.code == 2
    assert "project_id" in bad_id.err
    no_token = await cli(None, "projects", "list", "--org-id", "o")
    assert no_token.code == 2
    assert "ARDENT_TOKEN" in no_token.err
    bad_token = await cli(
        emulator, "projects", "list", "--org-id", emulator.org_id, token="sk-ard_test_wrong"
    )
    assert bad_token.code == 1
    assert "401" in bad_token.err
    assert "sk-ard_test_wrong" not in bad_token.err
    missing = await cli(emulator, "operations", "get", "op_missing")
    assert missing.code == 1
    assert "404" in missing.err


async def test_emulator_command_starts_and_stops() -> None:
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
        first = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
        assert "listening on http://127.0.0.1:" in first
        base_url = first.split("listening on ")[1].strip()
        token_line = (await asyncio.wait_for(proc.stdout.readline(), 10)).decode()
        token_line = (await asyncio.wait_for(proc.stdout.readline(), 10)).decode()
        token = token_line.split("ARDENT_TOKEN=")[1].strip()
        env = {k: v for k, v in os.environ.items() if not k.startswith("ARDENT_")}
        listed = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "ardent_async",
            "--format",
            "json",
            "projects",
            "create",
            "via-cli",
            env={**env, "ARDENT_API_URL": base_url, "ARDENT_TOKEN": token},
            stdout=asyncio.subprocess.PIPE,
        )
        out, _ = await asyncio.wait_for(listed.communicate(), 60)
        assert listed.returncode == 0
        assert json.loads(out)["name"] == "via-cli"
    finally:
        proc.terminate()
        await asyncio.wait_for(proc.wait(), 30)
    assert proc.returncode in (0, -15)
