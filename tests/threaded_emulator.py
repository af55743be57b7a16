"""An emulator serving from its own event loop in a background thread: the one helper for it.

For tests whose own loop must hold only the client's tasks (cancellation), for synchronous
clients (the blocking client, schemathesis over ``requests``, the CLI) and for code that runs
its own loop (``asyncio.run`` in the docs' examples). The fixture that holds one is ``served``.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from ardent_async.emulator import Emulator

T = TypeVar("T")
DEADLINE = 10.0


class EmulatorThread:
    """``start()`` / ``stop()``; the emulator's state is read on its loop (``read``/``call``)."""

    def __init__(self, **options: Any) -> None:
        self._options = {"op_duration": 0, "validate_responses": True, **options}
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, name="emulator", daemon=True)
        self.emulator: Emulator | None = None

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_forever()
        finally:
            self._loop.run_until_complete(self._loop.shutdown_asyncgens())
            self._loop.close()

    def start(self) -> Emulator:
        self._thread.start()
        emulator = Emulator(**self._options)
        asyncio.run_coroutine_threadsafe(emulator.start(), self._loop).result(DEADLINE)
        self.emulator = emulator
        return emulator

    def stop(self) -> None:
        """Stop serving; then fail if a reply did not match the spec (validate_responses)."""
        if self.emulator is not None:
            asyncio.run_coroutine_threadsafe(self.emulator.stop(), self._loop).result(DEADLINE)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(DEADLINE)
        assert not self._thread.is_alive()
        if self.emulator is not None and self.emulator.validator is not None:
            self.emulator.validator.assert_clean()

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` run on the emulator's loop (its state is not thread-safe), from a
        thread that is not running a loop."""
        return self._submit(lambda: fn(*args)).result(DEADLINE)

    async def read(self, fn: Callable[[], T]) -> T:
        """``fn()`` run on the emulator's loop, awaited from another loop."""
        return await asyncio.wrap_future(self._submit(fn))

    def soon(self, fn: Callable[[], object]) -> None:
        """Schedule ``fn()`` on the emulator's loop."""
        self._loop.call_soon_threadsafe(fn)

    def _submit(self, fn: Callable[[], T]) -> Any:
        async def run() -> T:
            return fn()

        return asyncio.run_coroutine_threadsafe(run(), self._loop)
