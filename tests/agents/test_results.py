"""Tool results: plain JSON data with the spec's sensitive fields masked."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from ardent_async._core._converter import converter
from ardent_async.agents._results import masked, plain
from ardent_async.models import AsyncOperationResponse, BranchRow, OperationStatus, OperationType

BRANCH_URL = "postgresql://br_1:branch-pw@127.0.0.1:5432/br_1"
SOURCE_URL = "postgresql://app:source-pw@db.example.com/app"


def _data() -> dict[str, object]:
    return {
        "branch_url": BRANCH_URL,
        "pooled_branch_url": BRANCH_URL,
        "api_key": "sk-ard_live_abcdefgh",
        "connection_details": {"url": SOURCE_URL, "password": "pw-field", "host": "db"},
        "result": {"branch_id": "br_1", "branch_url": BRANCH_URL},
        "note": f"connect with {SOURCE_URL}",
        "token": "tok-123456",
        "rows": [{"branch_url": BRANCH_URL}],
    }


def test_secrets_are_masked_by_default() -> None:
    out = masked(_data(), reveal_connection_urls=False)
    text = json.dumps(out)
    for secret in ("branch-pw", "source-pw", "pw-field", "abcdefgh", "tok-123456"):
        assert secret not in text
    assert out["branch_url"] == "postgresql://br_1:***@127.0.0.1:5432/br_1"
    assert out["result"]["branch_id"] == "br_1"
    assert out["connection_details"]["host"] == "db"
    assert out["rows"][0]["branch_url"] == out["branch_url"]


def test_revealing_shows_connection_urls_only() -> None:
    out = masked(_data(), reveal_connection_urls=True)
    assert out["branch_url"] == BRANCH_URL
    assert out["pooled_branch_url"] == BRANCH_URL
    assert out["result"]["branch_url"] == BRANCH_URL
    assert out["rows"][0]["branch_url"] == BRANCH_URL
    text = json.dumps(out)
    for secret in ("source-pw", "pw-field", "abcdefgh", "tok-123456"):
        assert secret not in text


def test_models_become_plain_json() -> None:
    row = converter.structure(
        {
            "id": "br_1",
            "name": "ci",
            "connector_id": "conn_1",
            "created_at": "2026-01-02T03:04:05Z",
            "service_type": "postgres",
            "status": "ready",
            "tags": ["nightly"],
        },
        BranchRow,
    )
    data = plain([row])
    assert data == [
        {
            "connector_id": "conn_1",
            "created_at": "2026-01-02T03:04:05+00:00",
            "id": "br_1",
            "name": "ci",
            "service_type": "postgres",
            "status": "ready",
            "tags": ["nightly"],
        }
    ]
    operation = AsyncOperationResponse(
        id="op_1",
        org_id="org_1",
        type=OperationType.BRANCH_CREATE,
        resource_id=None,
        status=OperationStatus.COMPLETED,
        created_at=datetime(2026, 1, 1, tzinfo=timezone.utc),
        updated_at=datetime(2026, 1, 1, tzinfo=timezone.utc),
    )
    assert plain(operation)["status"] == "completed"
    json.dumps(plain(operation))
