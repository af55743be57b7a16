"""Organization roles and the permissions they grant (for members and API keys alike)."""

from __future__ import annotations

import dataclasses

from ardent_async._spec.constants import UPDATE_MEMBER_ROLE_REQUEST_ROLE_KEY_VALUES

ORG_READ = "org.read"
ORG_UPDATE = "org.update"
ORG_DELETE = "org.delete"
MEMBERS_READ = "members.read"
MEMBERS_MANAGE = "members.manage"
ROLES_READ = "roles.read"
API_KEYS_READ = "api_keys.read"
API_KEYS_MANAGE = "api_keys.manage"
PROJECTS_READ = "projects.read"
PROJECTS_WRITE = "projects.write"
CONNECTORS_READ = "connectors.read"
CONNECTORS_WRITE = "connectors.write"
CONNECTORS_DELETE = "connectors.delete"
BRANCHES_READ = "branches.read"
BRANCHES_WRITE = "branches.write"
OPERATIONS_READ = "operations.read"

# Scopes of the legacy jobs/configs API, held by legacy key pairs.
LEGACY_SCOPES = frozenset({"job:create", "job:execute", "job:delete", "job:read", "config:write"})

_VIEWER = (
    ORG_READ,
    MEMBERS_READ,
    ROLES_READ,
    PROJECTS_READ,
    CONNECTORS_READ,
    BRANCHES_READ,
    OPERATIONS_READ,
)
_MEMBER = (*_VIEWER, PROJECTS_WRITE, CONNECTORS_WRITE, CONNECTORS_DELETE, BRANCHES_WRITE)
_ADMIN = (*_MEMBER, ORG_UPDATE, MEMBERS_MANAGE, API_KEYS_READ, API_KEYS_MANAGE)
_OWNER = (*_ADMIN, ORG_DELETE)


@dataclasses.dataclass(frozen=True)
class Role:
    id: str
    key: str
    name: str
    description: str
    permissions: tuple[str, ...]
    rank: int


ROLES: dict[str, Role] = {
    role.key: role
    for role in (
        Role(
            "role_org_owner",
            "owner",
            "Owner",
            "Full control, including deleting the org.",
            _OWNER,
            4,
        ),
        Role(
            "role_org_admin",
            "admin",
            "Admin",
            "Manage members, API keys and all resources.",
            _ADMIN,
            3,
        ),
        Role(
            "role_org_member",
            "member",
            "Member",
            "Create and change projects, connectors and branches.",
            _MEMBER,
            2,
        ),
        Role("role_org_viewer", "viewer", "Viewer", "Read-only access.", _VIEWER, 1),
    )
}
ROLES_BY_ID: dict[str, Role] = {role.id: role for role in ROLES.values()}
ROLE_KEYS = UPDATE_MEMBER_ROLE_REQUEST_ROLE_KEY_VALUES  # the spec's; ROLES defines each of them


def role(key: str) -> Role:
    return ROLES[key]
