"""Reading a :class:`~ardent_async.models.ConnectorRow`'s state that the published contract
leaves open: the engine status and the tables that need a replica-identity decision.

The published ``ConnectorRow`` declares neither field (it is an open object: ``additionalProperties:
true``); it only says the reply to ``set_replica_identity_decisions`` includes
``replica_identity_preflight``. So the model keeps them in ``.extra`` (the SDK never claims a
field the contract does not promise), and this module is the one place that reads them: every
shape seen is accepted, anything else reads as "not said" (``None``), never an error.

::

    connector = await client.connectors.get(connector_id)
    state = replica_identity(connector)
    if state is not None and state.tables_needing_decision:
        await client.connectors.set_replica_identity_decisions(
            connector.id, dict.fromkeys(state.undecided, "replica_identity_full")
        )
    print(engine_status(connector))  # "ready", "setting_up", ... or None
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from ardent_async.models import ConnectorRow

__all__ = ["ReplicaIdentityState", "engine_status", "replica_identity"]

#: Where the list of tables without a usable replica identity has been seen, in order of trust.
_NEEDING_KEYS = ("tables_needing_replica_identity_decision", "tables_needing_decision")


@attrs.define(frozen=True)
class ReplicaIdentityState:
    """Tables without a usable replica identity, and which of them still lack a decision.

    ``undecided`` is the server's own list when it gives one, else the needing tables that
    ``decisions`` does not cover. ``ready`` is the server's verdict, or ``not undecided``.
    """

    tables_needing_decision: tuple[str, ...]
    decisions: Mapping[str, str]
    undecided: tuple[str, ...]
    ready: bool


def engine_status(row: ConnectorRow) -> str | None:
    """The connector's engine status (``ready``, ``setting_up``, ...), or None if not said."""
    value = row.extra.get("engine_status")
    return value if isinstance(value, str) else None


def replica_identity(row: ConnectorRow) -> ReplicaIdentityState | None:
    """What ``row`` says about replica identity, or None when it says nothing (not discovered)."""
    preflight = row.extra.get("replica_identity_preflight")
    preflight = preflight if isinstance(preflight, Mapping) else {}
    needing = _strings(preflight.get("tables_needing_decision"))
    for key in _NEEDING_KEYS:
        if needing is None:
            needing = _strings(row.extra.get(key))
    if needing is None:
        return None
    decisions = _decisions(preflight.get("decisions"))
    if decisions is None:
        decisions = _decisions(row.extra.get("replica_identity_decisions")) or {}
    undecided = _strings(preflight.get("undecided"))
    if undecided is None:
        undecided = tuple(table for table in needing if table not in decisions)
    ready = preflight.get("ready")
    return ReplicaIdentityState(
        tables_needing_decision=needing,
        decisions=decisions,
        undecided=undecided,
        ready=ready if isinstance(ready, bool) else not undecided,
    )


def _strings(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    return None


def _decisions(value: Any) -> dict[str, str] | None:
    if isinstance(value, Mapping) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        return dict(value)
    return None
