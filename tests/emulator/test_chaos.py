"""Chaos: seeded and deterministic; faults before handling change nothing; a reply lost after
handling is recovered with the idempotency key."""

from __future__ import annotations

import contextlib

import aiohttp
import pytest

from ardent_async import ArdentConnectionError, RateLimitError, ServerError
from ardent_async.emulator import ChaosConfig, Emulator
from tests.fakes import FakeClock

from .helpers import raw, ready_connector

SPEC = "seed=7,error_503=0.3,error_429=0.2,drop=0.1,drop_after=0.1"


async def _faults(spec: str, requests: int = 40) -> list[tuple[str | None, int | None]]:
    async with Emulator(chaos=spec) as emulator:
        for _ in range(requests):
            with contextlib.suppress(aiohttp.ClientError):  # a dropped connection
                await raw(
                    emulator.base_url, "GET", f"/v1/orgs/{emulator.org_id}", token=emulator.token
                )
        return [(e.fault, e.status) for e in emulator.admin.requests()]


async def test_same_seed_same_faults() -> None:
    first, second = await _faults(SPEC), await _faults(SPEC)
    assert first == second
    faults = {fault for fault, _ in first}
    assert faults == {None, "error_503", "error_429", "drop", "drop_after"}
    statuses = dict(first)
    assert (statuses["error_503"], statuses["error_429"], statuses["drop"]) == (503, 429, None)
    assert statuses[None] == 200
    assert await _faults(SPEC.replace("seed=7", "seed=8")) != first


def test_config_parsing() -> None:
    config = ChaosConfig.parse("seed=1, error_503=0.2,latency_ms=5")
    assert (config.seed, config.error_503, config.latency_ms) == (1, 0.2, 5.0)
    assert config.enabled
    assert not ChaosConfig().enabled
    for bad in ("error_503=2", "drop", "nonsense=1", "error_503=0.6,error_429=0.6", "seed=x"):
        with pytest.raises(ValueError, match="chaos"):
            ChaosConfig.parse(bad)


async def test_fault_before_handling_changes_nothing(ardent_emulator: Emulator) -> None:
    ardent_emulator.admin.set_chaos("error_503=1,retry_after=0")
    async with ardent_emulator.client(max_retries=2, clock=FakeClock()) as client:
        with pytest.raises(ServerError) as info:
            await client.projects.create("never")
        assert info.value.headers["retry-after"] == "0"
        ardent_emulator.admin.set_chaos("error_429=1,retry_after=0")
        with pytest.raises(RateLimitError):
            await client.projects.list(ardent_emulator.org_id)
        ardent_emulator.admin.set_chaos(None)
        assert await client.projects.list(ardent_emulator.org_id) == []


async def test_sdk_gets_through_chaos_without_duplicates(ardent_emulator: Emulator) -> None:
    async with ardent_emulator.client(max_retries=30, clock=FakeClock(), timeout=10) as client:
        _, connector = await ready_connector(client)
        ardent_emulator.admin.set_chaos(
            "seed=11,error_503=0.2,error_429=0.1,drop=0.1,drop_after=0.1,latency_ms=1"
        )
        names = [f"c{i}" for i in range(8)]
        outcomes = await client.branches.create_many(connector.id, names, concurrency=4)
        assert [o.error for o in outcomes] == [None] * len(names)
        ardent_emulator.admin.set_chaos(None)
        rows = await client.branches.list(connector.id)
    assert sorted(row.name for row in rows) == names
    faults = {e.fault for e in ardent_emulator.admin.requests()} - {None}
    assert len(faults) >= 2  # the calls above really went through injected faults


async def test_reply_lost_after_create_is_recovered_by_key(ardent_emulator: Emulator) -> None:
    async with ardent_emulator.client(max_retries=1, clock=FakeClock()) as client:
        _, connector = await ready_connector(client)
        ardent_emulator.admin.set_chaos("drop_after=1")
        with pytest.raises(ArdentConnectionError):
            await client.branches.create(connector.id, "lost", idempotency_key="key-lost")
        ardent_emulator.admin.set_chaos(None)
        # The create happened although no reply arrived; the same key finds it again.
        status, headers, body = await raw(
            ardent_emulator.base_url,
            "POST",
            "/v1/branch/create",
            token=ardent_emulator.token,
            body={"connector_id": connector.id, "service_type": "postgres", "name": "lost"},
            headers={"X-Idempotency-Key": "key-lost"},
        )
        assert (status, headers["X-Idempotency-Replay"]) == (202, "true")
        await client.operations.wait(body["operation_id"], timeout=10)
        assert [row.name for row in await client.branches.list(connector.id)] == ["lost"]
    drops = [e for e in ardent_emulator.admin.requests() if e.fault == "drop_after"]
    assert [(e.method, e.path, e.status) for e in drops] == [
        ("POST", "/v1/branch/create", None),
        ("POST", "/v1/branch/create", None),
    ]
