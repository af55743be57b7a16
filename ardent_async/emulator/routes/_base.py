"""Handler registrations, routes and the lookups every resource shares (org visibility -> 404)."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable

from aiohttp import web

from ..context import Caller
from ..http_errors import not_found
from ..runtime import Runtime
from ..state import Connector, Operation, Project

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

BEARER, LEGACY, ADMIN, NO_AUTH = "bearer", "legacy", "admin", "none"
# The legacy jobs endpoints: an HMAC key pair (ardent-sdk <= 0.6) or a bearer API key (0.8).
LEGACY_OR_BEARER = "legacy_or_bearer"


@dataclasses.dataclass(frozen=True)
class OperationHandler:
    """The handler of one of the spec's operations (by operationId), and the permission (bearer)
    or legacy scope it needs; ``router.spec_routes`` gives it its method, path and auth."""

    operation_id: str
    handler: Handler
    permission: str | None = None


@dataclasses.dataclass(frozen=True)
class Route:
    """One endpoint: ``permission`` is checked for bearer routes, the legacy scope for
    legacy ones (HMAC-signed or, on ``LEGACY_OR_BEARER`` routes, a bearer key)."""

    method: str
    path: str
    handler: Handler
    permission: str | None = None
    auth: str = BEARER
    idempotent: bool = False


def check_org(caller: Caller, org_id: str) -> None:
    """Another org's id answers 404, exactly like an unknown one."""
    if org_id != caller.org_id:
        raise not_found("Organization")


def project_of(rt: Runtime, caller: Caller, project_id: str) -> Project:
    project = rt.store.projects.get(project_id)
    if project is None or project.org_id != caller.org_id:
        raise not_found("Project")
    return project


def connector_of(rt: Runtime, caller: Caller, connector_id: str) -> Connector:
    connector = rt.store.connectors.get(connector_id)
    if connector is None or connector.org_id != caller.org_id:
        raise not_found("Connector")
    return connector


def operation_of(rt: Runtime, caller: Caller, operation_id: str) -> Operation:
    op = rt.store.operations.get(operation_id)
    if op is None or op.org_id != caller.org_id:
        raise not_found("Operation")
    return op
