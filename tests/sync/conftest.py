"""The emulator served from its own thread, so blocking clients can talk to it from tests."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, TypeVar

import pytest

from ardent_async.emulator import Emulator

T = TypeVar("T")


class ServedEmulator:
    """An emulator running on an event loop in a background thread."""

    def __init__(self, **options: Any) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.emulator = Emulator(**options)

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=60)

    def on_loop(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Call ``function`` on the emulator's loop (its state is not thread-safe)."""

        async def call() -> T:
            return function(*args, **kwargs)

        return self.run(call())

    def start(self) -> Emulator:
        self._thread.start()
        return self.run(self.emulator.start())

    def stop(self) -> None:
        try:
            self.run(self.emulator.stop())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout=60)
            self.loop.close()


@pytest.fixture
def served() -> Iterator[ServedEmulator]:
    served = ServedEmulator(validate_responses=True, op_duration=0.01)
    served.start()
    try:
        yield served
    finally:
        served.stop()
    assert served.emulator.validator is not None
    served.emulator.validator.assert_clean()
