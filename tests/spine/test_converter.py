"""The one converter: forward compatible, strict about what is required, typed errors."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from ardent_async._converter import converter
from ardent_async.errors import ArdentResponseError
from ardent_async.models import (
    APIKeyCreateResponse,
    AsyncOperationResponse,
    BranchRow,
    CreateConnectorRequest,
    OperationStatus,
    OperationType,
)

OPERATION: dict[str, Any] = {
    "id": "op_1",
    "org_id": "org_1",
    "type": "branch_create",
    "resource_id": "br_1",
    "status": "running",
    "created_at": "2026-11-25T10:00:00Z",
    "updated_at": "2026-11-25T10:00:01.250000+00:00",
    "progress": 40,
}
BRANCH: dict[str, Any] = {
    "id": "br_1",
    "name": "pr-1",
    "connector_id": "conn_1",
    "service_type": "postgres",
    "status": "ready",
    "created_at": "2026-11-25T10:00:00Z",
    "branch_url": "postgresql://u_br1:hunter2hunter2@127.0.0.1:5432/br1",
}


def test_decodes_iso_datetimes_and_enums() -> None:
    op = converter.structure(OPERATION, AsyncOperationResponse)
    assert op.created_at == datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)
    assert op.updated_at.microsecond == 250000
    assert op.status is OperationStatus.RUNNING
    assert op.type is OperationType.BRANCH_CREATE
    assert op.result is None


def test_unknown_enum_values_decode() -> None:
    op = converter.structure(
        {**OPERATION, "type": "branch_teleport", "status": "paused"}, AsyncOperationResponse
    )
    assert op.type == "branch_teleport"
    assert op.type.is_known is False
    assert op.status == "paused"
    assert isinstance(op.type, OperationType)


def test_unknown_fields_ignored_or_kept_in_extra() -> None:
    op = converter.structure({**OPERATION, "shard": 7}, AsyncOperationResponse)
    assert not hasattr(op, "extra")  # AsyncOperationResponse does not allow more fields
    branch = converter.structure({**BRANCH, "tags": ["ci"]}, BranchRow)
    assert branch.extra == {"tags": ["ci"]}


@pytest.mark.parametrize(
    ("payload", "path", "message"),
    [
        (
            {k: v for k, v in BRANCH.items() if k != "created_at"},
            "BranchRow.created_at",
            "required field missing",
        ),
        ({**BRANCH, "name": None}, "BranchRow.name", "expected a string, got null"),
        ({**BRANCH, "name": 12}, "BranchRow.name", "expected a string, got int"),
        ({**BRANCH, "created_at": "yesterday"}, "BranchRow.created_at", "ISO 8601"),
        ([BRANCH], "BranchRow", "expected an object, got an array"),
    ],
)
def test_bad_payloads_raise_typed_error_naming_field(payload: Any, path: str, message: str) -> None:
    with pytest.raises(ArdentResponseError) as info:
        converter.structure(payload, BranchRow)
    assert info.value.path == path
    assert info.value.model == "BranchRow"
    assert message in str(info.value)


def test_list_error_path_has_index() -> None:
    with pytest.raises(ArdentResponseError) as info:
        converter.structure([BRANCH, {**BRANCH, "id": None}], list[BranchRow])
    assert info.value.path == "BranchRow[][1].id"


def test_secrets_masked_in_model_repr() -> None:
    branch = converter.structure(BRANCH, BranchRow)
    assert "hunter2hunter2" not in repr(branch)
    assert "u_br1:***@127.0.0.1" in repr(branch)
    assert branch.branch_url == BRANCH["branch_url"]  # the value itself is intact
    key = APIKeyCreateResponse(
        api_key="sk-ard_live_abcdefSECRET",
        api_key_id="k1",
        name="ci",
        key_prefix="sk-ard_live_ab",
        scopes=[],
        created_at=datetime.now(timezone.utc),
        warning="store it",
        role_id="r",
        role_key="role_org_member",
    )
    assert "abcdefSECRET" not in repr(key)


def test_request_body_omits_none_and_masks_repr() -> None:
    request = CreateConnectorRequest(
        project_id="p1",
        name="prod",
        service_name="postgresql",
        connection_details={"url": "postgresql://u:s3cretpw@h/db"},
    )
    body = converter.body(request)
    assert body == {
        "project_id": "p1",
        "name": "prod",
        "service_name": "postgresql",
        "connection_details": {"url": "postgresql://u:s3cretpw@h/db"},
        "allow_high_rtt_placement": False,
        "use_environment": False,
    }
    assert "s3cretpw" not in repr(request)
