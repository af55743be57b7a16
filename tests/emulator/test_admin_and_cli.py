"""The admin API under /_emulator, and the command line."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import pytest

from ardent_async.emulator import Emulator

from .helpers import raw


async def test_admin_routes_need_the_admin_token(ardent_emulator: Emulator) -> None:
    base = ardent_emulator.base_url
    status, _, body = await raw(base, "GET", "/_emulator/health")
    assert (status, body["status"], body["backend"]) == (200, "ok", "api-only")
    for token in (None, ardent_emulator.token):
        status, _, _ = await raw(base, "GET", "/_emulator/chaos", token=token)
        assert status == 401


async def test_admin_api(ardent_emulator: Emulator) -> None:
    base, admin = ardent_emulator.base_url, ardent_emulator.admin_token

    status, _, org = await raw(base, "POST", "/_emulator/orgs", token=admin, body={"name": "B"})
    assert status == 201
    status, _, viewer = await raw(
        base,
        "POST",
        f"/_emulator/orgs/{org['org_id']}/tokens",
        token=admin,
        body={"role": "viewer"},
    )
    assert (status, viewer["role"]) == (201, "viewer")
    status, _, _ = await raw(
        base, "POST", "/v1/projects", token=viewer["token"], body={"name": "x"}
    )
    assert status == 403
    status, _, made = await raw(
        base, "POST", "/v1/projects", token=org["token"], body={"name": "x"}
    )
    assert status == 201
    status, _, _ = await raw(
        base, "POST", f"/_emulator/orgs/{org['org_id']}/tokens", token=admin, body={"role": "god"}
    )
    assert status == 400
    status, _, pair = await raw(
        base, "POST", f"/_emulator/orgs/{org['org_id']}/legacy-keys", token=admin, body={}
    )
    assert status == 201
    assert pair["public_key"] in ardent_emulator.runtime.store.legacy_keys

    status, _, chaos = await raw(
        base, "PUT", "/_emulator/chaos", token=admin, body={"spec": "seed=5,latency_ms=1"}
    )
    assert (status, chaos["seed"], chaos["latency_ms"]) == (200, 5, 1.0)
    status, _, bad = await raw(base, "PUT", "/_emulator/chaos", token=admin, body={"drop": 3})
    assert status == 400
    assert "fraction" in bad["detail"]
    status, _, chaos = await raw(base, "PUT", "/_emulator/chaos", token=admin, body={})
    assert chaos["latency_ms"] == 0

    status, _, log = await raw(base, "GET", "/_emulator/requests", token=admin)
    assert [(e["method"], e["path"], e["status"]) for e in log["requests"]] == [
        ("POST", "/v1/projects", 403),
        ("POST", "/v1/projects", 201),
    ]
    assert log["requests"][1]["org_id"] == org["org_id"]

    status, _, orgs = await raw(base, "GET", "/_emulator/orgs", token=admin)
    assert {o["id"] for o in orgs["orgs"]} == {ardent_emulator.org_id, org["org_id"]}
    status, _, _ = await raw(base, "DELETE", f"/_emulator/orgs/{org['org_id']}", token=admin)
    assert status == 204
    status, _, _ = await raw(base, "GET", f"/v1/projects/{made['id']}", token=org["token"])
    assert status == 401


async def test_reset_keeps_the_default_org_and_token(ardent_emulator: Emulator) -> None:
    base, admin = ardent_emulator.base_url, ardent_emulator.admin_token
    async with ardent_emulator.client() as client:
        await client.projects.create("before")
        await client.jobs.create("before")
        status, _, _ = await raw(base, "POST", "/_emulator/reset", token=admin)
        assert status == 200
        assert await client.projects.list(ardent_emulator.org_id) == []
        assert (await client.jobs.create("after")).id
    assert ardent_emulator.admin.requests()[-1].path == "/v1/jobs/createJob"


async def _read_until(stream: asyncio.StreamReader, marker: str, timeout: float) -> list[str]:
    lines: list[str] = []
    while not any(marker in line for line in lines):
        raw_line = await asyncio.wait_for(stream.readline(), timeout)
        if not raw_line:
            break
        lines.append(raw_line.decode())
    return lines


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
async def test_cli_prints_url_and_token_and_stops_on_sigterm() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "ardent_async.emulator",
        "--port",
        "0",
        "--token",
        "sk-ard_test_cli-token",
        "--op-duration",
        "0",
        "--chaos",
        "seed=1",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        lines = await _read_until(process.stdout, "Press Ctrl-C", timeout=30)
        banner = "".join(lines)
        assert "ARDENT_TOKEN=sk-ard_test_cli-token" in banner
        assert "API-only" in banner
        base_url = banner.split("ARDENT_API_URL=", 1)[1].split()[0]
        status, _, body = await raw(base_url, "GET", "/_emulator/health")
        assert (status, body["backend"]) == (200, "api-only")
        status, _, _ = await raw(
            base_url, "POST", "/v1/projects", token="sk-ard_test_cli-token", body={"name": "p"}
        )
        assert status == 201
        process.send_signal(signal.SIGTERM)
        rest, _ = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.communicate()
    assert process.returncode == 0
    assert "Stopped." in rest.decode()


async def test_cli_rejects_bad_chaos() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "ardent_async.emulator",
        "--chaos",
        "error_503=7",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 2
    assert "--chaos" in err.decode()
