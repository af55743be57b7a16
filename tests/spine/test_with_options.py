"""``with_options`` makes a copy: what it changes applies to the copy's requests only."""

from __future__ import annotations

from collections.abc import Callable

from ardent_async import ArdentClient
from tests.spine.scripted import AiohttpBackend, Reply, RespxBackend

Backend = AiohttpBackend | RespxBackend
MakeClient = Callable[..., ArdentClient]

PROJECT = {"id": "p1", "org_id": "o1", "name": "demo", "created_at": "2026-01-02T03:04:05Z"}


def trace_headers(backend: Backend) -> list[str | None]:
    """Each request's X-Trace header, in order (None where it was not sent)."""
    return [
        {k.lower(): v for k, v in seen.headers.items()}.get("x-trace")
        for seen in backend.script.seen
    ]


async def test_extra_headers_of_a_copy_never_reach_the_original(
    backend: Backend, make_client: MakeClient
) -> None:
    backend.script.add("GET", "/v1/projects/p1", Reply(json=PROJECT))
    backend.script.add("POST", "/v1/projects", Reply(201, json=PROJECT))
    original = make_client()
    copy = original.with_options(extra_headers={"X-Trace": "copy"})
    again = copy.with_options(extra_headers={"X-Trace": "again"})
    # A plain GET and a POST with a body (which builds its headers per call) on each.
    await original.projects.get("p1")
    await original.projects.create("demo")
    await copy.projects.get("p1")
    await copy.projects.create("demo")
    await again.projects.get("p1")
    await original.projects.create("demo")
    assert trace_headers(backend) == [None, None, "copy", "copy", "again", None]
