"""The router is built from the spec: a handler per operationId, or the emulator won't start."""

from __future__ import annotations

import copy
import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import pytest
from aiohttp import web

from ardent_async._spec import load_spec
from ardent_async._spec.endpoints import ENDPOINTS, Endpoint
from ardent_async.emulator import Emulator
from ardent_async.emulator import router as router_module
from ardent_async.emulator.router import MissingHandlersError, auth_scheme, spec_routes
from ardent_async.emulator.routes import HANDLERS, LEGACY, LEGACY_OR_BEARER, OperationHandler
from codegen import endpoints as endpoints_codegen


def synthetic_endpoint(operation_id: str, path: str) -> Endpoint[Any]:
    """A copy of a real row under a new operationId and path: an operation added to the spec."""
    return attrs.evolve(ENDPOINTS["list_branches"], operation_id=operation_id, path=path)


def test_every_operation_of_the_spec_is_routed_once() -> None:
    routes = spec_routes(HANDLERS)
    assert sorted((r.method, r.path) for r in routes) == sorted(
        (e.method, e.path) for e in ENDPOINTS.values()
    )
    by_path = {(r.method, r.path): r for r in routes}
    assert by_path[("POST", "/v1/branch/create")].idempotent
    assert sum(r.idempotent for r in routes) == sum(
        e.idempotency_header is not None for e in ENDPOINTS.values()
    )
    assert by_path[("POST", "/v1/configs/setConfig")].auth == LEGACY
    assert by_path[("POST", "/v1/jobs/createJob")].auth == LEGACY_OR_BEARER


def test_an_operation_without_a_handler_is_named() -> None:
    table = {
        **ENDPOINTS,
        "frobnicate_branch": synthetic_endpoint("frobnicate_branch", "/v1/frobnicate"),
    }
    handlers = [h for h in HANDLERS if h.operation_id != "get_operation"]
    with pytest.raises(MissingHandlersError) as caught:
        spec_routes(handlers, table)
    assert caught.value.missing == ["frobnicate_branch", "get_operation"]
    assert "frobnicate_branch, get_operation" in str(caught.value)


async def test_the_emulator_refuses_to_start_without_a_handler(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    extra = synthetic_endpoint("frobnicate_branch", "/v1/frobnicate")
    monkeypatch.setattr(router_module, "ENDPOINTS", {**ENDPOINTS, "frobnicate_branch": extra})
    emulator = Emulator()
    with pytest.raises(MissingHandlersError, match="frobnicate_branch"):
        await emulator.start()
    assert emulator.base_url == ""  # nothing was bound


def test_handlers_for_unknown_or_repeated_operations_are_refused() -> None:
    async def handler(request: web.Request) -> web.StreamResponse:
        raise AssertionError("never called")

    ghost = OperationHandler("no_such_operation", handler)
    with pytest.raises(ValueError, match="no_such_operation"):
        spec_routes([*HANDLERS, ghost])
    with pytest.raises(ValueError, match="two handlers for operationId 'get_operation'"):
        spec_routes([*HANDLERS, *(h for h in HANDLERS if h.operation_id == "get_operation")])


def test_auth_comes_from_the_operations_security() -> None:
    assert auth_scheme("DELETE", "/v1/configs/deleteConfig") == LEGACY
    assert auth_scheme("DELETE", "/v1/jobs/deleteJob") == LEGACY_OR_BEARER
    assert auth_scheme("GET", "/v1/projects") == "bearer"
    assert auth_scheme("GET", "/v1/not-in-the-spec") == "bearer"  # the spec's default


def table_from_spec_with(tmp_path: Path, path: str, operations: dict[str, Any]) -> ModuleType:
    """The endpoint module codegen writes for a copy of the spec with ``operations`` at
    ``path``, imported from ``tmp_path``."""
    spec = copy.deepcopy(load_spec())
    spec["paths"][path] = operations
    source = tmp_path / "synthetic_endpoints.py"
    source.write_text(endpoints_codegen.generate(spec), encoding="utf-8")
    found = importlib.util.spec_from_file_location("synthetic_endpoints", source)
    assert found is not None
    assert found.loader is not None
    module = importlib.util.module_from_spec(found)
    found.loader.exec_module(module)
    return module


async def test_an_operation_added_to_the_spec_is_reported_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generated = table_from_spec_with(
        tmp_path,
        "/v1/widgets/{widget_id}",
        {
            "get": {
                "operationId": "get_widget",
                "tags": ["widgets"],
                "summary": "Get a widget",
                "parameters": [
                    {
                        "name": "widget_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
                "responses": {"204": {"description": "It exists."}},
            }
        },
    )
    assert generated.ENDPOINTS["get_widget"].path == "/v1/widgets/{widget_id}"
    monkeypatch.setattr(router_module, "ENDPOINTS", generated.ENDPOINTS)
    with pytest.raises(MissingHandlersError) as caught:
        await Emulator().start()
    assert caught.value.missing == ["get_widget"]
