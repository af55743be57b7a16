"""One fact, one place: the spec's enums, limits and defaults reach the SDK and the emulator
through the generated ``ardent_async._spec.constants``, and nowhere else."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ardent_async import ArdentClient, ArdentValidationError
from ardent_async._spec import constants, load_published_spec
from ardent_async.emulator import Emulator
from codegen import constants as generator
from tests.emulator.helpers import SOURCE, raw

ROOT = Path(__file__).resolve().parents[2]
DECISIONS = constants.REPLICA_IDENTITY_DECISIONS_REQUEST_DECISIONS_VALUES
MAX_REASON = constants.CONNECTOR_DELETION_LOCK_REQUEST_REASON_MAX_LENGTH


def test_the_module_is_what_the_generator_makes_of_the_spec() -> None:
    spec = yaml.safe_load((ROOT / "openapi" / "ardent.yaml").read_text(encoding="utf-8"))
    committed = (ROOT / "ardent_async" / "_spec" / "constants.py").read_text(encoding="utf-8")
    assert generator.generate(spec) == committed


def test_the_limits_are_the_published_contracts() -> None:
    published = load_published_spec()
    schemas = published["components"]["schemas"]
    reason = schemas["ConnectorDeletionLockRequest"]["properties"]["reason"]["anyOf"][0]
    assert reason["maxLength"] == MAX_REASON
    wait = next(
        p
        for p in published["paths"]["/v1/operations/{operation_id}"]["get"]["parameters"]
        if p["name"] == "wait"
    )
    assert wait["schema"]["anyOf"][0]["maximum"] == constants.GET_OPERATION_WAIT_MAXIMUM
    # The published description names the decisions in prose; the generated tuple has them all.
    described = schemas["ReplicaIdentityDecisionsRequest"]["properties"]["decisions"]
    assert all(f"`{d}`" in described["description"] for d in DECISIONS)


def test_sdk_and_emulator_hold_the_generated_objects_themselves() -> None:
    # Bound from the generated module, not retyped: the very same objects.
    from ardent_async import _client
    from ardent_async._core import _retry
    from ardent_async._waiting import _poller
    from ardent_async.agents import _catalogue
    from ardent_async.cli import _parser
    from ardent_async.emulator import checks
    from ardent_async.emulator.routes import operations as operation_routes
    from ardent_async.services import branches, connectors

    assert connectors.REPLICA_IDENTITY_DECISIONS is DECISIONS
    assert checks.DECISIONS is DECISIONS
    assert connectors.MAX_LOCK_REASON is MAX_REASON
    assert _poller.MAX_SERVER_WAIT is constants.GET_OPERATION_WAIT_MAXIMUM
    assert operation_routes.MAX_WAIT is constants.GET_OPERATION_WAIT_MAXIMUM
    assert branches.DEFAULT_WAIT_TIMEOUT is constants.DEFAULT_WAIT_TIMEOUT
    assert _catalogue.MAX_WAIT_TIMEOUT is constants.MAX_WAIT_TIMEOUT
    # The client-side knobs (the spec's x-ardent-client block): SDK and CLI share them.
    assert _client.DEFAULT_REQUEST_TIMEOUT is constants.DEFAULT_REQUEST_TIMEOUT
    assert _parser.DEFAULT_REQUEST_TIMEOUT is constants.DEFAULT_REQUEST_TIMEOUT
    assert _client.DEFAULT_MAX_RETRIES is _parser.DEFAULT_MAX_RETRIES
    assert _retry.RetryPolicy().max_retries == constants.DEFAULT_MAX_RETRIES
    assert branches.DEFAULT_CONCURRENCY is _parser.DEFAULT_CONCURRENCY
    assert branches.MAX_CONCURRENCY is constants.MAX_CONCURRENCY


async def _connector(client: ArdentClient) -> str:
    project = await client.projects.create("constants")
    connector = await client.connectors.create(project.id, "source", SOURCE)
    discovery = await client.connectors.discover(connector.id)
    await client.operations.wait(discovery.operation_id, timeout=30)
    return connector.id


async def test_both_sides_take_every_generated_decision_and_no_other(
    ardent_client: ArdentClient,
) -> None:
    connector_id = await _connector(ardent_client)
    for decision in DECISIONS:
        row = await ardent_client.connectors.set_replica_identity_decisions(
            connector_id, {"public.audit_events": decision}
        )
        assert row.extra["replica_identity_decisions"] == {"public.audit_events": decision}
    with pytest.raises(ArdentValidationError):
        await ardent_client.connectors.set_replica_identity_decisions(
            connector_id, {"public.audit_events": "drop_table"}
        )


async def test_both_sides_bound_the_lock_reason_at_the_generated_limit(
    ardent_emulator: Emulator, ardent_client: ArdentClient
) -> None:
    connector_id = await _connector(ardent_client)
    locked = await ardent_client.connectors.lock_deletion(connector_id, reason="r" * MAX_REASON)
    assert locked.extra["deletion_lock_reason"] == "r" * MAX_REASON
    with pytest.raises(ArdentValidationError) as info:
        await ardent_client.connectors.lock_deletion(connector_id, reason="r" * (MAX_REASON + 1))
    assert info.value.field == "reason"
    path = f"/v1/connectors/{connector_id}/deletion-lock"
    status, _, body = await raw(
        ardent_emulator.base_url,
        "POST",
        path,
        token=ardent_emulator.token,
        body={"reason": "r" * (MAX_REASON + 1)},
    )
    assert status == 422
    assert body["detail"][0]["loc"] == ["body", "reason"]
