"""Per-call request options, with_options copies, response metadata, refused combinations."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from ardent_async import (
    AiohttpTransport,
    ArdentAPIError,
    ArdentClient,
    ArdentTimeoutError,
    ArdentValidationError,
    RetryPolicy,
    ServerError,
    with_response,
)
from ardent_async.errors import ArdentAuthError
from tests.fakes import FakeClock
from tests.spine.scripted import AiohttpBackend, Hang, Reply, RespxBackend

Backend = AiohttpBackend | RespxBackend
MakeClient = Callable[..., ArdentClient]

PROJECT = {"id": "p1", "org_id": "o1", "name": "demo", "created_at": "2026-01-02T03:04:05Z"}
HANDLE = {"operation_id": "op1", "status": "pending", "type": "branch_create", "resource_id": "b1"}


async def test_extra_headers_reach_the_wire(backend: Backend, make_client: MakeClient) -> None:
    backend.script.add("GET", "/v1/projects/p1", Reply(json=PROJECT))
    await make_client().projects.get("p1", extra_headers={"X-Trace": "t-1"})
    seen = {k.lower(): v for k, v in backend.script.seen[-1].headers.items()}
    assert seen["x-trace"] == "t-1"
    assert seen["authorization"].startswith("Bearer ")


async def test_per_call_max_retries_counts_attempts_on_the_wire(
    backend: Backend, make_client: MakeClient, clock: FakeClock
) -> None:
    for _ in range(6):
        backend.script.add("GET", "/v1/projects/p1", Reply(503))
    client = make_client(max_retries=1)
    with pytest.raises(ServerError):
        await client.projects.get("p1", max_retries=4)
    assert backend.script.count("GET", "/v1/projects/p1") == 5
    with pytest.raises(ServerError):
        await client.projects.get("p1", max_retries=0)  # the client's setting is untouched
    assert backend.script.count("GET", "/v1/projects/p1") == 6


async def test_per_call_timeout_bounds_the_request(
    backend: Backend, make_client: MakeClient
) -> None:
    backend.script.add("GET", "/v1/projects/p1", Hang())
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(ArdentTimeoutError) as info:
        await make_client(timeout=30.0).projects.get("p1", timeout=0.2, max_retries=0)
    assert loop.time() - started < 10.0  # far under the client's 30 s
    assert "0.2 s" in str(info.value)
    assert backend.script.count("GET", "/v1/projects/p1") == 1


async def test_a_given_idempotency_key_is_sent(backend: Backend, make_client: MakeClient) -> None:
    backend.script.add("POST", "/v1/branch/create", Reply(json=HANDLE))
    await make_client().branches.create("conn1", "ci-1", idempotency_key="run-42-ci-1")
    seen = {k.lower(): v for k, v in backend.script.seen[-1].headers.items()}
    assert seen["x-idempotency-key"] == "run-42-ci-1"


async def test_bad_options_are_refused_before_sending(
    backend: Backend, make_client: MakeClient
) -> None:
    client = make_client()
    bad: list[dict[str, object]] = [
        {"timout": 5},
        {"timeout": 0},
        {"max_retries": -1},
        {"extra_headers": {"X-Bad": "a\r\nInjected: 1"}},
    ]
    for options in bad:
        with pytest.raises(ArdentValidationError) as info:
            await client.projects.get("p1", **options)  # type: ignore[arg-type]
        assert not isinstance(info.value, ArdentAPIError)
        assert info.value.field is not None
    assert backend.script.seen == []


async def test_with_options_shares_one_session(backend: Backend, make_client: MakeClient) -> None:
    backend.script.add("GET", "/v1/projects/p1", Reply(json=PROJECT), Reply(json=PROJECT))
    client = make_client()
    copy = client.with_options(extra_headers={"X-Team": "ci"}, max_retries=0, timeout=3)
    assert copy._transport is client._transport
    assert copy._http.transport is client._http.transport
    await copy.projects.get("p1")
    await client.projects.get("p1")
    first, second = ({k.lower(): v for k, v in s.headers.items()} for s in backend.script.seen)
    assert first["x-team"] == "ci"
    assert "x-team" not in second  # the original is unchanged
    assert copy._http.retry.max_retries == 0
    assert client._http.retry.max_retries == 2
    assert copy._http.timeout == 3.0
    assert client._http.timeout == 5.0
    await copy.close()
    assert client.closed  # one session: closing either closes both


async def test_with_options_keeps_the_aiohttp_session(backend: Backend) -> None:
    if backend.name != "aiohttp":
        pytest.skip("the aiohttp session is what is shared here")
    backend.script.add("GET", "/v1/projects/p1", Reply(json=PROJECT), Reply(json=PROJECT))
    transport = AiohttpTransport()
    async with ArdentClient("tok", base_url=backend.base_url, transport=transport) as client:
        await client.projects.get("p1")
        session = transport._session
        await client.with_options(timeout=9).projects.get("p1")
        assert transport._session is session


async def test_response_metadata_with_the_typed_result(
    backend: Backend, make_client: MakeClient
) -> None:
    backend.script.add(
        "GET", "/v1/projects/p1", Reply(503), Reply(json=PROJECT, headers={"X-Request-Id": "r-7"})
    )
    got = await with_response(make_client().projects.get, "p1")
    assert got.data.name == "demo"
    assert got.status_code == 200
    assert got.request_id == "r-7"
    assert got.headers["x-request-id"] == "r-7"
    assert got.response.attempts == 2
    assert len(got.responses) == 1


async def test_with_response_collects_every_response_of_a_composite_call(
    backend: Backend, make_client: MakeClient
) -> None:
    row = {
        "id": "b1",
        "name": "ci-1",
        "connector_id": "conn1",
        "created_at": PROJECT["created_at"],
        "service_type": "postgres",
        "status": "ready",
    }
    backend.script.add("GET", "/v1/branches/conn1", Reply(json=[row]))
    got = await with_response(make_client().branches.get, "conn1", "ci-1")
    assert got.data.id == "b1"
    assert [r.path for r in got.responses] == ["/v1/branches/conn1"]


async def test_with_response_needs_a_request() -> None:
    async def nothing() -> int:
        return 1

    with pytest.raises(TypeError, match="no HTTP response"):
        await with_response(nothing)


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"retry_policy": RetryPolicy(max_retries=1), "max_retries": 3}, "retry_policy"),
        ({"transport": "T", "connection_limit": 5}, "connection_limit"),
        ({"transport": "T", "max_response_bytes": 5}, "max_response_bytes"),
        ({"transport": "T", "proxy": "http://proxy:3128"}, "proxy"),
        ({"ssl_context": "ctx", "ca_bundle": "/etc/ca.pem"}, "ssl_context"),
        ({"proxy": "socks://nope"}, "proxy"),
        ({"connection_limit": 0}, "connection_limit"),
    ],
)
def test_conflicting_constructor_options_are_refused(
    options: dict[str, object], field: str
) -> None:
    if options.get("transport") == "T":
        options["transport"] = AiohttpTransport()
    if options.get("ssl_context") == "ctx":
        import ssl

        options["ssl_context"] = ssl.create_default_context()
    with pytest.raises(ArdentValidationError) as info:
        ArdentClient("tok", **options)  # type: ignore[arg-type]
    assert info.value.field == field
    assert not isinstance(info.value, ArdentAPIError)


async def test_missing_token_is_not_an_api_error(backend: Backend) -> None:
    async with ArdentClient(base_url=backend.base_url, transport=AiohttpTransport()) as client:
        client._http.auth = type(client._http.auth)(None)
        with pytest.raises(ArdentAuthError) as info:
            await client.projects.get("p1")
    assert not isinstance(info.value, ArdentAPIError)
    assert info.value.status_code is None


async def test_server_validation_errors_are_both(backend: Backend, make_client: MakeClient) -> None:
    backend.script.add(
        "GET", "/v1/projects/p1", Reply(422, json={"detail": [{"loc": ["x"], "msg": "m"}]})
    )
    with pytest.raises(ArdentValidationError) as info:
        await make_client().projects.get("p1")
    assert isinstance(info.value, ArdentAPIError)
    assert info.value.status_code == 422
    assert info.value.errors == [{"loc": ["x"], "msg": "m"}]
