"""Which failed attempts are retried: a request that may have reached the server is sent again
only when repeating it is harmless (an idempotent method, or a POST carrying an idempotency
key). Run against both transports (aiohttp server, respx)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ardent_async import ArdentClient, ArdentConnectionError
from tests.fakes import FakeClock
from tests.spine.scripted import AiohttpBackend, Drop, Reply, RespxBackend

Backend = AiohttpBackend | RespxBackend
MakeClient = Callable[..., ArdentClient]

PROJECT = {"id": "p1", "org_id": "o1", "name": "demo", "created_at": "2026-01-02T03:04:05Z"}
HANDLE = {"operation_id": "op1", "status": "pending", "type": "branch_create", "resource_id": "b1"}


async def test_a_post_without_idempotency_key_is_not_sent_again_after_a_dropped_connection(
    backend: Backend, make_client: MakeClient, clock: FakeClock
) -> None:
    """The first POST may have created the project: a second one would create another."""
    backend.script.add("POST", "/v1/projects", Drop(), Reply(201, json=PROJECT))
    with pytest.raises(ArdentConnectionError) as info:
        await make_client().projects.create("demo")
    assert info.value.request_sent is True
    assert backend.script.count("POST", "/v1/projects") == 1
    assert clock.sleeps == []


async def test_a_post_with_an_idempotency_key_is_sent_again_after_a_dropped_connection(
    backend: Backend, make_client: MakeClient, clock: FakeClock
) -> None:
    backend.script.add("POST", "/v1/branch/create", Drop(), Reply(202, json=HANDLE))
    client = make_client()
    body = {"connector_id": "c1", "service_type": "postgres", "name": "b"}
    response = await client._http.request(
        "POST", "/v1/branch/create", json_body=body, idempotency_key="key-1"
    )
    assert response.status_code == 202
    assert backend.script.count("POST", "/v1/branch/create") == 2
    assert len(clock.sleeps) == 1
