"""Roles in the emulator: every write a viewer (or a member) may not make is refused with 403,
one case per write, and the refused write changed nothing; the reads still work."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from ardent_async import ArdentAuthError, ArdentClient
from ardent_async.emulator import Emulator
from ardent_async.emulator.roles import ROLES

from .helpers import SOURCE, ready_connector

Write = Callable[[ArdentClient, dict[str, str]], Awaitable[Any]]

CONNECTOR_WRITES: dict[str, Write] = {
    "connectors.create": lambda c, ids: c.connectors.create(ids["project"], "mine", SOURCE),
    "connectors.update": lambda c, ids: c.connectors.update(ids["connector"], name="renamed"),
    "connectors.delete": lambda c, ids: c.connectors.delete(ids["connector"]),
    "connectors.lock_deletion": lambda c, ids: c.connectors.lock_deletion(ids["connector"]),
    "connectors.unlock_deletion": lambda c, ids: c.connectors.unlock_deletion(ids["connector"]),
    "connectors.discover": lambda c, ids: c.connectors.discover(ids["connector"]),
    "connectors.engine_setup": lambda c, ids: c.connectors.engine_setup(ids["connector"]),
    "connectors.set_selection": lambda c, ids: c.connectors.set_selection(ids["connector"], ["*"]),
    "connectors.set_replica_identity_decisions": lambda c, ids: (
        c.connectors.set_replica_identity_decisions(ids["connector"], {"public.t": "exclude"})
    ),
}
BRANCH_WRITES: dict[str, Write] = {
    "branches.create": lambda c, ids: c.branches.create(ids["connector"], "viewer-branch"),
}
PROJECT_WRITES: dict[str, Write] = {
    "projects.create": lambda c, ids: c.projects.create("mine"),
    "projects.update": lambda c, ids: c.projects.update(ids["project"], name="x"),
    "projects.delete": lambda c, ids: c.projects.delete(ids["project"]),
}
ORG_WRITES: dict[str, Write] = {
    "orgs.update": lambda c, ids: c.orgs.update(ids["org"], name="mine now"),
    "orgs.delete": lambda c, ids: c.orgs.delete(ids["org"]),
    "orgs.invite": lambda c, ids: c.orgs.invite(ids["org"], "a@example.com"),
    "orgs.revoke_invite": lambda c, ids: c.orgs.revoke_invite(ids["org"], ids["invite"]),
    "orgs.update_member_role": lambda c, ids: c.orgs.update_member_role(
        ids["org"], ids["owner"], role_key="viewer"
    ),
    "orgs.remove_member": lambda c, ids: c.orgs.remove_member(ids["org"], ids["owner"]),
    "orgs.create_api_key": lambda c, ids: c.orgs.create_api_key(
        ids["org"], "k", role_id="role_org_member"
    ),
    "orgs.revoke_api_key": lambda c, ids: c.orgs.revoke_api_key(ids["org"], ids["api_key"]),
}
VIEWER_REFUSED = {**CONNECTOR_WRITES, **BRANCH_WRITES, **PROJECT_WRITES, **ORG_WRITES}
MEMBER_REFUSED = ORG_WRITES


async def _world(emulator: Emulator, client: ArdentClient) -> dict[str, str]:
    """An org with a project, a ready connector, an invite, an API key; ids by name."""
    project, connector = await ready_connector(client)
    invite = await client.orgs.invite(emulator.org_id, "invited@example.com")
    key = await client.orgs.create_api_key(emulator.org_id, "ci", role_id="role_org_member")
    members = await client.orgs.list_members(emulator.org_id)
    owner = next(m for m in members if m.role_key == "owner")
    assert invite.id is not None
    assert owner.user_id is not None
    return {
        "org": emulator.org_id,
        "project": project.id,
        "connector": connector.id,
        "invite": invite.id,
        "api_key": key.api_key_id,
        "owner": owner.user_id,
    }


async def _state(client: ArdentClient, ids: dict[str, str]) -> tuple[Any, ...]:
    """What a refused write must leave unchanged."""
    org = ids["org"]
    connector = await client.connectors.get(ids["connector"])
    return (
        await client.orgs.get(org),
        sorted(p.name for p in await client.projects.list(org)),
        (connector.name, connector.status, connector.extra.get("deletion_locked")),
        sorted(c.id for c in await client.connectors.list(org)),
        sorted(b.name for b in await client.branches.list(ids["connector"])),
        sorted((m.user_id, m.role_key) for m in await client.orgs.list_members(org)),
        sorted(i.id or "" for i in await client.orgs.list_invites(org)),
        sorted((k.id, k.revoked_at is None) for k in await client.orgs.list_api_keys(org)),
    )


async def _refused(emulator: Emulator, owner: ArdentClient, role: str, write: Write) -> None:
    ids = await _world(emulator, owner)
    grant = emulator.admin.create_token(emulator.org_id, role)  # joins the org as a member
    before = await _state(owner, ids)
    async with emulator.client(grant.token) as client:
        with pytest.raises(ArdentAuthError) as info:
            await write(client, ids)
        assert info.value.status_code == 403
    assert await _state(owner, ids) == before


@pytest.mark.parametrize("name", sorted(VIEWER_REFUSED))
async def test_viewer_is_refused_every_write(
    ardent_emulator: Emulator, ardent_client: ArdentClient, name: str
) -> None:
    await _refused(ardent_emulator, ardent_client, "viewer", VIEWER_REFUSED[name])


@pytest.mark.parametrize("name", sorted(MEMBER_REFUSED))
async def test_member_is_refused_org_management(
    ardent_emulator: Emulator, ardent_client: ArdentClient, name: str
) -> None:
    await _refused(ardent_emulator, ardent_client, "member", MEMBER_REFUSED[name])


async def test_viewer_reads_everything_a_viewer_may_read(
    ardent_emulator: Emulator, ardent_client: ArdentClient
) -> None:
    ids = await _world(ardent_emulator, ardent_client)
    grant = ardent_emulator.admin.create_token(ardent_emulator.org_id, "viewer")
    async with ardent_emulator.client(grant.token) as viewer:
        assert (await viewer.orgs.get(ids["org"])).id == ids["org"]
        assert (await viewer.projects.get(ids["project"])).id == ids["project"]
        assert (await viewer.connectors.get(ids["connector"])).id == ids["connector"]
        assert [c.id for c in await viewer.connectors.list(ids["org"])] == [ids["connector"]]
        assert await viewer.branches.list(ids["connector"]) == []
        assert await viewer.connectors.list_quarantines(ids["connector"]) == []
        assert len(await viewer.orgs.list_members(ids["org"])) >= 1
        assert {r.key for r in await viewer.orgs.list_roles(ids["org"])} == set(ROLES)


def test_viewer_role_grants_no_write_permission() -> None:
    """The role table itself: a viewer holds read permissions only."""
    assert all(p.endswith(".read") for p in ROLES["viewer"].permissions)
