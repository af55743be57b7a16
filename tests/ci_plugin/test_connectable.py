"""Ready means connectable: the bounded connection retry and its refusals (fast, no Postgres)."""

from __future__ import annotations

import socket
import sys

import pytest

from ardent_async import ArdentError, ArdentValidationError, BranchNotConnectableError
from ardent_async._waiting._connectable import CONNECT_EXTRA, wait_connectable
from ardent_async.emulator import Emulator
from tests.fakes import FakeClock

pytest.importorskip("asyncpg")


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_a_refused_branch_is_retried_until_the_deadline_then_named_masked() -> None:
    clock = FakeClock()
    url = f"postgresql://branch_role:s3cret-pw@127.0.0.1:{closed_port()}/branch_db"
    with pytest.raises(BranchNotConnectableError) as caught:
        await wait_connectable(url, timeout=3.0, clock=clock)
    error = caught.value
    assert error.attempts == len(clock.sleeps) + 1 >= 5
    assert sum(clock.sleeps) <= 3.0
    assert clock.sleeps == sorted(clock.sleeps)  # growing pauses
    assert "s3cret-pw" not in str(error)
    assert "branch_role:***@127.0.0.1" in str(error)
    assert "within 3 s" in str(error)


async def test_without_asyncpg_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "asyncpg", None)
    with pytest.raises(ArdentError, match="connect") as caught:
        await wait_connectable("postgresql://u:p@127.0.0.1:1/d", timeout=1, clock=FakeClock())
    assert CONNECT_EXTRA in str(caught.value)


async def test_until_is_checked_before_any_request() -> None:
    async with Emulator(op_duration=0) as emulator, emulator.client() as client:
        with pytest.raises(ArdentValidationError, match="until"):
            await client.branches.create_and_wait("conn_1", "b", until="usable")
        assert emulator.admin.requests() == []
