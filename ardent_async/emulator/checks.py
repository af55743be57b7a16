"""Names both emulator backends (API-only and Postgres) report by: preflight checks, their
statuses, and the replica-identity decisions (the spec's, from the generated constants)."""

from __future__ import annotations

from ardent_async._spec.constants import REPLICA_IDENTITY_DECISIONS_REQUEST_DECISIONS_VALUES

#: Preflight checks, in report order.
CHECK_NAMES = (
    "reachable",
    "server_version",
    "writer",
    "wal_level",
    "replication_slots",
    "wal_senders",
    "replication_privilege",
    "selected_schemas",
    "tables_without_primary_key",
    "already_connected",
)
#: Checks that must pass for Ardent to branch from the source at all.
BRANCHING_PREREQUISITES = CHECK_NAMES[:7]
PASS, FAIL, WARN = "pass", "fail", "warn"
DECISIONS = REPLICA_IDENTITY_DECISIONS_REQUEST_DECISIONS_VALUES
EXCLUDE, ADD_PK, REPLICA_IDENTITY_FULL = DECISIONS
