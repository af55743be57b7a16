"""Nothing leaks when the emulator dies: ``ardent-emulator --postgres embedded`` in a process
of its own, SIGKILLed with a connector set up against a source it does not host."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from ardent_async import ArdentClient
from ardent_async.emulator.postgres import BranchHost

from .pg_helpers import replication_objects

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.postgres]

START_TIMEOUT = 90.0


class RunningEmulator:
    def __init__(self, process: asyncio.subprocess.Process, url: str, token: str) -> None:
        self.process, self.url, self.token = process, url, token

    def client(self) -> ArdentClient:
        return ArdentClient(self.token, base_url=self.url, timeout=120)


@asynccontextmanager
async def emulator_process(env: dict[str, str]) -> AsyncIterator[RunningEmulator]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "ardent_async.emulator",
        "--postgres",
        "embedded",
        "--port",
        "0",
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env=env,
    )
    try:
        url = token = None
        printed: list[str] = []
        assert process.stdout is not None
        deadline = time.monotonic() + START_TIMEOUT
        while url is None or token is None:
            line = (
                await asyncio.wait_for(process.stdout.readline(), deadline - time.monotonic())
            ).decode()
            if not line:
                status = await process.wait()
                raise AssertionError(
                    f"the emulator exited ({status}) before it was ready: {printed}"
                )
            printed.append(line)
            if line.startswith("export ARDENT_API_URL="):  # the banner's pasteable first line
                settings = dict(word.split("=", 1) for word in line.split()[1:])
                url, token = settings["ARDENT_API_URL"], settings["ARDENT_TOKEN"]
        yield RunningEmulator(process, url, token)
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()


async def _set_up_connector(client: ArdentClient, source_url: str) -> str:
    project = await client.projects.create("leaks")
    connector = await client.connectors.create(project.id, "leaky", {"url": source_url})
    discovery = await client.connectors.discover(connector.id)
    await client.operations.wait(discovery.operation_id, timeout=60)
    await client.connectors.set_selection(connector.id, ["billing"])
    setup = await client.connectors.engine_setup(connector.id)
    assert setup.operation is not None
    await client.operations.wait(setup.operation.operation_id, timeout=120)
    return connector.id


def _postmaster_pids(tmp: Path) -> list[int]:
    pids = []
    for pid_file in tmp.glob("ardent-pg-*/data/postmaster.pid"):
        try:
            pid = int(pid_file.read_text().split("\n", 1)[0])
            os.kill(pid, 0)
        except (OSError, ValueError):
            continue
        pids.append(pid)
    return pids


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def _until(condition: Callable[[], bool], seconds: float) -> bool:
    """Poll ``condition`` until it holds or ``seconds`` pass (a deadline, not a fixed wait)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.1)
    return condition()


async def test_sigkill_leaves_no_server_and_the_next_start_reaps_the_slot(
    pg_host: BranchHost, tmp_path: Path, shared_dir: Path
) -> None:
    source = await pg_host.create_sample_source("ardent_leak_source")
    scratch = shared_dir  # the embedded server may run as another OS user
    memory = shared_dir / "memory"
    memory.mkdir()
    memory.chmod(0o1777)
    env = {
        **os.environ,
        "TMPDIR": str(scratch),
        "ARDENT_EMULATOR_PG_MEMORY_DIR": str(memory),
        "ARDENT_EMULATOR_STATE_DIR": str(tmp_path / "state"),
    }
    async with emulator_process(env) as first:
        async with first.client() as client:
            await _set_up_connector(client, source)
        ours = await replication_objects(source)
        assert any(name.startswith("slot:") for name in ours)
        pids = _postmaster_pids(scratch)
        assert len(pids) == 1
        assert list(memory.glob("ardent-pg-*"))  # its tablespace in memory
        first.process.send_signal(signal.SIGKILL)
        await first.process.wait()

        # Its embedded server and data directory are gone within 10 s...
        assert await _until(lambda: not any(_alive(pid) for pid in pids), 10), pids
        assert await _until(lambda: not list(scratch.glob("ardent-pg-*")), 10)
        assert await _until(lambda: not list(memory.glob("ardent-pg-*")), 10)
    # ...but the slot on the source outlived it (no process could drop it) ...
    assert await replication_objects(source) == ours
    assert list((tmp_path / "state" / "source-leases").glob("*.json"))

    # ... until the next start finds the lease and drops slot and publication by name.
    async with emulator_process(env) as second:
        assert await replication_objects(source) == []
        assert not list((tmp_path / "state" / "source-leases").glob("*.json"))
        async with second.client() as client:
            await _set_up_connector(client, source)
        assert len(await replication_objects(source)) == 2
        # A clean stop (SIGTERM) drops what the run created on the source.
        second.process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(second.process.wait(), 60) == 0
    assert await replication_objects(source) == []
    assert not list(scratch.glob("ardent-pg-*"))
    assert not list(memory.glob("ardent-pg-*"))
