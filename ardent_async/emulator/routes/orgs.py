"""``/v1/orgs/{org_id}``: the organization, its members, invites, roles and API keys."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web

from ardent_async.models import (
    APIKeyCreateResponse,
    APIKeyListItem,
    CreateAPIKeyRequest,
    InviteUserRequest,
    OrgDetails,
    OrgInvite,
    OrgMember,
    OrgRole,
    UpdateMemberRoleRequest,
    UpdateOrgRequest,
)

from .. import roles
from ..bodies import parse_model, read_json
from ..context import Caller, caller
from ..http_errors import bad_request, conflict, forbidden, invalid, not_found
from ..responses import no_content, reply
from ..runtime import Runtime, runtime
from ..state import ApiKey, Invite, Member, new_id, new_secret, utcnow
from ..teardown import delete_org as drop_org
from ._base import OperationHandler, check_org

INVITE_DAYS = 7


def _org_id(request: web.Request, who: Caller) -> str:
    org_id = request.match_info["org_id"]
    check_org(who, org_id)
    return org_id


def _owners(rt: Runtime, org_id: str) -> list[Member]:
    return [m for m in rt.store.members_of(org_id) if m.role_key == "owner"]


def _may_grant(who: Caller, role_key: str) -> None:
    """Nobody grants a role above their own."""
    mine = roles.ROLES.get(who.role_key)
    if mine is None or roles.ROLES[role_key].rank > mine.rank:
        raise forbidden(f"A {who.role_key} can't grant the {role_key} role")


def _role_key(value: str, loc: list[str | int]) -> str:
    if value not in roles.ROLES:
        raise invalid(loc, f"Role must be one of {', '.join(roles.ROLE_KEYS)}", "enum")
    return value


# -- the organization ------------------------------------------------------------------------


def org_details(rt: Runtime, org_id: str, who: Caller) -> OrgDetails:
    org = rt.store.orgs[org_id]
    return OrgDetails(
        id=org.id,
        name=org.name,
        created_at=org.created_at,
        extra={"member_count": len(rt.store.members_of(org_id)), "role": who.role_key},
    )


async def get_org(request: web.Request) -> web.Response:
    who = caller()
    return reply(org_details(runtime(request), _org_id(request, who), who))


async def update_org(request: web.Request) -> web.Response:
    rt, who = runtime(request), caller()
    org_id = _org_id(request, who)
    body = parse_model(await read_json(request), UpdateOrgRequest)
    if not body.name.strip():
        raise invalid(["body", "name"], "Organization name must not be blank")
    rt.store.orgs[org_id].name = body.name.strip()
    return reply(org_details(rt, org_id, who))


async def delete_org(request: web.Request) -> web.Response:
    rt, who = runtime(request), caller()
    await drop_org(rt, _org_id(request, who))
    return no_content()


# -- members and roles -----------------------------------------------------------------------


def member_row(member: Member) -> OrgMember:
    return OrgMember(
        user_id=member.user_id,
        email=member.email,
        full_name=member.full_name,
        role_key=member.role_key,
        joined_at=member.joined_at,
    )


async def list_members(request: web.Request) -> web.Response:
    rt, who = runtime(request), caller()
    org_id = _org_id(request, who)
    members = sorted(rt.store.members_of(org_id), key=lambda m: m.joined_at)
    return reply([member_row(m) for m in members])


def _member(rt: Runtime, org_id: str, user_id: str) -> Member:
    member = rt.store.members.get(user_id)
    if member is None or member.org_id != org_id:
        raise not_found("Member")
    return member


async def update_member_role(request: web.Request) -> web.Response:
    rt, who = runtime(request), caller()
    org_id = _org_id(request, who)
    body = parse_model(await read_json(request), UpdateMemberRoleRequest)
    role_key = _role_key(body.role_key, ["body", "role_key"])
    member = _member(rt, org_id, request.match_info["target_user_id"])
    _may_grant(who, role_key)
    _may_grant(who, member.role_key)
    if member.role_key == "owner" and role_key != "owner" and len(_owners(rt, org_id)) == 1:
        raise forbidden("The organization's last owner can't be demoted")
    member.role_key = role_key
    return reply(member_row(member))


async def remove_member(request: web.Request) -> web.Response:
    rt, who = runtime(request), caller()
    org_id = _org_id(request, who)
    member = _member(rt, org_id, request.match_info["target_user_id"])
    _may_grant(who, member.role_key)
    if member.role_key == "owner" and len(_owners(rt, org_id)) == 1:
        raise forbidden("The organization's last owner can't be removed")
    del rt.store.members[member.user_id]
    for token in [t for t, s in rt.store.sessions.items() if s.user_id == member.user_id]:
        del rt.store.sessions[token]
    return no_content()


async def list_roles(request: web.Request) -> web.Response:
    _org_id(request, caller())
    return reply(
        [
            OrgRole(
                id=role.id,
                key=role.key,
                name=role.name,
                description=role.description,
                permissions=list(role.permissions),
            )
            for role in roles.ROLES.values()
        ]
    )


# -- invites -----------------------------------------------------------------------------------


def invite_row(invite: Invite) -> OrgInvite:
    return OrgInvite(
        id=invite.id,
        email=invite.email,
        role_key=invite.role_key,
        created_at=invite.created_at,
        expires_at=invite.expires_at,
    )


async def invite_member(request: web.Request) -> web.Response:
    rt, who = runtime(request), caller()
    org_id = _org_id(request, who)
    body = parse_model(await read_json(request), InviteUserRequest)
    email = body.email.strip().lower()
    if "@" not in email.strip("@"):
        raise invalid(["body", "email"], "Value is not a valid email address", "value_error")
    role_key = _role_key(body.role_key or "member", ["body", "role_key"])
    _may_grant(who, role_key)
    if any(m.email.lower() == email for m in rt.store.members_of(org_id)):
        raise conflict(f"{email} is already a member of this organization")
    now = utcnow()
    for invite in rt.store.invites.values():
        if invite.org_id == org_id and invite.email == email:
            invite.role_key, invite.created_at = role_key, now
            invite.expires_at = now + timedelta(days=INVITE_DAYS)
            return reply(invite_row(invite))
    invite = Invite(
        id=new_id("inv"),
        org_id=org_id,
        email=email,
        role_key=role_key,
        created_at=now,
        expires_at=now + timedelta(days=INVITE_DAYS),
    )
    rt.store.invites[invite.id] = invite
    return reply(invite_row(invite))


async def list_invites(request: web.Request) -> web.Response:
    rt, who = runtime(request), caller()
    org_id = _org_id(request, who)
    now = utcnow()
    pending = [i for i in rt.store.invites.values() if i.org_id == org_id and i.expires_at > now]
    return reply([invite_row(i) for i in sorted(pending, key=lambda i: i.created_at)])


async def revoke_invite(request: web.Request) -> web.Response:
    rt, who = runtime(request), caller()
    org_id = _org_id(request, who)
    invite = rt.store.invites.get(request.match_info["invite_id"])
    if invite is None or invite.org_id != org_id:
        raise not_found("Invite")
    del rt.store.invites[invite.id]
    return no_content()


# -- API keys ----------------------------------------------------------------------------------


def _creator(rt: Runtime, key: ApiKey) -> dict[str, str | None] | None:
    member = rt.store.members.get(key.created_by or "")
    return None if member is None else {"email": member.email, "full_name": member.full_name}


async def list_api_keys(request: web.Request) -> web.Response:
    rt, who = runtime(request), caller()
    org_id = _org_id(request, who)
    now = utcnow()
    keys = [k for k in rt.store.api_keys.values() if k.org_id == org_id and k.active(now)]
    keys.sort(key=lambda k: k.created_at, reverse=True)
    return reply(
        [
            APIKeyListItem(
                created_at=k.created_at,
                id=k.id,
                key_prefix=k.key_prefix,
                name=k.name,
                scopes=list(k.scopes or roles.ROLES[k.role_key].permissions),
                expires_at=k.expires_at,
                last_used_at=k.last_used_at,
                revoked_at=k.revoked_at,
                users=_creator(rt, k),
                extra={"role_key": k.role_key, "role_id": roles.ROLES[k.role_key].id},
            )
            for k in keys
        ]
    )


async def create_api_key(request: web.Request) -> web.Response:
    rt, who = runtime(request), caller()
    org_id = _org_id(request, who)
    body = parse_model(await read_json(request), CreateAPIKeyRequest)
    role = roles.ROLES_BY_ID.get(body.role_id)
    if role is None:
        if body.role_id.startswith("role_") and not body.role_id.startswith("role_org_"):
            raise bad_request(f"{body.role_id!r} is not an organization role")
        raise bad_request(f"Unknown role {body.role_id!r}")
    _may_grant(who, role.key)
    scopes = list(dict.fromkeys(body.scopes or []))
    outside = [s for s in scopes if s not in role.permissions]
    if outside:
        raise bad_request(f"Scope(s) outside the {role.key} role: {', '.join(outside)}")
    if body.expires_days is not None and body.expires_days < 1:
        raise invalid(["body", "expires_days"], "Input should be greater than 0", "greater_than")
    now = utcnow()
    key = ApiKey(
        id=new_id("key"),
        org_id=org_id,
        name=body.name,
        secret=new_secret(),
        role_key=role.key,
        scopes=tuple(scopes),
        created_at=now,
        expires_at=None if body.expires_days is None else now + timedelta(days=body.expires_days),
        created_by=who.user_id,
    )
    rt.store.api_keys[key.id] = key
    created = APIKeyCreateResponse(
        api_key=key.secret,
        api_key_id=key.id,
        created_at=key.created_at,
        key_prefix=key.key_prefix,
        name=key.name,
        role_id=role.id,
        role_key=role.key,
        scopes=list(key.scopes or role.permissions),
        warning="Store this key now: it can't be shown again.",
        expires_at=key.expires_at,
    )
    return reply(created, 201)


async def revoke_api_key(request: web.Request) -> web.Response:
    rt, who = runtime(request), caller()
    org_id = _org_id(request, who)
    key = rt.store.api_keys.get(request.match_info["api_key_id"])
    if key is None or key.org_id != org_id or key.revoked_at is not None:
        raise not_found("API key")
    key.revoked_at = utcnow()
    return no_content()


HANDLERS = [
    OperationHandler("get_org", get_org, roles.ORG_READ),
    OperationHandler("update_org", update_org, roles.ORG_UPDATE),
    OperationHandler("delete_org", delete_org, roles.ORG_DELETE),
    OperationHandler("list_org_members", list_members, roles.MEMBERS_READ),
    OperationHandler("update_org_member_role", update_member_role, roles.MEMBERS_MANAGE),
    OperationHandler("remove_org_member", remove_member, roles.MEMBERS_MANAGE),
    OperationHandler("list_org_roles", list_roles, roles.ROLES_READ),
    OperationHandler("invite_org_member", invite_member, roles.MEMBERS_MANAGE),
    OperationHandler("list_org_invites", list_invites, roles.MEMBERS_READ),
    OperationHandler("revoke_org_invite", revoke_invite, roles.MEMBERS_MANAGE),
    OperationHandler("list_api_keys", list_api_keys, roles.API_KEYS_READ),
    OperationHandler("create_api_key", create_api_key, roles.API_KEYS_MANAGE),
    OperationHandler("revoke_api_key", revoke_api_key, roles.API_KEYS_MANAGE),
]
