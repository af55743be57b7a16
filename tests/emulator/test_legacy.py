"""The legacy jobs/configs API through the SDK's HMAC-signing services."""

from __future__ import annotations

import pytest

from ardent_async import ArdentClient, NotFoundError
from ardent_async.emulator import Emulator


async def test_jobs_create_execute_delete(ardent_client: ArdentClient) -> None:
    job = await ardent_client.jobs.create("count the orders")
    assert job.id.startswith("job_")
    assert job.files_share_name
    assert job.userID
    run = await ardent_client.jobs.execute(job, "count the orders", safe_mode=True)
    assert (run["jobID"], run["safeMode"], run["status"]) == (job.id, True, "completed")
    both = await ardent_client.jobs.create_and_execute("again")
    assert both["id"] == both["jobID"]
    deleted = await ardent_client.jobs.delete(job.id)
    assert deleted["id"] == job.id
    with pytest.raises(NotFoundError):
        await ardent_client.jobs.delete(job.id)


async def test_configs_set_replace_delete(
    ardent_emulator: Emulator, ardent_client: ArdentClient
) -> None:
    stored = await ardent_client.configs.set(
        "postgreSQL",
        Hostname="db.example.com",
        Port=5432,
        username="app",
        password="pw-not-echoed",
        databases=[{"name": "app"}],
    )
    config_id = stored["id"]
    assert "pw-not-echoed" not in repr(stored)
    assert ardent_emulator.runtime.store.legacy_configs[config_id].type == "postgreSQL"
    again = await ardent_client.configs.set(
        "mysql",
        id=config_id,
        host="h",
        port=3306,
        username="u",
        password="p",
        databases=[{"name": "d"}],
    )
    assert again["id"] == config_id
    assert ardent_emulator.runtime.store.legacy_configs[config_id].type == "mysql"
    await ardent_client.configs.delete(config_id)
    with pytest.raises(NotFoundError):
        await ardent_client.configs.delete(config_id)


async def test_other_orgs_jobs_are_invisible(
    ardent_emulator: Emulator, ardent_client: ArdentClient
) -> None:
    job = await ardent_client.jobs.create("mine")
    other = ardent_emulator.admin.create_org("Other")
    pair = ardent_emulator.admin.create_legacy_key(other.org_id)
    async with ardent_emulator.client(
        other.token, public_key=pair.public_key, secret_key=pair.secret_key
    ) as intruder:
        with pytest.raises(NotFoundError):
            await intruder.jobs.delete(job.id)
