"""The blocking client takes the same hooks, and its copies add theirs."""

from __future__ import annotations

from ardent_async import sync
from ardent_async.events import RequestEvent, ResponseEvent
from tests.threaded_emulator import EmulatorThread


def test_blocking_client_calls_hooks_and_its_copies_add_theirs(served: EmulatorThread) -> None:
    emulator = served.emulator
    assert emulator is not None
    seen: list[object] = []
    copied: list[object] = []

    async def awaited(event: ResponseEvent) -> None:
        seen.append(event)

    with sync.ArdentClient(
        emulator.token,
        base_url=emulator.base_url,
        event_hooks={"request": [seen.append], "response": [awaited]},
    ) as client:
        client.projects.create("sync-hooks", org_id=emulator.org_id)
        copy = client.with_options(event_hooks={"request": [copied.append]})
        copy.projects.list(emulator.org_id)

    kinds = [(type(e).__name__, e.method, e.call) for e in seen]  # type: ignore[attr-defined]
    assert kinds == [
        ("RequestEvent", "POST", "projects.create"),
        ("ResponseEvent", "POST", "projects.create"),
        ("RequestEvent", "GET", "projects.list"),
        ("ResponseEvent", "GET", "projects.list"),
    ]
    assert [type(e) for e in copied] == [RequestEvent]
    assert emulator.token not in repr(seen)
