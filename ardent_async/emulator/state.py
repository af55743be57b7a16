"""The emulator's in-memory store: orgs, members, tokens and API keys, projects, connectors,
branches, quarantines, operations, legacy keys/jobs/configs and idempotency records.

Plain records; the rules live in ``routes/`` and ``admin.py``. Secrets (tokens, API keys,
connection details, branch URLs) stay out of every ``repr``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import secrets
from datetime import datetime, timezone
from typing import Any

from ardent_async.models import OperationStatus, OperationType

from .branch_backend import SourceTable

TERMINAL = frozenset({OperationStatus.COMPLETED, OperationStatus.FAILED})


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(8)}"


def new_secret(kind: str = "test") -> str:
    """An Ardent-looking API key (``sk-ard_test_...``)."""
    return f"sk-ard_{kind}_{secrets.token_urlsafe(24)}"


@dataclasses.dataclass
class Org:
    id: str
    name: str
    created_at: datetime


@dataclasses.dataclass
class Member:
    user_id: str
    org_id: str
    email: str
    full_name: str
    role_key: str
    joined_at: datetime


@dataclasses.dataclass
class SessionToken:
    """A member's login token: acts with the member's current role."""

    token: str = dataclasses.field(repr=False)
    org_id: str
    user_id: str


@dataclasses.dataclass
class ApiKey:
    id: str
    org_id: str
    name: str
    secret: str = dataclasses.field(repr=False)
    role_key: str
    scopes: tuple[str, ...]
    created_at: datetime
    expires_at: datetime | None
    created_by: str | None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    @property
    def key_prefix(self) -> str:
        return self.secret[:16]

    def active(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


@dataclasses.dataclass
class Invite:
    id: str
    org_id: str
    email: str
    role_key: str
    created_at: datetime
    expires_at: datetime


@dataclasses.dataclass
class Project:
    id: str
    org_id: str
    name: str
    created_at: datetime


@dataclasses.dataclass
class Connector:
    id: str
    org_id: str
    project_id: str
    name: str
    service_name: str
    source_url: str = dataclasses.field(repr=False)
    connection_details: dict[str, Any] = dataclasses.field(repr=False)
    drop_extensions: list[str] | None
    created_at: datetime
    updated_at: datetime
    status: str = "created"
    source_metadata: dict[str, Any] | None = None
    tables: list[SourceTable] | None = None
    selected_paths: list[str] | None = None
    decisions: dict[str, str] = dataclasses.field(default_factory=dict)
    engine: str = "not_set_up"  # not_set_up -> setting_up -> ready | failed
    deletion_lock_reason: str | None = None
    deletion_locked_at: datetime | None = None
    discovery_op: str | None = None
    setup_op: str | None = None
    delete_op: str | None = None

    @property
    def deleting(self) -> bool:
        return self.delete_op is not None


@dataclasses.dataclass
class Branch:
    id: str
    org_id: str
    connector_id: str
    name: str
    service_type: str
    created_at: datetime
    operation_id: str
    status: str = "creating"  # creating -> ready | failed
    url: str | None = dataclasses.field(default=None, repr=False)
    read_ready_at: datetime | None = None
    write_ready_at: datetime | None = None


@dataclasses.dataclass
class Quarantine:
    id: str
    connector_id: str
    deployment_name: str | None
    message: str | None
    created_at: datetime
    status: str = "quarantined"
    released_at: datetime | None = None
    released_by: str | None = None


@dataclasses.dataclass
class Operation:
    id: str
    org_id: str
    type: OperationType
    resource_id: str | None
    created_at: datetime
    updated_at: datetime
    status: OperationStatus = OperationStatus.PENDING
    progress: int | None = 0
    stage: str | None = None
    stage_label: str | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    error: str | None = None
    result: dict[str, Any] | None = dataclasses.field(default=None, repr=False)
    setup_status: dict[str, Any] | None = None
    done: asyncio.Event = dataclasses.field(default_factory=asyncio.Event, repr=False)

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL


@dataclasses.dataclass
class LegacyKey:
    public_key: str
    secret_key: str = dataclasses.field(repr=False)
    org_id: str
    scopes: frozenset[str]
    credits: int | None = None  # None: unlimited


@dataclasses.dataclass
class LegacyJob:
    id: str
    org_id: str
    user_message: str
    files_share_name: str
    user_id: str
    created_at: datetime
    # The job's file system (path -> content) as the files endpoint shows it.
    files: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class LegacyConfig:
    id: str
    org_id: str
    type: str
    params: dict[str, Any] = dataclasses.field(repr=False)


@dataclasses.dataclass
class IdempotencyRecord:
    """A create seen with an ``X-Idempotency-Key``: its body fingerprint and, once answered,
    the reply to replay."""

    fingerprint: str
    status: int | None = None
    body: bytes | None = None


@dataclasses.dataclass
class Store:
    orgs: dict[str, Org] = dataclasses.field(default_factory=dict)
    members: dict[str, Member] = dataclasses.field(default_factory=dict)
    sessions: dict[str, SessionToken] = dataclasses.field(default_factory=dict, repr=False)
    api_keys: dict[str, ApiKey] = dataclasses.field(default_factory=dict)
    invites: dict[str, Invite] = dataclasses.field(default_factory=dict)
    projects: dict[str, Project] = dataclasses.field(default_factory=dict)
    connectors: dict[str, Connector] = dataclasses.field(default_factory=dict)
    branches: dict[str, Branch] = dataclasses.field(default_factory=dict)
    # (connector id, name) -> branch id, for branch_named; entries of removed branches are
    # checked against ``branches`` on lookup, so removals need not update it.
    _branch_names: dict[tuple[str, str], str] = dataclasses.field(default_factory=dict)
    quarantines: dict[str, Quarantine] = dataclasses.field(default_factory=dict)
    operations: dict[str, Operation] = dataclasses.field(default_factory=dict)
    legacy_keys: dict[str, LegacyKey] = dataclasses.field(default_factory=dict)
    legacy_jobs: dict[str, LegacyJob] = dataclasses.field(default_factory=dict)
    legacy_configs: dict[str, LegacyConfig] = dataclasses.field(default_factory=dict)
    idempotency: dict[tuple[str, str], IdempotencyRecord] = dataclasses.field(
        default_factory=dict, repr=False
    )

    def clear(self) -> None:
        for field in dataclasses.fields(self):
            getattr(self, field.name).clear()

    def api_key_by_secret(self, secret: str) -> ApiKey | None:
        for key in self.api_keys.values():
            if secrets.compare_digest(key.secret, secret):
                return key
        return None

    def members_of(self, org_id: str) -> list[Member]:
        return [m for m in self.members.values() if m.org_id == org_id]

    def branches_of(self, connector_id: str) -> list[Branch]:
        return [b for b in self.branches.values() if b.connector_id == connector_id]

    def branch_named(self, connector_id: str, name: str) -> Branch | None:
        """The connector's branch called ``name``, without scanning every branch (a create
        checks this; fan-outs of thousands of creates would otherwise be quadratic)."""
        found = self.branches.get(self._branch_names.get((connector_id, name), ""))
        if found is not None and (found.connector_id, found.name) == (connector_id, name):
            return found
        return None

    def add_branch(self, branch: Branch) -> None:
        self.branches[branch.id] = branch
        self._branch_names[(branch.connector_id, branch.name)] = branch.id

    def forget_org(self, org_id: str) -> None:
        """Remove the org and everything in it (its connectors' backend data is dropped by
        the caller first)."""
        self.orgs.pop(org_id, None)
        for table in (
            self.members,
            self.api_keys,
            self.invites,
            self.projects,
            self.connectors,
            self.branches,
            self.operations,
            self.legacy_jobs,
            self.legacy_configs,
        ):
            for key in [k for k, v in table.items() if getattr(v, "org_id", None) == org_id]:
                del table[key]
        for token in [t for t, s in self.sessions.items() if s.org_id == org_id]:
            del self.sessions[token]
        for public in [p for p, k in self.legacy_keys.items() if k.org_id == org_id]:
            del self.legacy_keys[public]
        live = set(self.connectors)
        for qid in [q for q, row in self.quarantines.items() if row.connector_id not in live]:
            del self.quarantines[qid]
        for slot in [s for s in self.idempotency if s[0] == org_id]:
            del self.idempotency[slot]
