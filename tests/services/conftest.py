"""The vocabulary of tests/services. ``api`` is the fake branching API
(``fake_branch_api.FakeBranchApi``: respx-mocked, on a virtual clock; its state and the requests
it saw), ``client`` an ArdentClient talking to it and ``clock`` their VirtualClock, shared by the
branches, operations, poller, waiter and fan-out tests. Modules that check one request at a
time mock with respx directly: their ``router`` is the ``respx.MockRouter``, and they define
their own ``client`` (an ArdentClient on it)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from ardent_async import ArdentClient
from tests.fakes import VirtualClock
from tests.services.fake_branch_api import FakeBranchApi, make_client, running_api


@pytest.fixture
async def clock() -> AsyncIterator[VirtualClock]:
    """Virtual time: concurrent holds, pauses and deadlines on one consistent timeline."""
    clock = VirtualClock()
    runner = asyncio.ensure_future(clock.run())
    yield clock
    runner.cancel()
    await asyncio.wait([runner])


@pytest.fixture
async def api(clock: VirtualClock) -> AsyncIterator[FakeBranchApi]:
    async with running_api(FakeBranchApi(clock)) as server:
        yield server


@pytest.fixture
async def client(clock: VirtualClock, api: FakeBranchApi) -> AsyncIterator[ArdentClient]:
    client = make_client(clock)
    yield client
    await client.close()
