"""Odd replies from a real server give the documented typed error, naming what was wrong."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from ardent_async import ArdentClient, ArdentResponseError, ServerError
from ardent_async.models import OperationType
from tests.spine.scripted import AiohttpBackend, Reply

PROJECT = {"id": "p1", "org_id": "o1", "name": "demo", "created_at": "2026-01-02T03:04:05Z"}
OPERATION = {
    "id": "op1",
    "org_id": "o1",
    "type": "branch_create",
    "resource_id": "b1",
    "status": "running",
    "created_at": "2026-01-02T03:04:05Z",
    "updated_at": "2026-01-02T03:04:05Z",
}


@pytest.fixture
async def server() -> AsyncIterator[AiohttpBackend]:
    async with AiohttpBackend() as backend:
        yield backend


@pytest.fixture
async def client(server: AiohttpBackend) -> AsyncIterator[ArdentClient]:
    async with ArdentClient(
        token="sk-ard_test_t", base_url=server.base_url, max_retries=0, max_response_bytes=64_000
    ) as c:
        yield c


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (Reply(text='{"id": "p1", "org_id": '), "not valid JSON"),
        (Reply(json=[PROJECT]), "ProjectRow: expected an object, got an array"),
        (Reply(json="p1"), "ProjectRow: expected an object, got a string"),
        (
            Reply(json={k: v for k, v in PROJECT.items() if k != "name"}),
            "ProjectRow.name: required field missing",
        ),
        (Reply(json={**PROJECT, "org_id": None}), "ProjectRow.org_id: expected a string, got null"),
        (
            Reply(json={**PROJECT, "created_at": 1700000000}),
            "ProjectRow.created_at: expected a date-time string",
        ),
        (Reply(status=200), "empty reply body"),
        (Reply(text="x" * 200_000), "larger than the 64000 byte limit"),
    ],
    ids=["truncated", "array", "string", "missing", "null", "wrong-type", "empty", "huge"],
)
async def test_bad_reply_raises_typed_error(
    server: AiohttpBackend, client: ArdentClient, reply: Reply, message: str
) -> None:
    server.script.add("GET", "/v1/projects/p1", reply)
    with pytest.raises(ArdentResponseError) as info:
        await client.projects.get("p1")
    assert message in str(info.value)
    assert info.value.status_code == 200


async def test_huge_error_body_is_refused_too(server: AiohttpBackend, client: ArdentClient) -> None:
    server.script.add("GET", "/v1/projects/p1", Reply(status=500, text="<html>" + "x" * 200_000))
    with pytest.raises(ArdentResponseError) as info:
        await client.projects.get("p1")
    assert "byte limit" in str(info.value)


async def test_unknown_enum_value_decodes(server: AiohttpBackend, client: ArdentClient) -> None:
    payload: dict[str, Any] = {**OPERATION, "type": "branch_teleport", "status": "paused"}
    server.script.add("GET", "/v1/operations/op1", Reply(json=payload))
    operation = await client.operations.get("op1")
    assert operation.type == "branch_teleport"
    assert isinstance(operation.type, OperationType)
    assert not operation.type.is_known
    assert operation.status == "paused"


async def test_html_5xx_page_is_a_server_error(
    server: AiohttpBackend, client: ArdentClient
) -> None:
    page = "<html><head><title>Service Unavailable</title></head><body>maintenance</body></html>"
    server.script.add("GET", "/v1/projects/p1", Reply(status=503, text=page))
    with pytest.raises(ServerError) as info:
        await client.projects.get("p1")
    assert "HTML page: Service Unavailable" in str(info.value)
