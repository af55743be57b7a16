"""``ardent_async.connector_state``: the one reader of the engine status and the replica-identity
state, which the published ``ConnectorRow`` leaves to its open extra fields."""

from __future__ import annotations

from typing import Any

import pytest

from ardent_async import ArdentClient
from ardent_async._core._converter import converter
from ardent_async.connector_state import ReplicaIdentityState, engine_status, replica_identity
from ardent_async.emulator import Emulator
from ardent_async.models import ConnectorRow
from tests.emulator.helpers import SOURCE

ROW = {"id": "conn_1", "org_id": "org_1", "name": "src", "service_name": "postgresql"}


def _row(**extra: Any) -> ConnectorRow:
    return converter.structure({**ROW, **extra}, ConnectorRow)


def test_a_row_that_says_nothing_reads_as_not_said() -> None:
    row = _row()
    assert engine_status(row) is None
    assert replica_identity(row) is None


def test_the_preflight_object_is_read_first() -> None:
    row = _row(
        engine_status="ready",
        replica_identity_preflight={
            "tables_needing_decision": ["public.a", "public.b"],
            "decisions": {"public.a": "exclude"},
            "undecided": ["public.b"],
            "ready": False,
        },
    )
    assert engine_status(row) == "ready"
    assert replica_identity(row) == ReplicaIdentityState(
        tables_needing_decision=("public.a", "public.b"),
        decisions={"public.a": "exclude"},
        undecided=("public.b",),
        ready=False,
    )


def test_flat_fields_are_read_and_undecided_is_derived() -> None:
    row = _row(
        tables_needing_decision=["public.a", "public.b"],
        replica_identity_decisions={"public.b": "add_pk"},
    )
    state = replica_identity(row)
    assert state is not None
    assert state.undecided == ("public.a",)
    assert state.ready is False


@pytest.mark.parametrize(
    "extra",
    [
        {"engine_status": 3, "tables_needing_decision": "public.a"},
        {"engine_status": None, "replica_identity_preflight": ["x"]},
        {"tables_needing_replica_identity_decision": [1, 2]},
    ],
)
def test_shapes_the_contract_does_not_promise_read_as_not_said(extra: dict[str, Any]) -> None:
    row = _row(**extra)
    assert engine_status(row) is None
    assert replica_identity(row) is None


async def test_the_emulator_flow_reads_through_it(
    ardent_emulator: Emulator, ardent_client: ArdentClient
) -> None:
    project = await ardent_client.projects.create("state")
    connector = await ardent_client.connectors.create(project.id, "source", SOURCE)
    assert replica_identity(connector) is None  # not discovered yet
    discovery = await ardent_client.connectors.discover(connector.id)
    await ardent_client.operations.wait(discovery.operation_id, timeout=30)
    discovered = replica_identity(await ardent_client.connectors.get(connector.id))
    assert discovered is not None
    assert discovered.undecided
    assert not discovered.ready
    decided = await ardent_client.connectors.set_replica_identity_decisions(
        connector.id, dict.fromkeys(discovered.undecided, "replica_identity_full")
    )
    state = replica_identity(decided)
    assert state is not None
    assert state.ready
    assert state.undecided == ()
    assert engine_status(decided) != "ready"
