"""Never stricter than the published contract: every reply it allows decodes.

For each of the 35 published operations, replies drawn from the **published** response schema
(``ardent_async/_spec/ardent-public-openapi.json``, hypothesis-jsonschema, derandomized) are
served by a real local aiohttp server to the public SDK method, which must return without
error. Then broken replies (a required field dropped, nulled or of the wrong JSON type, at top
level, nested and in list items; each confirmed invalid by a full JSON Schema validator) must
raise ArdentResponseError. The counts are printed at the end of the run (conftest).
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from ardent_async import ArdentClient
from ardent_async._core._converter import converter
from ardent_async.errors import ArdentResponseError
from tests.contract.counts import TRIED
from tests.contract.replies import (
    allowed_replies,
    broken_replies,
    published_responses,
    validator,
    with_sdk_names,
)
from tests.spine.scripted import AiohttpBackend, Reply

# Per operation and status; the whole module stays well under a minute.
EXAMPLES = int(os.environ.get("ARDENT_CONTRACT_EXAMPLES", "20"))

Call = Callable[[ArdentClient], Awaitable[Any]]
IDS = {
    "connector_id": "con_1",
    "org_id": "org_1",
    "project_id": "prj_1",
    "operation_id": "op_1",
    "api_key_id": "key_1",
    "invite_id": "inv_1",
    "target_user_id": "usr_1",
    "quarantine_id": "qua_1",
}
DETAILS = {"host": "db.example.com", "port": 5432, "database": "app"}

CALLS: dict[tuple[str, str], Call] = {
    ("POST", "/v1/branch/create"): lambda c: c.branches.create("con_1", "pr-1"),
    ("GET", "/v1/branches/{connector_id}"): lambda c: c.branches.list("con_1"),
    ("GET", "/v1/connectors"): lambda c: c.connectors.list("org_1"),
    ("POST", "/v1/connectors"): lambda c: c.connectors.create("prj_1", "prod", DETAILS),
    ("POST", "/v1/connectors/preflight"): lambda c: c.connectors.preflight(DETAILS),
    ("DELETE", "/v1/connectors/{connector_id}"): lambda c: c.connectors.delete("con_1"),
    ("GET", "/v1/connectors/{connector_id}"): lambda c: c.connectors.get("con_1"),
    ("PUT", "/v1/connectors/{connector_id}"): lambda c: c.connectors.update("con_1", name="n"),
    ("DELETE", "/v1/connectors/{connector_id}/deletion-lock"): lambda c: (
        c.connectors.unlock_deletion("con_1")
    ),
    ("POST", "/v1/connectors/{connector_id}/deletion-lock"): lambda c: c.connectors.lock_deletion(
        "con_1", reason="audit"
    ),
    ("POST", "/v1/connectors/{connector_id}/discover"): lambda c: c.connectors.discover("con_1"),
    ("POST", "/v1/connectors/{connector_id}/engine-setup"): lambda c: c.connectors.engine_setup(
        "con_1"
    ),
    ("GET", "/v1/connectors/{connector_id}/quarantine"): lambda c: c.connectors.list_quarantines(
        "con_1"
    ),
    ("POST", "/v1/connectors/{connector_id}/quarantine/{quarantine_id}/release"): lambda c: (
        c.connectors.release_quarantine("con_1", "qua_1")
    ),
    ("PUT", "/v1/connectors/{connector_id}/replica-identity-decisions"): lambda c: (
        c.connectors.set_replica_identity_decisions("con_1", {"public.t": "exclude"})
    ),
    ("POST", "/v1/connectors/{connector_id}/selection"): lambda c: c.connectors.set_selection(
        "con_1", ["*"]
    ),
    ("GET", "/v1/operations/{operation_id}"): lambda c: c.operations.get("op_1"),
    ("DELETE", "/v1/orgs/{org_id}"): lambda c: c.orgs.delete("org_1"),
    ("GET", "/v1/orgs/{org_id}"): lambda c: c.orgs.get("org_1"),
    ("PATCH", "/v1/orgs/{org_id}"): lambda c: c.orgs.update("org_1", name="n"),
    ("GET", "/v1/orgs/{org_id}/api-keys"): lambda c: c.orgs.list_api_keys("org_1"),
    ("POST", "/v1/orgs/{org_id}/api-keys"): lambda c: c.orgs.create_api_key(
        "org_1", "ci", role_id="role_org_member"
    ),
    ("DELETE", "/v1/orgs/{org_id}/api-keys/{api_key_id}"): lambda c: c.orgs.revoke_api_key(
        "org_1", "key_1"
    ),
    ("POST", "/v1/orgs/{org_id}/invite"): lambda c: c.orgs.invite("org_1", "a@example.com"),
    ("GET", "/v1/orgs/{org_id}/invites"): lambda c: c.orgs.list_invites("org_1"),
    ("DELETE", "/v1/orgs/{org_id}/invites/{invite_id}"): lambda c: c.orgs.revoke_invite(
        "org_1", "inv_1"
    ),
    ("GET", "/v1/orgs/{org_id}/members"): lambda c: c.orgs.list_members("org_1"),
    ("DELETE", "/v1/orgs/{org_id}/members/{target_user_id}"): lambda c: c.orgs.remove_member(
        "org_1", "usr_1"
    ),
    ("PATCH", "/v1/orgs/{org_id}/members/{target_user_id}"): lambda c: c.orgs.update_member_role(
        "org_1", "usr_1", role_key="admin"
    ),
    ("GET", "/v1/orgs/{org_id}/roles"): lambda c: c.orgs.list_roles("org_1"),
    ("GET", "/v1/projects"): lambda c: c.projects.list("org_1"),
    ("POST", "/v1/projects"): lambda c: c.projects.create("p"),
    ("DELETE", "/v1/projects/{project_id}"): lambda c: c.projects.delete("prj_1"),
    ("GET", "/v1/projects/{project_id}"): lambda c: c.projects.get("prj_1"),
    ("PATCH", "/v1/projects/{project_id}"): lambda c: c.projects.update("prj_1", name="n"),
}


def _responses() -> dict[tuple[str, str, int], dict[str, Any] | None]:
    from ardent_async._spec import load_published_spec

    return published_responses(load_published_spec())


def _drawn_from(method: str, path: str, status: int, schema: dict[str, Any]) -> dict[str, Any]:
    """The published schema, with our spec's names for its free-form objects (see replies)."""
    from ardent_async._spec import load_spec

    spec = load_spec()
    response = spec["paths"][path][method.lower()]["responses"][str(status)]
    ours = response["content"]["application/json"]["schema"]
    body = {k: v for k, v in schema.items() if k != "$defs"}
    return {**with_sdk_names(body, ours, spec), "$defs": schema["$defs"]}


RESPONSES = _responses()


@pytest.fixture
async def server() -> AsyncIterator[AiohttpBackend]:
    """A real aiohttp server answering every request with the reply set by ``serve``."""
    async with AiohttpBackend() as backend:
        yield backend


def serve(server: AiohttpBackend, status: int, reply: Any = None, *, empty: bool = False) -> None:
    """Answer every request from now on with ``status`` and ``reply`` (JSON; or no body)."""
    server.script.default = Reply(status, raw=b"" if empty else json.dumps(reply).encode())


def requests_seen(server: AiohttpBackend) -> list[tuple[str, str]]:
    return [(seen.method, seen.path) for seen in server.script.seen]


@pytest.fixture
async def client(server: AiohttpBackend) -> AsyncIterator[ArdentClient]:
    async with ArdentClient("sk-ard_test_contract", base_url=server.base_url, max_retries=0) as c:
        yield c


def test_every_published_operation_is_covered() -> None:
    published = {(method, path) for method, path, _ in RESPONSES}
    assert len(published) == 35
    assert published == set(CALLS)


@pytest.fixture
def fast_decoder_checked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every decode also runs the detailed converter, which must give an equal model: the fast
    one's compiled code is a speed-up, never another result. Yields the number compared."""
    compared = [0]
    fast = converter.structure

    def structure(data: Any, tp: Any, status_code: int | None = None) -> Any:
        value = fast(data, tp, status_code)
        assert value == converter._detailed.structure(data, tp), f"{tp} from {data!r:.300}"
        compared[0] += 1
        return value

    monkeypatch.setattr(converter, "structure", structure)
    return compared


@pytest.mark.parametrize(
    ("method", "path", "status"),
    sorted(RESPONSES),
    ids=[f"{m} {p} {s}" for m, p, s in sorted(RESPONSES)],
)
async def test_allowed_replies_decode_and_broken_ones_raise(
    server: AiohttpBackend,
    client: ArdentClient,
    fast_decoder_checked: list[int],
    method: str,
    path: str,
    status: int,
) -> None:
    schema = RESPONSES[(method, path, status)]
    call = CALLS[(method, path)]
    expected_path = path.format(**IDS)
    tried = TRIED.setdefault(f"{method} {path} ({status})", [0, 0])
    if schema is None:  # documented without a body
        serve(server, status, empty=True)
        assert await call(client) is None
        tried[0] += 1
        assert requests_seen(server) == [(method, expected_path)]
        return
    check = validator(schema)
    replies = allowed_replies(_drawn_from(method, path, status, schema), EXAMPLES)
    assert len(replies) >= min(EXAMPLES, 3)
    for reply in replies:
        assert check.is_valid(reply)
        serve(server, status, reply)
        try:
            await call(client)
        except ArdentResponseError as exc:
            pytest.fail(f"an allowed reply was refused: {exc}\nreply: {json.dumps(reply)[:2000]}")
        tried[0] += 1
    assert fast_decoder_checked[0] >= len(replies)
    for where, reply in broken_replies(schema):
        serve(server, status, reply)
        try:
            await call(client)
        except ArdentResponseError:
            tried[1] += 1
        else:
            pytest.fail(f"a broken reply ({where}) was accepted: {json.dumps(reply)[:2000]}")
    assert set(requests_seen(server)) == {(method, expected_path)}
