"""The MCP server (issue 22): start to ``initialize`` answered, and the ``run_sql`` round trip.

- start → initialize: a fresh ``python -m ardent_async.mcp_server`` process on stdio until the
  official ``mcp`` client's ``initialize`` is answered (what an agent waits for at start);
- run_sql round trip: ``SELECT 1`` on a real branch (embedded Postgres, the sample source)
  through the MCP client over stdio, and the same call in-process through ``ArdentTools.run``
  (each call reads the branch row from the API and connects with the branch's credentials).
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from ardent_async.agents import ArdentTools
from ardent_async.emulator import Emulator
from bench._emulator import ready_connector
from bench._stats import Figure

ROUNDS = 7
CALLS = 15


def _params(emulator: Emulator, sources: str) -> Any:
    from mcp import StdioServerParameters

    env = {k: v for k, v in os.environ.items() if not k.startswith("ARDENT_")}
    env.update(
        ARDENT_TOKEN=emulator.token,
        ARDENT_API_URL=emulator.base_url,
        ARDENT_ORG_ID=emulator.org_id,
        ARDENT_SOURCES=sources,
    )
    return StdioServerParameters(
        command=sys.executable, args=["-m", "ardent_async.mcp_server"], env=env
    )


async def _start_to_initialize(params: Any) -> float:
    from mcp import ClientSession, stdio_client

    started = time.perf_counter()
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        return time.perf_counter() - started


async def run() -> dict[str, Figure]:
    from mcp import ClientSession, stdio_client

    async with Emulator(postgres="embedded", sample_source=True) as emulator:
        assert emulator.sample_source_url is not None
        client = emulator.client()
        try:
            ready = await ready_connector(
                client, emulator.org_id, source_url=emulator.sample_source_url, name="sample"
            )
            await client.branches.create_and_wait(ready.id, "bench-sql")
            params = _params(emulator, f"sample={emulator.sample_source_url}")
            starts = [await _start_to_initialize(params) for _ in range(ROUNDS)]
            query = {"connector_id": ready.id, "branch": "bench-sql", "sql": "SELECT 1"}
            over_mcp: list[float] = []
            async with (
                stdio_client(params) as (read, write),
                ClientSession(read, write) as session,
            ):
                await session.initialize()
                await session.call_tool("run_sql", query)  # warm
                for _ in range(CALLS):
                    started = time.perf_counter()
                    result = await session.call_tool("run_sql", query)
                    over_mcp.append(time.perf_counter() - started)
                    assert not getattr(result, "is_error", getattr(result, "isError", False))
            tools = ArdentTools(client, org_id=emulator.org_id)
            await tools.run("run_sql", query)  # warm
            in_process: list[float] = []
            for _ in range(CALLS):
                started = time.perf_counter()
                outcome = await tools.run("run_sql", query)
                in_process.append(time.perf_counter() - started)
                assert not outcome.is_error, outcome.content
        finally:
            await client.close()
    return {
        "mcp server: start → initialize answered (stdio)": Figure(tuple(starts)),
        "mcp run_sql round trip (stdio, SELECT 1 on a branch)": Figure(tuple(over_mcp)),
        "agent tools run_sql round trip (in-process, SELECT 1)": Figure(tuple(in_process)),
    }
