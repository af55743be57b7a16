"""``with_options`` makes a copy: what it changes applies to the copy's requests only."""

from __future__ import annotations

from collections.abc import Callable

from ardent_async import ArdentClient
from ardent_async.sync import SyncArdentClient
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


async def test_a_copy_is_built_like_the_original(make_client: MakeClient) -> None:
    # Both go through the client's one setter (``_setup``), the copy from the original's parts
    # with other pipelines: it holds every attribute the original does, nothing half-copied.
    original = make_client()
    copy = original.with_options(timeout=7, event_hooks={"request": [lambda event: None]})
    assert set(vars(copy)) == set(vars(original))
    assert (copy._transport, copy._clock, copy._poller) == (
        original._transport,
        original._clock,
        original._poller,
    )
    assert copy._http is not original._http
    assert copy._legacy_http is not original._legacy_http
    assert copy._telemetry is not None
    assert copy._telemetry is not original._telemetry  # the copy's hooks are its own
    assert copy.branches._http is copy._http  # its services run over its own pipelines
    assert copy.jobs._http is copy._legacy_http
    assert (copy._http.timeout, original._http.timeout) == (7.0, 5.0)


def test_a_blocking_copy_shares_the_loop_and_is_built_like_the_original(
    backend: Backend,
) -> None:
    with SyncArdentClient("tok", base_url=backend.base_url, timeout=5) as original:
        copy = original.with_options(timeout=7)
        assert set(vars(copy)) == set(vars(original))
        assert copy._runner is original._runner
        assert copy._shared is original._shared
        assert copy._client is not original._client
        assert copy.branches._service is copy._client.branches
        assert copy._client._http.timeout == 7.0
