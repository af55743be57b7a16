"""Branch create (operations, idempotency, conflicts) and listing, API-only."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import pytest

from ardent_async import ArdentClient, ConflictError
from ardent_async.emulator import Emulator

from .helpers import raw, ready_connector

CREATE = "/v1/branch/create"


async def test_create_and_wait_gives_a_well_formed_url(ardent_client: ArdentClient) -> None:
    _, connector = await ready_connector(ardent_client)
    result = await ardent_client.branches.create_and_wait(connector.id, "feature-x", timeout=10)
    assert (result.name, result.connector_id, result.status) == ("feature-x", connector.id, "ready")
    assert result.branch_url is not None
    parts = urlsplit(result.branch_url)
    assert (parts.scheme, parts.hostname, parts.port) == ("postgresql", "127.0.0.1", 1)
    assert parts.username
    assert parts.password
    assert parts.path.strip("/")
    [row] = await ardent_client.branches.list(connector.id)
    assert (row.id, row.status, row.branch_url) == (result.branch_id, "ready", result.branch_url)
    assert row.write_ready_at is not None


async def test_many_branches_in_parallel(ardent_client: ArdentClient) -> None:
    _, connector = await ready_connector(ardent_client)
    names = [f"b{i}" for i in range(12)]
    outcomes = await ardent_client.branches.create_many(connector.id, names, concurrency=12)
    assert sorted(o.name for o in outcomes if o.ok) == sorted(names)
    urls = {o.branch.branch_url for o in outcomes if o.branch is not None}
    assert len(urls) == len(names)
    assert len(await ardent_client.branches.list(connector.id)) == len(names)


async def _create(
    emulator: Emulator, body: dict[str, str], key: str | None = None
) -> tuple[int, dict[str, str], dict[str, object]]:
    headers = {"X-Idempotency-Key": key} if key is not None else None
    return await raw(
        emulator.base_url, "POST", CREATE, token=emulator.token, body=body, headers=headers
    )


async def test_idempotent_replay_and_conflicts(
    ardent_emulator: Emulator, ardent_client: ArdentClient
) -> None:
    ardent_emulator.runtime.runner.op_duration = 0.5  # keep the first create in flight
    _, connector = await ready_connector(ardent_client)
    body = {"connector_id": connector.id, "service_type": "postgres", "name": "dev"}

    status, headers, first = await _create(ardent_emulator, body, "key-1")
    assert status == 202
    assert "X-Idempotency-Replay" not in headers
    status, headers, replay = await _create(ardent_emulator, dict(reversed(body.items())), "key-1")
    assert (status, headers["X-Idempotency-Replay"], replay) == (202, "true", first)

    status, _, reply = await _create(ardent_emulator, {**body, "name": "other"}, "key-1")
    assert status == 409
    assert "different request" in str(reply["detail"])
    for key in (None, "key-2"):
        status, _, reply = await _create(ardent_emulator, body, key)
        assert status == 409
        assert "in flight" in str(reply["detail"])

    ardent_emulator.runtime.runner.op_duration = 0.0
    await ardent_client.operations.wait(str(first["operation_id"]), timeout=10)
    status, _, reply = await _create(ardent_emulator, body, "key-3")
    assert status == 409
    assert "already exists" in str(reply["detail"])
    status, _, again = await _create(ardent_emulator, body, "key-1")
    assert (status, again) == (202, first)
    assert len(await ardent_client.branches.list(connector.id)) == 1


async def test_concurrent_creates_of_one_name_make_one_branch(
    ardent_emulator: Emulator, ardent_client: ArdentClient
) -> None:
    _, connector = await ready_connector(ardent_client)
    body = {"connector_id": connector.id, "service_type": "postgres", "name": "race"}
    replies = await asyncio.gather(*(_create(ardent_emulator, body, f"k{i % 3}") for i in range(9)))
    statuses = sorted(status for status, _, _ in replies)
    assert statuses.count(202) >= 1
    assert set(statuses) <= {202, 409}
    accepted = {str(reply["operation_id"]) for status, _, reply in replies if status == 202}
    assert len(accepted) == 1
    assert len(await ardent_client.branches.list(connector.id)) == 1


async def test_create_validation(ardent_emulator: Emulator, ardent_client: ArdentClient) -> None:
    project = await ardent_client.projects.create("p")
    connector = await ardent_client.connectors.create(
        project.id, "src", {"url": "postgresql://u:p@h:5432/db"}
    )
    base = {"connector_id": connector.id, "service_type": "postgres", "name": "n"}

    status, _, reply = await _create(ardent_emulator, {"connector_id": connector.id, "name": "n"})
    assert (status, reply) == (400, {"detail": "Missing required field: service_type"})
    status, _, reply = await _create(ardent_emulator, {**base, "service_type": "postgresql"})
    assert status == 400
    status, _, reply = await _create(ardent_emulator, {**base, "name": " "})
    assert status == 400
    status, _, reply = await _create(ardent_emulator, base, "bad key with spaces")
    assert status == 400
    status, _, reply = await raw(
        ardent_emulator.base_url, "POST", CREATE, token=ardent_emulator.token, data=b"{nope"
    )
    assert status == 422
    assert reply["detail"][0]["type"] == "json_invalid"
    status, _, reply = await _create(ardent_emulator, {**base, "connector_id": "conn_nope"})
    assert status == 404
    status, _, reply = await _create(ardent_emulator, base)
    assert status == 422
    assert "isn't ready" in str(reply["detail"])


async def test_failed_create_may_be_retried(
    ardent_emulator: Emulator, ardent_client: ArdentClient
) -> None:
    _, connector = await ready_connector(ardent_client)
    ardent_emulator.admin.set_chaos("fail_ops=1")
    handle = await ardent_client.branches.create(connector.id, "flaky")
    failed = await ardent_client.operations.get(handle.operation_id, wait=10)
    assert (failed.status, failed.progress) == ("failed", 50)
    assert failed.error
    [row] = await ardent_client.branches.list(connector.id)
    assert (row.status, row.branch_url) == ("failed", None)
    ardent_emulator.admin.set_chaos(None)
    # The derived key replays the failed create; create_and_wait sees the replayed failure
    # and starts anew under a key derived from it.
    result = await ardent_client.branches.create_and_wait(connector.id, "flaky", timeout=10)
    assert result.branch_url
    rows = await ardent_client.branches.list(connector.id)
    assert [(r.name, r.status) for r in rows] == [("flaky", "ready")]
    again = await ardent_client.branches.create_and_wait(connector.id, "flaky", timeout=10)
    assert again.branch_id == result.branch_id
    # The same path, saying the branch existed: the restarted create's key replays its success.
    reused = await ardent_client.branches.create_or_reuse(connector.id, "flaky", timeout=10)
    assert (reused.branch.branch_id, reused.created) == (result.branch_id, False)
    # A plain create still replays the first (failed) create: same operation, no new one.
    replay = await ardent_client.branches.create(connector.id, "flaky")
    assert replay.operation_id == handle.operation_id
    with pytest.raises(ConflictError):
        await ardent_client.branches.create(connector.id, "flaky", idempotency_key="other")
