"""The emulator served from its own thread (tests/threaded_emulator.py), so blocking clients
can talk to it from tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.threaded_emulator import EmulatorThread


@pytest.fixture
def served() -> Iterator[EmulatorThread]:
    """Replies checked against the spec: ``stop()`` fails the test on a mismatch."""
    served = EmulatorThread(validate_responses=True, op_duration=0.01)
    served.start()
    yield served
    served.stop()
