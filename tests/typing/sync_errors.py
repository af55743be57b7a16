"""Must NOT type-check: mypy sees the real parameters (test_typing.py expects these errors)."""

from __future__ import annotations

from ardent_async.sync import SyncArdentClient


def misuse(client: SyncArdentClient) -> None:
    client.projects.get(42)
    client.projects.get("p", timout=5)
    client.branches.no_such_method()
