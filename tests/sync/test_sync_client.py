"""The blocking client: services through the emulator, iterators, errors, loop and thread life."""

from __future__ import annotations

import asyncio
import gc
import inspect
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from ardent_async import ArdentClient as AsyncArdentClient
from ardent_async import sync
from ardent_async._core._transport import Request, Response
from ardent_async.errors import ArdentValidationError, ClientClosedError, NotFoundError
from ardent_async.models import BranchCreateResult, ConnectorRow
from ardent_async.sync import BlockingService, SyncArdentClient
from tests.threaded_emulator import EmulatorThread

SOURCE = {"url": "postgresql://app:s3cret@db.example.com:5432/app"}
DECISIONS = {"public.audit_events": "add_pk"}


def _client(served: EmulatorThread) -> SyncArdentClient:
    emulator = served.emulator
    return SyncArdentClient(emulator.token, base_url=emulator.base_url)


def _ready_connector(client: SyncArdentClient, name: str = "source") -> ConnectorRow:
    """A connector ready to branch, made with blocking calls only."""
    project = client.projects.create(f"{name}-project")
    connector = client.connectors.create(project.id, name, SOURCE)
    discovery = client.connectors.discover(connector.id)
    client.operations.wait(discovery.operation_id, timeout=30)
    client.connectors.set_replica_identity_decisions(connector.id, DECISIONS)
    setup = client.connectors.engine_setup(connector.id)
    assert setup.operation is not None
    client.operations.wait(setup.operation.operation_id, timeout=30)
    row: ConnectorRow = client.connectors.get(connector.id)
    return row


def _wait_until(condition: Any, what: str, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.005)


def test_services_are_blocking_calls(served: EmulatorThread) -> None:
    with _client(served) as client:
        connector = _ready_connector(client)
        branch = client.branches.create_and_wait(connector.id, "ci-1", timeout=30)
        assert isinstance(branch, BranchCreateResult)
        assert branch.name == "ci-1"
        (row,) = client.branches.list(connector.id)
        assert row.id == branch.branch_id
        assert [c.id for c in client.connectors.list(served.emulator.org_id)] == [connector.id]


def test_watch_is_a_plain_iterator(served: EmulatorThread) -> None:
    with _client(served) as client:
        connector = _ready_connector(client)
        handle = client.branches.create(connector.id, "watched")
        updates = client.operations.watch(handle.operation_id, timeout=30)
        assert isinstance(updates, Iterator)
        statuses = [op.status for op in updates]
        assert statuses[-1] == "completed"
        assert next(updates, None) is None  # stays exhausted


def test_leaving_a_watch_early_is_fine(served: EmulatorThread) -> None:
    with _client(served) as client:
        connector = _ready_connector(client)
        handle = client.branches.create(connector.id, "left")
        updates = client.operations.watch(handle.operation_id, timeout=30)
        next(updates)
        updates.close()
        assert next(updates, None) is None
        # An iterator abandoned mid-way is closed with the client, without warnings.
        next(client.operations.watch(handle.operation_id, timeout=30))


def test_exceptions_propagate_unchanged(served: EmulatorThread) -> None:
    with _client(served) as client:
        with pytest.raises(NotFoundError) as caught:
            client.connectors.get("conn_missing")
        assert caught.value.status_code == 404
        before = len(served.emulator.admin.requests())
        with pytest.raises(ArdentValidationError) as refused:
            client.branches.create("conn_1", "")
        assert refused.value.field == "name"
        assert len(served.emulator.admin.requests()) == before


async def test_works_inside_a_running_event_loop(served: EmulatorThread) -> None:
    # As in Jupyter: this thread already runs a loop; the work runs on the client's own.
    asyncio.get_running_loop()
    with _client(served) as client:
        project = client.projects.create("from-a-notebook")
        assert [p.id for p in client.projects.list(org_id=served.emulator.org_id)] == [project.id]


def test_seed_shortcuts_of_the_async_client_block_too(served: EmulatorThread) -> None:
    emulator = served.emulator
    assert emulator.legacy_key is not None
    with SyncArdentClient(
        base_url=emulator.base_url,
        public_key=emulator.legacy_key.public_key,
        secret_key=emulator.legacy_key.secret_key,
    ) as client:
        job = client.create_job(message="count the orders")
        assert job["id"]
        assert client.jobs.delete(job["id"]) is not None


def test_threads_may_share_a_client(served: EmulatorThread) -> None:
    with _client(served) as client:
        connector = _ready_connector(client)
        names = [f"t-{i}" for i in range(6)]
        with ThreadPoolExecutor(max_workers=3) as pool:
            results = list(
                pool.map(lambda n: client.branches.create_and_wait(connector.id, n), names)
            )
        assert [r.name for r in results] == names
        assert sorted(b.name for b in client.branches.list(connector.id)) == sorted(names)


def test_a_blocking_call_from_the_loop_thread_is_refused(served: EmulatorThread) -> None:
    with _client(served) as client:
        connector = _ready_connector(client)

        def on_progress(_: object) -> None:
            client.branches.list(connector.id)  # runs on the client's loop: would deadlock

        with pytest.raises(RuntimeError, match="own event loop thread"):
            client.branches.create_many(connector.id, ["a"], on_progress=on_progress)
        assert client.branches.list(connector.id)  # the loop is still serving


class _HangingTransport:
    """Every request hangs until cancelled; records that it started and was cancelled."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.cancelled = threading.Event()

    async def send(self, request: Request) -> Response:
        self.started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled.set()
            raise
        raise AssertionError("unreachable")

    async def aclose(self) -> None:
        pass


# Run in a fresh interpreter with a timeout: a lost signal must fail the test, not hang CI.
_SIGINT_CHILD = """
import asyncio, os, signal, threading, time
from ardent_async.errors import ArdentValidationError
from ardent_async.sync import SyncArdentClient

# A process started in the background by a non-interactive shell inherits SIGINT ignored, and
# Python then installs no KeyboardInterrupt handler: install it, as an interactive run has it.
signal.signal(signal.SIGINT, signal.default_int_handler)

class HangingTransport:
    def __init__(self):
        self.started = threading.Event()
        self.cancelled = threading.Event()
    async def send(self, request):
        self.started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled.set()
            raise
    async def aclose(self):
        pass

transport = HangingTransport()
client = SyncArdentClient("tok", base_url="http://127.0.0.1:9", transport=transport)
def interrupt():
    if transport.started.wait(timeout=30):
        os.kill(os.getpid(), signal.SIGINT)
interrupter = threading.Thread(target=interrupt)
interrupter.start()
try:
    client.projects.list(org_id="org_1")
except KeyboardInterrupt:
    print("interrupted")
interrupter.join()
deadline = time.monotonic() + 10
while not transport.cancelled.is_set():
    assert time.monotonic() < deadline, "the interrupted call was not cancelled"
    time.sleep(0.005)
print("cancelled")
try:
    client.projects.list(org_id="")
except ArdentValidationError:
    print("still usable")
client.close()
print("closed" if client.closed else "open")
"""


def test_keyboard_interrupt_cancels_the_call_and_keeps_the_loop() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _SIGINT_CHILD],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["interrupted", "cancelled", "still", "usable", "closed"]


def test_closing_ends_calls_in_flight(served: EmulatorThread) -> None:
    transport = _HangingTransport()
    client = SyncArdentClient("tok", base_url=served.emulator.base_url, transport=transport)
    errors: list[BaseException] = []

    def call() -> None:
        try:
            client.projects.list(org_id="org_1")
        except BaseException as exc:
            errors.append(exc)

    caller = threading.Thread(target=call)
    caller.start()
    assert transport.started.wait(timeout=30)
    client.close()
    caller.join(timeout=30)
    assert not caller.is_alive()
    assert [type(e) for e in errors] == [ClientClosedError]
    assert transport.cancelled.is_set()


def test_no_thread_until_first_call_and_close_joins_it(served: EmulatorThread) -> None:
    client = _client(served)
    runner = client._runner
    assert not runner.started
    client.projects.list(org_id=served.emulator.org_id)
    thread = runner._thread
    assert thread is not None
    assert thread.is_alive()
    assert thread.daemon
    client.close()
    assert not thread.is_alive()
    assert client.closed
    client.close()  # idempotent
    with pytest.raises(ClientClosedError):
        client.projects.list(org_id=served.emulator.org_id)


def test_close_without_any_call(served: EmulatorThread) -> None:
    client = _client(served)
    client.close()
    assert client.closed


def test_bad_arguments_fail_at_construction() -> None:
    with pytest.raises(ArdentValidationError) as caught:
        SyncArdentClient("tok", base_url="ftp://example.com")
    assert caught.value.field == "base_url"


def test_a_dropped_client_is_closed(served: EmulatorThread) -> None:
    client = _client(served)
    client.projects.list(org_id=served.emulator.org_id)
    thread = client._runner._thread
    assert thread is not None
    async_client = weakref.ref(client._client)
    del client
    gc.collect()
    _wait_until(lambda: not thread.is_alive(), "the dropped client's loop to stop")
    closed = async_client()
    assert closed is None or closed.closed


def test_same_arguments_as_the_async_client() -> None:
    sync_params = inspect.signature(SyncArdentClient.__init__).parameters
    async_params = inspect.signature(AsyncArdentClient.__init__).parameters
    assert [(p.name, p.kind, p.default) for p in sync_params.values()] == [
        (p.name, p.kind, p.default) for p in async_params.values()
    ]


def test_every_service_is_offered() -> None:
    async_client = AsyncArdentClient("tok", base_url="http://127.0.0.1:1")
    client = SyncArdentClient("tok", base_url="http://127.0.0.1:1")
    try:
        services = {
            name
            for name, value in vars(async_client).items()
            if type(value).__module__.startswith(("ardent_async.services.", "ardent_async.legacy."))
        }
        assert services == {
            "projects",
            "connectors",
            "branches",
            "operations",
            "orgs",
            "jobs",
            "configs",
        }
        for name in services:
            blocking = getattr(client, name)
            assert isinstance(blocking, BlockingService)
            assert type(blocking._service) is type(getattr(async_client, name))
        # Methods keep the async service's name, signature and documentation.
        assert client.branches.create.__doc__ == async_client.branches.create.__doc__
        assert "connector_id" in inspect.signature(client.branches.create).parameters
        assert "create_and_wait" in dir(client.branches)
    finally:
        client.close()
        asyncio.run(async_client.close())


def test_module_exports() -> None:
    assert set(sync.__all__) == {
        "ArdentClient",
        "BlockingIterator",
        "BlockingService",
        "SyncArdentClient",
        "with_response",
    }


def test_fan_out_through_the_blocking_client_uses_the_shared_waiter(
    served: EmulatorThread,
) -> None:
    with _client(served) as client:
        connector = _ready_connector(client)
        names = [f"f{i}" for i in range(30)]
        # create_iter gives a plain iterator of outcomes as they finish; wait_many a list.
        seen = [outcome.name for outcome in client.branches.create_iter(connector.id, names)]
        assert sorted(seen) == sorted(names)
        handles = [client.branches.create(connector.id, f"w{i}") for i in range(5)]
        outcomes = client.operations.wait_many([h.operation_id for h in handles], timeout=30)
        assert [o.operation_id for o in outcomes] == [h.operation_id for h in handles]
        assert all(o.ok for o in outcomes)
        stream = client.branches.create_iter(connector.id, [f"s{i}" for i in range(20)])
        first = next(stream)
        stream.close()  # stops sending and waiting, on the client's loop
        assert first.ok
