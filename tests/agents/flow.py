"""The scripted agent every framework test drives: from an empty org to rows on a new branch.

A stand-in for an LLM that reads each tool result the way a model would (status, next step) and
picks the next call. Every framework test feeds it through that framework's own tool loop, and
everything it saw is kept for the secret scan.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

import attrs

from ardent_async.emulator import Emulator
from ardent_async.emulator.admin import TokenGrant

SOURCE_NAME = "sample"
BRANCH_NAME = "agent-1"
QUERY = "SELECT id, email FROM public.customers ORDER BY id"
#: Rows of public.customers in the emulator's sample source.
CUSTOMERS = 25

Call = tuple[str, dict[str, Any]]


def new_org(emulator: Emulator, name: str) -> TokenGrant:
    """An empty org of its own on the shared emulator (and its owner's token)."""
    return emulator.admin.create_org(name)


@attrs.define
class Script:
    """Decides the next tool call from the last result; ``None`` when done."""

    project_name: str = "agents"
    seen: list[str] = attrs.field(factory=list)
    calls: list[Call] = attrs.field(factory=list)
    project_id: str | None = None
    connector_id: str | None = None
    #: What to do once the operation being waited for completes.
    after_wait: str = ""
    rows: list[Any] | None = None
    done: bool = False

    def next(self, result: str | None) -> Call | None:
        """The next call, after reading ``result`` (the text the framework returned)."""
        if result is not None:
            self.seen.append(result)
        data = _parse(result)
        call = self._decide(data)
        if call is not None:
            self.calls.append(call)
        return call

    def _decide(self, data: dict[str, Any]) -> Call | None:
        if not self.calls:
            return ("list_projects", {})
        last = self.calls[-1][0]
        if "error" in data:
            raise AssertionError(f"{last} failed: {data['error']}")
        if last == "list_projects":
            assert data["projects"] == [], "the org starts empty"
            return ("create_project", {"name": self.project_name})
        if last == "create_project":
            self.project_id = data["project"]["id"]
            return ("preflight_connector", {"source": SOURCE_NAME})
        if last == "preflight_connector":
            assert data["report"]["preflight_pass"] is True, data
            return (
                "create_connector",
                {"project_id": self.project_id, "name": "sample", "source": SOURCE_NAME},
            )
        if last in ("create_connector", "setup_connector", "set_replica_identity_decisions"):
            return self._setup(data)
        if last == "create_branch" or (last == "wait_operation" and self.after_wait == "branch"):
            return self._branch(data)
        if last == "wait_operation":
            return self._waited(data)
        if last == "run_sql":
            self.rows = data["rows"]
            self.done = True
            return None
        raise AssertionError(f"unexpected step after {last}: {data}")

    def _setup(self, data: dict[str, Any]) -> Call:
        connector = data.get("connector") or {}
        self.connector_id = connector.get("id") or data.get("connector_id") or self.connector_id
        status = data.get("status")
        if status == "needs_decisions":
            decisions = [
                {"table": table, "decision": "replica_identity_full"}
                for table in data["tables_needing_decision"]
            ]
            return (
                "set_replica_identity_decisions",
                {"connector_id": self.connector_id, "decisions": decisions},
            )
        if status == "running":
            self.after_wait = "setup"
            return ("wait_operation", {"operation_id": data["operation_id"]})
        if status == "ready":
            return ("create_branch", {"connector_id": self.connector_id, "name": BRANCH_NAME})
        return ("setup_connector", {"connector_id": self.connector_id})

    def _waited(self, data: dict[str, Any]) -> Call:
        if data.get("status") == "running":
            return ("wait_operation", {"operation_id": data["operation_id"]})
        return ("setup_connector", {"connector_id": self.connector_id})

    def _branch(self, data: dict[str, Any]) -> Call:
        if data.get("status") == "running":
            self.after_wait = "branch"
            return ("wait_operation", {"operation_id": data["operation_id"]})
        self.after_wait = ""
        return (
            "run_sql",
            {"connector_id": self.connector_id, "branch": BRANCH_NAME, "sql": QUERY},
        )


def _parse(result: str | None) -> dict[str, Any]:
    if result is None:
        return {}
    text = result.strip()
    # Some frameworks wrap the tool's text (a list of content blocks, a repr): find the JSON.
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError:
        match = re.search(r"\{.*\}", text, re.DOTALL)
        assert match is not None, f"no JSON in tool result {text[:200]!r}"
        parsed = json.loads(match.group(0))
    if isinstance(parsed, list) and parsed and isinstance(parsed[0], dict) and "text" in parsed[0]:
        parsed = json.loads(parsed[0]["text"])
    assert isinstance(parsed, dict), parsed
    return parsed


def secrets_of(emulator: Emulator, token: str, branch_urls: Iterable[str]) -> list[str]:
    """The strings that must appear nowhere the model looks: the API token, the sample
    source's password and every branch's password."""
    from urllib.parse import urlsplit

    found = [token]
    for url in [emulator.sample_source_url or "", *branch_urls]:
        password = urlsplit(url).password
        if password:
            found.append(password)
    return found


async def branch_urls(emulator: Emulator, grant: TokenGrant, connector_id: str) -> list[str]:
    client = emulator.client(grant.token)
    try:
        return [
            row.branch_url for row in await client.branches.list(connector_id) if row.branch_url
        ]
    finally:
        await client.close()


def assert_no_secrets(texts: Iterable[str], secrets: Iterable[str]) -> None:
    blob = "\n".join(texts)
    assert blob, "nothing was scanned"
    for secret in secrets:
        assert len(secret) >= 8, "a secret too short to scan for"
        assert secret not in blob, "a secret reached the model"
