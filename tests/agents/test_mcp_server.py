"""The MCP server, started as ``python -m ardent_async.mcp_server`` and driven by the ``mcp``
package's own client session over stdio, against the emulator."""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from ardent_async import ArdentClient
from ardent_async.agents import TOOL_NAMES, tool_definitions
from ardent_async.emulator import Emulator
from tests.emulator.helpers import ready_connector

mcp = pytest.importorskip("mcp")
from mcp import ClientSession, StdioServerParameters, stdio_client  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SOURCE = {"url": "postgresql://app:src-pw-123@db.example.com:5432/app"}


@pytest.fixture
def ardent_emulator_options() -> dict[str, Any]:
    return {"validate_responses": True, "op_duration": 0.01}


@asynccontextmanager
async def _session(emulator: Emulator, *args: str) -> AsyncIterator[ClientSession]:
    server = StdioServerParameters(
        command=sys.executable,
        args=["-m", "ardent_async.mcp_server", *args],
        env={"ARDENT_TOKEN": emulator.token, "ARDENT_API_URL": emulator.base_url},
        cwd=str(ROOT),
    )
    async with stdio_client(server) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        yield session


def _wire(model: Any) -> dict[str, Any]:
    data: dict[str, Any] = model.model_dump(by_alias=True, mode="json", exclude_none=True)
    return data


def _text(result: Any) -> Any:
    (content,) = _wire(result)["content"]
    assert content["type"] == "text"
    return json.loads(content["text"])


async def test_lists_tools_and_creates_a_branch(
    ardent_emulator: Emulator, ardent_client: ArdentClient
) -> None:
    _, connector = await ready_connector(ardent_client, source=SOURCE)

    async with _session(ardent_emulator) as session:
        tools = _wire(await session.list_tools())["tools"]
        assert [t["name"] for t in tools] == list(TOOL_NAMES)
        by_name = {t["name"]: t for t in tools}
        for definition in tool_definitions():
            offered = by_name[definition.name]
            assert offered["inputSchema"] == definition.input_schema
            assert offered["description"] == definition.description
        assert by_name["delete_connector"]["annotations"]["destructiveHint"] is True
        assert by_name["list_branches"]["annotations"]["readOnlyHint"] is True

        created = await session.call_tool(
            "create_branch", {"connector_id": connector.id, "name": "from-mcp"}
        )
        assert _wire(created).get("isError") is not True
        branch = _text(created)
        assert branch["name"] == "from-mcp"
        assert ":***@" in branch["branch_url"]

        listed = _text(await session.call_tool("list_branches", {"connector_id": connector.id}))
        assert [b["id"] for b in listed] == [branch["branch_id"]]

    # The branch really exists on the API side.
    (row,) = await ardent_client.branches.list(connector.id)
    assert row.name == "from-mcp"
    assert row.branch_url is not None
    assert row.branch_url != branch["branch_url"]  # the real one has its password


async def test_tool_errors_come_back_as_error_results(ardent_emulator: Emulator) -> None:
    async with _session(ardent_emulator, "--tools", "list_branches,get_operation") as session:
        tools = _wire(await session.list_tools())["tools"]
        assert [t["name"] for t in tools] == ["list_branches", "get_operation"]

        missing = await session.call_tool("list_branches", {"connector_id": "conn_missing"})
        assert _wire(missing)["isError"] is True
        assert _text(missing)["error"]["status_code"] == 404


async def test_revealing_urls_is_a_server_option(
    ardent_emulator: Emulator, ardent_client: ArdentClient
) -> None:
    _, connector = await ready_connector(ardent_client, source=SOURCE)
    async with _session(ardent_emulator, "--reveal-connection-urls") as session:
        branch = _text(
            await session.call_tool(
                "create_branch", {"connector_id": connector.id, "name": "revealed"}
            )
        )
    (row,) = await ardent_client.branches.list(connector.id)
    assert branch["branch_url"] == row.branch_url
