"""Connectors in API-only mode: preflight, create, discovery, selection, replica identity,
engine setup, deletion (lock), quarantines."""

from __future__ import annotations

import pytest

from ardent_async import (
    ArdentClient,
    ArdentValidationError,
    ConflictError,
    NotFoundError,
    OperationFailedError,
    PreflightFailedError,
)
from ardent_async.emulator import Emulator

from .helpers import SOURCE, raw, ready_connector


async def test_preflight_passes_and_reports_every_check(ardent_client: ArdentClient) -> None:
    report = await ardent_client.connectors.preflight(SOURCE, selected_schemas=["public"])
    assert report.preflight_pass is True
    assert report.branching_prerequisites_pass is True
    assert report.checks is not None
    assert report.checks["wal_level"]["status"] == "pass"
    assert report.checks["tables_without_primary_key"]["tables"] == ["public.audit_events"]
    assert report.source_provider == "vanilla"
    assert "s3cret" not in repr(report)


async def test_preflight_failure_blocks_create(ardent_client: ArdentClient) -> None:
    failing = {**SOURCE, "emulate_failed_checks": ["wal_level", "replication_privilege"]}
    report = await ardent_client.connectors.preflight(failing)
    assert report.preflight_pass is False
    assert report.branching_prerequisites_pass is False
    assert report.grant_script
    project = await ardent_client.projects.create("p")
    with pytest.raises(PreflightFailedError) as info:
        await ardent_client.connectors.create(project.id, "bad", failing)
    assert info.value.status_code == 422
    assert info.value.report.checks is not None
    assert info.value.report.checks["wal_level"]["status"] == "fail"
    assert await ardent_client.connectors.list(project.org_id) == []


async def test_connection_details_are_validated(
    ardent_emulator: Emulator, ardent_client: ArdentClient
) -> None:
    project = await ardent_client.projects.create("p")
    for details in (
        {"url": "mysql://u:p@h/db"},
        {"host": "h", "username": "u"},
        {"url": "postgresql://h/db"},
    ):
        with pytest.raises(ArdentValidationError) as info:
            await ardent_client.connectors.create(project.id, "c", details)
        assert info.value.status_code == 400
    status, _, body = await raw(
        ardent_emulator.base_url,
        "POST",
        "/v1/connectors/preflight",
        token=ardent_emulator.token,
        body={"service_name": "mysql", "connection_details": SOURCE},
    )
    assert status == 400
    assert "Unsupported service" in body["detail"]
    discrete = {"host": "db", "port": 5433, "database": "app", "username": "u", "password": "p"}
    created = await ardent_client.connectors.create(project.id, "discrete", discrete)
    assert created.extra["source_metadata"]["port"] == 5433


async def test_same_source_twice_fails_already_connected(ardent_client: ArdentClient) -> None:
    project = await ardent_client.projects.create("p")
    await ardent_client.connectors.create(project.id, "one", SOURCE)
    report = await ardent_client.connectors.preflight(SOURCE)
    assert report.checks is not None
    assert report.checks["already_connected"]["status"] == "fail"
    with pytest.raises(PreflightFailedError):
        await ardent_client.connectors.create(project.id, "two", SOURCE)


async def test_full_setup_flow(ardent_emulator: Emulator, ardent_client: ArdentClient) -> None:
    org_id = ardent_emulator.org_id
    project = await ardent_client.projects.create("p")
    connector = await ardent_client.connectors.create(project.id, "src", SOURCE, drop_extensions=[])
    assert (connector.status, connector.can_update, connector.can_delete) == ("created", True, True)
    assert [c.id for c in await ardent_client.connectors.list(org_id)] == [connector.id]
    assert await ardent_client.connectors.list(org_id, service_name="mysql") == []

    with pytest.raises(ArdentValidationError, match="discover"):
        await ardent_client.connectors.set_selection(connector.id, ["public"])
    with pytest.raises(ArdentValidationError) as early:
        await ardent_client.connectors.engine_setup(connector.id)
    assert early.value.status_code == 400

    accepted = await ardent_client.connectors.discover(connector.id)
    assert accepted.resource_id == connector.id
    joined = await ardent_client.connectors.discover(connector.id)
    assert joined.operation_id == accepted.operation_id
    discovered = await ardent_client.operations.wait(accepted.operation_id, timeout=10)
    assert discovered.result is not None
    assert "public.audit_events" in discovered.result["tables_needing_replica_identity_decision"]
    row = await ardent_client.connectors.get(connector.id)
    assert row.status == "discovered"
    assert "billing.invoices" in row.extra["discovered_paths"]

    with pytest.raises(ArdentValidationError, match="Unknown path"):
        await ardent_client.connectors.set_selection(connector.id, ["nosuch"])
    selected = await ardent_client.connectors.set_selection(
        connector.id, ["public", "billing.invoices"]
    )
    assert selected.extra["selected_paths"] == ["public", "billing.invoices"]

    with pytest.raises(ArdentValidationError) as undecided:
        await ardent_client.connectors.engine_setup(connector.id)
    assert undecided.value.status_code == 422
    assert "public.audit_events" in str(undecided.value)

    with pytest.raises(ArdentValidationError, match="Unknown table"):
        await ardent_client.connectors.set_replica_identity_decisions(
            connector.id, {"public.nosuch": "exclude", "public.audit_events": "exclude"}
        )
    with pytest.raises(ArdentValidationError, match="incomplete"):
        await ardent_client.connectors.set_replica_identity_decisions(
            connector.id, {"public.orders": "replica_identity_full"}
        )
    status, _, body = await raw(
        ardent_emulator.base_url,
        "PUT",
        f"/v1/connectors/{connector.id}/replica-identity-decisions",
        token=ardent_emulator.token,
        body={"decisions": {"public.audit_events": "delete_it"}},
    )
    assert status == 400
    assert "Invalid decision" in body["detail"]
    decided = await ardent_client.connectors.set_replica_identity_decisions(
        connector.id, {"public.audit_events": "replica_identity_full"}
    )
    assert decided.extra["replica_identity_preflight"]["ready"] is True

    setup = await ardent_client.connectors.engine_setup(connector.id)
    assert setup.operation is not None
    assert setup.operation.type == "connector_engine_setup"
    rejoined = await ardent_client.connectors.engine_setup(connector.id)
    assert rejoined.operation is not None
    assert rejoined.operation.operation_id == setup.operation.operation_id
    done = await ardent_client.operations.wait(setup.operation.operation_id, timeout=10)
    assert done.setup_status is not None
    assert done.setup_status["engine_status"] == "ready"
    again = await ardent_client.connectors.engine_setup(connector.id)
    assert again.already_set_up
    assert again.connector is not None
    assert again.connector.extra["message"] == "The engine is already set up"
    assert (await ardent_client.connectors.get(connector.id)).status == "active"


async def test_update_connector(ardent_client: ArdentClient) -> None:
    project = await ardent_client.projects.create("p")
    other = await ardent_client.projects.create("q")
    connector = await ardent_client.connectors.create(project.id, "src", SOURCE)
    updated = await ardent_client.connectors.update(
        connector.id, name="renamed", project_id=other.id, drop_extensions=["postgis"]
    )
    assert (updated.name, updated.project_id) == ("renamed", other.id)
    assert updated.extra["drop_extensions"] == ["postgis"]
    with pytest.raises(ArdentValidationError, match="not found"):
        await ardent_client.connectors.update(connector.id, project_id="proj_nope")
    with pytest.raises(ConflictError):
        await ardent_client.projects.delete(other.id)


async def test_delete_lock_and_delete(ardent_client: ArdentClient) -> None:
    _, connector = await ready_connector(ardent_client)
    await ardent_client.branches.create_and_wait(connector.id, "b1", timeout=10)
    locked = await ardent_client.connectors.lock_deletion(connector.id, reason="prod source")
    assert locked.extra["deletion_locked"] is True
    assert locked.can_delete is False
    with pytest.raises(ConflictError, match="prod source"):
        await ardent_client.connectors.delete(connector.id)
    unlocked = await ardent_client.connectors.unlock_deletion(connector.id)
    assert unlocked.extra["deletion_locked"] is False

    handle = await ardent_client.connectors.delete(connector.id, force=True)
    assert handle.type == "connector_delete"
    same = await ardent_client.connectors.delete(connector.id)
    assert same.operation_id == handle.operation_id
    with pytest.raises(ArdentValidationError) as refused:
        await ardent_client.branches.create(connector.id, "late")
    assert refused.value.status_code == 422
    finished = await ardent_client.operations.wait(handle.operation_id, timeout=10)
    assert finished.result == {
        "connector_id": connector.id,
        "deleted": True,
        "branches_dropped": 1,
    }
    with pytest.raises(NotFoundError):
        await ardent_client.connectors.get(connector.id)
    with pytest.raises(NotFoundError):
        await ardent_client.branches.list(connector.id)


async def test_quarantines(ardent_emulator: Emulator, ardent_client: ArdentClient) -> None:
    project = await ardent_client.projects.create("p")
    connector = await ardent_client.connectors.create(project.id, "src", SOURCE)
    assert await ardent_client.connectors.list_quarantines(connector.id) == []
    added = ardent_emulator.admin.add_quarantine(connector.id, deployment_name="repl-1")
    [listed] = await ardent_client.connectors.list_quarantines(connector.id)
    assert (listed.id, listed.status, listed.deployment_name) == (added.id, "quarantined", "repl-1")
    released = await ardent_client.connectors.release_quarantine(connector.id, added.id)
    assert released.status == "released"
    assert released.released_at is not None
    assert released.released_by is not None
    assert await ardent_client.connectors.list_quarantines(connector.id) == []
    with pytest.raises(NotFoundError):
        await ardent_client.connectors.release_quarantine(connector.id, "qtn_nope")


async def test_failed_operation_reports_error(ardent_emulator: Emulator) -> None:
    ardent_emulator.admin.set_chaos("seed=3,fail_ops=1")
    async with ardent_emulator.client() as client:
        project = await client.projects.create("p")
        connector = await client.connectors.create(project.id, "src", SOURCE)
        accepted = await client.connectors.discover(connector.id)
        with pytest.raises(OperationFailedError) as info:
            await client.operations.wait(accepted.operation_id, timeout=10)
        assert "chaos" in (info.value.error or "")
        assert (await client.connectors.get(connector.id)).status == "discovery_failed"
