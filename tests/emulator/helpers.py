"""Shared steps of the emulator suites: raw requests and a connector that is ready to branch."""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from ardent_async import ArdentClient
from ardent_async.models import ConnectorRow, ProjectRow

SOURCE = {"url": "postgresql://app:s3cret@db.example.com:5432/app"}
DECISIONS = {"public.audit_events": "add_pk"}


async def raw(
    base_url: str,
    method: str,
    path: str,
    *,
    token: str | None = None,
    body: Any = None,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], Any]:
    """One request outside the SDK: (status, headers, parsed JSON body or None)."""
    sent = dict(headers or {})
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    if body is not None:
        data = json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, base_url + path, data=data, headers=sent) as response,
    ):
        content = await response.read()
        parsed = json.loads(content) if content.strip() else None
        return response.status, dict(response.headers), parsed


async def ready_connector(
    client: ArdentClient, *, name: str = "source", source: dict[str, Any] | None = None
) -> tuple[ProjectRow, ConnectorRow]:
    """A project and a connector whose engine is set up (discovered, decided, set up)."""
    project = await client.projects.create(f"{name}-project")
    connector = await client.connectors.create(project.id, name, source or SOURCE)
    discovery = await client.connectors.discover(connector.id)
    await client.operations.wait(discovery.operation_id, timeout=30)
    await client.connectors.set_replica_identity_decisions(connector.id, DECISIONS)
    setup = await client.connectors.engine_setup(connector.id)
    assert setup.operation is not None
    await client.operations.wait(setup.operation.operation_id, timeout=30)
    return project, await client.connectors.get(connector.id)
