"""``client.connectors`` over the httpx transport, answered by respx."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
import respx

from ardent_async import (
    ArdentClient,
    ArdentValidationError,
    ConflictError,
    PreflightFailedError,
    ServerError,
)
from ardent_async._core._transport._httpx import HttpxTransport
from ardent_async.models import (
    ConnectorRow,
    OperationStatus,
    OperationType,
    PreflightReport,
)
from ardent_async.preflight import CheckResult, check_results, failing_checks
from ardent_async.services import ConnectorsService, EngineSetupResult
from tests.fakes import FakeClock

BASE = "https://api.test"
TOKEN = "sk-ard_test_ConnectorsTokenValue42"
SOURCE_PASSWORD = "s0urce-Pa55word"
DETAILS = {"host": "db.example.com", "port": 5432, "user": "ardent", "password": SOURCE_PASSWORD}

CONNECTOR = {
    "id": "c1",
    "name": "prod",
    "org_id": "o1",
    "service_name": "postgresql",
    "project_id": "p1",
    "status": "active",
    "created_at": "2026-01-02T03:04:05Z",
    "can_update": True,
    "can_delete": False,
}
HANDLE = {"operation_id": "op1", "resource_id": "c1", "status": "pending", "type": "x"}
REPORT = {
    "preflight_pass": False,
    "branching_prerequisites_pass": True,
    "checks": {
        "wal_level": {"status": "fail", "message": "wal_level is replica", "hint": "set logical"},
        "version": {"status": "pass", "message": "16.2"},
        "slots": {"status": "warn", "message": "1 free slot"},
        "grants": {"ok": False, "detail": "missing SELECT"},
        "ssl": {"passed": True},
    },
    "grant_script": "GRANT SELECT ON ALL TABLES IN SCHEMA public TO ardent;",
    "source_provider": "vanilla",
    "new_report_field": {"x": 1},
}


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        yield router


@pytest.fixture
async def client() -> AsyncIterator[ArdentClient]:
    made = ArdentClient(
        token=TOKEN, base_url=BASE, transport=HttpxTransport(), clock=FakeClock(), timeout=5.0
    )
    yield made
    await made.close()


def only_request(router: respx.MockRouter) -> httpx.Request:
    assert router.calls.call_count == 1
    request: httpx.Request = router.calls.last.request
    return request


def json_body(request: httpx.Request) -> Any:
    assert request.headers["content-type"] == "application/json"
    return json.loads(request.content)


def assert_plain_call(request: httpx.Request, method: str, path: str, query: str = "") -> None:
    assert request.method == method
    assert request.url.path == path
    assert request.url.query.decode() == query
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert "x-idempotency-key" not in request.headers


# --- preflight ---------------------------------------------------------------------------


async def test_preflight_sends_every_option_and_returns_a_failing_report(
    router: respx.MockRouter, client: ArdentClient
) -> None:
    router.post("/v1/connectors/preflight").respond(200, json=REPORT)
    report = await client.connectors.preflight(
        DETAILS,
        org_id="o1",
        selected_schemas=["public", "sales"],
        database="shop",
        environment_id="env1",
        private_link_id="pl1",
        use_environment=True,
        allow_high_rtt_placement=True,
    )
    request = only_request(router)
    assert_plain_call(request, "POST", "/v1/connectors/preflight")
    assert json_body(request) == {
        "connection_details": DETAILS,
        "service_name": "postgresql",
        "org_id": "o1",
        "selected_schemas": ["public", "sales"],
        "database": "shop",
        "environment_id": "env1",
        "private_link_id": "pl1",
        "use_environment": True,
        "allow_high_rtt_placement": True,
    }
    assert isinstance(report, PreflightReport)
    assert report.preflight_pass is False
    assert report.source_provider == "vanilla"
    assert report.extra == {"new_report_field": {"x": 1}}
    assert [c.name for c in failing_checks(report)] == ["wal_level", "grants"]


async def test_preflight_defaults_send_only_the_required_fields(
    router: respx.MockRouter, client: ArdentClient
) -> None:
    router.post("/v1/connectors/preflight").respond(
        200, json={"preflight_pass": True, "checks": {}}
    )
    report = await client.connectors.preflight(DETAILS)
    assert json_body(only_request(router)) == {
        "connection_details": DETAILS,
        "service_name": "postgresql",
        "use_environment": False,
        "allow_high_rtt_placement": False,
    }
    assert report.preflight_pass is True
    assert failing_checks(report) == []


async def test_preflight_is_retried_because_it_stores_nothing(
    router: respx.MockRouter, client: ArdentClient
) -> None:
    route = router.post("/v1/connectors/preflight")
    route.side_effect = [
        httpx.Response(503, json={"detail": "busy"}),
        httpx.Response(200, json={"preflight_pass": True}),
    ]
    report = await client.connectors.preflight(DETAILS)
    assert report.preflight_pass is True
    assert route.call_count == 2


def test_check_results_read_every_documented_shape() -> None:
    report = PreflightReport(
        checks={
            "a": {"status": "FAIL", "message": "m", "hint": "h"},
            "b": {"status": "passed"},
            "c": {"status": "warning", "message": "w"},
            "d": {"ok": False, "error": "e", "remediation": "r"},
            "e": {"passed": True},
            "f": False,
            "g": "failed",
            "h": 42,
            "i": {"something": "else"},
        }
    )
    assert check_results(report) == [
        CheckResult("a", "fail", "m", "h"),
        CheckResult("b", "pass"),
        CheckResult("c", "warn", "w"),
        CheckResult("d", "fail", "e", "r"),
        CheckResult("e", "pass"),
        CheckResult("f", "fail"),
        CheckResult("g", "fail"),
        CheckResult("h", "unknown"),
        CheckResult("i", "unknown"),
    ]
    assert [c.name for c in failing_checks(report)] == ["a", "d", "f", "g"]
    assert failing_checks(PreflightReport()) == []


# --- create --------------------------------------------------------------------------------


async def test_create_sends_the_body_and_decodes_the_row(
    router: respx.MockRouter, client: ArdentClient
) -> None:
    router.post("/v1/connectors").respond(200, json={**CONNECTOR, "replication_slot": "ardent_1"})
    row = await client.connectors.create(
        "p1",
        "prod",
        DETAILS,
        org_id="o1",
        environment_id="env1",
        private_link_id="pl1",
        use_environment=True,
        drop_extensions=["pg_cron"],
    )
    request = only_request(router)
    assert_plain_call(request, "POST", "/v1/connectors")
    assert json_body(request) == {
        "project_id": "p1",
        "name": "prod",
        "connection_details": DETAILS,
        "service_name": "postgresql",
        "org_id": "o1",
        "environment_id": "env1",
        "private_link_id": "pl1",
        "use_environment": True,
        "allow_high_rtt_placement": False,
        "drop_extensions": ["pg_cron"],
    }
    assert isinstance(row, ConnectorRow)
    assert (row.id, row.project_id, row.can_delete) == ("c1", "p1", False)
    assert row.extra == {"replication_slot": "ardent_1"}


async def test_create_is_not_retried(router: respx.MockRouter, client: ArdentClient) -> None:
    route = router.post("/v1/connectors").respond(503, json={"detail": "unavailable"})
    with pytest.raises(ServerError):
        await client.connectors.create("p1", "prod", DETAILS)
    assert route.call_count == 1


async def test_create_with_failed_preflight_raises_with_the_report(
    router: respx.MockRouter, client: ArdentClient
) -> None:
    router.post("/v1/connectors").respond(422, json=REPORT)
    with pytest.raises(PreflightFailedError) as info:
        await client.connectors.create("p1", "prod", DETAILS)
    error = info.value
    assert isinstance(error, ArdentValidationError)
    assert error.status_code == 422
    assert isinstance(error.report, PreflightReport)
    assert error.report.grant_script == REPORT["grant_script"]
    assert [c.name for c in failing_checks(error.report)] == ["wal_level", "grants"]
    assert "wal_level" in str(error)
    assert "grants" in str(error)
    assert SOURCE_PASSWORD not in str(error)


async def test_create_with_a_malformed_body_422_stays_a_validation_error(
    router: respx.MockRouter, client: ArdentClient
) -> None:
    detail = [{"loc": ["body", "name"], "msg": "field required", "type": "missing"}]
    router.post("/v1/connectors").respond(422, json={"detail": detail})
    with pytest.raises(ArdentValidationError) as info:
        await client.connectors.create("p1", "prod", DETAILS)
    assert not isinstance(info.value, PreflightFailedError)
    assert info.value.errors == detail


# --- read, update, delete ---------------------------------------------------------------


async def test_list_sends_org_and_filters_and_unwraps(
    router: respx.MockRouter, client: ArdentClient
) -> None:
    router.get("/v1/connectors").respond(200, json={"connectors": [CONNECTOR], "total": 1})
    rows = await client.connectors.list("o1", connector_category="database", service_name="pg")
    request = only_request(router)
    assert_plain_call(
        request, "GET", "/v1/connectors", "org_id=o1&connector_category=database&service_name=pg"
    )
    assert request.content == b""
    assert "content-type" not in request.headers
    assert [row.id for row in rows] == ["c1"]


async def test_list_without_filters_sends_only_the_org(
    router: respx.MockRouter, client: ArdentClient
) -> None:
    router.get("/v1/connectors").respond(200, json={"connectors": []})
    assert await client.connectors.list("o1") == []
    assert only_request(router).url.query == b"org_id=o1"


async def test_get_quotes_the_id_and_keeps_unknown_fields(
    router: respx.MockRouter, client: ArdentClient
) -> None:
    router.get("/v1/connectors/c%201").respond(200, json={**CONNECTOR, "engine": {"v": 2}})
    row = await client.connectors.get("c 1")
    assert only_request(router).url.raw_path == b"/v1/connectors/c%201"
    assert row.extra == {"engine": {"v": 2}}


async def test_update_sends_only_given_fields(
    router: respx.MockRouter, client: ArdentClient
) -> None:
    router.put("/v1/connectors/c1").respond(200, json={**CONNECTOR, "name": "renamed"})
    row = await client.connectors.update("c1", name="renamed", drop_extensions=[])
    request = only_request(router)
    assert_plain_call(request, "PUT", "/v1/connectors/c1")
    assert json_body(request) == {"name": "renamed", "drop_extensions": []}
    assert row.name == "renamed"


async def test_update_of_details_and_project(
    router: respx.MockRouter, client: ArdentClient
) -> None:
    router.put("/v1/connectors/c1").respond(200, json=CONNECTOR)
    await client.connectors.update("c1", project_id="p2", connection_details=DETAILS)
    assert json_body(only_request(router)) == {"project_id": "p2", "connection_details": DETAILS}


async def test_delete_returns_the_operation_and_sends_force_only_when_asked(
    router: respx.MockRouter, client: ArdentClient
) -> None:
    router.delete("/v1/connectors/c1").respond(202, json={**HANDLE, "type": "connector_delete"})
    handle = await client.connectors.delete("c1")
    assert_plain_call(only_request(router), "DELETE", "/v1/connectors/c1")
    assert handle.operation_id == "op1"
    assert handle.type is OperationType.CONNECTOR_DELETE
    assert handle.status is OperationStatus.PENDING

    router.reset()
    await client.connectors.delete("c1", force=True)
    assert_plain_call(only_request(router), "DELETE", "/v1/connectors/c1", "force=true")


async def test_delete_of_a_locked_connector_is_a_conflict(
    router: respx.MockRouter, client: ArdentClient
) -> None:
    router.delete("/v1/connectors/c1").respond(409, json={"detail": "deletion is locked"})
    with pytest.raises(ConflictError, match="deletion is locked"):
        await client.connectors.delete("c1")


# --- discovery, selection, decisions, setup ----------------------------------------------


async def test_discover_posts_without_body_and_is_retried(
    router: respx.MockRouter, client: ArdentClient
) -> None:
    accepted = {
        **HANDLE,
        "type": "connector_discovery",
        "prerequisites": {"ok": True},
        "source_metadata": {"tables": 3},
    }
    route = router.post("/v1/connectors/c1/discover")
    route.side_effect = [
        httpx.Response(503, json={"detail": "try again"}),
        httpx.Response(202, json=accepted),
    ]
    reply = await client.connectors.discover("c1")
    assert route.call_count == 2
    request: httpx.Request = router.calls.last.request
    assert_plain_call(request, "POST", "/v1/connectors/c1/discover")
    assert request.content == b""
    assert reply.type is OperationType.CONNECTOR_DISCOVERY
    assert reply.source_metadata == {"tables": 3}


async def test_set_selection(router: respx.MockRouter, client: ArdentClient) -> None:
    router.post("/v1/connectors/c1/selection").respond(200, json=CONNECTOR)
    row = await client.connectors.set_selection("c1", ["public.users", "public.orders"])
    request = only_request(router)
    assert_plain_call(request, "POST", "/v1/connectors/c1/selection")
    assert json_body(request) == {"selected_paths": ["public.users", "public.orders"]}
    assert row.id == "c1"


async def test_set_replica_identity_decisions(
    router: respx.MockRouter, client: ArdentClient
) -> None:
    router.put("/v1/connectors/c1/replica-identity-decisions").respond(
        200, json={**CONNECTOR, "replica_identity_preflight": {"pending": []}}
    )
    decisions = {"public.a": "exclude", "public.b": "add_pk", "public.c": "replica_identity_full"}
    row = await client.connectors.set_replica_identity_decisions("c1", decisions)
    request = only_request(router)
    assert_plain_call(request, "PUT", "/v1/connectors/c1/replica-identity-decisions")
    assert json_body(request) == {"decisions": decisions}
    assert row.extra == {"replica_identity_preflight": {"pending": []}}


async def test_engine_setup_started_returns_the_operation(
    router: respx.MockRouter, client: ArdentClient
) -> None:
    route = router.post("/v1/connectors/c1/engine-setup")
    route.side_effect = [
        httpx.Response(503, json={"detail": "could not start"}),
        httpx.Response(202, json={**HANDLE, "type": "connector_engine_setup"}),
    ]
    result = await client.connectors.engine_setup("c1")
    assert route.call_count == 2
    assert isinstance(result, EngineSetupResult)
    assert result.already_set_up is False
    assert result.connector is None
    assert result.operation is not None
    assert result.operation.type is OperationType.CONNECTOR_ENGINE_SETUP


async def test_engine_setup_already_done_returns_the_connector(
    router: respx.MockRouter, client: ArdentClient
) -> None:
    router.post("/v1/connectors/c1/engine-setup").respond(
        200, json={**CONNECTOR, "message": "already set up"}
    )
    result = await client.connectors.engine_setup("c1")
    assert_plain_call(only_request(router), "POST", "/v1/connectors/c1/engine-setup")
    assert result.already_set_up is True
    assert result.operation is None
    assert result.connector is not None
    assert result.connector.extra == {"message": "already set up"}


# --- deletion lock, quarantine ----------------------------------------------------------


async def test_lock_deletion_unwraps_the_envelope(
    router: respx.MockRouter, client: ArdentClient
) -> None:
    router.post("/v1/connectors/c1/deletion-lock").respond(
        200, json={"connector": {**CONNECTOR, "deletion_locked": True}}
    )
    row = await client.connectors.lock_deletion("c1", reason="prod: do not delete")
    request = only_request(router)
    assert_plain_call(request, "POST", "/v1/connectors/c1/deletion-lock")
    assert json_body(request) == {"reason": "prod: do not delete"}
    assert row.extra == {"deletion_locked": True}

    router.reset()
    await client.connectors.lock_deletion("c1")
    assert json_body(only_request(router)) == {}


async def test_unlock_deletion(router: respx.MockRouter, client: ArdentClient) -> None:
    router.delete("/v1/connectors/c1/deletion-lock").respond(200, json={"connector": CONNECTOR})
    row = await client.connectors.unlock_deletion("c1")
    request = only_request(router)
    assert_plain_call(request, "DELETE", "/v1/connectors/c1/deletion-lock")
    assert request.content == b""
    assert row.name == "prod"


async def test_quarantines_list_and_release(router: respx.MockRouter, client: ArdentClient) -> None:
    row = {"id": "q1", "connector_id": "c1", "status": "quarantined", "deployment_name": "d1"}
    router.get("/v1/connectors/c1/quarantine").respond(
        200, json={"quarantines": [{**row, "paused_at": "x"}]}
    )
    router.post("/v1/connectors/c1/quarantine/q1/release").respond(
        200, json={**row, "status": "released", "released_at": "2026-01-03T00:00:00Z"}
    )
    listed = await client.connectors.list_quarantines("c1")
    assert_plain_call(only_request(router), "GET", "/v1/connectors/c1/quarantine")
    assert [(q.id, q.extra) for q in listed] == [("q1", {"paused_at": "x"})]

    router.reset()
    released = await client.connectors.release_quarantine("c1", "q1")
    request = only_request(router)
    assert_plain_call(request, "POST", "/v1/connectors/c1/quarantine/q1/release")
    assert request.content == b""
    assert released.status == "released"
    assert released.released_at is not None


# --- bad input: refused before sending ---------------------------------------------------

Call = Callable[[ConnectorsService], Any]

D = DETAILS
BAD_CALLS: list[tuple[str, Call, str]] = [
    (
        "preflight details not a mapping",
        lambda s: s.preflight("postgres://x"),
        "connection_details",
    ),
    ("preflight empty details", lambda s: s.preflight({}), "connection_details"),
    (
        "preflight schemas a string",
        lambda s: s.preflight(D, selected_schemas="public"),
        "selected_schemas",
    ),
    (
        "preflight schema empty",
        lambda s: s.preflight(D, selected_schemas=["a", ""]),
        "selected_schemas[1]",
    ),
    ("preflight flag not bool", lambda s: s.preflight(D, use_environment="yes"), "use_environment"),
    (
        "preflight link without env",
        lambda s: s.preflight(D, private_link_id="pl1"),
        "private_link_id",
    ),
    ("preflight org with slash", lambda s: s.preflight(D, org_id="o/1"), "org_id"),
    ("create empty project", lambda s: s.create("", "n", D), "project_id"),
    ("create project dots", lambda s: s.create("..", "n", D), "project_id"),
    ("create name blank", lambda s: s.create("p1", "  ", D), "name"),
    ("create name not str", lambda s: s.create("p1", 7, D), "name"),
    ("create details a list", lambda s: s.create("p1", "n", [D]), "connection_details"),
    (
        "create extensions a string",
        lambda s: s.create("p1", "n", D, drop_extensions="pg_cron"),
        "drop_extensions",
    ),
    (
        "create high rtt not bool",
        lambda s: s.create("p1", "n", D, allow_high_rtt_placement=1),
        "allow_high_rtt_placement",
    ),
    ("list org missing", lambda s: s.list(None), "org_id"),
    ("list filter empty", lambda s: s.list("o1", service_name=""), "service_name"),
    ("get id with slash", lambda s: s.get("c1/../x"), "connector_id"),
    ("get id control char", lambda s: s.get("c\n1"), "connector_id"),
    ("update nothing", lambda s: s.update("c1"), "update"),
    ("update name empty", lambda s: s.update("c1", name=""), "name"),
    ("delete force not bool", lambda s: s.delete("c1", force="true"), "force"),
    ("discover empty id", lambda s: s.discover(""), "connector_id"),
    ("selection empty", lambda s: s.set_selection("c1", []), "selected_paths"),
    ("selection a string", lambda s: s.set_selection("c1", "*"), "selected_paths"),
    (
        "decisions bad value",
        lambda s: s.set_replica_identity_decisions("c1", {"public.x": "drop"}),
        "decisions['public.x']",
    ),
    ("decisions empty", lambda s: s.set_replica_identity_decisions("c1", {}), "decisions"),
    ("engine setup id slash", lambda s: s.engine_setup("a/b"), "connector_id"),
    ("lock reason too long", lambda s: s.lock_deletion("c1", reason="x" * 501), "reason"),
    ("unlock id empty", lambda s: s.unlock_deletion(" "), "connector_id"),
    ("release quarantine slash", lambda s: s.release_quarantine("c1", "q/1"), "quarantine_id"),
]


@pytest.mark.parametrize(
    ("call", "field"),
    [(call, field) for _, call, field in BAD_CALLS],
    ids=[b[0] for b in BAD_CALLS],
)
async def test_bad_input_is_refused_before_sending(
    router: respx.MockRouter, client: ArdentClient, call: Call, field: str
) -> None:
    with pytest.raises(ArdentValidationError) as info:
        await call(client.connectors)
    assert info.value.field == field
    assert info.value.status_code is None
    assert not router.calls


async def test_validation_errors_never_echo_connection_details(client: ArdentClient) -> None:
    secret_url = f"postgresql://ardent:{SOURCE_PASSWORD}@db.example.com:5432/shop?sslmode=require"
    with pytest.raises(ArdentValidationError) as info:
        await client.connectors.create("p1", "n", secret_url)  # type: ignore[arg-type]
    assert SOURCE_PASSWORD not in str(info.value)
    assert SOURCE_PASSWORD[:6] not in str(info.value)


async def test_lock_reason_of_exactly_500_characters_is_sent(
    router: respx.MockRouter, client: ArdentClient
) -> None:
    router.post("/v1/connectors/c1/deletion-lock").respond(200, json={"connector": CONNECTOR})
    await client.connectors.lock_deletion("c1", reason="x" * 500)
    assert json_body(only_request(router)) == {"reason": "x" * 500}
