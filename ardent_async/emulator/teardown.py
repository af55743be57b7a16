"""Removing state that owns backend data (databases): an org, or everything."""

from __future__ import annotations

import asyncio

from .runtime import Runtime


async def delete_org(rt: Runtime, org_id: str) -> None:
    """Stop the org's operations, drop its connectors' databases, forget its records."""
    connectors = [c.id for c in rt.store.connectors.values() if c.org_id == org_id]
    ops = [op.id for op in rt.store.operations.values() if op.org_id == org_id]
    for op_id in ops:
        task = rt.runner.task(op_id)
        if task is not None:
            task.cancel()
    await rt.runner.join(ops)
    await asyncio.gather(*(rt.backend.drop_connector(c) for c in connectors))
    rt.store.forget_org(org_id)


async def drop_everything(rt: Runtime) -> None:
    """Cancel every operation, drop every connector's databases, clear the store."""
    await rt.runner.close()
    await asyncio.gather(*(rt.backend.drop_connector(c) for c in list(rt.store.connectors)))
    rt.store.clear()
    rt.locks.clear()
    rt.log.clear()
