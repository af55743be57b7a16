"""The local Ardent emulator: the whole ``openapi/ardent.yaml`` surface on an aiohttp server.

In-process::

    async with Emulator() as emulator:                  # API-only, free port
        async with emulator.client() as client:         # an ArdentClient for the default org
            project = await client.projects.create("demo")

    Emulator(postgres="embedded", sample_source=True)   # real branches on an embedded Postgres

Command line: ``python -m ardent_async.emulator --port 8080`` (or ``ardent-emulator``).

Two backends: API-only (default; no database, branch URLs are well-formed but not connectable)
and real Postgres (``postgres="embedded"`` or a superuser URL; needs the ``emulator`` extra):
preflight runs real checks, discovery reads the source, engine setup replicates the source by
logical replication into a replica, and every branch is a real database cloned from it (caught
up to the source at the create) with its own role.

``emulator.admin`` creates orgs and tokens with roles, legacy key pairs, sets chaos, reads the
request log and resets state; the same operations are served under ``/_emulator`` with
``emulator.admin_token`` (see ``admin_http``). In API-only mode, connection details may carry
``"emulate_failed_checks": ["wal_level", ...]`` to make preflight fail those checks.
"""

from __future__ import annotations

import importlib

# Not ``typing.TYPE_CHECKING``: importing typing would cost more than the rest of this import
# (type checkers treat any name TYPE_CHECKING as true).
TYPE_CHECKING = False

# Lazy: the pytest plugin lives in this package, and every pytest run of every project that
# installs ardent-async imports it. Importing the package must not load aiohttp.web, the routes
# or the state; each name below is imported on first use.
_EXPORTS = {
    "Admin": ".admin",
    "ChaosConfig": ".chaos",
    "Emulator": ".server",
    "LegacyKeyPair": ".admin",
    "LoggedRequest": ".request_log",
    "SpecValidator": ".spec_check",
    "TokenGrant": ".admin",
}

__all__ = [
    "Admin",
    "ChaosConfig",
    "Emulator",
    "LegacyKeyPair",
    "LoggedRequest",
    "SpecValidator",
    "TokenGrant",
]

if TYPE_CHECKING:
    from .admin import Admin, LegacyKeyPair, TokenGrant
    from .chaos import ChaosConfig
    from .request_log import LoggedRequest
    from .server import Emulator
    from .spec_check import SpecValidator


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
