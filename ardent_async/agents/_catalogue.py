"""The agent tools: name, title, group, hints, arguments, result shape and the call each makes.

Where a tool wraps a spec operation, its arguments' schemas come from the spec
(:mod:`._spec_schemas`): a plan only chooses which of the operation's arguments to offer and
fills in descriptions the spec lacks. Arguments that are the tools' own (``source``, ``sql``,
``wait_timeout``...) are written here. What the operator configured (org, sources, pinned
scope, safety) shapes the definitions in :func:`build_definition`; the model never picks it.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import attrs

from ardent_async._spec.constants import MAX_WAIT_TIMEOUT
from ardent_async.agents._context import Handler
from ardent_async.agents._definition import ToolDefinition
from ardent_async.agents._settings import MAX_ROWS, ToolSettings
from ardent_async.agents._spec_schemas import operation_arguments
from ardent_async.agents._sql import HANDLERS as SQL_HANDLERS
from ardent_async.agents._workflow import HANDLERS as API_HANDLERS
from ardent_async.services.connectors import REPLICA_IDENTITY_DECISIONS

__all__ = ["CATALOGUE", "MAX_WAIT_TIMEOUT", "ToolPlan", "build_definition", "instructions"]


@attrs.define(frozen=True)
class ToolPlan:
    """How a tool is made, and what it calls."""

    name: str
    title: str
    toolset: str
    description: str
    #: The spec operation whose arguments are offered (by name, in ``arguments``' order).
    operation_id: str | None = None
    arguments: tuple[str, ...] = ()
    #: Descriptions for arguments the spec leaves undescribed (the spec's own text wins).
    notes: Mapping[str, str] = attrs.field(factory=dict)
    #: The tool's own arguments (not in the spec operation), and which of them are required.
    extra: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)
    required: tuple[str, ...] = ()
    #: Spec arguments offered as optional although the spec requires them (the tool fills
    #: them in: the pinned connector, for instance).
    optional: tuple[str, ...] = ()
    #: Top-level keys of the result object.
    result: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)
    read_only: bool = False
    destructive: bool = False
    idempotent: bool = False

    @property
    def handler(self) -> Handler:
        return {**API_HANDLERS, **SQL_HANDLERS}[self.name]


_OBJECT: dict[str, Any] = {"type": "object"}
_LIST: dict[str, Any] = {"type": "array", "items": {"type": "object"}}
_TEXT: dict[str, Any] = {"type": "string"}
_CONNECTOR_ID = "Connector ID (from list_connectors)."
_OPERATION_ID = "Operation ID (the operation_id a tool returned)."
_BRANCH = "The branch: its id or its name (from list_branches or create_branch)."
_RUNNING = {"status": _TEXT, "operation_id": _TEXT, "next": _TEXT}


def _text(description: str, **more: Any) -> dict[str, Any]:
    return {"type": "string", "minLength": 1, "description": description, **more}


def _connector_argument() -> dict[str, Any]:
    return {"connector_id": {"type": "string", "minLength": 1, "description": _CONNECTOR_ID}}


_SOURCE = {
    "source": _text(
        "Name of the source database, as configured for these tools (never a URL: the "
        "tools hold the credentials)."
    )
}
_DECISIONS = {
    "type": "array",
    "description": "Per table without a primary key: what to do about its replica identity.",
    "items": {
        "type": "object",
        "properties": {
            "table": _text("Table as schema.name (from tables_needing_decision)."),
            "decision": {
                "type": "string",
                "enum": list(REPLICA_IDENTITY_DECISIONS),
                "description": "exclude (leave the table out), add_pk (add a key) or "
                "replica_identity_full (keep the table as it is).",
            },
        },
        "required": ["table", "decision"],
        "additionalProperties": False,
    },
}
_SELECTION = {
    "type": "array",
    "items": {"type": "string", "minLength": 1},
    "description": "Discovered paths to replicate (schema.table or schema.*); default: all.",
}
_WAIT_TIMEOUT = {
    "type": "number",
    "exclusiveMinimum": 0,
    "maximum": MAX_WAIT_TIMEOUT,
    "description": "Seconds to wait at most; the work goes on after it (call wait_operation "
    "again). Default: the tools' short wait, which stays under client timeouts.",
}
_SQL_BRANCH = {**_connector_argument(), "branch": _text(_BRANCH)}
_SCHEMA = {"schema": _text("Only this schema (default: every user schema).")}

CATALOGUE: tuple[ToolPlan, ...] = (
    ToolPlan(
        name="list_projects",
        title="List projects",
        toolset="projects",
        description="List the org's projects (id, name). Connectors live in projects.",
        result={"projects": _LIST},
        read_only=True,
        idempotent=True,
    ),
    ToolPlan(
        name="create_project",
        title="Create a project",
        toolset="projects",
        description="Create a project in the org; connectors are created in a project.",
        operation_id="create_project",
        arguments=("name",),
        result={"project": _OBJECT},
    ),
    ToolPlan(
        name="delete_project",
        title="Delete a project",
        toolset="projects",
        description="Delete a project. This cannot be undone; the user must confirm it.",
        operation_id="delete_project",
        arguments=("project_id",),
        notes={"project_id": "Project ID (from list_projects)."},
        result={"project_id": _TEXT, "message": _TEXT},
        destructive=True,
        idempotent=True,
    ),
    ToolPlan(
        name="list_connectors",
        title="List connectors",
        toolset="connectors",
        description="List the org's connectors: the Postgres sources Ardent replicates and "
        "branches (id, name, project_id, status...). Use a ready connector's id with "
        "create_branch.",
        extra={"project_id": _text("Only the connectors of this project.")},
        result={"connectors": _LIST},
        read_only=True,
        idempotent=True,
    ),
    ToolPlan(
        name="get_connector",
        title="Get a connector",
        toolset="connectors",
        description="Read one connector: its row and engine_status (ready when branches "
        "can be created).",
        operation_id="get_connector",
        arguments=("connector_id",),
        notes={"connector_id": _CONNECTOR_ID},
        result={"connector": _OBJECT, "engine_status": {"type": ["string", "null"]}},
        read_only=True,
        idempotent=True,
    ),
    ToolPlan(
        name="preflight_connector",
        title="Check a source",
        toolset="connectors",
        description="Check whether a configured source database can be replicated and "
        "branched, before creating a connector. Nothing is stored. Returns the report: "
        "preflight_pass, each check, and a grant script that fixes missing privileges.",
        operation_id="preflight_connector",
        arguments=("selected_schemas", "database"),
        extra=_SOURCE,
        required=("source",),
        result={"report": _OBJECT},
        read_only=True,
        idempotent=True,
    ),
    ToolPlan(
        name="create_connector",
        title="Connect a source",
        toolset="connectors",
        description="Create a connector for a configured source and take it as far as the "
        "time allows: discover its tables, select them, apply decisions, set up the engine. "
        "Returns status ready, or needs_decisions (tables without a primary key: call "
        "set_replica_identity_decisions, then setup_connector), or running (call "
        "wait_operation, then setup_connector).",
        operation_id="create_connector",
        arguments=("project_id", "name"),
        extra={**_SOURCE, "selected_paths": _SELECTION, "decisions": _DECISIONS},
        required=("source",),
        result={"status": _TEXT, "connector": _OBJECT, "next": _TEXT},
    ),
    ToolPlan(
        name="set_replica_identity_decisions",
        title="Decide replica identity",
        toolset="connectors",
        description="Decide, per table without a primary key, what replication does with it "
        "(replaces earlier decisions). Then call setup_connector.",
        operation_id="set_replica_identity_decisions",
        arguments=("connector_id",),
        notes={"connector_id": _CONNECTOR_ID},
        extra={"decisions": _DECISIONS},
        required=("decisions",),
        result={"connector": _OBJECT, "next": _TEXT},
        idempotent=True,
    ),
    ToolPlan(
        name="setup_connector",
        title="Set up a connector",
        toolset="connectors",
        description="Resume a connector's setup where it stopped (discovery, selection, "
        "decisions, engine setup); safe to repeat. Same statuses as create_connector.",
        extra={**_connector_argument(), "selected_paths": _SELECTION, "decisions": _DECISIONS},
        required=("connector_id",),
        result={"status": _TEXT, "connector": _OBJECT, "next": _TEXT},
        idempotent=True,
    ),
    ToolPlan(
        name="delete_connector",
        title="Delete a connector",
        toolset="connectors",
        description="Delete a connector and stop its replication. This cannot be undone; the "
        "user must confirm it. Returns the delete operation (follow it with wait_operation).",
        operation_id="delete_connector",
        arguments=("connector_id", "force"),
        notes={
            "connector_id": _CONNECTOR_ID,
            "force": "The API's force flag; leave false unless the user asked for a forced delete.",
        },
        result={"operation": _OBJECT, "next": _TEXT},
        destructive=True,
        idempotent=True,
    ),
    ToolPlan(
        name="list_branches",
        title="List branches",
        toolset="branches",
        description="List a connector's branches (at most 100): id, name, status, created_at "
        "and readiness times.",
        operation_id="list_branches",
        arguments=("connector_id",),
        notes={"connector_id": _CONNECTOR_ID},
        result={"branches": _LIST},
        read_only=True,
        idempotent=True,
    ),
    ToolPlan(
        name="get_branch",
        title="Get a branch",
        toolset="branches",
        description="Read one branch of a connector, by id or name.",
        extra=_SQL_BRANCH,
        required=("connector_id", "branch"),
        result={"branch": _OBJECT},
        read_only=True,
        idempotent=True,
    ),
    ToolPlan(
        name="create_branch",
        title="Create a branch",
        toolset="branches",
        description="Create a branch: an isolated, writable copy of the connector's database. "
        "Waits a few seconds; returns status ready with the branch, or status running with "
        "the operation_id to follow with wait_operation. Calling it again with the same "
        "connector and name resumes the same branch (never a duplicate).",
        operation_id="create_branch",
        arguments=("connector_id", "name"),
        notes={"connector_id": _CONNECTOR_ID},
        result={"status": _TEXT, "branch": _OBJECT, **_RUNNING},
        idempotent=True,
    ),
    ToolPlan(
        name="get_operation",
        title="Read an operation",
        toolset="operations",
        description="Read a long-running operation (branch create, connector setup, delete): "
        "status (pending, running, completed, failed), progress, stage and, when completed, "
        "its result.",
        operation_id="get_operation",
        arguments=("operation_id", "wait"),
        notes={"operation_id": _OPERATION_ID},
        result={"operation": _OBJECT},
        read_only=True,
        idempotent=True,
    ),
    ToolPlan(
        name="wait_operation",
        title="Wait for an operation",
        toolset="operations",
        description="Wait a short while for a long-running operation to end. Returns status "
        "completed with the operation (and its result), or status running: call it again. A "
        "failed operation is reported as an error.",
        operation_id="get_operation",
        arguments=("operation_id",),
        notes={"operation_id": _OPERATION_ID},
        extra={"wait_timeout": _WAIT_TIMEOUT},
        result={"operation": _OBJECT, **_RUNNING},
        read_only=True,
        idempotent=True,
    ),
    ToolPlan(
        name="run_sql",
        title="Run SQL on a branch",
        toolset="sql",
        description="Run one SQL statement on a branch, connected with the branch's own "
        "credentials (you never need its password). Returns columns, rows (as JSON), "
        "row_count and truncated (more rows than returned).",
        extra={
            **_SQL_BRANCH,
            "sql": _text("The SQL statement."),
            "max_rows": {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_ROWS,
                "description": "Rows to return at most (default and cap: the tools' setting).",
            },
        },
        required=("connector_id", "branch", "sql"),
        result={
            "columns": _LIST,
            "rows": {"type": "array", "items": {"type": "array"}},
            "row_count": {"type": "integer"},
            "truncated": {"type": "boolean"},
            "command": {"type": ["string", "null"]},
        },
        read_only=True,
    ),
    ToolPlan(
        name="describe_branch_schema",
        title="Describe a branch's schema",
        toolset="sql",
        description="Describe a branch's database: tables with their columns (types, "
        "nullability, defaults), constraints (primary, unique and foreign keys) and indexes.",
        extra={**_SQL_BRANCH, **_SCHEMA},
        required=("connector_id", "branch"),
        result={"tables": _LIST},
        read_only=True,
        idempotent=True,
    ),
    ToolPlan(
        name="compare_branch_schema",
        title="Compare a branch's schema",
        toolset="sql",
        description="Compare a branch's schema with another branch's or with the source's: "
        "tables added or removed, and per table the columns, constraints and indexes added, "
        "removed or changed. Use it to show a migration tried on a branch before it is "
        "applied to the source.",
        extra={
            **_SQL_BRANCH,
            "against_branch": _text("Compare with this branch (id or name)."),
            "against_source": _text(
                "Compare with this configured source (default: the only configured source)."
            ),
            **_SCHEMA,
        },
        required=("connector_id", "branch"),
        result={
            "identical": {"type": "boolean"},
            "tables_added": _LIST,
            "tables_removed": {"type": "array", "items": _TEXT},
            "tables_changed": _LIST,
        },
        read_only=True,
        idempotent=True,
    ),
)


def _spec_properties(plan: ToolPlan) -> tuple[dict[str, Any], list[str]]:
    if plan.operation_id is None:
        return {}, []
    offered = {a.name: a for a in operation_arguments(plan.operation_id)}
    missing = [name for name in plan.arguments if name not in offered]
    if missing:
        raise LookupError(
            f"tool {plan.name}: operation {plan.operation_id} in the spec has no argument "
            + ", ".join(missing)
        )
    properties: dict[str, Any] = {}
    required: list[str] = []
    for name in plan.arguments:
        schema = offered[name].schema
        if name in plan.notes:
            schema.setdefault("description", plan.notes[name])
        if schema.get("type") == "string" and name.endswith("_id"):
            schema.setdefault("minLength", 1)
        properties[name] = schema
        if offered[name].required and name not in plan.optional:
            required.append(name)
    return properties, required


def _pin(properties: dict[str, Any], required: list[str], name: str, pinned: str | None) -> None:
    if pinned is None or name not in properties:
        return
    argument = properties[name]
    argument["description"] = (
        f"{argument.get('description', '')} Pinned to {pinned}: leave it out; any other id "
        "is refused."
    ).strip()
    if name in required:
        required.remove(name)


def _sources(properties: dict[str, Any], required: list[str], settings: ToolSettings) -> None:
    if "source" not in properties:
        return
    names = list(settings.sources)
    if names:
        properties["source"]["enum"] = names
        properties["source"]["description"] += f" Configured: {', '.join(names)}."
    if settings.allow_connection_details:
        properties["connection_url"] = _text(
            "A postgresql:// URL of the source, when it is not a configured source."
        )
        if "source" in required:
            required.remove("source")


def build_definition(plan: ToolPlan, settings: ToolSettings) -> ToolDefinition:
    """The tool's definition for these settings, its spec arguments read from the spec now."""
    properties, required = _spec_properties(plan)
    for name, extra in plan.extra.items():
        properties[name] = copy.deepcopy(dict(extra))
    required += [name for name in plan.required if name not in required]
    _pin(properties, required, "connector_id", settings.connector_id)
    _pin(properties, required, "project_id", settings.project_id)
    _sources(properties, required, settings)
    read_only, description = plan.read_only, plan.description
    if plan.name == "run_sql":
        read_only = not settings.sql_writes
        description += (
            " The statement runs in a READ ONLY transaction: writes fail."
            if read_only
            else " Writes are allowed and committed (the branch is a copy: the source is "
            "untouched)."
        )
    if plan.destructive:
        properties["confirm"] = _text(
            "Leave it out at first: the tool answers with a confirmation token after the user "
            "is asked; then call again with that token."
        )
    return ToolDefinition(
        name=plan.name,
        title=plan.title,
        description=description,
        input_schema={
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": False,
        },
        output_schema={"type": "object", "properties": copy.deepcopy(dict(plan.result))},
        read_only=read_only,
        destructive=plan.destructive,
        idempotent=plan.idempotent,
        toolset=plan.toolset,
    )


def offered(settings: ToolSettings, names: frozenset[str] | None) -> list[ToolPlan]:
    """The plans these settings allow, in catalogue order."""
    chosen = []
    for plan in CATALOGUE:
        if names is not None and plan.name not in names:
            continue
        if settings.toolsets is not None and plan.toolset not in settings.toolsets:
            continue
        if settings.read_only and not plan.read_only:
            continue
        if plan.destructive and not settings.allow_writes:
            continue
        chosen.append(plan)
    return chosen


def instructions(definitions: list[ToolDefinition], settings: ToolSettings) -> str:
    """What the server tells the model about the tools it actually offers."""
    names = [definition.name for definition in definitions]
    lines = [
        f"Tools for Ardent Postgres branches in org {settings.org_id}: isolated, writable "
        "copies of a source database, for trying changes safely.",
        "Offered: " + ", ".join(names) + ".",
    ]
    flow = [
        ("list_connectors", "find a connector with list_connectors"),
        ("create_connector", "connect a configured source with create_connector"),
        ("create_branch", "create a branch with create_branch (wait_operation if it runs on)"),
        ("run_sql", "query it with run_sql (no password needed)"),
        ("compare_branch_schema", "show schema changes with compare_branch_schema"),
    ]
    steps = [text for name, text in flow if name in names]
    if steps:
        lines.append("Typical flow: " + "; ".join(steps) + ".")
    if settings.sources and ("create_connector" in names or "preflight_connector" in names):
        lines.append("Configured sources: " + ", ".join(settings.sources) + ".")
    if settings.read_only:
        lines.append("Read-only mode: nothing can be created or changed.")
    elif "run_sql" in names and not settings.sql_writes:
        lines.append("run_sql is read-only (READ ONLY transactions).")
    for name, pinned in (("project", settings.project_id), ("connector", settings.connector_id)):
        if pinned is not None:
            lines.append(f"Pinned to {name} {pinned}: other {name}s are refused.")
    if any(d.destructive for d in definitions):
        lines.append("Deletes need the user's confirmation.")
    return "\n".join(lines)
