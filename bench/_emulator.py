"""The API-only emulator in its own process, for benchmarks that need a real API server."""

from __future__ import annotations

import asyncio
import shlex
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import attrs

from ardent_async import ArdentClient


@attrs.define(frozen=True)
class RunningEmulator:
    base_url: str
    token: str
    org_id: str


@asynccontextmanager
async def emulator_process(*args: str) -> AsyncIterator[RunningEmulator]:
    """``python -m ardent_async.emulator --port 0 *args``; yields its URL, token and org."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "ardent_async.emulator",
        "--port",
        "0",
        *args,
        stdout=subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        # Its first line: export ARDENT_API_URL=... ARDENT_TOKEN=... ARDENT_ORG_ID=... ...
        line = (await asyncio.wait_for(proc.stdout.readline(), 60)).decode()
        if not line.startswith("export "):
            raise RuntimeError(f"the emulator did not print its export line first: {line!r}")
        banner = dict(word.split("=", 1) for word in shlex.split(line)[1:])
        yield RunningEmulator(
            banner["ARDENT_API_URL"], banner["ARDENT_TOKEN"], banner["ARDENT_ORG_ID"]
        )
    finally:
        proc.terminate()
        await proc.wait()


API_ONLY_SOURCE = "postgresql://bench:bench@127.0.0.1:1/ardent_sample"


@attrs.define(frozen=True)
class ReadyConnector:
    id: str
    setup_seconds: float
    """How long engine setup (replication and its initial copy, on a real backend) took."""


async def ready_connector(
    client: ArdentClient, org_id: str, *, source_url: str = API_ONLY_SOURCE, name: str = "bench"
) -> ReadyConnector:
    """A connector on ``source_url`` whose engine is set up, ready to branch."""
    project = await client.projects.create(name, org_id=org_id)
    connector = await client.connectors.create(project.id, name, {"url": source_url})
    accepted = await client.connectors.discover(connector.id)
    await client.operations.wait(accepted.operation_id)
    await client.connectors.set_selection(connector.id, ["*"])
    connector = await client.connectors.get(connector.id)
    needing = connector.extra.get("tables_needing_replica_identity_decision") or []
    if needing:
        await client.connectors.set_replica_identity_decisions(
            connector.id, dict.fromkeys(needing, "replica_identity_full")
        )
    started = time.perf_counter()
    setup = await client.connectors.engine_setup(connector.id)
    if setup.operation is not None:
        await client.operations.wait(setup.operation.operation_id, timeout=1800)
    return ReadyConnector(connector.id, time.perf_counter() - started)
