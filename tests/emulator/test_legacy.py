"""The legacy jobs/configs API through the SDK's HMAC-signing services."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest

from ardent_async import ArdentClient, NotFoundError
from ardent_async.emulator import Emulator

from .helpers import raw


async def test_jobs_create_execute_delete(ardent_client: ArdentClient) -> None:
    job = await ardent_client.jobs.create("count the orders")
    assert job.id.startswith("job_")
    assert job.files_share_name
    assert job.userID
    run = await ardent_client.jobs.execute(job, "count the orders", safe_mode=True)
    assert (run["jobID"], run["safeMode"], run["status"]) == (job.id, True, "completed")
    both = await ardent_client.jobs.create_and_execute("again")
    assert both["id"] == both["jobID"]
    files = await ardent_client.jobs.files(job.id)
    assert files["jobID"] == job.id
    assert [f["path"] for f in files["files"]] == ["/request.md", "/runs/001.md"]
    deleted = await ardent_client.jobs.delete(job.id)
    assert deleted == {"status": "success", "message": "Job deleted successfully"}
    with pytest.raises(NotFoundError):
        await ardent_client.jobs.files(job.id)
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


# -- the wire, outside the SDK: signatures as the published client makes them, bearer keys ------

MESSAGE = {"userMessage": "Répare le pipeline — vite"}


def _signed(secret: str, method: str, path: str, signed: bytes, public: str) -> dict[str, str]:
    stamp = str(int(time.time()))
    text = stamp.encode() + method.encode() + path.encode() + signed
    return {
        "X-API-Key": public,
        "X-Timestamp": stamp,
        "X-Signature": hmac.new(secret.encode(), text, hashlib.sha256).hexdigest(),
        "Content-Type": "application/json",
    }


@pytest.mark.parametrize(
    ("sent", "signed", "status"),
    [
        # httpx 0.28 sends compact raw UTF-8; the published client signs the ASCII escapes.
        ("utf8", "ascii", 201),
        # httpx <= 0.27 sends json.dumps defaults (spaces, ASCII escapes).
        ("spaced", "ascii", 201),
        ("ascii", "ascii", 201),
        ("utf8", "utf8", 201),
        ("spaced", "spaced", 201),
        # Anything else is refused: another serialization of the same data is not signed.
        ("ascii", "utf8", 401),
        ("utf8", "spaced", 401),
        ("ascii", "sorted", 401),
    ],
)
async def test_signature_over_raw_bytes_or_the_compact_ascii_reserialization(
    ardent_emulator: Emulator, sent: str, signed: str, status: int
) -> None:
    pair = ardent_emulator.legacy_key
    assert pair is not None
    forms = {
        "utf8": json.dumps(MESSAGE, separators=(",", ":"), ensure_ascii=False).encode(),
        "ascii": json.dumps(MESSAGE, separators=(",", ":")).encode(),
        "spaced": json.dumps(MESSAGE).encode(),
        "sorted": json.dumps({**MESSAGE, "a": 1}, separators=(",", ":"), sort_keys=True).encode(),
    }
    body = forms[sent] if signed != "sorted" else json.dumps({**MESSAGE, "a": 1}).encode()
    path = "/v1/jobs/createJob"
    headers = _signed(pair.secret_key, "POST", path, forms[signed], pair.public_key)
    got, _, reply = await raw(ardent_emulator.base_url, "POST", path, data=body, headers=headers)
    assert got == status, reply
    if status == 201:
        assert reply["userMessage"] == MESSAGE["userMessage"]


async def test_jobs_take_a_bearer_api_key_and_configs_do_not(ardent_emulator: Emulator) -> None:
    base, token = ardent_emulator.base_url, ardent_emulator.token
    status, _, job = await raw(base, "POST", "/v1/jobs/createJob", token=token, body=MESSAGE)
    assert status == 201
    run = {"jobID": job["id"], "userMessage": "go", "files_share_name": job["files_share_name"]}
    status, _, reply = await raw(
        base, "POST", "/v1/jobs/APIChat", token=token, body={**run, "safeMode": False}
    )
    assert (status, reply["jobID"], reply["userID"]) == (200, job["id"], job["userID"])
    status, _, files = await raw(base, "GET", f"/v1/jobs/{job['id']}/files", token=token)
    assert (status, files["jobID"]) == (200, job["id"])
    status, _, gone = await raw(
        base, "DELETE", "/v1/jobs/deleteJob", token=token, body={"jobID": job["id"]}
    )
    assert (status, gone) == (204, None)
    config = {"Config": {"type": "tigerbeetle", "id": "c1", "cluster_id": "0"}}
    status, _, _ = await raw(base, "POST", "/v1/configs/setConfig", token=token, body=config)
    assert status == 401
    status, _, reply = await raw(
        base, "POST", "/v1/jobs/createJob", token="sk-ard_test_unknown", body=MESSAGE
    )
    assert (status, reply["detail"]) == (401, "Invalid API key")


async def test_a_viewer_key_cannot_run_legacy_jobs(ardent_emulator: Emulator) -> None:
    viewer = ardent_emulator.admin.create_token(ardent_emulator.org_id, "viewer")
    status, _, _ = await raw(
        ardent_emulator.base_url, "POST", "/v1/jobs/createJob", token=viewer.token, body=MESSAGE
    )
    assert status == 403


async def test_delete_job_takes_job_id_not_id(
    ardent_emulator: Emulator, ardent_client: ArdentClient
) -> None:
    job = await ardent_client.jobs.create("x")
    base, token = ardent_emulator.base_url, ardent_emulator.token
    status, _, reply = await raw(
        base, "DELETE", "/v1/jobs/deleteJob", token=token, body={"id": job.id}
    )
    assert status == 422
    assert reply["detail"][0]["loc"] == ["body", "jobID"]


async def test_execute_without_user_id_is_accepted(
    ardent_emulator: Emulator, ardent_client: ArdentClient
) -> None:
    both = await ardent_client.jobs.create_and_execute("count the orders")
    assert both["status"] == "completed"
    assert both["id"] == both["jobID"]
