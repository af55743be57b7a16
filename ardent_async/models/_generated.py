"""Attrs models of the Ardent API, generated from ``openapi/ardent.yaml``.

DO NOT EDIT: run ``python -m codegen`` (or ``nox -s codegen``) after changing the spec.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

import attrs

from ardent_async._core._redact import redacted_repr
from ardent_async.models._base import OpenEnum


@attrs.define
class APIKeyCreateResponse:
    """A newly created API key, including its secret (shown only once)."""

    api_key: str = attrs.field(repr=redacted_repr)
    """The full secret key; shown only this once — store it now."""
    api_key_id: str
    """ID of the created key."""
    created_at: datetime | str
    """When the key was created. A datetime, or the text as sent when it does not parse."""
    key_prefix: str
    """First characters of the key, for identifying it in lists."""
    name: str
    """Human-readable key name."""
    role_id: str
    """ID of the role granted to the key."""
    role_key: str
    """The role's stable key, for example `role_org_member`."""
    scopes: list[str]
    """Permission scopes granted to the key."""
    warning: str
    """Reminder that the secret cannot be retrieved again."""
    expires_at: datetime | str | None = None
    """When the key expires. Null when it does not expire. A datetime, or the text as sent when it does not parse."""
    extra: dict[str, Any] = attrs.field(factory=dict, kw_only=True)
    """Fields the server sent that this version does not know (the schema allows more)."""


@attrs.define
class APIKeyListItem:
    """An API key as listed; the secret is never returned."""

    created_at: datetime | str
    """When the key was created. A datetime, or the text as sent when it does not parse."""
    id: str
    """API key ID."""
    key_prefix: str
    """First characters of the key; the secret itself is never returned."""
    name: str
    """Human-readable key name."""
    scopes: list[str]
    """Permission scopes granted to the key."""
    expires_at: datetime | str | None = None
    """When the key expires. Null when it does not expire. A datetime, or the text as sent when it does not parse."""
    last_used_at: datetime | str | None = None
    """When the key last authenticated a request. Null when never used. A datetime, or the text as sent when it does not parse."""
    revoked_at: datetime | str | None = None
    """When the key was revoked. Null for active keys. A datetime, or the text as sent when it does not parse."""
    users: dict[str, Any] | None = None
    """Who created the key: `{email, full_name}`."""
    extra: dict[str, Any] = attrs.field(factory=dict, kw_only=True)
    """Fields the server sent that this version does not know (the schema allows more)."""


@attrs.define
class AsyncOperationResponse:
    """The state of a long-running operation."""

    created_at: datetime | str
    """When the operation was created. A datetime, or the text as sent when it does not parse."""
    id: str
    """Operation ID."""
    org_id: str
    """Organization the operation belongs to."""
    resource_id: str | None
    """ID of the resource the operation acts on (the branch ID for branch create)."""
    status: OperationStatus
    """Current status. `completed` and `failed` are terminal."""
    type: OperationType
    """The kind of work this operation tracks, for example `branch_create`."""
    updated_at: datetime | str
    """When the operation was last updated. A datetime, or the text as sent when it does not parse."""
    completed_at: datetime | str | None = None
    """When the operation finished. Null until then. A datetime, or the text as sent when it does not parse."""
    error: str | None = None
    """Error message when the operation failed."""
    progress: int | None = None
    """Best-effort completion percentage. Null when no estimate is available."""
    result: dict[str, Any] | None = attrs.field(default=None, repr=redacted_repr)
    """Result payload on completion; for branch create, includes `branch_url`."""
    setup_status: dict[str, Any] | None = None
    """Connector setup progress detail. Present only for connector engine setup."""
    stage: str | None = None
    """Raw progress token, kept for released CLIs. Read `stage_label` instead."""
    stage_label: str | None = None
    """Human-readable stage; null means the operation has not started yet."""
    started_at: datetime | str | None = None
    """When work started. Null until then. A datetime, or the text as sent when it does not parse."""


@attrs.define
class BranchCreateRequest:
    """Body of POST /v1/branch/create."""

    connector_id: str
    """Connector to branch from."""
    name: str
    """Branch name, unique per connector."""
    service_type: str
    """Service to branch; `postgres`, not the connector type `postgresql`."""


@attrs.define
class BranchCreateResult:
    """The `result` of a completed `branch_create` operation: the new branch's details. An empty or missing `branch_url` is a hard failure for clients."""

    branch_id: str
    """Branch ID."""
    name: str
    """Branch name, as given at create."""
    connector_id: str
    """Connector this branch was created from."""
    service_type: str | None = None
    """Branched service. `postgres` for Postgres branches."""
    status: str | None = None
    """Branch status."""
    branch_url: str | None = attrs.field(default=None, repr=redacted_repr)
    """Direct connection URL for the branch; sensitive."""
    pooled_branch_url: str | None = attrs.field(default=None, repr=redacted_repr)
    """Pooled connection URL, when the provider has one."""
    pooled_branch_prisma_url: str | None = attrs.field(default=None, repr=redacted_repr)
    """Prisma-formatted pooled URL, when the provider has one."""
    created_at: datetime | str | None = None
    """When the branch was created. A datetime, or the text as sent when it does not parse."""
    read_ready_at: datetime | str | None = None
    """When the branch became ready for reads. A datetime, or the text as sent when it does not parse."""
    write_ready_at: datetime | str | None = None
    """When the branch became ready for writes. A datetime, or the text as sent when it does not parse."""
    masked_ready_at: datetime | str | None = None
    """When masked data became ready. A datetime, or the text as sent when it does not parse."""
    extra: dict[str, Any] = attrs.field(factory=dict, kw_only=True)
    """Fields the server sent that this version does not know (the schema allows more)."""


@attrs.define
class BranchRow:
    """A branch of a connector, as listed."""

    connector_id: str
    """Connector this branch was created from."""
    created_at: datetime | str
    """When the branch was created. A datetime, or the text as sent when it does not parse."""
    id: str
    """Branch ID."""
    name: str
    """Branch name, as given at create."""
    service_type: str
    """Branched service. `postgres` for Postgres branches."""
    status: str
    """Current branch status."""
    branch_url: str | None = attrs.field(default=None, repr=redacted_repr)
    """Direct connection URL for the branch; sensitive — use exactly as returned."""
    last_branch_activity: datetime | str | None = None
    """Most recent activity on the branch. Null when none has been recorded. A datetime, or the text as sent when it does not parse."""
    masked_ready_at: datetime | str | None = None
    """When masked data became ready. Null until then. A datetime, or the text as sent when it does not parse."""
    pooled_branch_prisma_url: str | None = attrs.field(default=None, repr=redacted_repr)
    """Prisma-formatted pooled URL; null when the provider has no pooled endpoint."""
    pooled_branch_url: str | None = attrs.field(default=None, repr=redacted_repr)
    """Pooled connection URL. Null when the provider has no pooled endpoint."""
    read_ready_at: datetime | str | None = None
    """When the branch became ready for reads. Null until then. A datetime, or the text as sent when it does not parse."""
    write_ready_at: datetime | str | None = None
    """When the branch became ready for writes. Null until then. A datetime, or the text as sent when it does not parse."""
    extra: dict[str, Any] = attrs.field(factory=dict, kw_only=True)
    """Fields the server sent that this version does not know (the schema allows more)."""


@attrs.define
class ConnectorDeletionLockRequest:
    """Body of a deletion-lock request."""

    reason: str | None = None
    """Why the connector is locked, up to 500 characters."""


@attrs.define
class ConnectorEnvelope:
    """A connector row wrapped in an envelope."""

    connector: ConnectorRow
    """The connector's current row."""


@attrs.define
class ConnectorListResponse:
    """Connectors visible to the caller."""

    connectors: list[ConnectorRow]
    """Connectors in the organization, visible to the caller."""


@attrs.define
class ConnectorRow:
    """A connector: one Postgres source that Ardent replicates and branches."""

    id: str
    """Connector ID."""
    name: str
    """Connector name."""
    org_id: str
    """Organization the connector belongs to."""
    service_name: str
    """Service type. `postgresql` today."""
    can_delete: bool | None = None
    """Whether the caller may delete this connector."""
    can_update: bool | None = None
    """Whether the caller may update this connector."""
    created_at: datetime | str | None = None
    """When the connector was created. A datetime, or the text as sent when it does not parse."""
    project_id: str | None = None
    """Project the connector belongs to."""
    status: str | None = None
    """Current connector status."""
    extra: dict[str, Any] = attrs.field(factory=dict, kw_only=True)
    """Fields the server sent that this version does not know (the schema allows more)."""


@attrs.define
class CreateAPIKeyRequest:
    """Body of an API-key create."""

    name: str
    """Descriptive name for the key"""
    role_id: str
    """Role ID to grant to this API key (e.g., role_org_member)"""
    expires_days: int | None = None
    """Days until expiration (null = never expires)"""
    scopes: list[str] | None = attrs.field(factory=list)
    """Permission keys like `connectors.read`, a subset of the role's; empty uses all."""


@attrs.define
class CreateConnectorRequest:
    """Body of a connector create."""

    connection_details: dict[str, Any] = attrs.field(repr=redacted_repr)
    """Connection details for the source database."""
    name: str
    """Connector name."""
    project_id: str
    """Project to create the connector in."""
    service_name: str
    """Service type. `postgresql` is the only supported value today."""
    allow_high_rtt_placement: bool | None = False
    """Allow customer-cloud placement far from the worker region."""
    drop_extensions: list[str] | None = None
    """Source extensions to drop on branches instead of installing."""
    environment_id: str | None = None
    """Customer-cloud environment; required when your org has more than one."""
    org_id: str | None = None
    """Organization to create the connector in. Inferred from your auth when omitted."""
    private_link_id: str | None = None
    """Private connection for the source database; needs `use_environment`."""
    use_environment: bool | None = False
    """Create the connector in a customer-cloud environment."""


@attrs.define
class CreateProjectRequest:
    """Body of a project create."""

    name: str
    """Project name (1-100 characters)."""
    org_id: str | None = None
    """Organization to create the project in. Inferred from your auth when omitted."""


@attrs.define
class DiscoverAccepted:
    """Acceptance of a discovery request: the operation to poll."""

    operation_id: str
    """Operation to poll at `GET /v1/operations/{operation_id}`."""
    resource_id: str | None
    """ID of the resource being created or acted on (the branch ID for branch create)."""
    status: OperationStatus
    """Status at acceptance time."""
    type: OperationType
    """The kind of work this operation tracks, for example `branch_create`."""
    prerequisites: dict[str, Any] | None = None
    """Pre-discovery prerequisite check results."""
    source_metadata: dict[str, Any] | None = None
    """Metadata gathered from the source."""


@attrs.define
class ErrorResponse:
    """Error body: `detail` is a message, or for validation errors a list of `{loc, msg, type}`."""

    detail: str | list[ValidationError]
    """What went wrong."""
    extra: dict[str, Any] = attrs.field(factory=dict, kw_only=True)
    """Fields the server sent that this version does not know (the schema allows more)."""


@attrs.define
class HTTPValidationError:
    """A request-validation error: a list of `{loc, msg, type}` entries."""

    detail: list[ValidationError] | None = None


@attrs.define
class InviteUserRequest:
    """Body of an invitation."""

    email: str
    """Email address to invite"""
    role_key: str | None = "member"
    """Role to assign (owner/admin/member/viewer)"""


@attrs.define
class LegacyConfig:
    """A configuration: its `type`, its `id` and the parameters of that type."""

    type: LegacyConfigType
    id: str
    """Configuration ID (a UUID; generated by the client when not given)."""
    extra: dict[str, Any] = attrs.field(factory=dict, kw_only=True)
    """Fields the server sent that this version does not know (the schema allows more)."""


class LegacyConfigType(OpenEnum):
    """A legacy configuration type."""

    MONGODB = "mongodb"
    AIRFLOW = "airflow"
    AZURE_SQL_SERVER = "azureSQLServer"
    DATABRICKS_JOBS = "databricksJobs"
    DATABRICKS = "databricks"
    MYSQL = "mysql"
    POSTGRE_SQL = "postgreSQL"
    SNOWFLAKE = "snowflake"
    SUPABASE = "supabase"
    TIGERBEETLE = "tigerbeetle"


@attrs.define
class LegacyCreateJobRequest:
    """Body of a legacy job create."""

    userMessage: str
    """What the job should do."""


@attrs.define
class LegacyDeleteJobRequest:
    """Body of a legacy job delete."""

    jobID: str
    """ID of the job."""


@attrs.define
class LegacyExecuteJobRequest:
    """Body of a legacy job execution."""

    jobID: str
    """Job to execute."""
    userMessage: str
    """What the job should do."""
    files_share_name: str | None
    """From the created job."""
    safeMode: bool
    """Run without side effects."""
    userID: str | None = None
    """From the created job (create-and-execute does not send it)."""


@attrs.define
class LegacyIdRequest:
    """Body naming one legacy configuration."""

    id: str
    """ID of the configuration."""


@attrs.define
class LegacyJob:
    """A legacy job, as created."""

    id: str
    """Job ID."""
    files_share_name: str | None = None
    """Share holding the job's files."""
    userID: str | None = None
    """ID of the user that owns the job."""
    extra: dict[str, Any] = attrs.field(factory=dict, kw_only=True)
    """Fields the server sent that this version does not know (the schema allows more)."""


@attrs.define
class LegacyResult:
    """A legacy reply; its fields vary by call."""

    extra: dict[str, Any] = attrs.field(factory=dict, kw_only=True)
    """Fields the server sent that this version does not know (the schema allows more)."""


@attrs.define
class LegacySetConfigRequest:
    """Body of a legacy configuration write."""

    Config: LegacyConfig


@attrs.define
class MessageResponse:
    """A plain acknowledgement, for example `{"message": "Project deleted"}`."""

    OPEN_SCHEMA: ClassVar[bool] = True
    """Free-form in the published contract: a field of another type is kept in `extra` instead."""
    ANY_JSON: ClassVar[bool] = True
    """The reply may be any JSON: a non-object decodes as `extra == {"value": reply}`."""
    message: str | None = None
    """Human-readable outcome."""
    extra: dict[str, Any] = attrs.field(factory=dict, kw_only=True)
    """Fields the server sent that this version does not know (the schema allows more)."""


@attrs.define
class OperationHandle:
    """Acceptance of long-running work: the operation to poll."""

    operation_id: str
    """Operation to poll at `GET /v1/operations/{operation_id}`."""
    resource_id: str | None
    """ID of the resource being created or acted on (the branch ID for branch create)."""
    status: OperationStatus
    """Status at acceptance time."""
    type: OperationType
    """The kind of work this operation tracks, for example `branch_create`."""


class OperationStatus(OpenEnum):
    """Status of an operation; `completed` and `failed` are terminal."""

    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class OperationType(OpenEnum):
    """The kind of work an operation tracks. New kinds may appear; clients must accept them."""

    CONNECTOR_ENGINE_SETUP = "connector_engine_setup"
    CONNECTOR_RESET = "connector_reset"
    CONNECTOR_DEEP_RESET = "connector_deep_reset"
    CONNECTOR_DISCOVERY = "connector_discovery"
    CONNECTOR_DELETE = "connector_delete"
    CONNECTOR_SECRET_PURGE = "connector_secret_purge"
    CONNECTOR_ROLLOUT = "connector_rollout"
    CONNECTOR_REPLICATION_ROLLBACK = "connector_replication_rollback"
    CONNECTOR_DEBEZIUM_CUTOVER = "connector_debezium_cutover"
    CONNECTOR_DEBEZIUM_SHADOW_CLEANUP = "connector_debezium_shadow_cleanup"
    ENVIRONMENT_DEPLOY = "environment_deploy"
    ENVIRONMENT_DESTROY = "environment_destroy"
    BRANCH_CREATE = "branch_create"
    BRANCH_DELETE = "branch_delete"


@attrs.define
class OrgDetails:
    """An organization. The public description leaves this body open; these are the fields the docs name."""

    OPEN_SCHEMA: ClassVar[bool] = True
    """Free-form in the published contract: a field of another type is kept in `extra` instead."""
    id: str | None = None
    """Organization ID."""
    name: str | None = None
    """Organization name."""
    created_at: datetime | str | None = None
    """When the organization was created. A datetime, or the text as sent when it does not parse."""
    extra: dict[str, Any] = attrs.field(factory=dict, kw_only=True)
    """Fields the server sent that this version does not know (the schema allows more)."""


@attrs.define
class OrgInvite:
    """A pending invitation to an organization."""

    OPEN_SCHEMA: ClassVar[bool] = True
    """Free-form in the published contract: a field of another type is kept in `extra` instead."""
    id: str | None = None
    """Invite ID."""
    email: str | None = None
    """Invited email address."""
    role_key: str | None = None
    """Role granted on acceptance."""
    created_at: datetime | str | None = None
    """When the invite was sent. A datetime, or the text as sent when it does not parse."""
    expires_at: datetime | str | None = None
    """When the invite expires. A datetime, or the text as sent when it does not parse."""
    extra: dict[str, Any] = attrs.field(factory=dict, kw_only=True)
    """Fields the server sent that this version does not know (the schema allows more)."""


@attrs.define
class OrgMember:
    """A member of an organization."""

    OPEN_SCHEMA: ClassVar[bool] = True
    """Free-form in the published contract: a field of another type is kept in `extra` instead."""
    user_id: str | None = None
    """User ID."""
    email: str | None = None
    """Email address."""
    full_name: str | None = None
    """Display name."""
    role_key: str | None = None
    """Role: owner, admin, member or viewer."""
    joined_at: datetime | str | None = None
    """When the member joined. A datetime, or the text as sent when it does not parse."""
    extra: dict[str, Any] = attrs.field(factory=dict, kw_only=True)
    """Fields the server sent that this version does not know (the schema allows more)."""


@attrs.define
class OrgRole:
    """A role that members and API keys can hold."""

    OPEN_SCHEMA: ClassVar[bool] = True
    """Free-form in the published contract: a field of another type is kept in `extra` instead."""
    id: str | None = None
    """Role ID, for example `role_org_member`."""
    key: str | None = None
    """Stable role key: owner, admin, member or viewer."""
    name: str | None = None
    """Display name."""
    description: str | None = None
    """What the role may do."""
    permissions: list[str] | None = None
    """Permission keys the role grants."""
    extra: dict[str, Any] = attrs.field(factory=dict, kw_only=True)
    """Fields the server sent that this version does not know (the schema allows more)."""


@attrs.define
class OrgUpdateReply(OrgDetails):
    """What an update of an organization returns. The public description allows any JSON here (the reply of a read is an object); a reply that is not an object is kept as `extra["value"]`."""

    OPEN_SCHEMA: ClassVar[bool] = True
    """Free-form in the published contract: a field of another type is kept in `extra` instead."""
    ANY_JSON: ClassVar[bool] = True
    """The reply may be any JSON: a non-object decodes as `extra == {"value": reply}`."""


@attrs.define
class PreflightConnectorRequest:
    """Body of a source preflight."""

    connection_details: dict[str, Any] = attrs.field(repr=redacted_repr)
    """Connection details for the source database. Nothing is stored."""
    service_name: str
    """Service type. `postgresql` is the only supported value today."""
    allow_high_rtt_placement: bool | None = False
    """Allow customer-cloud placement far from the worker region."""
    database: str | None = None
    """Database to render in the grant script. Affects only `grant_script`."""
    environment_id: str | None = None
    """Customer-cloud environment; required when your org has more than one."""
    org_id: str | None = None
    """Organization to preflight for. Inferred from your auth when omitted."""
    private_link_id: str | None = None
    """Private connection for the source database; needs `use_environment`."""
    selected_schemas: list[str] | None = None
    """Schemas to render in the grant script. Affects only `grant_script`."""
    use_environment: bool | None = False
    """Route preflight through a customer-cloud environment."""


@attrs.define
class PreflightReport:
    """The result of preflight checks against a source."""

    branching_prerequisites_pass: bool | None = None
    """True when the checks required for branching pass."""
    checks: dict[str, Any] | None = None
    """Individual check results, keyed by check name."""
    grant_script: str | None = None
    """Ready-to-run SQL grant script for the source database."""
    preflight_pass: bool | None = None
    """True when every preflight check passes."""
    source_metadata: dict[str, Any] | None = None
    """Metadata gathered from the source during preflight."""
    source_placement: dict[str, Any] | None = None
    source_preflight: dict[str, Any] | None = None
    source_provider: str | None = None
    """Detected source provider, for example `supabase` or `vanilla`."""
    extra: dict[str, Any] = attrs.field(factory=dict, kw_only=True)
    """Fields the server sent that this version does not know (the schema allows more)."""


@attrs.define
class ProjectListResponse:
    """Projects visible to the caller."""

    projects: list[ProjectRow]
    """Projects visible to the caller."""


@attrs.define
class ProjectRow:
    """A project: a workspace for related connectors and branches."""

    created_at: datetime | str
    """When the project was created. A datetime, or the text as sent when it does not parse."""
    id: str
    """Project ID."""
    name: str
    """Project name."""
    org_id: str
    """Organization the project belongs to."""
    extra: dict[str, Any] = attrs.field(factory=dict, kw_only=True)
    """Fields the server sent that this version does not know (the schema allows more)."""


@attrs.define
class QuarantineListResponse:
    """A connector's active quarantines."""

    quarantines: list[QuarantineRow]
    """Active (still paused) quarantines for the connector."""


@attrs.define
class QuarantineRow:
    """A paused (quarantined) replication deployment."""

    connector_id: str
    """Connector the quarantine belongs to."""
    id: str
    """Quarantine ID."""
    status: str
    """`quarantined` while paused, `released` after release."""
    deployment_name: str | None = None
    """Replication deployment that was paused."""
    message: str | None = None
    """Human-readable status message."""
    released_at: datetime | str | None = None
    """When the quarantine was released. Null while paused. A datetime, or the text as sent when it does not parse."""
    released_by: str | None = None
    """Who released the quarantine. Null while paused."""
    extra: dict[str, Any] = attrs.field(factory=dict, kw_only=True)
    """Fields the server sent that this version does not know (the schema allows more)."""


@attrs.define
class ReplicaIdentityDecisionsRequest:
    """Per-table replica-identity decisions."""

    decisions: dict[str, str]
    """Per-table decision: `exclude`, `add_pk`, or `replica_identity_full`."""


@attrs.define
class SelectionRequest:
    """The discovered paths to replicate."""

    selected_paths: list[str]
    """Discovered paths to replicate. Use `["*"]` to select everything."""


@attrs.define
class UpdateConnectorRequest:
    """Body of a connector update; omitted fields stay unchanged."""

    connection_details: dict[str, Any] | None = attrs.field(default=None, repr=redacted_repr)
    """Replacement connection details for the source database."""
    drop_extensions: list[str] | None = None
    """Extensions to drop on branches; omit to leave unchanged, `[]` clears."""
    name: str | None = None
    """New connector name."""
    project_id: str | None = None
    """Move the connector to this project."""


@attrs.define
class UpdateMemberRoleRequest:
    """Body of a member's role change."""

    role_key: str
    """New role to assign (owner/admin/member/viewer)"""


@attrs.define
class UpdateOrgRequest:
    """Body of an organization update."""

    name: str
    """New organization name"""


@attrs.define
class UpdateProjectRequest:
    """Body of a project update."""

    name: str | None = None
    """New project name (1-100 characters)."""


@attrs.define
class ValidationError:
    """One request-validation failure."""

    loc: list[str | int]
    msg: str
    type: str
    ctx: dict[str, Any] | None = None
    input: Any | None = None


__all__ = [
    "APIKeyCreateResponse",
    "APIKeyListItem",
    "AsyncOperationResponse",
    "BranchCreateRequest",
    "BranchCreateResult",
    "BranchRow",
    "ConnectorDeletionLockRequest",
    "ConnectorEnvelope",
    "ConnectorListResponse",
    "ConnectorRow",
    "CreateAPIKeyRequest",
    "CreateConnectorRequest",
    "CreateProjectRequest",
    "DiscoverAccepted",
    "ErrorResponse",
    "HTTPValidationError",
    "InviteUserRequest",
    "LegacyConfig",
    "LegacyConfigType",
    "LegacyCreateJobRequest",
    "LegacyDeleteJobRequest",
    "LegacyExecuteJobRequest",
    "LegacyIdRequest",
    "LegacyJob",
    "LegacyResult",
    "LegacySetConfigRequest",
    "MessageResponse",
    "OperationHandle",
    "OperationStatus",
    "OperationType",
    "OrgDetails",
    "OrgInvite",
    "OrgMember",
    "OrgRole",
    "OrgUpdateReply",
    "PreflightConnectorRequest",
    "PreflightReport",
    "ProjectListResponse",
    "ProjectRow",
    "QuarantineListResponse",
    "QuarantineRow",
    "ReplicaIdentityDecisionsRequest",
    "SelectionRequest",
    "UpdateConnectorRequest",
    "UpdateMemberRoleRequest",
    "UpdateOrgRequest",
    "UpdateProjectRequest",
    "ValidationError",
]
