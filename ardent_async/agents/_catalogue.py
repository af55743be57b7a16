"""The agent tools: which spec operation each one wraps, its arguments, and the SDK call it makes.

Argument schemas come from the spec (:mod:`._spec_schemas`); a tool only chooses which of the
operation's arguments to offer, renames a header, fills in descriptions the spec lacks, sets the
SDK's defaults and adds the few arguments that are the SDK's own (``wait``, ``wait_timeout``).
``wait_timeout`` is named as the CLI's ``--wait-timeout``: the deadline of a whole wait, never
the timeout of one HTTP request (that is the client's ``timeout``).
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from ardent_async._spec.constants import (
    BRANCH_CREATE_REQUEST_SERVICE_TYPE_DEFAULT,
    DEFAULT_WAIT_TIMEOUT,
    MAX_WAIT_TIMEOUT,
)
from ardent_async._spec.endpoints import IDEMPOTENCY_HEADER
from ardent_async.agents._spec_schemas import operation_arguments

if TYPE_CHECKING:
    from ardent_async._client import ArdentClient

__all__ = ["CATALOGUE", "ToolDefinition", "ToolPlan", "build_definition"]

Handler = Callable[["ArdentClient", dict[str, Any]], Awaitable[Any]]


@attrs.define(frozen=True)
class ToolDefinition:
    """A tool as agent APIs describe one: name, description and the JSON Schema of its arguments.

    ``read_only`` tools change nothing; ``destructive`` ones delete. :meth:`openai` and
    :meth:`anthropic` give the shapes those APIs take (plain dicts, fresh copies).
    """

    name: str
    description: str
    input_schema: dict[str, Any] = attrs.field(repr=False)
    read_only: bool = False
    destructive: bool = False

    def openai(self) -> dict[str, Any]:
        """An OpenAI-style function tool (Chat Completions ``tools=[...]``)."""
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": copy.deepcopy(self.input_schema),
            },
        }

    def anthropic(self) -> dict[str, Any]:
        """An Anthropic-style tool (Messages API ``tools=[...]``)."""
        return {
            "name": self.name,
            "description": self.description,
            "input_schema": copy.deepcopy(self.input_schema),
        }


@attrs.define(frozen=True)
class ToolPlan:
    """How a tool is made from a spec operation, and what it calls."""

    name: str
    operation_id: str
    description: str
    handler: Handler = attrs.field(repr=False)
    #: The operation's arguments to offer, by (renamed) name, in this order.
    arguments: tuple[str, ...] = ()
    #: Spec name -> tool argument name (headers such as ``X-Idempotency-Key``).
    renames: Mapping[str, str] = attrs.field(factory=dict)
    #: Descriptions for arguments the spec leaves undescribed (the spec's own text wins).
    notes: Mapping[str, str] = attrs.field(factory=dict)
    #: Defaults the SDK applies; an argument with one is optional even if the spec requires it.
    defaults: Mapping[str, Any] = attrs.field(factory=dict)
    #: Arguments of the SDK call that are not part of the HTTP operation.
    extra: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)
    read_only: bool = False
    destructive: bool = False


def build_definition(plan: ToolPlan) -> ToolDefinition:
    """The tool's definition, its argument schema read from the spec now."""
    offered = {}
    for argument in operation_arguments(plan.operation_id):
        name = plan.renames.get(argument.name, argument.name)
        if name in plan.arguments:
            offered[name] = argument
    missing = [name for name in plan.arguments if name not in offered]
    if missing:
        raise LookupError(
            f"tool {plan.name}: operation {plan.operation_id} in the spec has no argument "
            + ", ".join(missing)
        )
    properties: dict[str, Any] = {}
    required: list[str] = []
    for name in plan.arguments:
        argument = offered[name]
        schema = argument.schema
        if name in plan.notes:
            schema.setdefault("description", plan.notes[name])
        if name in plan.defaults:
            schema["default"] = plan.defaults[name]
        properties[name] = schema
        if argument.required and name not in plan.defaults:
            required.append(name)
    for name, extra in plan.extra.items():
        properties[name] = copy.deepcopy(dict(extra))
    input_schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }
    return ToolDefinition(
        name=plan.name,
        description=plan.description,
        input_schema=input_schema,
        read_only=plan.read_only,
        destructive=plan.destructive,
    )


# -- the SDK calls ----------------------------------------------------------------------------


async def _list_connectors(client: ArdentClient, args: dict[str, Any]) -> Any:
    return await client.connectors.list(**args)


async def _preflight_connector(client: ArdentClient, args: dict[str, Any]) -> Any:
    return await client.connectors.preflight(args.pop("connection_details"), **args)


async def _create_branch(client: ArdentClient, args: dict[str, Any]) -> Any:
    wait = args.pop("wait", True)
    timeout = args.pop("wait_timeout", DEFAULT_WAIT_TIMEOUT)
    connector_id, name = args.pop("connector_id"), args.pop("name")
    if wait:
        return await client.branches.create_and_wait(connector_id, name, timeout=timeout, **args)
    return await client.branches.create(connector_id, name, **args)


async def _list_branches(client: ArdentClient, args: dict[str, Any]) -> Any:
    return await client.branches.list(args["connector_id"])


async def _get_operation(client: ArdentClient, args: dict[str, Any]) -> Any:
    return await client.operations.get(args["operation_id"], wait=args.get("wait"))


async def _wait_operation(client: ArdentClient, args: dict[str, Any]) -> Any:
    timeout = args.get("wait_timeout", DEFAULT_WAIT_TIMEOUT)
    return await client.operations.wait(args["operation_id"], timeout=timeout)


async def _delete_connector(client: ArdentClient, args: dict[str, Any]) -> Any:
    return await client.connectors.delete(args["connector_id"], force=args.get("force", False))


def _wait_timeout_argument(what: str) -> dict[str, Any]:
    return {
        "type": "number",
        "exclusiveMinimum": 0,
        "maximum": MAX_WAIT_TIMEOUT,
        "default": DEFAULT_WAIT_TIMEOUT,
        "description": (
            f"Deadline in seconds for the whole wait for {what}; after it the tool reports a "
            "timeout and the work goes on (poll again with wait_operation)."
        ),
    }


_CONNECTOR_ID = "Connector ID (from list_connectors)."
_OPERATION_ID = "Operation ID (the operation_id a create or delete returned)."

CATALOGUE: tuple[ToolPlan, ...] = (
    ToolPlan(
        name="list_connectors",
        operation_id="list_connectors",
        description=(
            "List the organization's connectors: the Postgres sources Ardent replicates and "
            "branches. Returns connector rows (id, name, status, project_id...); use a "
            "connector's id to create or list branches."
        ),
        handler=_list_connectors,
        arguments=("org_id", "connector_category", "service_name"),
        notes={
            "org_id": "Organization ID, for example org_123.",
            "connector_category": "Only connectors of this category.",
            "service_name": "Only connectors of this service, for example postgresql.",
        },
        read_only=True,
    ),
    ToolPlan(
        name="preflight_connector",
        operation_id="preflight_connector",
        description=(
            "Check whether a Postgres source can be replicated and branched, before creating a "
            "connector. Nothing is stored. Returns the preflight report: preflight_pass, each "
            "check with its outcome, and a grant script that fixes missing privileges. A failed "
            "check is reported, not raised."
        ),
        handler=_preflight_connector,
        arguments=(
            "connection_details",
            "service_name",
            "org_id",
            "selected_schemas",
            "database",
            "environment_id",
            "private_link_id",
            "use_environment",
            "allow_high_rtt_placement",
        ),
        defaults={"service_name": "postgresql"},
        read_only=True,
    ),
    ToolPlan(
        name="create_branch",
        operation_id="create_branch",
        description=(
            "Create a branch: an isolated, writable copy of the connector's database. By "
            "default waits until the branch is ready and returns its details (branch_id, "
            "name, status, branch_url). With wait=false returns at once with the operation to "
            "follow with wait_operation. Re-sending the same idempotency_key resumes the "
            "earlier create instead of making a second branch."
        ),
        handler=_create_branch,
        arguments=("connector_id", "name", "service_type", "idempotency_key"),
        renames={IDEMPOTENCY_HEADER: "idempotency_key"},
        defaults={"service_type": BRANCH_CREATE_REQUEST_SERVICE_TYPE_DEFAULT},
        extra={
            "wait": {
                "type": "boolean",
                "default": True,
                "description": (
                    "Wait until the branch is ready and return its details (default); false "
                    "returns the operation to poll."
                ),
            },
            "wait_timeout": _wait_timeout_argument("the branch (only with wait)"),
        },
    ),
    ToolPlan(
        name="list_branches",
        operation_id="list_branches",
        description=(
            "List a connector's branches (at most 100): id, name, status, created_at, "
            "branch_url and readiness times."
        ),
        handler=_list_branches,
        arguments=("connector_id",),
        notes={"connector_id": _CONNECTOR_ID},
        read_only=True,
    ),
    ToolPlan(
        name="get_operation",
        operation_id="get_operation",
        description=(
            "Read a long-running operation (branch create, connector delete...): status "
            "(pending, running, completed, failed), progress, stage, and on completion its "
            "result. wait (seconds) holds this one request until the operation "
            "ends; use wait_operation to wait longer."
        ),
        handler=_get_operation,
        arguments=("operation_id", "wait"),
        notes={"operation_id": _OPERATION_ID},
        read_only=True,
    ),
    ToolPlan(
        name="wait_operation",
        operation_id="get_operation",
        description=(
            "Wait until a long-running operation ends and return its final state (with its "
            "result). Reports an error if the operation failed or is still running after "
            "wait_timeout seconds."
        ),
        handler=_wait_operation,
        arguments=("operation_id",),
        notes={"operation_id": _OPERATION_ID},
        extra={"wait_timeout": _wait_timeout_argument("the operation")},
        read_only=True,
    ),
    ToolPlan(
        name="delete_connector",
        operation_id="delete_connector",
        description=(
            "Delete a connector and stop its replication. This cannot be undone. Returns the "
            "delete operation to follow with wait_operation. Refused while the connector's "
            "deletion is locked."
        ),
        handler=_delete_connector,
        arguments=("connector_id", "force"),
        notes={
            "connector_id": _CONNECTOR_ID,
            "force": "The API's force flag; leave false unless the user asked for a forced delete.",
        },
        destructive=True,
    ),
)
