"""``client.endpoints``: the generated one-call-per-operation surface, against the emulator."""

from __future__ import annotations

import pytest

from ardent_async import ArdentClient, ArdentValidationError, NotFoundError
from ardent_async._spec.endpoints import ENDPOINTS
from ardent_async.models import (
    BranchCreateRequest,
    CreateProjectRequest,
    MessageResponse,
    OperationHandle,
    ProjectRow,
)
from tests.emulator.helpers import ready_connector


def test_one_method_per_operation() -> None:
    from ardent_async._spec.endpoint_calls import EndpointsService
    from ardent_async._sync_twin import SyncEndpointsService

    public = {name for name in vars(EndpointsService) if not name.startswith("_")}
    assert public == set(ENDPOINTS)
    assert {name for name in vars(SyncEndpointsService) if not name.startswith("_")} == public


async def test_project_calls_round_trip(ardent_client: ArdentClient) -> None:
    calls = ardent_client.endpoints
    created = await calls.create_project(body=CreateProjectRequest(name="plain calls"))
    assert isinstance(created, ProjectRow)
    assert (await calls.get_project(created.id)).name == "plain calls"
    listed = await calls.list_projects(org_id=created.org_id)
    assert created.id in {p.id for p in listed.projects}
    deleted = await calls.delete_project(created.id)
    assert isinstance(deleted, MessageResponse)
    with pytest.raises(NotFoundError):
        await calls.get_project(created.id)


async def test_path_segments_are_checked_before_sending(ardent_client: ArdentClient) -> None:
    with pytest.raises(ArdentValidationError) as info:
        await ardent_client.endpoints.get_project("../orgs")
    assert info.value.field == "project_id"


async def test_create_branch_sends_the_idempotency_key_and_polls_held(
    ardent_client: ArdentClient,
) -> None:
    _, connector = await ready_connector(ardent_client)
    body = BranchCreateRequest(connector_id=connector.id, service_type="postgres", name="calls")
    first = await ardent_client.endpoints.create_branch(body=body, idempotency_key="calls-1")
    again = await ardent_client.endpoints.create_branch(body=body, idempotency_key="calls-1")
    assert isinstance(first, OperationHandle)
    assert again.operation_id == first.operation_id  # the key travelled: a replay
    state = await ardent_client.endpoints.get_operation(first.operation_id, wait=0.5)
    assert state.id == first.operation_id
