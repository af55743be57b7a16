"""The emulator's endpoints, one module per resource, mirroring ``ardent_async/services``."""

from __future__ import annotations

from . import branches, configs, connectors, jobs, operations, orgs, projects
from ._base import ADMIN, BEARER, LEGACY, LEGACY_OR_BEARER, NO_AUTH, Route

ROUTES: list[Route] = [
    *projects.ROUTES,
    *connectors.ROUTES,
    *branches.ROUTES,
    *operations.ROUTES,
    *orgs.ROUTES,
    *jobs.ROUTES,
    *configs.ROUTES,
]

__all__ = ["ADMIN", "BEARER", "LEGACY", "LEGACY_OR_BEARER", "NO_AUTH", "ROUTES", "Route"]
