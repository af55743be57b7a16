"""The legacy jobs/configs API: HMAC signing, bodies, typed configs, error mapping, secrecy."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import respx

from ardent_async import (
    ArdentAPIError,
    ArdentAuthError,
    ArdentClient,
    ArdentResponseError,
    ArdentValidationError,
    NotFoundError,
)
from ardent_async._core._transport._httpx import HttpxTransport
from ardent_async.legacy.configs import (
    CONFIG_TYPES,
    Database,
    MySQLConfig,
    PostgreSQLConfig,
    build_config,
)
from ardent_async.models import LegacyJob
from tests.fakes import FakeClock

BASE = "https://legacy.test"
PUBLIC = "pk_live_Publ1cKey"
SECRET = "legacy-Secret-Key-Value-9f8e7d"
DB_PASSWORD = "your_secure_password_77"
JOB = {"id": "job-1", "files_share_name": "share-1", "userID": "user-1"}


@pytest.fixture(autouse=True)
def _no_key_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ARDENT_PUBLIC_KEY", "ARDENT_SECRET_KEY", "ARDENT_LEGACY_API_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        yield router


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def client(clock: FakeClock) -> AsyncIterator[ArdentClient]:
    made = ArdentClient(
        base_url=BASE,
        public_key=PUBLIC,
        secret_key=SECRET,
        transport=HttpxTransport(),
        clock=clock,
        timeout=5.0,
    )
    yield made
    await made.close()


def independent_signature(request: httpx.Request) -> str:
    """The documented scheme, computed here from what the server received."""
    timestamp = request.headers["x-timestamp"]
    path = request.url.raw_path.decode().split("?")[0]
    message = timestamp + request.method + path + request.content.decode()
    return hmac.new(SECRET.encode(), message.encode(), hashlib.sha256).hexdigest()


def compact(body: Any) -> bytes:
    """What the published ardent-sdk signs: compact, with ASCII escapes."""
    return json.dumps(body, separators=(",", ":")).encode()


def assert_signed(request: httpx.Request, method: str, path: str, body: Any) -> None:
    assert request.method == method
    assert request.url.raw_path.decode() == path
    assert request.content == compact(body)
    assert request.headers["content-type"] == "application/json"
    assert request.headers["x-api-key"] == PUBLIC
    assert request.headers["x-timestamp"].isdigit()
    assert request.headers["x-signature"] == independent_signature(request)
    assert uuid.UUID(request.headers["x-session-id"]).version == 4
    assert "authorization" not in request.headers


def only_request(router: respx.MockRouter) -> httpx.Request:
    assert router.calls.call_count == 1
    request: httpx.Request = router.calls.last.request
    return request


# --- signing -------------------------------------------------------------------------------


async def test_create_job_is_signed_over_the_exact_bytes_sent(
    router: respx.MockRouter, client: ArdentClient, clock: FakeClock
) -> None:
    router.post("/v1/jobs/createJob").respond(201, json={**JOB, "status": "created"})
    job = await client.jobs.create("Fix the failing airflow pipeline")
    request = only_request(router)
    assert_signed(
        request, "POST", "/v1/jobs/createJob", {"userMessage": "Fix the failing airflow pipeline"}
    )
    assert request.headers["x-timestamp"] == str(int(clock.time()))
    assert isinstance(job, LegacyJob)
    assert (job.id, job.files_share_name, job.userID) == ("job-1", "share-1", "user-1")
    assert job.extra == {"status": "created"}


async def test_non_ascii_bodies_are_sent_exactly_as_signed_with_ascii_escapes(
    router: respx.MockRouter, client: ArdentClient
) -> None:
    """The published client signs ``json.dumps(body, separators=(",", ":"))``: sending those
    very bytes satisfies a server that checks the raw body and one that re-serializes it."""
    router.post("/v1/jobs/createJob").respond(201, json=JOB)
    await client.jobs.create("Répare le pipeline — vite ✓")
    request = only_request(router)
    assert request.content == b'{"userMessage":"R\\u00e9pare le pipeline \\u2014 vite \\u2713"}'
    assert request.content.isascii()
    assert request.headers["x-signature"] == independent_signature(request)
    reserialized = compact(json.loads(request.content))
    assert reserialized == request.content


async def test_session_id_is_stable_per_client_and_differs_between_clients(
    router: respx.MockRouter, client: ArdentClient, clock: FakeClock
) -> None:
    router.post("/v1/jobs/createJob").respond(201, json=JOB)
    router.delete("/v1/jobs/deleteJob").respond(204)
    await client.jobs.create("one")
    clock.now += 90
    await client.jobs.delete("job-1")
    first, second = (call.request for call in router.calls)
    assert first.headers["x-session-id"] == second.headers["x-session-id"]
    assert int(second.headers["x-timestamp"]) == int(first.headers["x-timestamp"]) + 90
    assert second.headers["x-signature"] == independent_signature(second)

    other = ArdentClient(
        base_url=BASE, public_key=PUBLIC, secret_key=SECRET, transport=HttpxTransport(), clock=clock
    )
    try:
        await other.jobs.create("two")
    finally:
        await other.close()
    third = router.calls.last.request
    assert third.headers["x-session-id"] != first.headers["x-session-id"]


async def test_retries_are_signed_again(
    router: respx.MockRouter, client: ArdentClient, clock: FakeClock
) -> None:
    route = router.post("/v1/configs/setConfig")
    route.side_effect = [
        httpx.Response(503, json={"detail": "busy"}, headers={"retry-after": "7"}),
        httpx.Response(200, json={"stored": True}),
    ]
    await client.configs.set("tigerbeetle", id="cfg-1", cluster_id="0", replica_addresses=["a:1"])
    assert route.call_count == 2
    first, second = (call.request for call in router.calls)
    assert clock.sleeps == [7.0]
    assert int(second.headers["x-timestamp"]) == int(first.headers["x-timestamp"]) + 7
    for request in (first, second):
        assert request.headers["x-signature"] == independent_signature(request)
    assert first.content == second.content


@pytest.mark.parametrize(
    ("public_key", "secret_key"), [(None, None), (PUBLIC, None), (None, SECRET), ("", SECRET)]
)
async def test_missing_keys_fail_before_sending(
    router: respx.MockRouter, public_key: str | None, secret_key: str | None
) -> None:
    client = ArdentClient(
        base_url=BASE,
        public_key=public_key,
        secret_key=secret_key,
        transport=HttpxTransport(),
        clock=FakeClock(),
    )
    try:
        with pytest.raises(ArdentAuthError, match="public_key and secret_key"):
            await client.create_job(message="hello")
        with pytest.raises(ArdentAuthError):
            await client.delete_config(config_id="cfg-1")
    finally:
        await client.close()
    assert not router.calls


async def test_keys_come_from_the_environment(
    router: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARDENT_PUBLIC_KEY", PUBLIC)
    monkeypatch.setenv("ARDENT_SECRET_KEY", SECRET)
    router.delete("/v1/configs/deleteConfig").respond(200, json={"deleted": True})
    client = ArdentClient(base_url=BASE, transport=HttpxTransport(), clock=FakeClock())
    try:
        await client.configs.delete("cfg-1")
    finally:
        await client.close()
    assert_signed(only_request(router), "DELETE", "/v1/configs/deleteConfig", {"id": "cfg-1"})


# --- jobs ----------------------------------------------------------------------------------


async def test_create_job_is_not_retried(router: respx.MockRouter, client: ArdentClient) -> None:
    route = router.post("/v1/jobs/createJob").respond(503, json={"detail": "busy"})
    with pytest.raises(ArdentAPIError) as info:
        await client.jobs.create("hello")
    assert info.value.status_code == 503
    assert route.call_count == 1


async def test_execute_sends_the_job_fields_and_safe_mode(
    router: respx.MockRouter, client: ArdentClient
) -> None:
    router.post("/v1/jobs/APIChat").respond(200, json={"response": "done", "steps": 3})
    job = LegacyJob(id="job-1", files_share_name="share-1", userID="user-1")
    result = await client.jobs.execute(job, "Query the database", safe_mode=True)
    assert_signed(
        only_request(router),
        "POST",
        "/v1/jobs/APIChat",
        {
            "jobID": "job-1",
            "userMessage": "Query the database",
            "files_share_name": "share-1",
            "userID": "user-1",
            "safeMode": True,
        },
    )
    assert result == {"response": "done", "steps": 3}


async def test_execute_accepts_the_seed_dict_and_sends_nulls(
    router: respx.MockRouter, client: ArdentClient
) -> None:
    router.post("/v1/jobs/APIChat").respond(200, json={"response": "ok"})
    await client.jobs.execute({"id": "job-2"}, "go")
    assert json.loads(only_request(router).content) == {
        "jobID": "job-2",
        "userMessage": "go",
        "files_share_name": None,
        "userID": None,
        "safeMode": False,
    }


async def test_create_and_execute_runs_both_and_merges_the_replies(
    router: respx.MockRouter, client: ArdentClient
) -> None:
    router.post("/v1/jobs/createJob").respond(201, json={**JOB, "status": "created"})
    router.post("/v1/jobs/APIChat").respond(200, json={"status": "finished", "response": "fixed"})
    result = await client.create_and_execute_job(message="Fix the failing airflow pipeline")
    create, execute = (call.request for call in router.calls)
    assert create.url.path == "/v1/jobs/createJob"
    # As the published client: no userID in the run request (the server knows the caller).
    assert_signed(
        execute,
        "POST",
        "/v1/jobs/APIChat",
        {
            "jobID": "job-1",
            "userMessage": "Fix the failing airflow pipeline",
            "files_share_name": "share-1",
            "safeMode": False,
        },
    )
    # {**run, **job}: the job's "status" wins over the run's.
    assert result == {"status": "created", "response": "fixed", **JOB}
    assert list(result) == ["status", "response", "id", "files_share_name", "userID"]


async def test_create_job_alias_returns_the_job_as_a_dict(
    router: respx.MockRouter, client: ArdentClient
) -> None:
    router.post("/v1/jobs/createJob").respond(201, json={**JOB, "queue": "q1"})
    job = await client.create_job(message="hello")
    assert job == {**JOB, "queue": "q1"}


async def test_delete_job_sends_job_id(router: respx.MockRouter, client: ArdentClient) -> None:
    router.delete("/v1/jobs/deleteJob").respond(200, json={"message": "deleted"})
    assert await client.jobs.delete("job-1") == {"message": "deleted"}
    assert_signed(only_request(router), "DELETE", "/v1/jobs/deleteJob", {"jobID": "job-1"})


@pytest.mark.parametrize("reply", [httpx.Response(204), httpx.Response(200, content=b"")])
async def test_delete_job_without_a_body_is_the_published_success_dict(
    router: respx.MockRouter, client: ArdentClient, reply: httpx.Response
) -> None:
    router.delete("/v1/jobs/deleteJob").mock(return_value=reply)
    deleted = await client.jobs.delete("job-1")
    assert deleted == {"status": "success", "message": "Job deleted successfully"}


async def test_delete_config_answered_204_is_an_error_as_in_the_published_client(
    router: respx.MockRouter, client: ArdentClient
) -> None:
    """0.3.5's delete_config reads the reply as JSON: only the job delete treats 204 as done."""
    router.delete("/v1/configs/deleteConfig").respond(204)
    with pytest.raises(ArdentAPIError, match="empty reply body") as info:
        await client.configs.delete("cfg-1")
    assert info.value.status_code == 204


async def test_job_files_are_read_with_a_signed_get_without_body(
    router: respx.MockRouter, client: ArdentClient
) -> None:
    tree = {"files": [{"path": "/dags/etl.py", "type": "file"}], "root": "share-1"}
    router.get("/v1/jobs/job%201/files").respond(200, json=tree)
    assert await client.jobs.files("job 1") == tree
    request = only_request(router)
    assert request.content == b""
    assert "content-type" not in request.headers
    assert request.url.raw_path == b"/v1/jobs/job%201/files"
    # Signed over timestamp + GET + the quoted path + an empty body.
    assert request.headers["x-signature"] == independent_signature(request)


async def test_job_files_of_an_unknown_job_is_not_found(
    router: respx.MockRouter, client: ArdentClient
) -> None:
    router.get("/v1/jobs/job-9/files").respond(404, json={"detail": "Job not found"})
    with pytest.raises(NotFoundError) as info:
        await client.jobs.files("job-9")
    assert info.value.status_code == 404


@pytest.mark.parametrize("bad", ["", "a/b", 7, None])
async def test_job_files_refuses_a_bad_id_before_sending(
    router: respx.MockRouter, client: ArdentClient, bad: Any
) -> None:
    with pytest.raises(ArdentValidationError, match="job_id"):
        await client.jobs.files(bad)
    assert not router.calls


# --- bearer scheme (ardent-sdk 0.8) ---------------------------------------------------------

TOKEN = "sk-ard_test_B3arerTokenValue0123456789"


@pytest.fixture
async def bearer_client(clock: FakeClock) -> AsyncIterator[ArdentClient]:
    made = ArdentClient(TOKEN, base_url=BASE, transport=HttpxTransport(), clock=clock)
    yield made
    await made.close()


async def test_without_a_key_pair_the_jobs_api_gets_the_bearer_key(
    router: respx.MockRouter, bearer_client: ArdentClient
) -> None:
    router.post("/v1/jobs/createJob").respond(201, json=JOB)
    router.get("/v1/jobs/job-1/files").respond(200, json={"files": []})
    router.delete("/v1/jobs/deleteJob").respond(204)
    await bearer_client.jobs.create("héllo")
    await bearer_client.jobs.files("job-1")
    await bearer_client.jobs.delete("job-1")
    requests = [call.request for call in router.calls]
    for request in requests:
        assert request.headers["authorization"] == f"Bearer {TOKEN}"
        assert uuid.UUID(request.headers["x-session-id"]).version == 4
        assert not {"x-api-key", "x-signature", "x-timestamp"} & set(request.headers)
    assert len({r.headers["x-session-id"] for r in requests}) == 1
    assert requests[0].content == compact({"userMessage": "héllo"})
    assert requests[2].content == compact({"jobID": "job-1"})


async def test_a_key_pair_wins_over_the_token(router: respx.MockRouter, clock: FakeClock) -> None:
    router.post("/v1/jobs/createJob").respond(201, json=JOB)
    client = ArdentClient(
        TOKEN,
        base_url=BASE,
        public_key=PUBLIC,
        secret_key=SECRET,
        transport=HttpxTransport(),
        clock=clock,
    )
    try:
        await client.jobs.create("x")
    finally:
        await client.close()
    assert_signed(only_request(router), "POST", "/v1/jobs/createJob", {"userMessage": "x"})


async def test_a_bearer_key_never_shows_in_errors_or_reprs(
    router: respx.MockRouter, bearer_client: ArdentClient
) -> None:
    router.post("/v1/jobs/createJob").respond(401, json={"detail": f"bad key {TOKEN}"})
    with pytest.raises(ArdentAuthError) as info:
        await bearer_client.jobs.create("x")
    shown = f"{info.value} {info.value!r} {info.value.detail} {info.value.body}"
    shown += repr(bearer_client._legacy_http.auth)
    assert TOKEN not in shown
    assert "B3arerTokenValue" not in shown


async def test_a_created_job_without_id_is_a_hard_failure(
    router: respx.MockRouter, client: ArdentClient
) -> None:
    router.post("/v1/jobs/createJob").respond(201, json={"files_share_name": "s"})
    with pytest.raises(ArdentResponseError, match=r"LegacyJob\.id"):
        await client.jobs.create("hello")


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c: c.jobs.create(""), "message"),
        (lambda c: c.jobs.create(None), "message"),
        (lambda c: c.create_job(message="  "), "message"),
        (lambda c: c.jobs.execute({"id": ""}, "m"), "job.id"),
        (lambda c: c.jobs.execute({"files_share_name": "s"}, "m"), "job.id"),
        (lambda c: c.jobs.execute({"id": "j/1"}, "m"), "job.id"),
        (lambda c: c.jobs.execute("job-1", "m"), "job"),
        (lambda c: c.jobs.execute({"id": "j1", "userID": 7}, "m"), "job.userID"),
        (lambda c: c.jobs.execute({"id": "j1"}, "m", safe_mode="yes"), "safe_mode"),
        (lambda c: c.create_and_execute_job(message="m", safe_mode=1), "safe_mode"),
        (lambda c: c.jobs.delete(""), "job_id"),
        (lambda c: c.delete_config(config_id="a/b"), "config_id"),
        (
            lambda c: c.configs.set("tigerbeetle", id="", cluster_id=0, replica_addresses=["a"]),
            "id",
        ),
    ],
)
async def test_bad_job_input_is_refused_before_sending(
    router: respx.MockRouter, client: ArdentClient, call: Any, field: str
) -> None:
    with pytest.raises(ArdentValidationError) as info:
        await call(client)
    assert info.value.field == field
    assert not router.calls


# --- configs -------------------------------------------------------------------------------

# The seed's documented examples, and the body each must produce (besides type and id).
SEED_CONFIGS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "mongodb": (
        {
            "connection_string": "mongodb://app:s3cret@cluster0.example.net/?retryWrites=true",
            "databases": [{"name": "mydb", "collections": [{"name": "users"}]}],
        },
        {},
    ),
    "airflow": (
        {
            "github_token": "ghp_1a2b3c4d5e6f7g8h9i0j",
            "repo": "https://github.com/your-org/airflow-dags",
            "dag_path": "dags/",
            "host": "http://your-airflow-instance:8080",
            "username": "airflow_user",
            "password": DB_PASSWORD,
        },
        {},
    ),
    "azureSQLServer": (
        {
            "server": "your-server.database.windows.net",
            "username": "your_admin_user",
            "password": DB_PASSWORD,
            "version": "18",
            "databases": [{"name": "your_database_name"}],
        },
        {},
    ),
    "databricksJobs": (
        {
            "workspace_url": "dbc-xxx.cloud.databricks.com",
            "access_token": "dapi1234567890abcdef",
            "github_token": "ghp_1a2b3c4d5e6f7g8h9i0j",
            "repo": "https://github.com/your-org/databricks-jobs",
            "repo_path": "/Repos/your.email@company.com/",
        },
        {},
    ),
    "databricks": (
        {
            "server_hostname": "dbc-xxx.cloud.databricks.com",
            "http_path": "/sql/1.0/warehouses/abc123def456",
            "access_token": "dapi1234567890abcdef",
            "catalogs": [
                {
                    "name": "example_catalog",
                    "databases": [
                        {"name": "example_database", "tables": [{"name": "example_table"}]}
                    ],
                }
            ],
        },
        {},
    ),
    "mysql": (
        {
            "host": "your-mysql-instance.region.rds.amazonaws.com",
            "port": 3306,
            "username": "your_mysql_user",
            "password": DB_PASSWORD,
            "databases": [{"name": "example_database"}],
        },
        {"port": "3306"},
    ),
    "postgreSQL": (
        {
            "Hostname": "your-postgres-instance.region.neon.tech",
            "Port": "5432",
            "username": "your_postgres_user",
            "password": DB_PASSWORD,
            "databases": [{"name": "example_database"}],
        },
        {},
    ),
    "snowflake": (
        {
            "account": "your-account-identifier",
            "user": "your_snowflake_user",
            "password": DB_PASSWORD,
            "warehouse": "your_warehouse_name",
            "databases": [{"name": "example_database"}],
        },
        {},
    ),
    "supabase": (
        {
            "project_url": "https://your-project.supabase.co",
            "api_key": "your-supabase-service-role-key",
            "databases": [],
        },
        {},
    ),
    "tigerbeetle": ({"cluster_id": "0", "replica_addresses": ["localhost:3000"]}, {}),
}


def test_every_config_type_has_a_seed_example() -> None:
    assert set(SEED_CONFIGS) == set(CONFIG_TYPES)


@pytest.mark.parametrize("config_type", sorted(SEED_CONFIGS))
async def test_each_config_type_builds_the_documented_body(
    router: respx.MockRouter, client: ArdentClient, config_type: str
) -> None:
    params, normalised = SEED_CONFIGS[config_type]
    router.post("/v1/configs/setConfig").respond(200, json={"id": "cfg-1", "type": config_type})
    reply = await client.set_config(config_type=config_type, id="cfg-1", **params)
    expected = {"Config": {"type": config_type, "id": "cfg-1", **params, **normalised}}
    assert_signed(only_request(router), "POST", "/v1/configs/setConfig", expected)
    assert reply == {"id": "cfg-1", "type": config_type}


async def test_config_id_defaults_to_a_new_uuid4_returned_in_the_reply(
    router: respx.MockRouter, client: ArdentClient
) -> None:
    router.post("/v1/configs/setConfig").respond(200, json={"stored": True})
    first = await client.configs.set("supabase", project_url="https://p.supabase.co", api_key="k")
    second = await client.configs.set("supabase", project_url="https://p.supabase.co", api_key="k")
    sent = [json.loads(call.request.content)["Config"] for call in router.calls]
    assert sent[0]["databases"] == []
    assert uuid.UUID(sent[0]["id"]).version == 4
    assert sent[0]["id"] != sent[1]["id"]
    assert (first["id"], second["id"]) == (sent[0]["id"], sent[1]["id"])
    assert first["stored"] is True


async def test_set_accepts_a_typed_config_object(
    router: respx.MockRouter, client: ArdentClient
) -> None:
    router.post("/v1/configs/setConfig").respond(200, json={"ok": True})
    config = PostgreSQLConfig(
        hostname="pg.example.com",
        port="5432",
        username="u",
        password=DB_PASSWORD,
        databases=[Database(name="shop")],
    )
    await client.configs.set(config, id="cfg-9")
    assert json.loads(only_request(router).content) == {
        "Config": {
            "type": "postgreSQL",
            "id": "cfg-9",
            "Hostname": "pg.example.com",
            "Port": "5432",
            "username": "u",
            "password": DB_PASSWORD,
            "databases": [{"name": "shop"}],
        }
    }


async def test_a_typed_config_object_is_checked_too(
    router: respx.MockRouter, client: ArdentClient
) -> None:
    bad = MySQLConfig(host="h", port="99999", username="u", password="p", databases=[])
    with pytest.raises(ArdentValidationError) as info:
        await client.configs.set(bad)
    assert info.value.field == "port"
    with pytest.raises(ArdentValidationError) as info:
        await client.configs.set(
            MySQLConfig(host="h", port="1", username="u", password="p", databases=[]), host="x"
        )
    assert info.value.field == "host"
    assert not router.calls


def test_config_reprs_mask_secrets() -> None:
    for config_type, (params, _) in SEED_CONFIGS.items():
        shown = repr(build_config(config_type, params))
        for key in ("password", "access_token", "github_token", "api_key"):
            if key in params:
                assert str(params[key]) not in shown, (config_type, key)
    mongo = repr(build_config("mongodb", SEED_CONFIGS["mongodb"][0]))
    assert "s3cret" not in mongo
    assert "mongodb://app:***@cluster0.example.net" in mongo


BAD_CONFIGS: list[tuple[Any, dict[str, Any], str]] = [
    ("invalid_type", {}, "config_type"),
    ("postgresql", {}, "config_type"),
    (None, {}, "config_type"),
    ("mongodb", {"databases": []}, "connection_string"),
    (
        "mongodb",
        {"connection_string": "m", "databases": [{"name": "d"}]},
        "databases[0].collections",
    ),
    (
        "mongodb",
        {"connection_string": "m", "databases": [{"name": "d", "collections": [{"nme": "c"}]}]},
        "databases[0].collections[0].nme",
    ),
    ("mongodb", {"connection_string": "m", "databases": {"name": "d"}}, "databases"),
    ("airflow", {**SEED_CONFIGS["airflow"][0], "password": 1234}, "password"),
    ("airflow", {**SEED_CONFIGS["airflow"][0], "dag_path": ""}, "dag_path"),
    (
        "azureSQLServer",
        {**SEED_CONFIGS["azureSQLServer"][0], "databases": [{"name": 5}]},
        "databases[0].name",
    ),
    ("databricksJobs", {**SEED_CONFIGS["databricksJobs"][0], "branch": "main"}, "branch"),
    (
        "databricks",
        {
            **SEED_CONFIGS["databricks"][0],
            "catalogs": [
                {
                    "name": "c",
                    "databases": [
                        {"name": "a", "tables": []},
                        {"name": "b", "tables": [{"name": None}]},
                    ],
                }
            ],
        },
        "catalogs[0].databases[1].tables[0].name",
    ),
    ("databricks", {**SEED_CONFIGS["databricks"][0], "catalogs": ["main"]}, "catalogs[0]"),
    ("mysql", {**SEED_CONFIGS["mysql"][0], "port": "33o6"}, "port"),
    ("mysql", {**SEED_CONFIGS["mysql"][0], "port": 0}, "port"),
    ("mysql", {**SEED_CONFIGS["mysql"][0], "port": True}, "port"),
    ("postgreSQL", {**SEED_CONFIGS["mysql"][0]}, "host"),
    (
        "postgreSQL",
        {"hostname": "h", "Port": "5432", "username": "u", "password": "p", "databases": []},
        "hostname",
    ),
    (
        "snowflake",
        {k: v for k, v in SEED_CONFIGS["snowflake"][0].items() if k != "warehouse"},
        "warehouse",
    ),
    ("supabase", {"project_url": "u", "api_key": "k", "databases": [{}]}, "databases[0].name"),
    ("tigerbeetle", {"cluster_id": "0", "replica_addresses": []}, "replica_addresses"),
    (
        "tigerbeetle",
        {"cluster_id": "0", "replica_addresses": "localhost:3000"},
        "replica_addresses",
    ),
    ("tigerbeetle", {"cluster_id": "-1", "replica_addresses": ["a"]}, "cluster_id"),
    ("tigerbeetle", {"cluster_id": 0, "replica_addresses": ["a", 3]}, "replica_addresses[1]"),
]


@pytest.mark.parametrize(("config_type", "params", "field"), BAD_CONFIGS)
async def test_bad_configs_name_the_parameter_path_before_sending(
    router: respx.MockRouter,
    client: ArdentClient,
    config_type: Any,
    params: dict[str, Any],
    field: str,
) -> None:
    with pytest.raises(ArdentValidationError) as info:
        await client.set_config(config_type=config_type, **params)
    assert info.value.field == field
    assert str(info.value).startswith(f"{field}: ")
    # Values are never echoed: they may be secrets.
    for value in ("1234", DB_PASSWORD, "ghp_1a2b3c4d5e6f7g8h9i0j", "dapi1234567890abcdef"):
        assert value not in str(info.value)
    assert not router.calls


def test_bad_config_errors_suggest_the_right_spelling() -> None:
    with pytest.raises(ArdentValidationError, match="did you mean 'postgreSQL'"):
        build_config("postgresql", {})
    with pytest.raises(ArdentValidationError, match="did you mean 'Hostname'"):
        build_config("postgreSQL", {"hostname": "h"})


async def test_a_client_side_refusal_is_a_validation_error_not_an_api_error(
    client: ArdentClient,
) -> None:
    # As in the published wheel, ArdentValidationError is a sibling of ArdentAPIError: an
    # empty message is refused before anything is sent, so there is no status to report.
    with pytest.raises(ArdentValidationError) as info:
        await client.create_job(message="")
    assert not isinstance(info.value, ArdentAPIError)
    assert info.value.status_code is None
    with pytest.raises(ArdentValidationError):
        await client.set_config(config_type="invalid_type")


async def test_delete_config(router: respx.MockRouter, client: ArdentClient) -> None:
    router.delete("/v1/configs/deleteConfig").respond(200, json={"deleted": "5245432a2123"})
    assert await client.delete_config(config_id="5245432a2123") == {"deleted": "5245432a2123"}
    assert_signed(
        only_request(router), "DELETE", "/v1/configs/deleteConfig", {"id": "5245432a2123"}
    )


# --- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error_class", "words"),
    [
        (401, ArdentAuthError, "invalid API key or signature"),
        (402, ArdentAPIError, "out of credits"),
        (403, ArdentAuthError, "missing scope job:execute"),
        (404, NotFoundError, "no such job"),
        (418, ArdentAPIError, "teapot"),
    ],
)
async def test_error_statuses_map_to_the_seed_error_classes(
    router: respx.MockRouter,
    client: ArdentClient,
    status: int,
    error_class: type[ArdentAPIError],
    words: str,
) -> None:
    router.delete("/v1/jobs/deleteJob").respond(status, json={"detail": words})
    with pytest.raises(error_class) as info:
        await client.jobs.delete("job-1")
    error = info.value
    assert type(error) is error_class or (
        isinstance(error, error_class) and isinstance(error, ArdentAPIError)
    )
    assert error.status_code == status
    assert error.detail == words
    assert words in str(error)
    if status == 402:
        assert "out of credits" in str(error)


@pytest.mark.parametrize(
    "reply",
    [
        httpx.Response(200, text="<html><title>Gateway</title></html>"),
        httpx.Response(200, content=b""),
        httpx.Response(200, json=["not", "an", "object"]),
    ],
)
async def test_a_reply_that_is_not_a_json_object_is_an_api_error(
    router: respx.MockRouter, client: ArdentClient, reply: httpx.Response
) -> None:
    router.delete("/v1/configs/deleteConfig").mock(return_value=reply)
    with pytest.raises(ArdentAPIError) as info:
        await client.configs.delete("cfg-1")
    assert info.value.status_code == 200
    assert "/v1/configs/deleteConfig" in str(info.value)


async def test_secrets_never_reach_logs_reprs_or_errors(
    router: respx.MockRouter, client: ArdentClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="ardent_async")
    echo = {
        "detail": "rejected",
        "Config": {"type": "postgreSQL", "password": DB_PASSWORD, "secret_key": SECRET},
    }
    route = router.post("/v1/configs/setConfig")
    route.side_effect = [
        httpx.Response(500, json={"detail": "boom"}),
        httpx.Response(400, json=echo),
    ]
    params = SEED_CONFIGS["postgreSQL"][0]
    with pytest.raises(ArdentAPIError) as info:
        await client.set_config(config_type="postgreSQL", **params)
    error = info.value
    assert route.call_count == 2
    assert caplog.records, "the retry should have been logged"
    shown = " ".join(
        [caplog.text, repr(client), repr(client._legacy_http.auth), str(error), repr(error)]
    )
    shown += json.dumps(error.body)
    assert SECRET not in shown
    assert DB_PASSWORD not in shown
    assert error.body["Config"]["password"] == "***"


async def test_configs_refuse_a_token_alone_before_sending(
    router: respx.MockRouter, bearer_client: ArdentClient
) -> None:
    with pytest.raises(ArdentAuthError, match="needs the key pair"):
        await bearer_client.configs.set("tigerbeetle", cluster_id="0", replica_addresses=["a:1"])
    with pytest.raises(ArdentAuthError, match="needs the key pair"):
        await bearer_client.configs.delete("cfg-1")
    assert not router.calls


def test_the_legacy_default_host_is_the_published_sdks_unless_a_base_url_is_chosen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ARDENT_API_URL", raising=False)
    default = ArdentClient("sk-ard_test_x")
    chosen = ArdentClient("sk-ard_test_x", base_url="https://onprem.example")
    monkeypatch.setenv("ARDENT_API_URL", "https://env.example")
    from_env = ArdentClient("sk-ard_test_x")
    assert default._legacy_http.base_url == "https://ardentbackendwebappfinal.azurewebsites.net"
    assert default.base_url == "https://api.tryardent.com"
    assert chosen._legacy_http.base_url == "https://onprem.example"
    assert from_env._legacy_http.base_url == "https://env.example"
