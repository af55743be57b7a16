"""The dispatcher against the API-only emulator: bounded waits, resumable creates, scope
pinning, confirmation of deletes, sources by reference and masked secrets."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from ardent_async import ArdentClient
from ardent_async.agents import ArdentTools
from ardent_async.emulator import Emulator
from ardent_async.errors import ArdentValidationError
from tests.emulator.helpers import ready_connector

SOURCE_URL = "postgresql://app:src-pw-123456@db.example.com:5432/app"
SOURCE = {"url": SOURCE_URL}


@pytest.fixture
def ardent_emulator_options() -> dict[str, Any]:
    return {"validate_responses": True, "op_duration": 0.01}


def _tools(client: ArdentClient, emulator: Emulator, **options: Any) -> ArdentTools:
    return ArdentTools(client, org_id=emulator.org_id, sources={"app": SOURCE_URL}, **options)


def _password(url: str) -> str:
    return url.split("://", 1)[1].split("@", 1)[0].split(":", 1)[1]


def test_no_org_refuses_to_start_and_says_how_to_set_one(
    ardent_client: ArdentClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ARDENT_ORG_ID", raising=False)
    with pytest.raises(ArdentValidationError) as caught:
        ArdentTools(ardent_client)
    assert caught.value.field == "org_id"
    assert "ARDENT_ORG_ID" in str(caught.value)
    assert "org_id=" in str(caught.value)
    monkeypatch.setenv("ARDENT_ORG_ID", "org_from_env")
    assert ArdentTools(ardent_client).org_id == "org_from_env"


async def test_create_branch_ready_within_the_short_wait(
    ardent_client: ArdentClient, ardent_emulator: Emulator
) -> None:
    _, connector = await ready_connector(ardent_client, source=SOURCE)
    tools = _tools(ardent_client, ardent_emulator)
    heard: list[str] = []

    async def progress(done: float, total: float | None, message: str) -> None:
        heard.append(message)

    data = await tools.run_or_raise(
        "create_branch", {"connector_id": connector.id, "name": "ci-1"}, progress=progress
    )
    assert data["status"] == "ready"
    branch = data["branch"]
    assert branch["name"] == "ci-1"
    assert _password(branch["branch_url"]) == "***"
    assert heard
    assert heard[0] == "creating branch 'ci-1'"
    (row,) = await ardent_client.branches.list(connector.id)
    assert row.branch_url is not None
    assert _password(row.branch_url) not in json.dumps(data)

    revealing = _tools(ardent_client, ardent_emulator, reveal_connection_urls=True)
    again = await revealing.run_or_raise(
        "get_branch", {"connector_id": connector.id, "branch": "ci-1"}
    )
    assert again["branch"]["branch_url"] == row.branch_url


async def test_a_slow_create_hands_back_the_operation_and_a_retry_resumes_it(
    ardent_client: ArdentClient,
) -> None:
    async with Emulator(op_duration=1.5) as slow:
        client = slow.client()
        try:
            _, connector = await ready_connector(client, source=SOURCE)
            tools = ArdentTools(client, org_id=slow.org_id, create_wait=0.2)
            arguments = {"connector_id": connector.id, "name": "slow-1"}
            first = await tools.run_or_raise("create_branch", arguments)
            assert first["status"] == "running"
            assert "wait_operation" in first["next"]
            # The model's natural retry: same arguments, same derived key, same operation.
            second = await tools.run_or_raise("create_branch", arguments)
            assert second["operation_id"] == first["operation_id"]
            done: dict[str, Any] = {"status": "running"}
            for _ in range(30):
                done = await tools.run_or_raise(
                    "wait_operation", {"operation_id": first["operation_id"]}
                )
                if done["status"] != "running":
                    break
            assert done["status"] == "completed"
            third = await tools.run_or_raise("create_branch", arguments)
            assert third["status"] == "ready"
            assert third["branch"]["branch_id"] == done["operation"]["result"]["branch_id"]
            assert [row.name for row in await client.branches.list(connector.id)] == ["slow-1"]
        finally:
            await client.close()


async def test_pinned_scope_refuses_other_ids_before_any_request(
    ardent_client: ArdentClient, ardent_emulator: Emulator
) -> None:
    project, connector = await ready_connector(ardent_client, source=SOURCE)
    elsewhere = {"url": SOURCE_URL.replace("db.example", "db2.example")}
    _, other = await ready_connector(ardent_client, name="other", source=elsewhere)
    pinned = _tools(ardent_client, ardent_emulator, connector_id=connector.id)
    before = len(ardent_emulator.admin.requests())
    refused = await pinned.run("list_branches", {"connector_id": other.id})
    assert refused.is_error
    assert refused.data["error"]["argument"] == "connector_id"
    assert "refused" in refused.data["error"]["message"]
    assert len(ardent_emulator.admin.requests()) == before
    assert (await pinned.run_or_raise("list_branches", {}))["branches"] == []
    listed = await pinned.run_or_raise("list_connectors", {})
    assert [c["id"] for c in listed["connectors"]] == [connector.id]

    by_project = _tools(ardent_client, ardent_emulator, project_id=project.id)
    outside = await by_project.run("get_connector", {"connector_id": other.id})
    assert outside.is_error
    assert outside.data["error"]["argument"] == "connector_id"
    inside = await by_project.run_or_raise("get_connector", {"connector_id": connector.id})
    assert inside["connector"]["id"] == connector.id
    projects = await by_project.run_or_raise("list_projects", {})
    assert [p["id"] for p in projects["projects"]] == [project.id]
    assert (await by_project.run("create_project", {"name": "x"})).is_error


async def test_deletes_need_writes_and_a_confirmation(
    ardent_client: ArdentClient, ardent_emulator: Emulator
) -> None:
    _, connector = await ready_connector(ardent_client, source=SOURCE)
    assert "delete_connector" not in _tools(ardent_client, ardent_emulator).names
    tools = _tools(ardent_client, ardent_emulator, allow_writes=True)
    arguments = {"connector_id": connector.id}
    asked = await tools.run_or_raise("delete_connector", arguments)
    assert asked["status"] == "confirmation_required"
    assert await ardent_client.connectors.get(connector.id)  # nothing deleted yet

    forged = await tools.run("delete_connector", {**arguments, "confirm": "confirm-1-abc"})
    assert forged.is_error
    assert forged.data["error"]["argument"] == "confirm"
    other_args = await tools.run(
        "delete_connector", {**arguments, "force": True, "confirm": asked["confirm"]}
    )
    assert other_args.is_error  # the token is bound to the exact arguments

    async def decline(message: str) -> bool:
        assert connector.id in message
        return False

    declined = await tools.run("delete_connector", arguments, confirm=decline)
    assert declined.is_error
    assert "declined" in declined.data["error"]["message"]

    done = await tools.run_or_raise("delete_connector", {**arguments, "confirm": asked["confirm"]})
    assert done["operation"]["operation_id"]


async def test_sources_by_reference_keep_the_password_out(
    ardent_client: ArdentClient, ardent_emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    tools = _tools(ardent_client, ardent_emulator)
    report = await tools.run("preflight_connector", {"source": "app"})
    assert not report.is_error, report.content
    assert "checks" in report.data["report"]
    unknown = await tools.run("preflight_connector", {"source": "nope"})
    assert unknown.is_error
    assert "one of app" in unknown.data["error"]["message"]
    raw = await tools.run("preflight_connector", {"connection_url": SOURCE_URL})
    assert raw.is_error  # raw URLs only when the operator allows them
    allowed = _tools(ardent_client, ardent_emulator, allow_connection_details=True)
    assert not (await allowed.run("preflight_connector", {"connection_url": SOURCE_URL})).is_error
    seen = [report.content, unknown.content, raw.content] + [r.getMessage() for r in caplog.records]
    assert "src-pw-123456" not in "\n".join(seen)
    assert ardent_emulator.token not in "\n".join(seen)


async def test_api_errors_and_bad_arguments_are_error_outcomes(
    ardent_client: ArdentClient, ardent_emulator: Emulator
) -> None:
    tools = _tools(ardent_client, ardent_emulator)
    missing = await tools.run("list_branches", {"connector_id": "conn_missing"})
    assert missing.is_error
    assert missing.data["error"]["status_code"] == 404
    bad = await tools.run("list_branches", '{"connector_id": 42}')
    assert bad.is_error
    assert bad.data["error"]["argument"] == "connector_id"
    unknown = await tools.run("drop_database", {})
    assert unknown.is_error
    assert unknown.data["error"]["argument"] == "name"


async def test_instructions_name_only_the_offered_tools(
    ardent_client: ArdentClient, ardent_emulator: Emulator
) -> None:
    everything = _tools(ardent_client, ardent_emulator, allow_writes=True).instructions
    assert "create_branch" in everything
    assert "confirmation" in everything
    few = _tools(ardent_client, ardent_emulator, tools=["list_branches", "run_sql"]).instructions
    assert "list_branches" in few
    assert "run_sql" in few
    assert "create_branch" not in few
    assert "list_connectors" not in few
    assert "READ ONLY" in few
