"""The emulator's endpoints, one module per resource, mirroring ``ardent_async/services``."""

from __future__ import annotations

from . import branches, connectors, legacy_configs, legacy_jobs, operations, orgs, projects
from ._base import ADMIN, BEARER, LEGACY, LEGACY_OR_BEARER, NO_AUTH, Route

ROUTES: list[Route] = [
    *projects.ROUTES,
    *connectors.ROUTES,
    *branches.ROUTES,
    *operations.ROUTES,
    *orgs.ROUTES,
    *legacy_jobs.ROUTES,
    *legacy_configs.ROUTES,
]

__all__ = ["ADMIN", "BEARER", "LEGACY", "LEGACY_OR_BEARER", "NO_AUTH", "ROUTES", "Route"]
