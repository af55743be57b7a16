"""Cancellation and shutdown: nothing is left behind, the client keeps working, close ends
calls in flight with ClientClosedError.

The emulator runs on its own event loop in a thread (a server elsewhere), so the test's loop
holds only the client's tasks: ``asyncio.all_tasks()`` before and after must be equal. Branch
creates whose names are held by the backend stay ``creating`` until released, which keeps
long-polls held by the server (``wait=10``) for as long as a test needs. Every request goes
through a counting wrapper around the real aiohttp transport, to know what is in flight.
Warnings are errors (pytest settings), and the loop's exception handler is watched, so an
unclosed session, a never-awaited coroutine or a task destroyed while pending fails the test.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest

from ardent_async import ArdentClient, ClientClosedError, RetryPolicy
from ardent_async._core._transport import AiohttpTransport, Request, Response
from ardent_async.emulator.api_only_backend import ApiOnlyBackend
from ardent_async.emulator.branch_backend import BranchAddress
from ardent_async.models import ConnectorRow, OperationHandle
from tests.emulator.helpers import ready_connector
from tests.threaded_emulator import EmulatorThread

DEADLINE = 10.0
# close() must end calls that the server would hold for 10 s: far sooner than that.
CLOSE_BOUND = 5.0


class HoldingBackend(ApiOnlyBackend):
    """Branch creates whose name is in ``held`` wait until the gate opens."""

    def __init__(self) -> None:
        super().__init__()
        self.held: set[str] = set()
        self.waiting = 0
        self._gate: asyncio.Event | None = None

    @property
    def gate(self) -> asyncio.Event:
        if self._gate is None:  # created on the emulator's loop, by the first held create
            self._gate = asyncio.Event()
        return self._gate

    async def create_branch(self, connector_id: str, branch_name: str) -> BranchAddress:
        if branch_name in self.held:
            self.waiting += 1
            try:
                await self.gate.wait()
            finally:
                self.waiting -= 1
        return await super().create_branch(connector_id, branch_name)


class HeldEmulator(EmulatorThread):
    """A threaded emulator whose backend holds the creates of chosen names."""

    def __init__(self) -> None:
        self.backend = HoldingBackend()
        super().__init__(backend=self.backend)

    def release(self) -> None:
        self.soon(self.backend.gate.set)


class CountingTransport:
    """The real aiohttp transport, counting the requests in flight and sent."""

    def __init__(self) -> None:
        self.inner = AiohttpTransport()
        self.in_flight = 0
        self.sent: list[Request] = []

    async def send(self, request: Request) -> Response:
        self.in_flight += 1
        self.sent.append(request)
        try:
            return await self.inner.send(request)
        finally:
            self.in_flight -= 1

    async def aclose(self) -> None:
        await self.inner.aclose()

    def sent_to(self, method: str, path: str) -> int:
        return sum(r.method == method and path in r.url.split("?")[0] for r in self.sent)


async def until(condition: Callable[[], bool | Awaitable[bool]], what: str) -> None:
    """Poll ``condition`` (yielding to the loop) until true; fail after DEADLINE seconds."""
    deadline = time.monotonic() + DEADLINE
    while True:
        value = condition()
        if not isinstance(value, bool):
            value = await value
        if value:
            return
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        await asyncio.sleep(0.005)


@pytest.fixture
async def loop_errors() -> AsyncIterator[list[dict[str, Any]]]:
    """What the loop's exception handler saw ("Task was destroyed but it is pending!"...)."""
    loop = asyncio.get_running_loop()
    seen: list[dict[str, Any]] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _, context: seen.append(context))
    yield seen
    gc.collect()
    loop.set_exception_handler(previous)
    assert seen == []


@pytest.fixture
def server() -> Iterator[HeldEmulator]:
    harness = HeldEmulator()
    harness.start()
    try:
        yield harness
    finally:
        harness.stop()


@pytest.fixture
def transport() -> CountingTransport:
    return CountingTransport()


@pytest.fixture
async def client(
    server: HeldEmulator, transport: CountingTransport, loop_errors: list[dict[str, Any]]
) -> AsyncIterator[ArdentClient]:
    assert server.emulator is not None
    client = server.emulator.client(
        transport=transport, retry_policy=RetryPolicy(base_delay=0.001, max_delay=0.01)
    )
    try:
        yield client
    finally:
        await client.close()
    gc.collect()


@pytest.fixture
async def connector(client: ArdentClient) -> ConnectorRow:
    _, row = await ready_connector(client)
    return row


def branches_named(server: HeldEmulator, connector_id: str) -> Callable[[], dict[str, int]]:
    def count() -> dict[str, int]:
        assert server.emulator is not None
        counts: dict[str, int] = {}
        for branch in server.emulator.runtime.store.branches_of(connector_id):
            counts[branch.name] = counts.get(branch.name, 0) + 1
        return counts

    return count


def creates_processed(server: HeldEmulator) -> Callable[[], int]:
    def count() -> int:
        assert server.emulator is not None
        ops = server.emulator.runtime.store.operations.values()
        return sum(op.type == "branch_create" for op in ops)

    return count


async def test_cancelled_fan_out_leaves_nothing_and_a_rerun_resumes(
    server: HeldEmulator,
    client: ArdentClient,
    transport: CountingTransport,
    connector: ConnectorRow,
) -> None:
    names = [f"fan-{i:02d}" for i in range(40)]
    server.backend.held.update(names[10:])
    done: list[str] = []
    before = asyncio.all_tasks()
    fan_out = asyncio.ensure_future(
        client.branches.create_many(
            connector.id, names, concurrency=8, on_progress=lambda p: done.append(p.name)
        )
    )
    # Sending does not wait for waiting: all 40 creates are sent; 10 finished, 30 held, and
    # their polls fill the client's waiting budget (24 long-polls + 1 sweep), no more.
    await until(
        lambda: len(done) == 10 and transport.sent_to("POST", "/v1/branch/create") == 40,
        "the fan-out to stall",
    )
    await until(lambda: server.read(lambda: server.backend.waiting == 30), "30 held creates")
    await until(lambda: transport.in_flight == 24, "24 long-polls in flight")
    fan_out.cancel()
    with pytest.raises(asyncio.CancelledError):
        await fan_out
    assert asyncio.all_tasks() == before
    assert transport.in_flight == 0
    assert transport.sent_to("POST", "/v1/branch/create") == 40
    assert await server.read(creates_processed(server)) == 40

    # Same client, same names: the 40 sent are replayed (keys derived from the names), none
    # created twice.
    server.release()
    outcomes = await client.branches.create_many(connector.id, names, concurrency=8)
    assert [(o.name, o.error) for o in outcomes] == [(name, None) for name in names]
    assert await server.read(branches_named(server, connector.id)) == dict.fromkeys(names, 1)
    assert await server.read(creates_processed(server)) == len(names)
    assert asyncio.all_tasks() == before


def _waits(client: ArdentClient, handle: OperationHandle) -> dict[str, Awaitable[Any]]:
    async def watch() -> None:
        async for _ in client.operations.watch(handle.operation_id, timeout=60):
            pass

    return {
        "operations.wait": client.operations.wait(handle.operation_id, timeout=60),
        "operations.watch": watch(),
        "operations.get(wait=10)": client.operations.get(handle.operation_id, wait=10),
    }


@pytest.mark.parametrize("call", ["operations.wait", "operations.watch", "operations.get(wait=10)"])
async def test_cancelled_wait_leaves_nothing_and_the_client_still_works(
    call: str,
    server: HeldEmulator,
    client: ArdentClient,
    transport: CountingTransport,
    connector: ConnectorRow,
) -> None:
    server.backend.held.add("slow")
    handle = await client.branches.create(connector.id, "slow")
    session = transport.inner._session
    before = asyncio.all_tasks()
    calls = _waits(client, handle)
    waiting = asyncio.ensure_future(calls.pop(call))
    for unused in calls.values():
        unused.close()  # type: ignore[attr-defined]  # coroutines never started
    await until(lambda: transport.in_flight == 1, "the held poll")
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert asyncio.all_tasks() == before
    assert transport.in_flight == 0

    # The same session still serves: the operation is still running, then it completes.
    operation = await client.operations.get(handle.operation_id)
    assert operation.status in ("pending", "running")
    server.release()
    done = await client.operations.wait(handle.operation_id, timeout=30)
    assert done.status == "completed"
    assert transport.inner._session is session
    assert session is not None
    assert not session.closed


async def test_cancelled_create_and_wait_then_the_same_key_resumes(
    server: HeldEmulator,
    client: ArdentClient,
    transport: CountingTransport,
    connector: ConnectorRow,
) -> None:
    server.backend.held.add("resumed")
    polls = transport.sent_to("GET", "/v1/operations/")
    before = asyncio.all_tasks()
    task = asyncio.ensure_future(
        client.branches.create_and_wait(connector.id, "resumed", idempotency_key="resume-1")
    )
    await until(lambda: transport.sent_to("GET", "/v1/operations/") > polls, "the first poll")
    await until(lambda: transport.in_flight == 1, "the held poll")
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert asyncio.all_tasks() == before
    server.release()
    branch = await client.branches.create_and_wait(
        connector.id, "resumed", idempotency_key="resume-1", timeout=30
    )
    assert branch.name == "resumed"
    assert await server.read(branches_named(server, connector.id)) == {"resumed": 1}


async def test_close_ends_calls_in_flight_with_client_closed_error(
    server: HeldEmulator,
    client: ArdentClient,
    transport: CountingTransport,
    connector: ConnectorRow,
) -> None:
    held = [f"held-{i}" for i in range(3)]
    server.backend.held.update([*held, *(f"many-{i}" for i in range(10))])
    handles = [await client.branches.create(connector.id, name) for name in held[:2]]
    before = asyncio.all_tasks()
    calls: dict[str, asyncio.Future[Any]] = {
        "wait": asyncio.ensure_future(client.operations.wait(handles[0].operation_id, timeout=60)),
        "get(wait=10)": asyncio.ensure_future(
            client.operations.get(handles[1].operation_id, wait=10)
        ),
        "create_and_wait": asyncio.ensure_future(
            client.branches.create_and_wait(connector.id, held[2], timeout=60)
        ),
        "create_many": asyncio.ensure_future(
            client.branches.create_many(
                connector.id, [f"many-{i}" for i in range(10)], concurrency=4
            )
        ),
    }
    # wait + get + create_and_wait's poll + a poll for each of create_many's 10 (sending does
    # not wait for waiting): all held by the server.
    await until(lambda: transport.in_flight == 13, "13 requests in flight")

    started = time.monotonic()
    await client.close()
    results = await asyncio.gather(*calls.values(), return_exceptions=True)
    took = time.monotonic() - started
    assert took < CLOSE_BOUND, f"close took {took:.1f} s to end the calls in flight"
    outcome = dict(zip(calls, results, strict=True))
    many = outcome.pop("create_many")
    for name, error in outcome.items():
        assert isinstance(error, ClientClosedError), f"{name}: {error!r}"
        assert "closed" in str(error)
    # create_many returns one outcome per name: each ended by the close, none lost.
    assert [o.name for o in many] == [f"many-{i}" for i in range(10)]
    assert all(isinstance(o.error, ClientClosedError) for o in many), many
    assert asyncio.all_tasks() == before
    assert transport.in_flight == 0

    # Closed for good: new calls are refused at once, nothing is sent.
    sent = len(transport.sent)
    with pytest.raises(ClientClosedError):
        await client.projects.list(server.emulator.org_id if server.emulator else "")
    assert len(transport.sent) == sent
    await client.close()  # idempotent


async def test_closing_an_unused_or_finished_client_leaves_no_session(
    server: HeldEmulator, loop_errors: list[dict[str, Any]]
) -> None:
    assert server.emulator is not None
    unused = server.emulator.client()
    await unused.close()
    async with server.emulator.client() as used:
        await used.projects.list(server.emulator.org_id)
    assert used.closed
    gc.collect()  # an unclosed aiohttp session would warn here (an error in this suite)
