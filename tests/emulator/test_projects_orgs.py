"""Projects and orgs (members, invites, roles, API keys) through the SDK's services."""

from __future__ import annotations

import pytest

from ardent_async import (
    ArdentAuthError,
    ArdentClient,
    ArdentValidationError,
    ConflictError,
    NotFoundError,
)
from ardent_async.emulator import Emulator

from .helpers import raw


async def test_project_lifecycle(ardent_emulator: Emulator, ardent_client: ArdentClient) -> None:
    org_id = ardent_emulator.org_id
    assert await ardent_client.projects.list(org_id) == []
    project = await ardent_client.projects.create("demo")
    assert (project.org_id, project.name) == (org_id, "demo")
    assert project.created_at.tzinfo is not None
    assert await ardent_client.projects.get(project.id) == project
    assert [p.id for p in await ardent_client.projects.list(org_id)] == [project.id]

    renamed = await ardent_client.projects.update(project.id, name="renamed")
    assert renamed.name == "renamed"
    with pytest.raises(ConflictError, match="already exists"):
        await ardent_client.projects.create("renamed")

    deleted = await ardent_client.projects.delete(project.id)
    assert deleted.message == "Project deleted"
    with pytest.raises(NotFoundError):
        await ardent_client.projects.get(project.id)


async def test_project_validation_errors(ardent_emulator: Emulator) -> None:
    base, token = ardent_emulator.base_url, ardent_emulator.token
    status, _, body = await raw(base, "POST", "/v1/projects", token=token, body={"name": ""})
    assert status == 422
    assert body["detail"][0]["loc"] == ["body", "name"]
    assert body["detail"][0]["type"] == "string_too_short"

    status, _, body = await raw(base, "POST", "/v1/projects", token=token, body={})
    assert (status, body["detail"][0]["type"]) == (422, "missing")

    status, _, body = await raw(base, "GET", "/v1/projects", token=token)
    assert status == 422
    assert body["detail"][0]["loc"] == ["query", "org_id"]

    status, _, body = await raw(base, "POST", "/v1/projects", token=token, body={"name": "p"})
    status, _, body = await raw(base, "PATCH", f"/v1/projects/{body['id']}", token=token, body={})
    assert (status, body) == (400, {"detail": "No fields to update"})


async def test_org_details_and_rename(
    ardent_emulator: Emulator, ardent_client: ArdentClient
) -> None:
    org = await ardent_client.orgs.get(ardent_emulator.org_id)
    assert org.id == ardent_emulator.org_id
    assert org.extra["role"] == "owner"
    renamed = await ardent_client.orgs.update(ardent_emulator.org_id, name="Acme")
    assert renamed.name == "Acme"
    assert (await ardent_client.orgs.get(ardent_emulator.org_id)).name == "Acme"


async def test_members_roles_and_invites(
    ardent_emulator: Emulator, ardent_client: ArdentClient
) -> None:
    org_id = ardent_emulator.org_id
    viewer = ardent_emulator.admin.create_token(org_id, "viewer", email="vi@example.com")
    members = await ardent_client.orgs.list_members(org_id)
    assert sorted(m.role_key or "" for m in members) == ["owner", "viewer"]

    promoted = await ardent_client.orgs.update_member_role(org_id, viewer.user_id, role_key="admin")
    assert promoted.role_key == "admin"

    roles = await ardent_client.orgs.list_roles(org_id)
    assert [(r.id, r.key) for r in roles] == [
        ("role_org_owner", "owner"),
        ("role_org_admin", "admin"),
        ("role_org_member", "member"),
        ("role_org_viewer", "viewer"),
    ]

    invite = await ardent_client.orgs.invite(org_id, "new@example.com", role_key="member")
    assert (invite.email, invite.role_key) == ("new@example.com", "member")
    assert [i.id for i in await ardent_client.orgs.list_invites(org_id)] == [invite.id]
    with pytest.raises(ConflictError):
        await ardent_client.orgs.invite(org_id, "vi@example.com")
    await ardent_client.orgs.revoke_invite(org_id, invite.id)
    assert await ardent_client.orgs.list_invites(org_id) == []

    await ardent_client.orgs.remove_member(org_id, viewer.user_id)
    assert len(await ardent_client.orgs.list_members(org_id)) == 1
    # A removed member's token stops working at once.
    async with ardent_emulator.client(viewer.token) as removed:
        with pytest.raises(ArdentAuthError) as info:
            await removed.projects.list(org_id)
    assert info.value.status_code == 401


async def test_last_owner_is_protected(
    ardent_emulator: Emulator, ardent_client: ArdentClient
) -> None:
    org_id = ardent_emulator.org_id
    owner = next(m for m in await ardent_client.orgs.list_members(org_id) if m.role_key == "owner")
    assert owner.user_id is not None
    with pytest.raises(ArdentAuthError) as info:
        await ardent_client.orgs.update_member_role(org_id, owner.user_id, role_key="viewer")
    assert info.value.status_code == 403
    status, _, body = await raw(
        ardent_emulator.base_url,
        "PATCH",
        f"/v1/orgs/{org_id}/members/{owner.user_id}",
        token=ardent_emulator.token,
        body={"role_key": "emperor"},
    )
    assert status == 422
    assert body["detail"][0]["loc"] == ["body", "role_key"]


async def test_api_keys_list_newest_first_and_never_show_secrets(
    ardent_emulator: Emulator, ardent_client: ArdentClient
) -> None:
    org_id = ardent_emulator.org_id
    first = await ardent_client.orgs.create_api_key(org_id, "first", role_id="role_org_member")
    second = await ardent_client.orgs.create_api_key(
        org_id, "second", role_id="role_org_viewer", scopes=["projects.read"], expires_days=30
    )
    assert first.api_key.startswith("sk-ard_test_")
    assert (second.role_id, second.role_key, second.scopes) == (
        "role_org_viewer",
        "viewer",
        ["projects.read"],
    )
    assert second.expires_at is not None
    listed = await ardent_client.orgs.list_api_keys(org_id)
    assert [k.id for k in listed] == [second.api_key_id, first.api_key_id]
    assert all(first.api_key not in repr(k) and k.key_prefix for k in listed)
    assert listed[1].users is not None

    for role_id, message in [
        ("role_org_emperor", "Unknown role"),
        ("role_project_admin", "not an organization role"),
        ("nope", "Unknown role"),
    ]:
        with pytest.raises(ArdentValidationError, match=message):
            await ardent_client.orgs.create_api_key(org_id, "bad", role_id=role_id)
    with pytest.raises(ArdentValidationError, match="outside the viewer role"):
        await ardent_client.orgs.create_api_key(
            org_id, "bad", role_id="role_org_viewer", scopes=["projects.write"]
        )


async def test_delete_org_removes_everything(ardent_emulator: Emulator) -> None:
    other = ardent_emulator.admin.create_org("Doomed")
    async with ardent_emulator.client(other.token) as client:
        await client.projects.create("p")
        await client.orgs.delete(other.org_id)
        with pytest.raises(ArdentAuthError) as info:
            await client.projects.list(other.org_id)
    assert info.value.status_code == 401
    assert other.org_id not in [org["id"] for org in ardent_emulator.admin.orgs()]
    assert ardent_emulator.runtime.store.projects == {}
