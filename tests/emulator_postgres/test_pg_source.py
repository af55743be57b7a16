"""preflight() and discover() against real Postgres sources."""

from __future__ import annotations

import json
import socket

import pytest

from ardent_async.emulator.postgres import (
    CHECK_NAMES,
    SAMPLE_ROW_COUNTS,
    BranchHost,
    ConnectorStore,
    PostgresUrl,
    SourceError,
    discover,
    preflight,
)

from .pg_helpers import connect

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.postgres]


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_preflight_on_sample_passes(sample_url: str) -> None:
    result = await preflight(
        sample_url, selected_schemas=["public", "billing"], already_connected=False
    )

    assert list(result.checks) == list(CHECK_NAMES)
    statuses = {name: check["status"] for name, check in result.checks.items()}
    assert statuses == {**dict.fromkeys(CHECK_NAMES, "pass"), "tables_without_primary_key": "warn"}
    assert result.checks["wal_level"]["wal_level"] == "logical"
    assert result.checks["tables_without_primary_key"]["tables"] == ["public.audit_events"]
    assert result.preflight_pass
    assert result.branching_prerequisites_pass
    assert result.source_provider == "vanilla"
    assert result.grant_script == ""
    assert result.source_metadata["database"] == "ardent_sample"
    assert result.source_metadata["server_version_num"] >= 180000
    assert result.source_metadata["schemas"] == ["billing", "public"]
    for check in result.checks.values():
        assert isinstance(check["message"], str)
        assert "hint" in check


async def test_preflight_already_connected_and_missing_schema(sample_url: str) -> None:
    result = await preflight(
        sample_url, selected_schemas=["public", "nope"], already_connected=True
    )

    assert result.checks["already_connected"]["status"] == "fail"
    assert result.checks["selected_schemas"]["status"] == "fail"
    assert result.checks["selected_schemas"]["missing"] == ["nope"]
    assert not result.preflight_pass
    assert result.branching_prerequisites_pass  # replication side is still fine


@pytest.mark.parametrize("failure", ["wrong_password", "closed_port", "no_database"])
async def test_unreachable_source_is_a_failed_check(sample_url: str, failure: str) -> None:
    real = PostgresUrl.parse(sample_url)
    wrong_password = "Wr0ng-Secret-Value"
    if failure == "wrong_password":
        url = real.with_credentials(real.user, wrong_password)
    elif failure == "closed_port":
        url = real.with_credentials(real.user, wrong_password)
        url = PostgresUrl(url.user, url.password, url.host, _closed_port(), url.database)
    else:
        url = real.with_database("no_such_database")

    result = await preflight(url.to_url(), selected_schemas=None, already_connected=False)

    reachable = result.checks["reachable"]
    assert reachable["status"] == "fail"
    expected = {
        "wrong_password": "password authentication failed",
        "closed_port": "not reachable",
        "no_database": "does not exist",
    }[failure]
    assert expected in reachable["message"]
    assert reachable["hint"]
    assert not result.preflight_pass
    assert not result.branching_prerequisites_pass
    assert result.checks["wal_level"]["status"] == "fail"
    assert result.checks["wal_level"]["checked"] is False
    assert result.checks["already_connected"]["status"] == "pass"
    everything = json.dumps(result.to_dict()) + repr(result)
    assert wrong_password not in everything
    assert real.password not in everything


async def test_malformed_url_is_a_failed_check() -> None:
    result = await preflight(
        "mysql://u:hunter2@h/db", selected_schemas=None, already_connected=False
    )
    assert result.checks["reachable"]["status"] == "fail"
    assert "hunter2" not in json.dumps(result.to_dict())


async def test_role_without_replication_gets_a_working_grant_script(
    pg_host: BranchHost, sample_url: str
) -> None:
    role, password = "plain_reader", "Pl41n-Reader-Secret"
    async with pg_host.admin_connection() as conn:
        await conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
        await conn.execute(f"GRANT CONNECT ON DATABASE ardent_sample TO {role}")
    url = PostgresUrl.parse(sample_url).with_credentials(role, password).to_url()
    try:
        result = await preflight(
            url, selected_schemas=["public", "billing"], already_connected=False
        )

        check = result.checks["replication_privilege"]
        assert check["status"] == "fail"
        assert check["role"] == role
        assert result.checks["selected_schemas"]["status"] == "fail"
        assert result.checks["selected_schemas"]["without_usage"] == ["billing"]
        assert not result.preflight_pass
        assert not result.branching_prerequisites_pass
        script = result.grant_script
        assert f'ALTER ROLE "{role}" WITH REPLICATION;' in script
        assert f'GRANT USAGE ON SCHEMA "billing" TO "{role}";' in script
        assert f'GRANT SELECT ON ALL TABLES IN SCHEMA "public" TO "{role}";' in script
        assert password not in json.dumps(result.to_dict())

        # Running the script as a superuser on the source fixes every failure.
        async with pg_host.admin_connection("ardent_sample") as conn:
            await conn.execute(script)
        fixed = await preflight(
            url, selected_schemas=["public", "billing"], already_connected=False
        )
        assert fixed.preflight_pass
        assert fixed.branching_prerequisites_pass
        assert fixed.grant_script == ""
        # ...and what it grants is all replication needs.
        store = ConnectorStore(pg_host, "conn-plain-reader")
        await store.setup(source_url=url, selected_paths=["billing"], decisions={})
        await store.drop()
    finally:
        async with pg_host.admin_connection("ardent_sample") as conn:
            await conn.execute(f"DROP OWNED BY {role}")
        async with pg_host.admin_connection() as conn:
            await conn.execute(f"REVOKE CONNECT ON DATABASE ardent_sample FROM {role}")
            await conn.execute(f"DROP ROLE {role}")


async def test_discover_lists_sample_tables(sample_url: str) -> None:
    tables = {table.path: table for table in await discover(sample_url)}

    assert set(tables) == set(SAMPLE_ROW_COUNTS)
    assert not tables["public.audit_events"].has_primary_key
    assert tables["public.orders"].has_primary_key
    for path, rows in SAMPLE_ROW_COUNTS.items():
        assert tables[path].estimated_rows == rows
    customers = tables["public.customers"]
    assert [c.name for c in customers.columns][:3] == ["id", "email", "name"]
    id_column = customers.columns[0]
    assert id_column.in_primary_key
    assert not id_column.nullable
    assert id_column.data_type == "integer"
    status = next(c for c in tables["billing.invoices"].columns if c.name == "status")
    assert status.data_type == "billing.invoice_status"
    assert tables["billing.invoices"].to_dict()["path"] == "billing.invoices"


async def test_discover_unreachable_raises_without_password(sample_url: str) -> None:
    real = PostgresUrl.parse(sample_url)
    url = PostgresUrl(real.user, real.password, real.host, _closed_port(), real.database)
    with pytest.raises(SourceError) as info:
        await discover(url.to_url())
    assert real.password not in str(info.value)
    assert real.password not in repr(info.value)


async def test_sample_source_rejects_other_roles(pg_host: BranchHost, sample_url: str) -> None:
    async with connect(sample_url) as conn:
        owner = await conn.fetchval("SELECT current_user")
        replication = await conn.fetchval(
            "SELECT rolreplication FROM pg_roles WHERE rolname = current_user"
        )
    assert owner == "ardent_sample_owner"
    assert replication
    async with pg_host.admin_connection() as conn:
        acl = await conn.fetchval(
            "SELECT datacl::text FROM pg_database WHERE datname = 'ardent_sample'"
        )
    assert "=Tc" not in acl
    assert "=c" not in acl
