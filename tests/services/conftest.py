"""Fixtures of the fake branching API (a real aiohttp server on a fake clock), shared by the
branches, operations, poller and fan-out tests. Modules that mock with respx define their own
``api`` and ``client``, which take precedence over these."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from ardent_async import ArdentClient
from tests.fakes import FakeClock
from tests.services.fake_branch_api import FakeBranchApi, make_client, running_api


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def api(clock: FakeClock) -> AsyncIterator[FakeBranchApi]:
    async with running_api(FakeBranchApi(clock)) as server:
        yield server


@pytest.fixture
async def client(clock: FakeClock, api: FakeBranchApi) -> AsyncIterator[ArdentClient]:
    client = make_client(clock)
    yield client
    await client.close()
