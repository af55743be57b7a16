"""``client.orgs`` (details, members, invites, roles, API keys) over httpx, answered by respx."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime, timezone
from typing import Any

import httpx
import pytest
import respx

from ardent_async import (
    ArdentAuthError,
    ArdentClient,
    ArdentValidationError,
    NotFoundError,
    ServerError,
)
from ardent_async._core._transport._httpx import HttpxTransport
from ardent_async.models import APIKeyCreateResponse, OrgDetails
from ardent_async.services import OrgsService
from tests.fakes import FakeClock

BASE = "https://api.test"
TOKEN = "sk-ard_test_OrgsTokenValue0042"
NEW_KEY = "sk-ard_live_Br4ndNewSecretKeyBody"

MEMBER = {
    "user_id": "u1",
    "email": "ada@example.com",
    "full_name": "Ada",
    "role_key": "admin",
    "joined_at": "2026-01-02T03:04:05Z",
}
INVITE = {"id": "i1", "email": "bob@example.com", "role_key": "member"}
CREATED_KEY = {
    "api_key": NEW_KEY,
    "api_key_id": "k1",
    "created_at": "2026-01-02T03:04:05Z",
    "expires_at": None,
    "key_prefix": "sk-ard_live_Br4n",
    "name": "ci",
    "role_id": "role_org_member",
    "role_key": "member",
    "scopes": ["connectors.read"],
    "warning": "store it now",
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


def assert_call(
    request: httpx.Request, method: str, path: str, body: Any = None, query: str = ""
) -> None:
    assert request.method == method
    assert request.url.raw_path.decode().split("?")[0] == path
    assert request.url.query.decode() == query
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert "x-idempotency-key" not in request.headers
    if body is None:
        assert request.content == b""
        assert "content-type" not in request.headers
    else:
        assert request.headers["content-type"] == "application/json"
        assert json.loads(request.content) == body


async def test_get_keeps_unknown_fields(router: respx.MockRouter, client: ArdentClient) -> None:
    router.get("/v1/orgs/o1").respond(
        200, json={"id": "o1", "name": "Acme", "created_at": "2026-01-02T03:04:05Z", "plan": "pro"}
    )
    org = await client.orgs.get("o1")
    assert_call(only_request(router), "GET", "/v1/orgs/o1")
    assert isinstance(org, OrgDetails)
    assert org.name == "Acme"
    assert org.created_at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert org.extra == {"plan": "pro"}


async def test_update_renames_and_may_be_retried(
    router: respx.MockRouter, client: ArdentClient
) -> None:
    route = router.patch("/v1/orgs/o1")
    route.side_effect = [
        httpx.Response(502, json={"detail": "bad gateway"}),
        httpx.Response(200, json={"id": "o1", "name": "Acme 2"}),
    ]
    org = await client.orgs.update("o1", name="Acme 2")
    assert route.call_count == 2
    assert_call(router.calls.last.request, "PATCH", "/v1/orgs/o1", {"name": "Acme 2"})
    assert org.name == "Acme 2"


async def test_delete_accepts_204_without_body(
    router: respx.MockRouter, client: ArdentClient
) -> None:
    router.delete("/v1/orgs/o1").respond(204)
    assert await client.orgs.delete("o1") is None
    assert_call(only_request(router), "DELETE", "/v1/orgs/o1")


async def test_members_list_update_and_remove(
    router: respx.MockRouter, client: ArdentClient
) -> None:
    router.get("/v1/orgs/o1/members").respond(200, json=[{**MEMBER, "avatar": "a.png"}])
    members = await client.orgs.list_members("o1")
    assert_call(only_request(router), "GET", "/v1/orgs/o1/members")
    assert [(m.user_id, m.role_key, m.extra) for m in members] == [
        ("u1", "admin", {"avatar": "a.png"})
    ]

    router.reset()
    router.patch("/v1/orgs/o1/members/u1").respond(200, json={**MEMBER, "role_key": "viewer"})
    member = await client.orgs.update_member_role("o1", "u1", role_key="viewer")
    assert_call(only_request(router), "PATCH", "/v1/orgs/o1/members/u1", {"role_key": "viewer"})
    assert member.role_key == "viewer"

    router.reset()
    router.delete("/v1/orgs/o1/members/u1").respond(204)
    assert await client.orgs.remove_member("o1", "u1") is None
    assert_call(only_request(router), "DELETE", "/v1/orgs/o1/members/u1")


async def test_invite_list_and_revoke(router: respx.MockRouter, client: ArdentClient) -> None:
    router.post("/v1/orgs/o1/invite").respond(200, json={**INVITE, "token_hint": "x"})
    invite = await client.orgs.invite("o1", "bob@example.com")
    assert_call(
        only_request(router),
        "POST",
        "/v1/orgs/o1/invite",
        {"email": "bob@example.com", "role_key": "member"},
    )
    assert invite.id == "i1"
    assert invite.extra == {"token_hint": "x"}

    router.reset()
    router.post("/v1/orgs/o1/invite").respond(200, json={**INVITE, "role_key": "admin"})
    await client.orgs.invite("o1", "bob@example.com", role_key="admin")
    assert json.loads(only_request(router).content) == {
        "email": "bob@example.com",
        "role_key": "admin",
    }

    router.reset()
    router.get("/v1/orgs/o1/invites").respond(200, json=[INVITE])
    assert [i.email for i in await client.orgs.list_invites("o1")] == ["bob@example.com"]
    assert_call(only_request(router), "GET", "/v1/orgs/o1/invites")

    router.reset()
    router.delete("/v1/orgs/o1/invites/i1").respond(204)
    assert await client.orgs.revoke_invite("o1", "i1") is None
    assert_call(only_request(router), "DELETE", "/v1/orgs/o1/invites/i1")


async def test_invite_is_not_retried(router: respx.MockRouter, client: ArdentClient) -> None:
    route = router.post("/v1/orgs/o1/invite").respond(503, json={"detail": "down"})
    with pytest.raises(ServerError, match="503"):
        await client.orgs.invite("o1", "bob@example.com")
    assert route.call_count == 1


async def test_list_roles(router: respx.MockRouter, client: ArdentClient) -> None:
    role = {
        "id": "role_org_member",
        "key": "member",
        "name": "Member",
        "permissions": ["connectors.read", "branches.write"],
        "is_default": True,
    }
    router.get("/v1/orgs/o1/roles").respond(200, json=[role])
    roles = await client.orgs.list_roles("o1")
    assert_call(only_request(router), "GET", "/v1/orgs/o1/roles")
    assert roles[0].permissions == ["connectors.read", "branches.write"]
    assert roles[0].extra == {"is_default": True}


async def test_list_api_keys(router: respx.MockRouter, client: ArdentClient) -> None:
    item = {
        "id": "k1",
        "name": "ci",
        "key_prefix": "sk-ard_live_Br4n",
        "scopes": [],
        "created_at": "2026-01-02T03:04:05Z",
        "last_used_at": None,
        "users": {"email": "ada@example.com", "full_name": "Ada"},
        "role": "member",
    }
    router.get("/v1/orgs/o1/api-keys").respond(200, json=[item])
    keys = await client.orgs.list_api_keys("o1")
    assert_call(only_request(router), "GET", "/v1/orgs/o1/api-keys")
    assert [(k.id, k.last_used_at, k.extra) for k in keys] == [("k1", None, {"role": "member"})]


async def test_create_api_key_returns_the_secret_masked_in_repr(
    router: respx.MockRouter, client: ArdentClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="ardent_async")
    router.post("/v1/orgs/o1/api-keys").respond(201, json=CREATED_KEY)
    created = await client.orgs.create_api_key(
        "o1", "ci", role_id="role_org_member", scopes=["connectors.read"], expires_days=30
    )
    assert_call(
        only_request(router),
        "POST",
        "/v1/orgs/o1/api-keys",
        {
            "name": "ci",
            "role_id": "role_org_member",
            "scopes": ["connectors.read"],
            "expires_days": 30,
        },
    )
    assert isinstance(created, APIKeyCreateResponse)
    assert created.api_key == NEW_KEY
    assert NEW_KEY not in repr(created)
    assert "sk-ard_live_***" in repr(created) or "'***'" in repr(created)
    assert NEW_KEY not in caplog.text


async def test_create_api_key_defaults_leave_scopes_to_the_server(
    router: respx.MockRouter, client: ArdentClient
) -> None:
    router.post("/v1/orgs/o1/api-keys").respond(201, json=CREATED_KEY)
    await client.orgs.create_api_key("o1", "ci", role_id="role_org_member")
    # Omitted scopes default to [] on the server: all of the role's permissions.
    assert json.loads(only_request(router).content) == {"name": "ci", "role_id": "role_org_member"}


async def test_create_api_key_is_not_retried(
    router: respx.MockRouter, client: ArdentClient
) -> None:
    route = router.post("/v1/orgs/o1/api-keys").respond(500, json={"detail": "boom"})
    with pytest.raises(ServerError, match="500"):
        await client.orgs.create_api_key("o1", "ci", role_id="role_org_member")
    assert route.call_count == 1


async def test_revoke_api_key(router: respx.MockRouter, client: ArdentClient) -> None:
    router.delete("/v1/orgs/o1/api-keys/k1").respond(204)
    assert await client.orgs.revoke_api_key("o1", "k1") is None
    assert_call(only_request(router), "DELETE", "/v1/orgs/o1/api-keys/k1")


async def test_revoke_of_a_revoked_key_is_not_found(
    router: respx.MockRouter, client: ArdentClient
) -> None:
    router.delete("/v1/orgs/o1/api-keys/k1").respond(404, json={"detail": "already revoked"})
    with pytest.raises(NotFoundError, match="already revoked"):
        await client.orgs.revoke_api_key("o1", "k1")


async def test_forbidden_is_an_auth_error(router: respx.MockRouter, client: ArdentClient) -> None:
    router.delete("/v1/orgs/o1").respond(403, json={"detail": "owners only"})
    with pytest.raises(ArdentAuthError) as info:
        await client.orgs.delete("o1")
    assert info.value.status_code == 403
    assert TOKEN not in str(info.value)


Call = Callable[[OrgsService], Any]

BAD_CALLS: list[tuple[str, Call, str]] = [
    ("get empty id", lambda s: s.get(""), "org_id"),
    ("get id with slash", lambda s: s.get("o/1"), "org_id"),
    ("get id not str", lambda s: s.get(1), "org_id"),
    ("update name empty", lambda s: s.update("o1", name=""), "name"),
    ("delete dot segment", lambda s: s.delete(".."), "org_id"),
    ("members id control char", lambda s: s.list_members("o\x001"), "org_id"),
    ("role bad", lambda s: s.update_member_role("o1", "u1", role_key="superuser"), "role_key"),
    ("role wrong case", lambda s: s.update_member_role("o1", "u1", role_key="Admin"), "role_key"),
    (
        "member id slash",
        lambda s: s.update_member_role("o1", "u/1", role_key="admin"),
        "user_id",
    ),
    ("remove member empty", lambda s: s.remove_member("o1", ""), "user_id"),
    ("invite email blank", lambda s: s.invite("o1", " "), "email"),
    ("invite email no at", lambda s: s.invite("o1", "bob.example.com"), "email"),
    ("invite email no domain dot", lambda s: s.invite("o1", "bob@localhost"), "email"),
    ("invite role bad", lambda s: s.invite("o1", "bob@example.com", role_key="root"), "role_key"),
    ("revoke invite slash", lambda s: s.revoke_invite("o1", "i/1"), "invite_id"),
    ("roles empty org", lambda s: s.list_roles(" "), "org_id"),
    ("keys empty org", lambda s: s.list_api_keys(""), "org_id"),
    ("key name empty", lambda s: s.create_api_key("o1", "", role_id="r"), "name"),
    ("key name too long", lambda s: s.create_api_key("o1", "k" * 101, role_id="r"), "name"),
    ("key role empty", lambda s: s.create_api_key("o1", "ci", role_id=""), "role_id"),
    (
        "key scopes a string",
        lambda s: s.create_api_key("o1", "ci", role_id="r", scopes="all"),
        "scopes",
    ),
    (
        "key scope empty",
        lambda s: s.create_api_key("o1", "ci", role_id="r", scopes=[""]),
        "scopes[0]",
    ),
    (
        "key expiry zero",
        lambda s: s.create_api_key("o1", "ci", role_id="r", expires_days=0),
        "expires_days",
    ),
    (
        "key expiry float",
        lambda s: s.create_api_key("o1", "ci", role_id="r", expires_days=1.5),
        "expires_days",
    ),
    (
        "key expiry bool",
        lambda s: s.create_api_key("o1", "ci", role_id="r", expires_days=True),
        "expires_days",
    ),
    ("revoke key slash", lambda s: s.revoke_api_key("o1", "k/1"), "api_key_id"),
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
        await call(client.orgs)
    assert info.value.field == field
    assert info.value.status_code is None
    assert not router.calls
