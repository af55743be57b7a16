from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest

from ardent_async import ArdentClient
from ardent_async._core._transport import AiohttpTransport
from ardent_async._core._transport._httpx import HttpxTransport
from tests.fakes import FakeClock
from tests.spine.scripted import AiohttpBackend, RespxBackend

TOKEN = "sk-ard_test_Sup3rSecretTokenValue"


@pytest.fixture(params=["aiohttp", "httpx"])
async def backend(request: pytest.FixtureRequest) -> AsyncIterator[AiohttpBackend | RespxBackend]:
    server: AiohttpBackend | RespxBackend = (
        AiohttpBackend() if request.param == "aiohttp" else RespxBackend()
    )
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def make_client(
    backend: AiohttpBackend | RespxBackend, clock: FakeClock
) -> AsyncIterator[Callable[..., ArdentClient]]:
    made: list[ArdentClient] = []

    def make(**kwargs: object) -> ArdentClient:
        transport = AiohttpTransport() if backend.name == "aiohttp" else HttpxTransport()
        options: dict[str, object] = {
            "token": TOKEN,
            "base_url": backend.base_url,
            "transport": transport,
            "clock": clock,
            "timeout": 5.0,
        }
        options.update(kwargs)
        client = ArdentClient(**options)  # type: ignore[arg-type]
        made.append(client)
        return client

    yield make
    for client in made:
        await client.close()
