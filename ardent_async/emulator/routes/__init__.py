"""The emulator's endpoints, one module per resource, mirroring ``ardent_async/services``: each
registers a handler per operationId (``HANDLERS``); ``router.spec_routes`` makes the routes."""

from __future__ import annotations

from . import branches, connectors, legacy_configs, legacy_jobs, operations, orgs, projects
from ._base import ADMIN, BEARER, LEGACY, LEGACY_OR_BEARER, NO_AUTH, OperationHandler, Route

HANDLERS: list[OperationHandler] = [
    *projects.HANDLERS,
    *connectors.HANDLERS,
    *branches.HANDLERS,
    *operations.HANDLERS,
    *orgs.HANDLERS,
    *legacy_jobs.HANDLERS,
    *legacy_configs.HANDLERS,
]

__all__ = [
    "ADMIN",
    "BEARER",
    "HANDLERS",
    "LEGACY",
    "LEGACY_OR_BEARER",
    "NO_AUTH",
    "OperationHandler",
    "Route",
]
