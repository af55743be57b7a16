"""``client.orgs``: organizations, their members, invites, roles and API keys."""

from __future__ import annotations

from collections.abc import Sequence

from typing_extensions import Unpack

from ardent_async import _validate
from ardent_async._http import Pipeline
from ardent_async._options import RequestOptions
from ardent_async._paths import segment
from ardent_async._spec import constants
from ardent_async.models import (
    APIKeyCreateResponse,
    APIKeyListItem,
    CreateAPIKeyRequest,
    InviteUserRequest,
    OrgDetails,
    OrgInvite,
    OrgMember,
    OrgRole,
    OrgUpdateReply,
    UpdateMemberRoleRequest,
    UpdateOrgRequest,
)

__all__ = ["ROLE_KEYS", "OrgsService"]

ROLE_KEYS = frozenset({"owner", "admin", "member", "viewer"})
MAX_API_KEY_NAME = constants.CREATE_API_KEY_REQUEST_NAME_MAX_LENGTH


class OrgsService:
    """Read and manage an organization: details, members, invites, roles, API keys."""

    def __init__(self, http: Pipeline) -> None:
        self._http = http

    async def get(self, org_id: str, **options: Unpack[RequestOptions]) -> OrgDetails:
        """The organization's details."""
        return await self._http.send(
            "GET", f"/v1/orgs/{segment('org_id', org_id)}", OrgDetails, options=options
        )

    async def update(
        self, org_id: str, *, name: str, **options: Unpack[RequestOptions]
    ) -> OrgDetails:
        """Rename the organization."""
        path = f"/v1/orgs/{segment('org_id', org_id)}"
        body = UpdateOrgRequest(name=_validate.text("name", name))
        # A rename is a set: repeating it is harmless, so it may be retried. Its reply may be
        # any JSON (OrgUpdateReply); a read's is an object (OrgDetails refuses anything else).
        return await self._http.send(
            "PATCH", path, OrgUpdateReply, json_body=body, retry_safe=True, options=options
        )

    async def delete(self, org_id: str, **options: Unpack[RequestOptions]) -> None:
        """Delete the organization."""
        await self._http.send(
            "DELETE", f"/v1/orgs/{segment('org_id', org_id)}", None, options=options
        )

    async def list_members(self, org_id: str, **options: Unpack[RequestOptions]) -> list[OrgMember]:
        """The organization's members and their roles."""
        path = f"/v1/orgs/{segment('org_id', org_id)}/members"
        return await self._http.send("GET", path, list[OrgMember], options=options)

    async def update_member_role(
        self, org_id: str, user_id: str, *, role_key: str, **options: Unpack[RequestOptions]
    ) -> OrgMember:
        """Give a member another role: ``owner``, ``admin``, ``member`` or ``viewer``."""
        path = f"/v1/orgs/{segment('org_id', org_id)}/members/{segment('user_id', user_id)}"
        body = UpdateMemberRoleRequest(role_key=_validate.choice("role_key", role_key, ROLE_KEYS))
        return await self._http.send(
            "PATCH", path, OrgMember, json_body=body, retry_safe=True, options=options
        )

    async def remove_member(
        self, org_id: str, user_id: str, **options: Unpack[RequestOptions]
    ) -> None:
        """Remove the member ``user_id`` from the organization."""
        path = f"/v1/orgs/{segment('org_id', org_id)}/members/{segment('user_id', user_id)}"
        await self._http.send("DELETE", path, None, options=options)

    async def invite(
        self,
        org_id: str,
        email: str,
        *,
        role_key: str = "member",
        **options: Unpack[RequestOptions],
    ) -> OrgInvite:
        """Invite ``email`` to join with ``role_key``."""
        path = f"/v1/orgs/{segment('org_id', org_id)}/invite"
        body = InviteUserRequest(
            email=_validate.email("email", email),
            role_key=_validate.choice("role_key", role_key, ROLE_KEYS),
        )
        return await self._http.send("POST", path, OrgInvite, json_body=body, options=options)

    async def list_invites(self, org_id: str, **options: Unpack[RequestOptions]) -> list[OrgInvite]:
        """Pending invitations."""
        path = f"/v1/orgs/{segment('org_id', org_id)}/invites"
        return await self._http.send("GET", path, list[OrgInvite], options=options)

    async def revoke_invite(
        self, org_id: str, invite_id: str, **options: Unpack[RequestOptions]
    ) -> None:
        """Revoke a pending invite."""
        path = f"/v1/orgs/{segment('org_id', org_id)}/invites/{segment('invite_id', invite_id)}"
        await self._http.send("DELETE", path, None, options=options)

    async def list_roles(self, org_id: str, **options: Unpack[RequestOptions]) -> list[OrgRole]:
        """Roles that members and API keys can hold (``role_id`` for :meth:`create_api_key`)."""
        path = f"/v1/orgs/{segment('org_id', org_id)}/roles"
        return await self._http.send("GET", path, list[OrgRole], options=options)

    async def list_api_keys(
        self, org_id: str, **options: Unpack[RequestOptions]
    ) -> list[APIKeyListItem]:
        """Active keys, newest first. Secrets are never listed, only their prefixes."""
        path = f"/v1/orgs/{segment('org_id', org_id)}/api-keys"
        return await self._http.send("GET", path, list[APIKeyListItem], options=options)

    async def create_api_key(
        self,
        org_id: str,
        name: str,
        *,
        role_id: str,
        scopes: Sequence[str] | None = None,
        expires_days: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> APIKeyCreateResponse:
        """Create a key holding ``role_id`` (optionally narrowed to ``scopes``).

        The reply's ``api_key`` is the secret, returned only this once (masked in its repr).
        """
        path = f"/v1/orgs/{segment('org_id', org_id)}/api-keys"
        body = CreateAPIKeyRequest(
            name=_validate.text("name", name, max_length=MAX_API_KEY_NAME),
            role_id=_validate.text("role_id", role_id),
            scopes=None if scopes is None else _validate.string_list("scopes", scopes),
            expires_days=(
                None
                if expires_days is None
                else _validate.integer("expires_days", expires_days, minimum=1)
            ),
        )
        return await self._http.send(
            "POST", path, APIKeyCreateResponse, json_body=body, options=options
        )

    async def revoke_api_key(
        self, org_id: str, api_key_id: str, **options: Unpack[RequestOptions]
    ) -> None:
        """Revoke an API key; requests with it are refused from then on."""
        path = f"/v1/orgs/{segment('org_id', org_id)}/api-keys/{segment('api_key_id', api_key_id)}"
        await self._http.send("DELETE", path, None, options=options)
