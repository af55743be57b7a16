"""``ardent_async.sync.ArdentClient``: the same services as blocking calls, for scripts and
notebooks.

::

    from ardent_async.sync import ArdentClient

    with ArdentClient() as client:                      # token from ARDENT_TOKEN
        handle = client.branches.create("conn_123", "ci-42")
        operation = client.operations.wait(handle.operation_id)
        for op in client.operations.watch(handle.operation_id):   # a plain iterator
            print(op.status)

Each call runs the async client on a private event loop in a background thread (started on
first use), so it also works where an event loop is already running in the calling thread
(Jupyter). Results and exceptions are the async client's own. Calls from several threads may
share one client; they run concurrently on its loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import queue
import threading
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from types import TracebackType
from typing import Any, Generic, TypeVar, cast

from ardent_async._client import ArdentClient as AsyncArdentClient
from ardent_async._clock import Clock
from ardent_async._redact import mask_url
from ardent_async._retry import RetryPolicy
from ardent_async._transport import Transport
from ardent_async._transport._base import DEFAULT_MAX_RESPONSE_BYTES
from ardent_async.errors import ClientClosedError
from ardent_async.services import (
    BranchesService,
    ConfigsService,
    ConnectorsService,
    JobsService,
    OperationsService,
    OrgsService,
    ProjectsService,
)

__all__ = ["ArdentClient", "BlockingIterator", "BlockingService"]

T = TypeVar("T")
S = TypeVar("S")

DEFAULT_TIMEOUT = 60.0
_THREAD_NAME = "ardent-async-sync"
_WAKE_EVERY = 0.2  # seconds a blocked caller waits before checking for signals


class _LoopThread:
    """An event loop running in a daemon thread, started on first use, stopped by ``stop``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopped = False

    @property
    def started(self) -> bool:
        return self._thread is not None

    def in_loop_thread(self) -> bool:
        return threading.current_thread() is self._thread

    def _submit(self, call: _Call[Any]) -> None:
        """Queue ``call`` on the loop (starting the thread first if needed).

        Under the lock, so that once :meth:`stop` has begun nothing more is queued: everything
        queued before it is run (or cancelled) before the loop closes.
        """
        with self._lock:
            if self._stopped:
                raise ClientClosedError("the client is closed")
            if self._loop is None:
                loop = asyncio.new_event_loop()
                ready = threading.Event()
                thread = threading.Thread(
                    target=_serve, args=(loop, ready), name=_THREAD_NAME, daemon=True
                )
                thread.start()
                ready.wait()
                self._loop, self._thread = loop, thread
            call.loop = self._loop
            self._loop.call_soon_threadsafe(call.start)

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run ``coroutine`` on the loop and block until it is done; its result or exception.

        If the caller is interrupted (KeyboardInterrupt) the coroutine is cancelled, so nothing
        keeps running on the loop for a caller that has gone.
        """
        if self.in_loop_thread():
            coroutine.close()
            raise RuntimeError(
                "a blocking ardent_async.sync call from the client's own event loop thread "
                "(a callback?) would wait for itself forever; use the async client there"
            )
        call = _Call(coroutine)
        try:
            self._submit(call)
            # Wake up now and then: a Ctrl-C that lands just as the wait begins is otherwise
            # only noticed when the call ends. The outcome travels through a SimpleQueue (C,
            # lock-free for Python code): a KeyboardInterrupt raised in this thread can never
            # leave a lock held that the loop thread then needs to hand over the result - which
            # a concurrent.futures.Future (a Condition) could, and hang the loop.
            while True:
                try:
                    ok, value = call.outcome.get(timeout=_WAKE_EVERY)
                except queue.Empty:
                    continue
                if ok:
                    return cast("T", value)
                raise value
        except BaseException:
            # Refused or interrupted (KeyboardInterrupt may strike anywhere in this block):
            # cancel the work, or drop the coroutine if it never started. `abandon` runs on
            # the loop after `start`, if that was queued at all.
            if call.loop is None:
                coroutine.close()
            else:
                with contextlib.suppress(RuntimeError):  # the loop is closed: nothing runs
                    call.loop.call_soon_threadsafe(call.abandon)
            raise

    def stop(self) -> None:
        """Stop the loop (after closing async generators left open) and join its thread."""
        with self._lock:
            self._stopped = True
            loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        if threading.current_thread() is thread:
            loop.call_soon(loop.stop)  # joining our own thread is impossible; just stop
            return
        if loop.is_running():
            loop.call_soon_threadsafe(loop.stop)
        thread.join()


class _Call(Generic[T]):
    """One coroutine run on the loop for a caller blocked in another thread.

    Like ``asyncio.run_coroutine_threadsafe``, but the caller holds the handle before anything
    is scheduled, so an interrupt at any point can still cancel the work.
    """

    def __init__(self, coroutine: Coroutine[Any, Any, T]) -> None:
        self.coroutine = coroutine
        # (True, result) or (False, exception), put once by the loop thread.
        self.outcome: queue.SimpleQueue[tuple[bool, Any]] = queue.SimpleQueue()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.task: asyncio.Task[T] | None = None
        self.abandoned = False

    def start(self) -> None:
        """On the loop: run the coroutine as a task whose end settles ``outcome``."""
        if self.abandoned:
            self.coroutine.close()
            return
        self.task = asyncio.ensure_future(self.coroutine)
        self.task.add_done_callback(self._settle)

    def _settle(self, task: asyncio.Task[T]) -> None:
        if task.cancelled():
            # Only the loop's shutdown cancels a call that its caller still waits for.
            self.outcome.put((False, ClientClosedError("the client was closed during the call")))
            return
        error = task.exception()
        if error is not None:
            self.outcome.put((False, error))
        else:
            self.outcome.put((True, task.result()))

    def abandon(self) -> None:
        """On the loop: the caller has gone; cancel the task, or never start it."""
        self.abandoned = True
        if self.task is not None:
            self.task.cancel()
        else:
            self.coroutine.close()


def _serve(loop: asyncio.AbstractEventLoop, ready: threading.Event) -> None:
    asyncio.set_event_loop(loop)
    loop.call_soon(ready.set)
    try:
        loop.run_forever()
    finally:
        try:
            # Run what was queued before the stop (calls' starts), then cancel what is left.
            loop.run_until_complete(asyncio.sleep(0))
            tasks = [task for task in asyncio.all_tasks(loop) if not task.done()]
            for task in tasks:
                task.cancel()
            if tasks:
                loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            loop.close()


async def _invoke(
    function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    # Called on the loop: anything the function does before its first await happens there too.
    result = function(*args, **kwargs)
    if inspect.isawaitable(result):
        result = await result
    return result


async def _next(iterator: AsyncIterator[T]) -> tuple[bool, T | None]:
    try:
        return True, await iterator.__anext__()
    except StopAsyncIteration:
        return False, None


async def _close_iterator(iterator: AsyncIterator[Any]) -> None:
    close: Callable[[], Awaitable[None]] | None = getattr(iterator, "aclose", None)
    if close is not None:
        await close()


class BlockingIterator(Iterator[T]):
    """A plain iterator over an async iterator that lives on the sync client's loop."""

    def __init__(self, iterator: AsyncIterator[T], runner: _LoopThread) -> None:
        self._iterator = iterator
        self._runner = runner
        self._done = False

    def __next__(self) -> T:
        if self._done:
            raise StopIteration
        more, item = self._runner.run(_next(self._iterator))
        if not more:
            self._done = True
            raise StopIteration
        return item  # type: ignore[return-value]  # `more` says it is an item

    def close(self) -> None:
        """Stop early (what ``break`` leaves open is otherwise closed when the client is)."""
        if not self._done:
            self._done = True
            self._runner.run(_close_iterator(self._iterator))


class BlockingService(Generic[S]):
    """A service of the async client whose methods block until done.

    ``client.branches.create(...)`` here returns what ``await client.branches.create(...)``
    returns there; methods that give async iterators (``operations.watch``) give plain
    iterators. The signatures and documentation are the async service's (``help()`` shows
    them); attributes that are not methods are the async service's own.
    """

    def __init__(self, service: S, runner: _LoopThread) -> None:
        self._service = service
        self._runner = runner

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        attribute = getattr(self._service, name)
        if not callable(attribute):
            return attribute
        return _blocking(attribute, self._runner)

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | {n for n in dir(self._service) if n[0] != "_"})

    def __repr__(self) -> str:
        return f"<blocking {type(self._service).__name__}>"


def _blocking(function: Callable[..., Any], runner: _LoopThread) -> Callable[..., Any]:
    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        result = runner.run(_invoke(function, args, kwargs))
        if isinstance(result, AsyncIterator):
            return BlockingIterator(result, runner)
        return result

    return call


class ArdentClient:
    """Blocking client for the Ardent API: the async :class:`ardent_async.ArdentClient`'s
    services (``projects``, ``connectors``, ``branches``, ``operations``, ``orgs``, ``jobs``,
    ``configs``) and shortcuts, as plain calls. Same arguments, same environment fallbacks.

    Close it with ``close()`` or use ``with``; a client dropped without closing is closed when
    it is garbage-collected or at interpreter exit.
    """

    def __init__(
        self,
        token: str | None = None,
        *,
        base_url: str | None = None,
        max_retries: int = 2,
        timeout: float | None = DEFAULT_TIMEOUT,
        transport: Transport | None = None,
        connection_limit: int = 100,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        allow_insecure_http: bool = False,
        public_key: str | None = None,
        secret_key: str | None = None,
        legacy_base_url: str | None = None,
        retry_policy: RetryPolicy | None = None,
        clock: Clock | None = None,
    ) -> None:
        # Building the async client opens nothing (its session is made on first use, on the
        # private loop), so argument errors surface here, before any thread starts.
        client = AsyncArdentClient(
            token,
            base_url=base_url,
            max_retries=max_retries,
            timeout=timeout,
            transport=transport,
            connection_limit=connection_limit,
            max_response_bytes=max_response_bytes,
            allow_insecure_http=allow_insecure_http,
            public_key=public_key,
            secret_key=secret_key,
            legacy_base_url=legacy_base_url,
            retry_policy=retry_policy,
            clock=clock,
        )
        runner = _LoopThread()
        self._client = client
        self._runner = runner
        self._finalizer = weakref.finalize(self, _shut_down, client, runner)

        self.projects: BlockingService[ProjectsService] = BlockingService(client.projects, runner)
        self.connectors: BlockingService[ConnectorsService] = BlockingService(
            client.connectors, runner
        )
        self.branches: BlockingService[BranchesService] = BlockingService(client.branches, runner)
        self.operations: BlockingService[OperationsService] = BlockingService(
            client.operations, runner
        )
        self.orgs: BlockingService[OrgsService] = BlockingService(client.orgs, runner)
        self.jobs: BlockingService[JobsService] = BlockingService(client.jobs, runner)
        self.configs: BlockingService[ConfigsService] = BlockingService(client.configs, runner)

    @property
    def base_url(self) -> str:
        """The public API's base URL this client sends to."""
        return self._client.base_url

    @property
    def closed(self) -> bool:
        """True once :meth:`close` has been called."""
        return self._client.closed

    def close(self) -> None:
        """Close the connections and stop the background loop. Idempotent."""
        self._finalizer()

    def __getattr__(self, name: str) -> Any:
        # The async client's own methods (create_job, set_config... of the seed) block here.
        if name.startswith("_"):
            raise AttributeError(name)
        attribute = getattr(self._client, name)
        if not callable(attribute):
            return attribute
        return _blocking(attribute, self._runner)

    def __enter__(self) -> ArdentClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = " closed" if self.closed else ""
        return f"<ardent_async.sync.ArdentClient base_url={mask_url(self.base_url)!r}{state}>"


def _shut_down(client: AsyncArdentClient, runner: _LoopThread) -> None:
    """Close the async client on its loop, then stop the loop. Runs once (weakref.finalize)."""
    try:
        if not runner.in_loop_thread():
            runner.run(client.close())
    except RuntimeError:
        # At interpreter exit no thread can be started for a client that was never used; it
        # holds no connections then.
        if runner.started:
            raise
    finally:
        runner.stop()
