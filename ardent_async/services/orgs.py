"""``client.orgs``: organizations, their members, invites, roles and API keys."""

from __future__ import annotations

from collections.abc import Sequence

from typing_extensions import Unpack

from ardent_async._core import _validate
from ardent_async._core._options import RequestOptions
from ardent_async._core._paths import segment
from ardent_async._core._pipeline import Pipeline
from ardent_async._spec import constants, endpoints
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
from ardent_async.services._endpoint import send

__all__ = ["ROLE_KEYS", "OrgsService"]

ROLE_KEYS = constants.UPDATE_MEMBER_ROLE_REQUEST_ROLE_KEY_VALUES
INVITE_ROLE_KEYS = constants.INVITE_USER_REQUEST_ROLE_KEY_VALUES
MAX_API_KEY_NAME = constants.CREATE_API_KEY_REQUEST_NAME_MAX_LENGTH


class OrgsService:
    """Read and manage an organization: details, members, invites, roles, API keys."""

    def __init__(self, http: Pipeline) -> None:
        self._http = http

    async def get(self, org_id: str, **options: Unpack[RequestOptions]) -> OrgDetails:
        """The organization's details."""
        path = endpoints.GET_ORG.path_for(org_id=segment("org_id", org_id))
        return await send(self._http, endpoints.GET_ORG, path, options=options)

    async def update(
        self, org_id: str, *, name: str, **options: Unpack[RequestOptions]
    ) -> OrgDetails:
        """Rename the organization."""
        path = endpoints.UPDATE_ORG.path_for(org_id=segment("org_id", org_id))
        body = UpdateOrgRequest(name=_validate.text("name", name))
        # Its reply may be any JSON (OrgUpdateReply); a read's is an object (OrgDetails).
        return await send(self._http, endpoints.UPDATE_ORG, path, json_body=body, options=options)

    async def delete(self, org_id: str, **options: Unpack[RequestOptions]) -> None:
        """Delete the organization."""
        path = endpoints.DELETE_ORG.path_for(org_id=segment("org_id", org_id))
        await send(self._http, endpoints.DELETE_ORG, path, options=options)

    async def list_members(self, org_id: str, **options: Unpack[RequestOptions]) -> list[OrgMember]:
        """The organization's members and their roles."""
        path = endpoints.LIST_ORG_MEMBERS.path_for(org_id=segment("org_id", org_id))
        return await send(self._http, endpoints.LIST_ORG_MEMBERS, path, options=options)

    async def update_member_role(
        self, org_id: str, user_id: str, *, role_key: str, **options: Unpack[RequestOptions]
    ) -> OrgMember:
        """Give a member another role: ``owner``, ``admin``, ``member`` or ``viewer``."""
        path = endpoints.UPDATE_ORG_MEMBER_ROLE.path_for(
            org_id=segment("org_id", org_id), target_user_id=segment("user_id", user_id)
        )
        body = UpdateMemberRoleRequest(role_key=_validate.choice("role_key", role_key, ROLE_KEYS))
        return await send(
            self._http, endpoints.UPDATE_ORG_MEMBER_ROLE, path, json_body=body, options=options
        )

    async def remove_member(
        self, org_id: str, user_id: str, **options: Unpack[RequestOptions]
    ) -> None:
        """Remove the member ``user_id`` from the organization."""
        path = endpoints.REMOVE_ORG_MEMBER.path_for(
            org_id=segment("org_id", org_id), target_user_id=segment("user_id", user_id)
        )
        await send(self._http, endpoints.REMOVE_ORG_MEMBER, path, options=options)

    async def invite(
        self,
        org_id: str,
        email: str,
        *,
        role_key: str = constants.INVITE_USER_REQUEST_ROLE_KEY_DEFAULT,
        **options: Unpack[RequestOptions],
    ) -> OrgInvite:
        """Invite ``email`` to join with ``role_key``."""
        path = endpoints.INVITE_ORG_MEMBER.path_for(org_id=segment("org_id", org_id))
        body = InviteUserRequest(
            email=_validate.email("email", email),
            role_key=_validate.choice("role_key", role_key, INVITE_ROLE_KEYS),
        )
        return await send(
            self._http, endpoints.INVITE_ORG_MEMBER, path, json_body=body, options=options
        )

    async def list_invites(self, org_id: str, **options: Unpack[RequestOptions]) -> list[OrgInvite]:
        """Pending invitations."""
        path = endpoints.LIST_ORG_INVITES.path_for(org_id=segment("org_id", org_id))
        return await send(self._http, endpoints.LIST_ORG_INVITES, path, options=options)

    async def revoke_invite(
        self, org_id: str, invite_id: str, **options: Unpack[RequestOptions]
    ) -> None:
        """Revoke a pending invite."""
        path = endpoints.REVOKE_ORG_INVITE.path_for(
            org_id=segment("org_id", org_id), invite_id=segment("invite_id", invite_id)
        )
        await send(self._http, endpoints.REVOKE_ORG_INVITE, path, options=options)

    async def list_roles(self, org_id: str, **options: Unpack[RequestOptions]) -> list[OrgRole]:
        """Roles that members and API keys can hold (``role_id`` for :meth:`create_api_key`)."""
        path = endpoints.LIST_ORG_ROLES.path_for(org_id=segment("org_id", org_id))
        return await send(self._http, endpoints.LIST_ORG_ROLES, path, options=options)

    async def list_api_keys(
        self, org_id: str, **options: Unpack[RequestOptions]
    ) -> list[APIKeyListItem]:
        """Active keys, newest first. Secrets are never listed, only their prefixes."""
        path = endpoints.LIST_API_KEYS.path_for(org_id=segment("org_id", org_id))
        return await send(self._http, endpoints.LIST_API_KEYS, path, options=options)

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
        path = endpoints.CREATE_API_KEY.path_for(org_id=segment("org_id", org_id))
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
        return await send(
            self._http, endpoints.CREATE_API_KEY, path, json_body=body, options=options
        )

    async def revoke_api_key(
        self, org_id: str, api_key_id: str, **options: Unpack[RequestOptions]
    ) -> None:
        """Revoke an API key; requests with it are refused from then on."""
        path = endpoints.REVOKE_API_KEY.path_for(
            org_id=segment("org_id", org_id), api_key_id=segment("api_key_id", api_key_id)
        )
        await send(self._http, endpoints.REVOKE_API_KEY, path, options=options)
