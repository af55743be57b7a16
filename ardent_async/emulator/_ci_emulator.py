"""``--ardent-emulator``: one emulator with real Postgres branches for a whole test run.

The pytest process that starts the run (the xdist controller, or the only process without
xdist) serves it from a background thread with its own event loop, so every worker, in any
event loop or none, reaches it over HTTP; the controller hands the workers its address.
It is stopped (the embedded Postgres and every branch removed) when the run ends.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from ._ci_connector import ready_connector
from .server import Emulator

START_TIMEOUT = 300.0
STOP_TIMEOUT = 60.0


class SharedEmulator:
    """``start()`` (blocking: emulator, source, a connector set up) and ``stop()``."""

    def __init__(
        self, *, seed: Path | None, connector_name: str, op_duration: float | None = None
    ) -> None:
        self._seed = seed
        self._op_duration = op_duration
        self._connector_name = connector_name
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, name="ardent-emulator", daemon=True)
        self.emulator: Emulator | None = None
        self.connector_id = ""

    def start(self) -> SharedEmulator:
        sql = None if self._seed is None else self._seed.read_text(encoding="utf-8")
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._start(sql), self._loop)
        try:
            future.result(START_TIMEOUT)
        except BaseException:
            self.stop()
            raise
        return self

    async def _start(self, sql: str | None) -> None:
        emulator = Emulator(
            postgres="embedded", sample_source=sql is None, op_duration=self._op_duration
        )
        self.emulator = await emulator.start()
        if sql is None:
            assert emulator.sample_source_url is not None
            source = emulator.sample_source_url
        else:
            host = getattr(emulator.backend, "host", None)
            assert host is not None  # the embedded Postgres backend
            source = await host.create_sample_source("ardent_ci_seed", sql=sql)
        async with emulator.client(timeout=60) as client:
            self.connector_id = await ready_connector(client, source, self._connector_name)

    def stop(self) -> None:
        """Stop the emulator (idempotent); the thread ends with its loop."""
        if self._thread.is_alive():
            if self.emulator is not None:
                stopping = asyncio.run_coroutine_threadsafe(self.emulator.stop(), self._loop)
                stopping.result(STOP_TIMEOUT)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(STOP_TIMEOUT)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_forever()
        finally:
            self._loop.run_until_complete(self._loop.shutdown_asyncgens())
            self._loop.close()
