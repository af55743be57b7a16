"""``long_poll=False`` makes the emulator answer polls at once, like a server without long-poll."""

from __future__ import annotations

import asyncio

from ardent_async.emulator import Emulator


async def _pending_operation(emulator: Emulator) -> str:
    async with emulator.client() as client:
        project = await client.projects.create("p")
        connector = await client.connectors.create(
            project.id, "c", {"url": "postgresql://u:pw@127.0.0.1:1/db"}
        )
        accepted = await client.connectors.discover(connector.id)
        return accepted.operation_id


async def test_polls_are_answered_at_once_without_long_poll() -> None:
    async with Emulator(op_duration=30, long_poll=False) as emulator:
        operation_id = await _pending_operation(emulator)
        async with emulator.client() as client:
            loop = asyncio.get_running_loop()
            started = loop.time()
            operation = await client.operations.get(operation_id, wait=5)
            assert loop.time() - started < 2.5  # not held for the 5 s asked
        assert operation.status in ("pending", "running")


async def test_polls_are_held_with_long_poll() -> None:
    async with Emulator(op_duration=30) as emulator:
        operation_id = await _pending_operation(emulator)
        async with emulator.client() as client:
            loop = asyncio.get_running_loop()
            started = loop.time()
            operation = await client.operations.get(operation_id, wait=1)
            assert loop.time() - started >= 0.9  # held for the second asked
        assert operation.status in ("pending", "running")
