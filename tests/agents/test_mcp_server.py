"""``ardent-async mcp`` as a process, driven by the official ``mcp`` client against the API-only
emulator: tools with outputSchema and annotations, structured results, progress, errors,
safety flags, HTTP with a bearer token, and clear start-up failures."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from ardent_async.emulator import Emulator
from tests.emulator.helpers import ready_connector
from tests.threaded_emulator import EmulatorThread

pytest.importorskip("mcp")
from tests.agents.mcp_helpers import (
    HTTP_TOKEN,
    http_server,
    http_session,
    server_env,
    stdio_session,
    text_of,
    wire,
)

pytestmark = pytest.mark.slow
SOURCE_URL = "postgresql://app:src-pw-987654@db.example.com:5432/app"


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    """One API-only emulator for the module, in its own thread (operations take 0.4 s)."""
    server = EmulatorThread(op_duration=0.4, validate_responses=True)
    running = server.start()
    try:
        yield running
    finally:
        server.stop()


def _env(emulator: Emulator, **more: str) -> dict[str, str]:
    return server_env(emulator.base_url, emulator.token, emulator.org_id, **more)


async def _connector(emulator: Emulator, name: str) -> str:
    client = emulator.client()
    try:
        url = SOURCE_URL.replace("db.example", f"{name}.example")
        _, connector = await ready_connector(client, name=name, source={"url": url})
        return connector.id
    finally:
        await client.close()


async def test_tools_results_and_progress_over_stdio(emulator: Emulator) -> None:
    connector = await _connector(emulator, "stdio")
    heard: list[tuple[float, float | None, str | None]] = []

    async def progress(done: float, total: float | None, message: str | None) -> None:
        heard.append((done, total, message))

    env = _env(emulator, ARDENT_SOURCES=f"app={SOURCE_URL}")
    async with stdio_session(env) as session:
        tools = {t["name"]: t for t in wire(await session.list_tools())["tools"]}
        assert "delete_connector" not in tools  # writes not allowed
        assert "create_branch" in tools
        assert "run_sql" in tools
        for tool in tools.values():
            assert tool["outputSchema"]["type"] == "object"
            assert tool["annotations"]["title"] == tool["title"]
            assert set(tool["annotations"]) >= {"readOnlyHint", "idempotentHint", "openWorldHint"}
        created = await session.call_tool(
            "create_branch",
            {"connector_id": connector, "name": "from-mcp"},
            progress_callback=progress,
        )
        data = wire(created)
        assert data.get("isError") is not True
        assert data["structuredContent"] == json.loads(text_of(created))
        assert data["structuredContent"]["status"] == "ready"
        assert ":***@" in data["structuredContent"]["branch"]["branch_url"]
        assert heard
        assert heard[0][2] == "creating branch 'from-mcp'"

        missing = await session.call_tool("list_branches", {"connector_id": "conn_missing"})
        assert wire(missing)["isError"] is True
        assert json.loads(text_of(missing))["error"]["status_code"] == 404
        preflight = await session.call_tool("preflight_connector", {"source": "app"})
        assert "src-pw-987654" not in json.dumps(wire(preflight))


async def test_read_only_and_pinned_scope(emulator: Emulator) -> None:
    connector = await _connector(emulator, "pinned")
    env = _env(emulator)
    async with stdio_session(env, "--read-only", "--connector-id", connector) as session:
        listed = wire(await session.list_tools())["tools"]
        assert all(t["annotations"]["readOnlyHint"] for t in listed)
        assert not {t["name"] for t in listed} & {"create_branch", "delete_connector"}
        result = wire(await session.initialize())
        assert "Read-only mode" in result["instructions"]
        assert "create_branch" not in result["instructions"]
        refused = await session.call_tool("list_branches", {"connector_id": "conn_other"})
        assert wire(refused)["isError"] is True
        assert "refused" in text_of(refused)


async def test_destructive_tools_ask_through_elicitation(emulator: Emulator) -> None:
    import mcp.types as types

    connector = await _connector(emulator, "elicit")
    asked: list[str] = []

    async def answer(context: Any, params: Any) -> Any:
        asked.append(params.message)
        if len(asked) == 1:
            return types.ElicitResult(action="decline")
        return types.ElicitResult(action="accept", content={"confirm": True})

    async with stdio_session(
        _env(emulator), "--allow-writes", elicitation_callback=answer
    ) as session:
        declined = await session.call_tool("delete_connector", {"connector_id": connector})
        assert wire(declined)["isError"] is True
        assert "declined" in text_of(declined)
        assert connector in asked[0]
        accepted = await session.call_tool("delete_connector", {"connector_id": connector})
        assert wire(accepted).get("isError") is not True, text_of(accepted)
        assert wire(accepted)["structuredContent"]["operation"]["operation_id"]
    assert len(asked) == 2


async def test_http_needs_the_bearer_token(emulator: Emulator) -> None:
    import httpx

    async with http_server(_env(emulator)) as (url, _):
        async with httpx.AsyncClient() as plain:
            refused = await plain.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
        assert refused.status_code == 401
        async with http_session(url) as session:
            names = [t["name"] for t in wire(await session.list_tools())["tools"]]
            assert "create_branch" in names
            listed = await session.call_tool("list_projects", {})
            assert wire(listed).get("isError") is not True
    assert HTTP_TOKEN


def test_start_up_failures_are_clear(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ardent_async import mcp_server

    for name, value in _env(emulator).items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("ARDENT_ORG_ID")
    assert mcp_server.main([]) == 2
    said = capsys.readouterr().err
    assert said.startswith("ardent-async mcp: ")
    assert "ARDENT_ORG_ID" in said
    assert "--org-id" in said

    monkeypatch.setenv("ARDENT_ORG_ID", emulator.org_id)
    monkeypatch.delenv("ARDENT_MCP_TOKEN", raising=False)
    assert mcp_server.main(["--http", "0"]) == 2
    assert "ARDENT_MCP_TOKEN" in capsys.readouterr().err

    with pytest.raises(SystemExit) as shown:
        mcp_server.main(["--help"])
    assert shown.value.code == 0
    assert capsys.readouterr().out.startswith("usage: ardent-async mcp")

    # Without the mcp package: a clear message and exit 2, not a traceback.
    monkeypatch.setitem(sys.modules, "mcp", None)
    monkeypatch.setitem(sys.modules, "mcp.server.lowlevel", None)
    assert mcp_server.main([]) == 2
    assert "pip install 'ardent-async[mcp]'" in capsys.readouterr().err
