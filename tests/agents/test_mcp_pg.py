"""The official ``mcp`` client over stdio and over HTTP: from an empty org to ``run_sql`` rows on
a new branch; then ``--read-only``. A secret scan covers every result, error, structured content
and the server's DEBUG log."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

from ardent_async.emulator import Emulator
from ardent_async.emulator.admin import TokenGrant
from tests.agents.flow import (
    BRANCH_NAME,
    CUSTOMERS,
    SOURCE_NAME,
    Script,
    assert_no_secrets,
    branch_urls,
    new_org,
    secrets_of,
)

pytest.importorskip("asyncpg")
pytest.importorskip("mcp")
from tests.agents.mcp_helpers import (
    McpModel,
    http_server,
    http_session,
    server_env,
    stdio_session,
    text_of,
    wire,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.asyncio(loop_scope="session"),
]


def _env(emulator: Emulator, grant: TokenGrant) -> dict[str, str]:
    source = f"{SOURCE_NAME}={emulator.sample_source_url}"
    return server_env(emulator.base_url, grant.token, grant.org_id, ARDENT_SOURCES=source)


async def _drive(model: McpModel, script: Script) -> None:
    result: str | None = None
    for _ in range(40):
        call = script.next(result)
        if call is None:
            return
        result = await model.call(*call)
    raise AssertionError(f"the script did not finish: {script.calls}")


async def _scan(emulator: Emulator, grant: TokenGrant, script: Script, texts: list[str]) -> None:
    assert script.done
    assert script.rows is not None
    assert len(script.rows) == CUSTOMERS
    urls = await branch_urls(emulator, grant, script.connector_id or "")
    assert len(urls) == 1
    assert_no_secrets(texts, secrets_of(emulator, grant.token, urls))


def _log() -> Path:
    return Path(tempfile.mkstemp(prefix="mcp-stdio-", suffix=".log")[1])


async def test_stdio_from_an_empty_org_to_rows_then_read_only(ardent_emulator_pg: Emulator) -> None:
    grant = new_org(ardent_emulator_pg, "mcp-stdio")
    env = _env(ardent_emulator_pg, grant)
    script = Script()
    log = _log()
    async with stdio_session(env, "--log-level", "DEBUG", log=log) as session:
        model = McpModel(session)
        await _drive(model, script)
    server_log = log.read_text(encoding="utf-8")
    assert "DEBUG" in server_log  # the scan below reads a real DEBUG log
    await _scan(ardent_emulator_pg, grant, script, [*model.seen, server_log])

    async with stdio_session(env, "--read-only") as session:
        names = {t["name"] for t in wire(await session.list_tools())["tools"]}
        assert not names & {"create_branch", "create_project", "create_connector"}
        assert "run_sql" in names
        where = {"connector_id": script.connector_id, "branch": BRANCH_NAME}
        refused = await session.call_tool("run_sql", {**where, "sql": "CREATE TABLE t(i int)"})
        assert wire(refused)["isError"] is True
        error = json.loads(text_of(refused))["error"]
        assert error["sqlstate"] == "25006"
        assert "cannot execute CREATE TABLE in a read-only transaction" in error["message"]
        still = await session.call_tool("run_sql", {**where, "sql": "SELECT count(*) AS n FROM t"})
        assert "does not exist" in text_of(still)  # nothing was created
        failures = [wire(refused), wire(still)]
        missing = await session.call_tool("run_sql", {**where, "branch": "no-such-branch"})
        failures.append(wire(missing))
    texts = [json.dumps(failure) for failure in failures]
    assert all(failure["isError"] for failure in failures)
    await _scan(ardent_emulator_pg, grant, script, texts)


async def test_http_from_an_empty_org_to_rows(ardent_emulator_pg: Emulator) -> None:
    grant = new_org(ardent_emulator_pg, "mcp-http")
    script = Script()
    async with http_server(_env(ardent_emulator_pg, grant), "--log-level", "DEBUG") as (url, log):
        async with http_session(url) as session:
            model = McpModel(session)
            await _drive(model, script)
        server_log = log.read_text(encoding="utf-8")
    await _scan(ardent_emulator_pg, grant, script, [*model.seen, server_log])
