"""The machinery of the blocking client: a private event loop in a thread, and blocking views
of the async services and iterators (``ardent_async.sync`` is built on it)."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import inspect
import queue
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from typing import TYPE_CHECKING, Any, Generic, ParamSpec, TypeVar, cast

from ardent_async._client import ArdentClient as AsyncArdentClient
from ardent_async.errors import ClientClosedError

__all__ = [
    "BlockingIterator",
    "BlockingService",
    "LoopThread",
    "blocking",
    "call_on",
    "iterate_on",
    "shut_down",
]

T = TypeVar("T")
S = TypeVar("S")
P = ParamSpec("P")

_THREAD_NAME = "ardent-async-sync"
_WAKE_EVERY = 0.2  # seconds a blocked caller waits before checking for signals


class LoopThread:
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
        # The caller's context goes with the call (with_response's sink, say): a task
        # created inside context.run starts from a copy of it, as it would in the caller.
        self.context = contextvars.copy_context()

    def start(self) -> None:
        """On the loop: run the coroutine as a task whose end settles ``outcome``."""
        if self.abandoned:
            self.coroutine.close()
            return
        self.task = self.context.run(asyncio.ensure_future, self.coroutine)
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

    def __init__(self, iterator: AsyncIterator[T], runner: LoopThread) -> None:
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
    iterators. The typed methods are generated from the async services
    (``ardent_async/_sync_twin.py``, ``python -m codegen.sync_twin``); at runtime any other
    public attribute is the async service's own (a method of it blocks).
    """

    def __init__(self, service: S, runner: LoopThread) -> None:
        self._service = service
        self._runner = runner

    def _call(self, function: Callable[P, Awaitable[T]], *args: P.args, **kwargs: P.kwargs) -> T:
        return call_on(self._runner, function, *args, **kwargs)

    def _iterate(
        self, function: Callable[P, AsyncIterator[T]], *args: P.args, **kwargs: P.kwargs
    ) -> BlockingIterator[T]:
        return iterate_on(self._runner, function, *args, **kwargs)

    if not TYPE_CHECKING:  # for mypy an attribute not generated is an error, not Any

        def __getattr__(self, name: str) -> Any:
            if name.startswith("_"):
                raise AttributeError(name)
            attribute = getattr(self._service, name)
            if not callable(attribute):
                return attribute
            return blocking(attribute, self._runner)

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | {n for n in dir(self._service) if n[0] != "_"})

    def __repr__(self) -> str:
        return f"<blocking {type(self._service).__name__}>"


def call_on(
    runner: LoopThread, function: Callable[P, Awaitable[T]], *args: P.args, **kwargs: P.kwargs
) -> T:
    """``await function(*args, **kwargs)`` on the runner's loop, blocking until it is done."""
    return cast("T", runner.run(_invoke(function, args, kwargs)))


def iterate_on(
    runner: LoopThread,
    function: Callable[P, AsyncIterator[T]],
    *args: P.args,
    **kwargs: P.kwargs,
) -> BlockingIterator[T]:
    """``function(*args, **kwargs)``'s async iterator, made on the loop, as a plain iterator."""
    iterator = cast("AsyncIterator[T]", runner.run(_invoke(function, args, kwargs)))
    return BlockingIterator(iterator, runner)


def blocking(function: Callable[..., Any], runner: LoopThread) -> Callable[..., Any]:
    """``function`` (a coroutine function, or one giving an async iterator) as a blocking call."""

    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        result = runner.run(_invoke(function, args, kwargs))
        if isinstance(result, AsyncIterator):
            return BlockingIterator(result, runner)
        return result

    return call


def shut_down(client: AsyncArdentClient, runner: LoopThread) -> None:
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
