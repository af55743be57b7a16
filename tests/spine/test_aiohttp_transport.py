"""The aiohttp transport's own shortcuts keep every request exact."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from ardent_async import ArdentClient
from ardent_async._core._transport import AiohttpTransport, Request
from tests.spine.conftest import TOKEN
from tests.spine.scripted import AiohttpBackend, Reply

PROJECT = {"id": "p1", "org_id": "o1", "name": "demo", "created_at": "2026-01-02T03:04:05Z"}


@pytest.fixture
async def server() -> AsyncIterator[AiohttpBackend]:
    async with AiohttpBackend() as backend:
        yield backend


async def test_fixed_headers_stay_exact_across_copies(server: AiohttpBackend) -> None:
    """Each copy's fixed headers are converted once and reused, never mixed up: more copies
    than the transport keeps conversions of, each sent twice, interleaved with the base."""
    copies = 70
    for _ in range(2 * copies + 2):
        server.script.add("GET", "/v1/projects/p1", Reply(json=PROJECT))
    async with ArdentClient(token=TOKEN, base_url=server.base_url) as client:
        tagged = [client.with_options(extra_headers={"X-Tag": str(i)}) for i in range(copies)]
        await client.projects.get("p1")
        for copy in (*tagged, *reversed(tagged)):
            await copy.projects.get("p1")
        await client.projects.get("p1")
    sent = [seen.headers for seen in server.script.seen]
    assert [h.get("X-Tag") for h in sent] == [
        None,
        *(str(i) for i in range(copies)),
        *(str(i) for i in reversed(range(copies))),
        None,
    ]
    assert {h["Authorization"] for h in sent} == {f"Bearer {TOKEN}"}


async def test_a_callers_session_is_used_and_left_open(server: AiohttpBackend) -> None:
    server.script.add("GET", "/v1/projects/p1", Reply(json=PROJECT))
    server.script.add("GET", "/v1/projects/p1", Reply(json=PROJECT))
    request = Request("GET", f"{server.base_url}/v1/projects/p1", {"Accept": "application/json"})
    async with aiohttp.ClientSession() as session:
        transport = AiohttpTransport(session=session)
        assert (await transport.send(request)).status_code == 200
        assert transport._session is session
        await transport.aclose()
        assert not session.closed

    # Found closed: the transport opens a session of its own, and closes that one itself.
    transport = AiohttpTransport(session=session)
    assert (await transport.send(request)).status_code == 200
    own = transport._session
    assert own is not None
    assert own is not session
    await transport.aclose()
    assert own.closed
