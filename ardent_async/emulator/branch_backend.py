"""Where branches live: the ``BranchBackend`` protocol and the types its implementations share.

Two implementations: ``api_only_backend.ApiOnlyBackend`` (no database; branch URLs nothing
listens on) and ``postgres_backend.PostgresBackend`` (real checks, real cloned databases).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any, Protocol


class BackendError(RuntimeError):
    """Backend work failed; the message is safe to show (no passwords)."""


@dataclasses.dataclass(frozen=True)
class SourceTable:
    """A discovered source table."""

    schema: str
    name: str
    has_primary_key: bool
    estimated_rows: int
    replica_identity: str = "d"  # d(efault) | f(ull) | i(ndex) | n(othing)
    columns: tuple[Mapping[str, Any], ...] = ()

    @property
    def path(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def needs_decision(self) -> bool:
        """Without a primary key or replica identity, replication needs a per-table decision."""
        return not self.has_primary_key and self.replica_identity not in ("f", "i")

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "schema": self.schema,
            "name": self.name,
            "has_primary_key": self.has_primary_key,
            "estimated_rows": self.estimated_rows,
            "replica_identity": self.replica_identity,
            "columns": [dict(column) for column in self.columns],
        }


@dataclasses.dataclass(frozen=True)
class BranchAddress:
    """How to reach a branch database; ``url`` holds the password."""

    url: str = dataclasses.field(repr=False)
    database: str
    role: str


class BranchBackend(Protocol):
    """What the emulator needs from a branch host."""

    @property
    def name(self) -> str:
        """``api-only`` or ``postgres``."""
        ...

    @property
    def real(self) -> bool:
        """True when branch URLs are connectable."""
        ...

    async def preflight(
        self,
        source_url: str,
        *,
        details: Mapping[str, Any],
        selected_schemas: Sequence[str] | None,
        already_connected: bool,
        database: str | None,
    ) -> dict[str, Any]:
        """The preflight report: ``checks``, ``preflight_pass``,
        ``branching_prerequisites_pass``, ``grant_script``, ``source_metadata``,
        ``source_provider``."""
        ...

    async def discover(self, connector_id: str, source_url: str) -> list[SourceTable]: ...

    async def setup(
        self,
        connector_id: str,
        source_url: str,
        *,
        selected_paths: Sequence[str] | None,
        decisions: Mapping[str, str],
    ) -> None:
        """Set the connector's engine up (``selected_paths`` None: everything)."""
        ...

    async def create_branch(self, connector_id: str, branch_name: str) -> BranchAddress: ...

    async def replication_status(self, connector_id: str) -> dict[str, Any] | None:
        """Replication health for the connector row (``None``: nothing replicates)."""
        ...

    async def drop_connector(self, connector_id: str) -> None:
        """Drop the connector's branches and engine state. Idempotent."""
        ...

    async def close(self) -> None: ...
