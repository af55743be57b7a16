"""The emulator suites: every reply is validated against the spec (a mismatch fails the test)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def ardent_emulator_options() -> dict[str, Any]:
    return {"validate_responses": True, "op_duration": 0.01}


@pytest.fixture(scope="session")
def ardent_emulator_pg_options() -> dict[str, Any]:
    return {"postgres": "embedded", "sample_source": True, "validate_responses": True}
