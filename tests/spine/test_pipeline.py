"""The request pipeline's behaviour, run against both transports (aiohttp server, respx)."""

from __future__ import annotations

import asyncio
import logging
import pickle
from collections.abc import Callable
from datetime import datetime, timezone
from email.utils import format_datetime

import pytest

from ardent_async import (
    ArdentAPIError,
    ArdentAuthError,
    ArdentClient,
    ArdentConnectionError,
    ArdentResponseError,
    ArdentTimeoutError,
    ArdentValidationError,
    ClientClosedError,
    ConflictError,
    NotFoundError,
    RateLimitError,
    ServerError,
)
from ardent_async._core._pipeline import USER_AGENT
from tests.fakes import FakeClock
from tests.spine.conftest import TOKEN
from tests.spine.scripted import AiohttpBackend, Drop, Hang, Reply, RespxBackend

Backend = AiohttpBackend | RespxBackend
MakeClient = Callable[..., ArdentClient]

PROJECT = {"id": "p1", "org_id": "o1", "name": "demo", "created_at": "2026-01-02T03:04:05Z"}
HANDLE = {"operation_id": "op1", "status": "pending", "type": "branch_create", "resource_id": "b1"}
BRANCH_CREATE = "/v1/branch/create"


async def test_sends_bearer_token_user_agent_and_decodes(
    backend: Backend, make_client: MakeClient
) -> None:
    backend.script.add("GET", "/v1/projects/p1", Reply(json={**PROJECT, "new_field": [1]}))
    project = await make_client().projects.get("p1")
    assert project.id == "p1"
    assert project.created_at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert project.extra == {"new_field": [1]}
    seen = backend.script.seen[0]
    headers = {k.lower(): v for k, v in seen.headers.items()}
    assert headers["authorization"] == f"Bearer {TOKEN}"
    assert headers["user-agent"] == USER_AGENT
    assert USER_AGENT.startswith("ardent-async/")


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
async def test_retries_retryable_statuses(
    backend: Backend, make_client: MakeClient, clock: FakeClock, status: int
) -> None:
    backend.script.add(
        "GET", "/v1/projects/p1", Reply(status, json={"detail": "busy"}), Reply(json=PROJECT)
    )
    project = await make_client().projects.get("p1")
    assert project.name == "demo"
    assert backend.script.count("GET", "/v1/projects/p1") == 2
    assert len(clock.sleeps) == 1
    assert 0 <= clock.sleeps[0] <= 0.5  # full jitter over base 0.5 s for the first retry


async def test_gives_up_after_max_retries_with_typed_error(
    backend: Backend, make_client: MakeClient, clock: FakeClock
) -> None:
    backend.script.add("GET", "/v1/projects/p1", Reply(503, json={"detail": "down"}))
    with pytest.raises(ServerError) as info:
        await make_client(max_retries=3).projects.get("p1")
    assert info.value.status_code == 503
    assert info.value.detail == "down"
    assert backend.script.count("GET", "/v1/projects/p1") == 4
    assert len(clock.sleeps) == 3
    # Exponential ceilings 0.5, 1, 2 s (full jitter never exceeds them).
    assert all(s <= c for s, c in zip(clock.sleeps, [0.5, 1.0, 2.0], strict=True))


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, ArdentValidationError),
        (401, ArdentAuthError),
        (403, ArdentAuthError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, ArdentValidationError),
    ],
)
async def test_no_retry_on_client_errors(
    backend: Backend, make_client: MakeClient, clock: FakeClock, status: int, error: type
) -> None:
    backend.script.add("GET", "/v1/projects/p1", Reply(status, json={"detail": "nope"}))
    with pytest.raises(error) as info:
        await make_client().projects.get("p1")
    assert isinstance(info.value, ArdentAPIError)
    assert info.value.status_code == status
    assert f"{status}" in str(info.value)
    assert "nope" in str(info.value)
    assert "GET /v1/projects/p1" in str(info.value)
    assert backend.script.count("GET", "/v1/projects/p1") == 1
    assert clock.sleeps == []


async def test_422_detail_list_is_parsed(backend: Backend, make_client: MakeClient) -> None:
    detail = [{"loc": ["body", "name"], "msg": "field required", "type": "missing"}]
    backend.script.add("POST", "/v1/projects", Reply(422, json={"detail": detail}))
    with pytest.raises(ArdentValidationError) as info:
        await make_client().projects.create("x")
    assert info.value.errors == detail
    assert "name: field required" in str(info.value)


async def test_retry_after_seconds(
    backend: Backend, make_client: MakeClient, clock: FakeClock
) -> None:
    backend.script.add(
        "GET",
        "/v1/projects/p1",
        Reply(429, json={"detail": "slow down"}, headers={"Retry-After": "7"}),
        Reply(json=PROJECT),
    )
    await make_client().projects.get("p1")
    assert clock.sleeps == [7.0]


async def test_retry_after_http_date_and_cap(
    backend: Backend, make_client: MakeClient, clock: FakeClock
) -> None:
    in_12s = datetime.fromtimestamp(clock.time() + 12, tz=timezone.utc)
    backend.script.add(
        "GET",
        "/v1/projects/p1",
        Reply(503, headers={"Retry-After": format_datetime(in_12s, usegmt=True)}),
        Reply(429, headers={"Retry-After": "3600"}),
        Reply(json=PROJECT),
    )
    await make_client().projects.get("p1")
    assert clock.sleeps[0] == pytest.approx(12.0, abs=1.0)
    assert clock.sleeps[1] == 60.0  # capped


async def test_rate_limit_error_exposes_retry_after(
    backend: Backend, make_client: MakeClient
) -> None:
    backend.script.add("GET", "/v1/projects/p1", Reply(429, headers={"Retry-After": "2"}))
    with pytest.raises(RateLimitError) as info:
        await make_client(max_retries=0).projects.get("p1")
    assert info.value.retry_after == 2.0
    assert isinstance(info.value.retry_after, float)


async def test_post_without_idempotency_key_is_not_retried(
    backend: Backend, make_client: MakeClient
) -> None:
    backend.script.add("POST", "/v1/projects", Reply(503), Reply(201, json=PROJECT))
    with pytest.raises(ServerError):
        await make_client().projects.create("demo")
    assert backend.script.count("POST", "/v1/projects") == 1


async def test_idempotency_key_identical_across_retries(
    backend: Backend, make_client: MakeClient
) -> None:
    client = make_client()
    backend.script.add("POST", BRANCH_CREATE, Reply(503), Reply(502), Reply(202, json=HANDLE))
    body = {"connector_id": "c1", "service_type": "postgres", "name": "b"}
    response = await client._http.request(
        "POST", BRANCH_CREATE, json_body=body, idempotency_key="key-123"
    )
    assert response.status_code == 202
    keys = [
        {k.lower(): v for k, v in s.headers.items()}["x-idempotency-key"]
        for s in backend.script.seen
    ]
    assert keys == ["key-123"] * 3


async def test_html_error_page(backend: Backend, make_client: MakeClient) -> None:
    page = (
        "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    )
    backend.script.add("GET", "/v1/projects/p1", Reply(502, text=page))
    with pytest.raises(ServerError) as info:
        await make_client(max_retries=0).projects.get("p1")
    assert "HTML page: 502 Bad Gateway" in str(info.value)
    assert info.value.body == page


async def test_non_json_success_body(backend: Backend, make_client: MakeClient) -> None:
    backend.script.add("GET", "/v1/projects/p1", Reply(200, text="<html>hello</html>"))
    with pytest.raises(ArdentResponseError) as info:
        await make_client().projects.get("p1")
    assert "not valid JSON" in str(info.value)


async def test_missing_required_field_names_model_and_field(
    backend: Backend, make_client: MakeClient
) -> None:
    broken = {k: v for k, v in PROJECT.items() if k != "created_at"}
    backend.script.add("GET", "/v1/projects/p1", Reply(json=broken))
    with pytest.raises(ArdentResponseError) as info:
        await make_client().projects.get("p1")
    assert info.value.path == "ProjectRow.created_at"
    assert "ProjectRow.created_at" in str(info.value)


async def test_timeout_is_retried_then_raised(backend: Backend, make_client: MakeClient) -> None:
    backend.script.add("GET", "/v1/projects/p1", Hang())
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(ArdentTimeoutError) as info:
        await make_client(timeout=0.2, max_retries=1).projects.get("p1")
    assert loop.time() - started < 5.0
    assert backend.script.count("GET", "/v1/projects/p1") == 2
    assert "timed out" in str(info.value)


async def test_dropped_connection(backend: Backend, make_client: MakeClient) -> None:
    backend.script.add("GET", "/v1/projects/p1", Drop(), Reply(json=PROJECT))
    project = await make_client().projects.get("p1")
    assert project.id == "p1"
    assert backend.script.count("GET", "/v1/projects/p1") == 2


async def test_connection_refused(unused_tcp_port: int, clock: FakeClock) -> None:
    client = ArdentClient(token=TOKEN, base_url=f"http://127.0.0.1:{unused_tcp_port}", clock=clock)
    async with client:
        with pytest.raises(ArdentConnectionError) as info:
            await client.projects.get("p1")
    assert info.value.request_sent is False
    assert len(clock.sleeps) == 2  # refused before sending: safe to retry, even for POST
    assert "after 3 attempts" in str(info.value)


async def test_cancellation_propagates_and_client_survives(
    backend: Backend, make_client: MakeClient, clock: FakeClock
) -> None:
    backend.script.add("GET", "/v1/projects/slow", Hang())
    backend.script.add("GET", "/v1/projects/p1", Reply(json=PROJECT))
    client = make_client(timeout=30.0)
    task = asyncio.ensure_future(client.projects.get("slow"))
    for _ in range(500):  # poll, with a deadline, until the server has seen the request
        if backend.script.count("GET", "/v1/projects/slow"):
            break
        await asyncio.sleep(0.01)
    else:
        pytest.fail("the request never reached the server")
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert clock.sleeps == []  # a cancellation is never retried
    assert (await client.projects.get("p1")).id == "p1"


async def test_missing_token_fails_before_any_request(
    backend: Backend, make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ARDENT_TOKEN", raising=False)
    with pytest.raises(ArdentAuthError) as info:
        await make_client(token=None).projects.get("p1")
    assert "ARDENT_TOKEN" in str(info.value)
    assert backend.script.seen == []


async def test_closed_client_refuses_calls(backend: Backend, make_client: MakeClient) -> None:
    client = make_client()
    await client.close()
    await client.close()  # idempotent
    assert client.closed
    with pytest.raises(ClientClosedError):
        await client.projects.get("p1")
    assert "closed" in repr(client)


async def test_secrets_never_reach_logs_reprs_or_errors(
    backend: Backend, make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    password = "Pa55w0rdInUrl"
    source_url = f"postgresql://admin:{password}@db.example.com:5432/app"
    backend.script.add(
        "GET",
        "/v1/projects/p1",
        Reply(503, json={"detail": f"cannot reach {source_url} with Bearer {TOKEN}"}),
    )
    backend.script.add("GET", "/v1/projects/p2", Reply(401, text=f"bad token {TOKEN}"))
    client = make_client()
    caplog.set_level(logging.DEBUG, logger="ardent_async")
    errors: list[BaseException] = []
    for project_id in ("p1", "p2"):
        with pytest.raises(ArdentAPIError) as info:
            await client.projects.get(project_id)
        errors.append(info.value)
    texts = [repr(client), caplog.text]
    for error in errors:
        texts += [
            str(error),
            repr(error),
            repr(error.__dict__),
            pickle.dumps(error).decode("latin-1"),
        ]
        assert isinstance(pickle.loads(pickle.dumps(error)), type(error))
    for text in texts:
        assert TOKEN not in text
        assert password not in text
    assert "admin:***@db.example.com" in str(errors[0])
    assert any("attempt" in r.getMessage() for r in caplog.records)
    assert any(r.levelno == logging.WARNING and "retry" in r.getMessage() for r in caplog.records)


def test_plain_http_to_remote_host_is_refused() -> None:
    with pytest.raises(ArdentValidationError) as info:
        ArdentClient(token=TOKEN, base_url="http://api.example.com")
    assert "allow_insecure_http" in str(info.value)
    client = ArdentClient(token=TOKEN, base_url="http://api.example.com", allow_insecure_http=True)
    assert "api.example.com" in repr(client)
    assert TOKEN not in repr(client)
    ArdentClient(token=TOKEN, base_url="http://localhost:8080")


def test_environment_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARDENT_API_URL", "https://ardent.internal.example")
    monkeypatch.setenv("ARDENT_TOKEN", TOKEN)
    client = ArdentClient()
    assert client.base_url == "https://ardent.internal.example"
    monkeypatch.delenv("ARDENT_API_URL")
    assert ArdentClient().base_url == "https://api.tryardent.com"


@pytest.mark.parametrize("bad", ["", " ", "a/b", "..", ".", "x\n", 5, None])
async def test_bad_ids_refused_before_sending(
    backend: Backend, make_client: MakeClient, bad: object
) -> None:
    with pytest.raises(ArdentValidationError) as info:
        await make_client().projects.get(bad)  # type: ignore[arg-type]
    assert info.value.field == "project_id"
    assert backend.script.seen == []


async def test_query_and_fragment_characters_are_escaped(
    backend: Backend, make_client: MakeClient
) -> None:
    backend.script.add("GET", "/v1/projects/a%3Fb%23c%25", Reply(json=PROJECT))
    await make_client().projects.get("a?b#c%")
    assert backend.script.seen[0].path == "/v1/projects/a%3Fb%23c%25"
