"""The whole workflow through ``ArdentTools`` on real branches: from an empty org to SQL rows,
read-only enforced by Postgres, row caps, schema description and comparison."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from ardent_async import ArdentClient
from ardent_async.agents import ArdentTools
from ardent_async.emulator import Emulator
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
pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.asyncio(loop_scope="session"),
]


async def drive(tools: ArdentTools, script: Script) -> None:
    """The scripted model's loop over ``ArdentTools.run``."""
    result: str | None = None
    for _ in range(40):
        call = script.next(result)
        if call is None:
            return
        outcome = await tools.run(*call)
        result = outcome.content
    raise AssertionError(f"the script did not finish: {script.calls}")


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def ready(ardent_emulator_pg: Emulator) -> AsyncIterator[tuple[ArdentTools, Script, Any]]:
    """One org taken from empty to a branch by the script (shared by this module's tests)."""
    grant = new_org(ardent_emulator_pg, "workflow")
    client = ardent_emulator_pg.client(grant.token)
    sources = {SOURCE_NAME: ardent_emulator_pg.sample_source_url or ""}
    tools = ArdentTools(client, org_id=grant.org_id, sources=sources)
    script = Script()
    await drive(tools, script)
    try:
        yield tools, script, grant
    finally:
        await client.close()


async def test_from_an_empty_org_to_rows_on_a_branch(
    ready: tuple[ArdentTools, Script, Any], ardent_emulator_pg: Emulator
) -> None:
    _, script, grant = ready
    assert script.done
    assert script.rows is not None
    assert len(script.rows) == CUSTOMERS
    assert [row[0] for row in script.rows] == list(range(1, CUSTOMERS + 1))
    assert script.connector_id is not None
    urls = await branch_urls(ardent_emulator_pg, grant, script.connector_id)
    assert len(urls) == 1
    assert_no_secrets(script.seen, secrets_of(ardent_emulator_pg, grant.token, urls))


async def test_read_only_is_enforced_by_postgres(ready: tuple[ArdentTools, Script, Any]) -> None:
    tools, script, _ = ready
    outcome = await tools.run(
        "run_sql",
        {
            "connector_id": script.connector_id,
            "branch": BRANCH_NAME,
            "sql": "CREATE TABLE t(i int)",
        },
    )
    assert outcome.is_error
    error = outcome.data["error"]
    assert error["sqlstate"] == "25006"  # read_only_sql_transaction
    assert "read-only transaction" in error["message"]


async def test_statements_have_a_timeout(
    ready: tuple[ArdentTools, Script, Any], ardent_emulator_pg: Emulator
) -> None:
    _, script, grant = ready
    client = ardent_emulator_pg.client(grant.token)
    try:
        quick = ArdentTools(client, org_id=grant.org_id, sql_timeout=0.3)
        outcome = await quick.run(
            "run_sql",
            {
                "connector_id": script.connector_id,
                "branch": BRANCH_NAME,
                "sql": "SELECT pg_sleep(5)",
            },
        )
    finally:
        await client.close()
    assert outcome.is_error
    assert outcome.data["error"]["sqlstate"] == "57014"  # query_canceled: statement timeout
    assert "statement timeout" in outcome.data["error"]["message"]


async def test_rows_are_capped_and_say_so(ready: tuple[ArdentTools, Script, Any]) -> None:
    tools, script, _ = ready
    data = await tools.run_or_raise(
        "run_sql",
        {
            "connector_id": script.connector_id,
            "branch": BRANCH_NAME,
            "sql": "SELECT * FROM public.orders",
            "max_rows": 7,
        },
    )
    assert data["row_count"] == 7
    assert data["truncated"] is True
    assert [c["name"] for c in data["columns"]][:2] == ["id", "customer_id"]
    whole = await tools.run_or_raise(
        "run_sql",
        {"connector_id": script.connector_id, "branch": BRANCH_NAME, "sql": "SELECT 1 AS one"},
    )
    assert whole["rows"] == [[1]]
    assert whole["truncated"] is False


async def test_describe_the_branch_schema(ready: tuple[ArdentTools, Script, Any]) -> None:
    tools, script, _ = ready
    data = await tools.run_or_raise(
        "describe_branch_schema",
        {"connector_id": script.connector_id, "branch": BRANCH_NAME, "schema": "public"},
    )
    tables = {t["name"]: t for t in data["tables"]}
    assert {"customers", "orders", "audit_events"} <= set(tables)
    orders = tables["orders"]
    assert {"name": "total", "type": "numeric(12,2)"}.items() <= {
        k: v for c in orders["columns"] if c["name"] == "total" for k, v in c.items()
    }.items()
    kinds = {c["kind"] for c in orders["constraints"]}
    assert {"primary key", "foreign key"} <= kinds
    assert "orders_customer_id_idx" in {i["name"] for i in orders["indexes"]}


async def test_a_migration_on_a_writable_branch_shows_in_the_comparison(
    ready: tuple[ArdentTools, Script, Any], ardent_emulator_pg: Emulator, caplog: Any
) -> None:
    tools, script, grant = ready
    caplog.set_level(logging.DEBUG)
    client: ArdentClient = ardent_emulator_pg.client(grant.token)
    sources = {SOURCE_NAME: ardent_emulator_pg.sample_source_url or ""}
    writer = ArdentTools(client, org_id=grant.org_id, sources=sources, allow_writes=True)
    try:
        where = {"connector_id": script.connector_id, "branch": BRANCH_NAME}
        before = await writer.run_or_raise("compare_branch_schema", where)
        assert before["identical"] is True, before
        migration = (
            "ALTER TABLE public.customers ADD COLUMN nickname text; "
            "CREATE INDEX customers_name_idx ON public.customers (name); "
            "CREATE TABLE public.coupons (code text PRIMARY KEY)"
        )
        ran = await writer.run_or_raise("run_sql", {**where, "sql": migration})
        assert ran["read_only"] is False, ran
        after = await writer.run_or_raise("compare_branch_schema", where)
        assert after["identical"] is False
        assert [t["name"] for t in after["tables_added"]] == ["coupons"]
        (customers,) = after["tables_changed"]
        assert customers["table"] == "public.customers"
        assert [c["name"] for c in customers["columns"]["added"]] == ["nickname"]
        assert [i["name"] for i in customers["indexes"]["added"]] == ["customers_name_idx"]
        # The read-only tools still see the change; the source did not change.
        source_side = await tools.run_or_raise(
            "describe_branch_schema", {**where, "schema": "public"}
        )
        assert "coupons" in {t["name"] for t in source_side["tables"]}
    finally:
        await client.close()
    urls = await branch_urls(ardent_emulator_pg, grant, script.connector_id or "")
    assert_no_secrets(
        [record.getMessage() for record in caplog.records] + [str(before), str(after)],
        secrets_of(ardent_emulator_pg, grant.token, urls),
    )
