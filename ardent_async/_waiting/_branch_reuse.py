"""Reuse a branch by name, else create it under its derived idempotency key; optionally wait
until it is connectable. What CI needs: re-running a job gets the same branch back.

Used by the pytest plugin's fixtures and ``ardent-async branches create --github-output``.
"""

from __future__ import annotations

import attrs

from ardent_async._client import ArdentClient
from ardent_async._waiting._connectable import wait_connectable
from ardent_async.models import BranchCreateResult, BranchRow
from ardent_async.services.branches import row_result

__all__ = ["ReadyBranch", "reuse_or_create"]

# Listed branches in these states are not handed out; the derived-key create joins or replays.
_NOT_USABLE = frozenset({"creating", "pending", "failed", "error", "deleting", "deleted"})


@attrs.frozen
class ReadyBranch:
    """A branch ready to use, and whether this call created it (False: found and reused)."""

    branch: BranchCreateResult
    created: bool


async def reuse_or_create(
    client: ArdentClient,
    connector_id: str,
    name: str,
    *,
    timeout: float,
    connectable: bool,
) -> ReadyBranch:
    """The usable branch ``name`` of the connector: listed (reused) or created and waited for.

    A create is sent with the key derived from (connector, service type, name), so a create
    racing this one elsewhere, or one an earlier attempt sent, resolves to the same branch.
    With ``connectable``, returns only after ``SELECT 1`` ran on it (bounded by ``timeout``).
    """
    clock = client._clock
    started = clock.monotonic()
    found = _usable(await client.branches.list(connector_id), name)
    if found is not None:
        ready = ReadyBranch(row_result(found), created=False)
    else:
        [outcome] = await client.branches.create_many(connector_id, [name], timeout=timeout)
        if outcome.error is not None:
            raise outcome.error
        assert outcome.branch is not None
        ready = ReadyBranch(outcome.branch, created=True)
    if connectable:
        assert ready.branch.branch_url is not None  # both paths refuse a branch without one
        left = max(started + timeout - clock.monotonic(), 1.0)
        await wait_connectable(ready.branch.branch_url, timeout=left, clock=clock)
    return ready


def _usable(rows: list[BranchRow], name: str) -> BranchRow | None:
    for row in rows:
        if row.name == name and row.branch_url and row.status.lower() not in _NOT_USABLE:
            return row
    return None
