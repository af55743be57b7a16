"""The endpoint table (``ardent_async._spec.endpoints``) is what codegen makes of the spec, and
its rows say what the spec says."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ardent_async._spec import endpoints, load_published_spec
from ardent_async.models import BranchRow, OperationHandle
from codegen import endpoints as generator

ROOT = Path(__file__).resolve().parents[2]
SPEC = yaml.safe_load((ROOT / "openapi" / "ardent.yaml").read_text(encoding="utf-8"))


def test_the_module_is_what_the_generator_makes_of_the_spec() -> None:
    committed = (ROOT / "ardent_async" / "_spec" / "endpoints.py").read_text(encoding="utf-8")
    assert generator.generate(SPEC) == committed


def test_one_row_per_operation_of_the_spec_and_of_the_published_description() -> None:
    def operations(spec: dict[str, object]) -> set[tuple[str, str, str]]:
        paths = spec["paths"]
        assert isinstance(paths, dict)
        return {
            (op["operationId"], method.upper(), path)
            for path, item in paths.items()
            for method, op in item.items()
            if isinstance(op, dict) and "operationId" in op
        }

    rows = {(e.operation_id, e.method, e.path) for e in endpoints.ENDPOINTS.values()}
    assert rows == operations(SPEC)
    public = {row for row in rows if endpoints.ENDPOINTS[row[0]].resource != "legacy"}
    published = {(m, p) for _, m, p in operations(load_published_spec())}
    assert {(m, p) for _, m, p in public} == published


def test_rows_carry_the_spec_facts() -> None:
    create = endpoints.ENDPOINTS["create_branch"]
    assert create is endpoints.CREATE_BRANCH
    assert (create.method, create.path, create.reply) == (
        "POST",
        "/v1/branch/create",
        OperationHandle,
    )
    assert create.success_statuses == {202}
    assert create.idempotency_header == endpoints.IDEMPOTENCY_HEADER == "X-Idempotency-Key"
    assert endpoints.REPLAY_HEADER == "X-Idempotency-Replay"
    assert create.retry_safe is False  # safe only with its idempotency key
    listing = endpoints.LIST_BRANCHES
    assert listing.reply == list[BranchRow]
    assert listing.max_items == 100
    assert listing.path_params == ("connector_id",)
    assert endpoints.GET_OPERATION.long_poll_max == 10.0
    assert endpoints.GET_OPERATION.query_params == ("wait",)
    setup = endpoints.START_ENGINE_SETUP
    assert setup.reply is None
    assert set(setup.replies) == {200, 202}
    # x-ardent-retry-safe makes a POST retryable; a POST without it is not.
    assert endpoints.PREFLIGHT_CONNECTOR.retry_safe is True
    assert endpoints.CREATE_CONNECTOR.retry_safe is False
    assert endpoints.DELETE_ORG.reply is None
    assert endpoints.DELETE_ORG.success_statuses == {204}


def test_path_for_fills_the_template_and_refuses_missing_segments() -> None:
    release = endpoints.RELEASE_CONNECTOR_QUARANTINE
    path = release.path_for(connector_id="c1", quarantine_id="q%2F1")
    assert path == "/v1/connectors/c1/quarantine/q%2F1/release"
    with pytest.raises(TypeError, match="quarantine_id"):
        release.path_for(connector_id="c1")
