"""The tool dispatcher against the emulator: real calls, JSON results, masked secrets."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ardent_async import ArdentClient
from ardent_async.agents import ArdentTools
from ardent_async.emulator import Emulator
from ardent_async.errors import ArdentValidationError, NotFoundError
from tests.emulator.helpers import ready_connector

SOURCE = {"url": "postgresql://app:src-pw-123@db.example.com:5432/app"}


@pytest.fixture
def ardent_emulator_options() -> dict[str, Any]:
    return {"validate_responses": True, "op_duration": 0.01}


def _password(url: str) -> str:
    return url.split("://", 1)[1].split("@", 1)[0].split(":", 1)[1]


def _requests(emulator: Emulator) -> int:
    return len(emulator.admin.requests())


async def test_create_branch_waits_and_masks_the_url(ardent_client: ArdentClient) -> None:
    _, connector = await ready_connector(ardent_client, source=SOURCE)
    tools = ArdentTools(ardent_client)

    branch = await tools.run_or_raise(
        "create_branch", {"connector_id": connector.id, "name": "ci-1"}
    )

    assert branch["name"] == "ci-1"
    assert branch["connector_id"] == connector.id
    assert branch["branch_url"].startswith("postgresql://")
    assert _password(branch["branch_url"]) == "***"
    json.dumps(branch)
    # The real branch exists and its URL has a real password the tool did not show.
    (row,) = await ardent_client.branches.list(connector.id)
    assert row.id == branch["branch_id"]
    assert row.branch_url is not None
    assert _password(row.branch_url) not in ("", "***")
    assert _password(row.branch_url) not in json.dumps(branch)


async def test_revealing_connection_urls_is_opt_in(ardent_client: ArdentClient) -> None:
    _, connector = await ready_connector(ardent_client, source=SOURCE)
    tools = ArdentTools(ardent_client, reveal_connection_urls=True)

    branch = await tools.run_or_raise(
        "create_branch", {"connector_id": connector.id, "name": "ci-2"}
    )
    (row,) = await ardent_client.branches.list(connector.id)
    assert branch["branch_url"] == row.branch_url

    listed = await tools.run_or_raise("list_branches", {"connector_id": connector.id})
    assert [b["branch_url"] for b in listed] == [row.branch_url]

    handle = await tools.run_or_raise(
        "create_branch", {"connector_id": connector.id, "name": "ci-2b", "wait": False}
    )
    done = await tools.run_or_raise("wait_operation", {"operation_id": handle["operation_id"]})
    second = await ardent_client.branches.get(connector.id, "ci-2b")
    assert done["result"]["branch_url"] == second.branch_url


async def test_create_without_wait_then_follow_the_operation(ardent_client: ArdentClient) -> None:
    _, connector = await ready_connector(ardent_client, source=SOURCE)
    tools = ArdentTools(ardent_client)

    handle = await tools.run_or_raise(
        "create_branch", {"connector_id": connector.id, "name": "ci-3", "wait": False}
    )
    assert handle["type"] == "branch_create"
    assert handle["status"] in ("pending", "running")

    polled = await tools.run_or_raise(
        "get_operation", {"operation_id": handle["operation_id"], "wait": 5}
    )
    assert polled["id"] == handle["operation_id"]
    done = await tools.run_or_raise("wait_operation", {"operation_id": handle["operation_id"]})
    assert done["status"] == "completed"
    assert done["result"]["name"] == "ci-3"
    assert _password(done["result"]["branch_url"]) == "***"

    listed = await tools.run_or_raise("list_branches", {"connector_id": connector.id})
    assert [b["name"] for b in listed] == ["ci-3"]
    assert all(_password(b["branch_url"]) == "***" for b in listed)


async def test_list_connectors_and_delete_one(
    ardent_client: ArdentClient, ardent_emulator: Emulator
) -> None:
    _, connector = await ready_connector(ardent_client, source=SOURCE)
    tools = ArdentTools(ardent_client)

    listed = await tools.run_or_raise("list_connectors", {"org_id": ardent_emulator.org_id})
    assert [c["id"] for c in listed] == [connector.id]
    assert "src-pw-123" not in json.dumps(listed)

    handle = await tools.run_or_raise("delete_connector", {"connector_id": connector.id})
    assert handle["type"] == "connector_delete"
    await tools.run_or_raise(
        "wait_operation", {"operation_id": handle["operation_id"], "wait_timeout": 30}
    )
    assert await tools.run_or_raise("list_connectors", {"org_id": ardent_emulator.org_id}) == []


async def test_preflight_reports_checks_without_echoing_the_password(
    ardent_client: ArdentClient,
) -> None:
    tools = ArdentTools(ardent_client)
    details = {**SOURCE, "emulate_failed_checks": ["wal_level"]}

    outcome = await tools.run("preflight_connector", {"connection_details": details})

    assert not outcome.is_error
    assert outcome.data["preflight_pass"] is False
    assert "wal_level" in outcome.content
    assert "src-pw-123" not in outcome.content


async def test_bad_arguments_are_refused_before_any_request(
    ardent_client: ArdentClient, ardent_emulator: Emulator
) -> None:
    tools = ArdentTools(ardent_client)
    before = _requests(ardent_emulator)

    with pytest.raises(ArdentValidationError) as caught:
        await tools.run_or_raise("create_branch", {"connector_id": "conn_1"})
    assert caught.value.field == "name"

    outcome = await tools.run("get_operation", '{"operation_id": "op_1", "wait": 60}')
    assert outcome.is_error
    assert outcome.data["error"]["type"] == "ArdentValidationError"
    assert outcome.data["error"]["argument"] == "wait"
    assert json.loads(outcome.content) == outcome.data

    outcome = await tools.run("drop_database", {})
    assert outcome.data["error"]["argument"] == "name"
    assert "create_branch" in outcome.data["error"]["message"]

    assert _requests(ardent_emulator) == before


async def test_api_errors_become_error_outcomes(ardent_client: ArdentClient) -> None:
    tools = ArdentTools(ardent_client)

    with pytest.raises(NotFoundError):
        await tools.run_or_raise("list_branches", {"connector_id": "conn_missing"})

    outcome = await tools.run("list_branches", {"connector_id": "conn_missing"})
    assert outcome.is_error
    assert outcome.data["error"]["type"] == "NotFoundError"
    assert outcome.data["error"]["status_code"] == 404


async def test_arguments_as_json_text_like_openai_sends_them(ardent_client: ArdentClient) -> None:
    _, connector = await ready_connector(ardent_client, source=SOURCE)
    tools = ArdentTools(ardent_client)
    arguments = json.dumps({"connector_id": connector.id, "name": "from-text"})

    outcome = await tools.run("create_branch", arguments)

    assert not outcome.is_error, outcome.content
    assert json.loads(outcome.content)["name"] == "from-text"


async def test_offering_only_some_tools(ardent_client: ArdentClient) -> None:
    tools = ArdentTools(ardent_client, tools=["list_branches", "create_branch"])
    assert tools.names == ["list_branches", "create_branch"]
    assert [t["name"] for t in tools.anthropic_tools()] == tools.names
    assert [t["function"]["name"] for t in tools.openai_tools()] == tools.names
    outcome = await tools.run("delete_connector", {"connector_id": "conn_1"})
    assert outcome.is_error
    assert "no tool 'delete_connector'" in outcome.data["error"]["message"]
