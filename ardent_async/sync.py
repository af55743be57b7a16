"""``ardent_async.sync.SyncArdentClient``: the same services as blocking calls, for scripts and
notebooks.

::

    from ardent_async.sync import SyncArdentClient

    with SyncArdentClient() as client:                  # token from ARDENT_TOKEN
        handle = client.branches.create("conn_123", "ci-42")
        operation = client.operations.wait(handle.operation_id)
        for op in client.operations.watch(handle.operation_id):   # a plain iterator
            print(op.status)

Each call runs the async client on a private event loop in a background thread (started on
first use), so it also works where an event loop is already running in the calling thread
(Jupyter). Results and exceptions are the async client's own. Calls from several threads may
share one client; they run concurrently on its loop.

The methods, their parameters and return types are the async client's: they are generated
from the async services (``ardent_async/_sync_twin.py``), so mypy checks blocking code as
strictly as async code.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import ParamSpec, TypeVar

from ardent_async._blocking import BlockingIterator, BlockingService, LoopThread, shut_down
from ardent_async._client import ArdentClient as AsyncArdentClient
from ardent_async._core._redact import mask_url
from ardent_async._core._response import WithResponse, _result, response_sink
from ardent_async._core._retry import RetryPolicy
from ardent_async._core._sentinel import KEEP, Keep
from ardent_async._sync_twin import SyncClientBase
from ardent_async.events import EventHooks

__all__ = [
    "ArdentClient",
    "BlockingIterator",
    "BlockingService",
    "SyncArdentClient",
    "with_response",
]

T = TypeVar("T")
P = ParamSpec("P")


class _Shared:
    """What a client and its ``with_options`` copies share; closed when the last one goes."""

    def __init__(self, client: AsyncArdentClient, runner: LoopThread) -> None:
        self.runner = runner
        self.finalizer = weakref.finalize(self, shut_down, client, runner)


class SyncArdentClient(SyncClientBase):
    """Blocking client for the Ardent API: the async :class:`ardent_async.ArdentClient`'s
    services (``projects``, ``connectors``, ``branches``, ``operations``, ``orgs``, ``jobs``,
    ``configs``) and shortcuts, as plain calls. Same arguments, same environment fallbacks.

    Close it with ``close()`` or use ``with``; a client dropped without closing is closed when
    it is garbage-collected or at interpreter exit.
    """

    _shared: _Shared

    def _bind(self, client: AsyncArdentClient, runner: LoopThread | None) -> LoopThread:
        self._client = client
        if runner is None:
            self._shared = _Shared(client, LoopThread())
        self._runner = self._shared.runner
        return self._runner

    def with_options(
        self,
        *,
        timeout: float | Keep | None = KEEP,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        retry_policy: RetryPolicy | None = None,
        event_hooks: EventHooks | None = None,
    ) -> SyncArdentClient:
        """A copy with other defaults sharing this client's session and loop; see the async
        :meth:`ardent_async.ArdentClient.with_options`."""
        copy = self._client.with_options(
            timeout=timeout,
            max_retries=max_retries,
            extra_headers=extra_headers,
            retry_policy=retry_policy,
            event_hooks=event_hooks,
        )
        return SyncArdentClient._sharing(self._shared, copy)

    @classmethod
    def _sharing(cls, shared: _Shared, client: AsyncArdentClient) -> SyncArdentClient:
        """The constructor of :meth:`with_options`' copies: ``client`` (the async copy) run on
        ``shared``'s loop, which stays open until the last client sharing it goes."""
        copy = cls.__new__(cls)
        copy._shared = shared
        copy._attach(client, shared.runner)
        return copy

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
        self._shared.finalizer()

    def __enter__(self) -> SyncArdentClient:
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
        return f"<ardent_async.sync.SyncArdentClient base_url={mask_url(self.base_url)!r}{state}>"


def with_response(call: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> WithResponse[T]:
    """``call(*args, **kwargs)`` (a blocking client method) with the metadata of the HTTP
    responses it received; see :func:`ardent_async.with_response`."""
    sink: list = []  # type: ignore[type-arg]
    token = response_sink.set(sink)
    try:
        data = call(*args, **kwargs)
    finally:
        response_sink.reset(token)
    return _result(call, data, sink)


ArdentClient = SyncArdentClient
"""The former name of :class:`SyncArdentClient` (the same class), kept so existing
``from ardent_async.sync import ArdentClient`` imports work; new code should use
``SyncArdentClient``, which cannot be mistaken for the async :class:`ardent_async.ArdentClient`."""
