"""Error bodies are JSON everywhere; the spec check catches replies that do not match."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from ardent_async.emulator import Emulator, SpecValidator
from ardent_async.emulator.spec_check import response_validation_middleware

from .helpers import raw


@pytest.mark.parametrize("path", ["/v1/nope", "/nope", "/v1/projects/a/b/c"])
async def test_unknown_paths_answer_json_404(ardent_emulator: Emulator, path: str) -> None:
    status, headers, body = await raw(
        ardent_emulator.base_url, "GET", path, token=ardent_emulator.token
    )
    assert (status, body) == (404, {"detail": "Not Found"})
    assert headers["Content-Type"].startswith("application/json")


async def test_wrong_method_answers_json_405(ardent_emulator: Emulator) -> None:
    status, headers, body = await raw(
        ardent_emulator.base_url, "PUT", "/v1/projects", token=ardent_emulator.token
    )
    assert status == 405
    assert body == {"detail": "Method Not Allowed"}
    assert set(headers["Allow"].split(",")) == {"GET", "POST"}


@pytest.mark.parametrize(
    ("data", "kind"),
    [(b"{not json", "json_invalid"), (b"", "missing"), (b"[1, 2]", "model_attributes_type")],
)
async def test_malformed_bodies_are_422(ardent_emulator: Emulator, data: bytes, kind: str) -> None:
    status, _, body = await raw(
        ardent_emulator.base_url,
        "POST",
        "/v1/projects",
        token=ardent_emulator.token,
        data=data,
        headers={"Content-Type": "application/json"},
    )
    assert status == 422
    assert body["detail"][0]["type"] == kind
    assert body["detail"][0]["loc"][0] == "body"


async def test_wrong_field_type_is_422_naming_the_field(ardent_emulator: Emulator) -> None:
    status, _, body = await raw(
        ardent_emulator.base_url,
        "POST",
        "/v1/connectors/preflight",
        token=ardent_emulator.token,
        body={"service_name": "postgresql", "connection_details": {}, "selected_schemas": [1]},
    )
    assert status == 422
    assert body["detail"][0]["loc"] == ["body", "selected_schemas", 0]


PROJECT = {"id": "p", "org_id": "o", "name": "n", "created_at": "2026-01-02T03:04:05+00:00"}


@pytest.mark.parametrize(
    ("status", "body", "problem"),
    [
        (200, {**PROJECT, "id": 1}, "id: 1 is not of type 'string'"),
        (200, {k: v for k, v in PROJECT.items() if k != "name"}, "'name' is a required property"),
        (200, {**PROJECT, "created_at": "yesterday"}, "is not a 'date-time'"),
        (201, PROJECT, "status 201 is not documented"),
        (404, {"message": "gone"}, "'detail' is a required property"),
    ],
)
def test_spec_validator_finds_mismatches(status: int, body: object, problem: str) -> None:
    validator = SpecValidator()
    problems = validator.problems(
        "GET", "/v1/projects/{project_id}", status, "application/json", json.dumps(body).encode()
    )
    assert any(problem in p for p in problems), problems


def test_spec_validator_accepts_good_replies() -> None:
    validator = SpecValidator()
    good = json.dumps(PROJECT).encode()
    assert (
        validator.problems("GET", "/v1/projects/{project_id}", 200, "application/json", good) == []
    )
    assert validator.problems("DELETE", "/v1/orgs/{org_id}", 204, None, None) == []
    assert validator.problems("GET", "/v1/nowhere", 200, "application/json", good) != []


@pytest.fixture
async def bad_server() -> AsyncIterator[tuple[str, SpecValidator]]:
    validator = SpecValidator()

    async def wrong(request: web.Request) -> web.Response:
        return web.json_response({"id": 42})

    app = web.Application(middlewares=[response_validation_middleware(validator)])
    app.router.add_get("/v1/projects/{project_id}", wrong)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}", validator
    await runner.cleanup()


async def test_validation_middleware_fails_loudly(bad_server: tuple[str, SpecValidator]) -> None:
    base_url, validator = bad_server
    status, _, body = await raw(base_url, "GET", "/v1/projects/p1")
    assert status == 500
    assert "does not match" in body["detail"]
    assert validator.failures
    with pytest.raises(AssertionError, match="did not match the spec"):
        validator.assert_clean()
