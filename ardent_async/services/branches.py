"""``client.branches``: isolated databases created from a connector."""

from __future__ import annotations

import asyncio
import builtins
import contextvars
import functools
import inspect
import json
import random
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from typing import Literal

import attrs
from typing_extensions import Unpack

from ardent_async._core import _validate
from ardent_async._core._clock import Clock
from ardent_async._core._converter import converter
from ardent_async._core._options import RequestOptions
from ardent_async._core._paths import check_id, segment
from ardent_async._core._pipeline import Pipeline
from ardent_async._core._telemetry import CallScope, current_call
from ardent_async._core._worker_pool import run_bounded
from ardent_async._spec import endpoints
from ardent_async._spec.constants import (
    BRANCH_CREATE_REQUEST_SERVICE_TYPE_DEFAULT,
    DEFAULT_CONCURRENCY,
    DEFAULT_WAIT_TIMEOUT,
    MAX_CONCURRENCY,
)
from ardent_async._spec.endpoints import REPLAY_HEADER
from ardent_async._waiting._connectable import check_until, wait_connectable
from ardent_async._waiting._poller import OperationPoller, completed, subscription
from ardent_async._waiting._waiter import OperationWaiter, Subscription
from ardent_async.errors import (
    BranchFailedError,
    ConflictError,
    EmptyBranchURLError,
    NotFoundError,
    OperationFailedError,
    OperationTimeoutError,
    validation_error,
)
from ardent_async.fanout import BranchOutcome, FanOutProgress, ProgressCallback
from ardent_async.models import (
    AsyncOperationResponse,
    BranchCreateRequest,
    BranchCreateResult,
    BranchRow,
    OperationHandle,
)
from ardent_async.services._endpoint import request, send

__all__ = [
    "BranchStream",
    "BranchesService",
    "IfExists",
    "ReadyBranch",
    "branch_result",
    "derived_idempotency_key",
    "row_result",
]

SERVICE_TYPE = BRANCH_CREATE_REQUEST_SERVICE_TYPE_DEFAULT
# The most rows the branch list carries (the API has no paging).
MAX_LISTED = endpoints.LIST_BRANCHES.max_items

# Pauses before retrying a derived-key create answered 409 (a race with the same key).
_CONFLICT_PAUSES = (0.2, 0.5, 1.0, 2.0)
# How long a plain ``create`` (which has no timeout of its own) may spend on those pauses.
_CONFLICT_WINDOW = sum(_CONFLICT_PAUSES)
# Polling an existing branch's row until it has a URL: first pause, longest pause.
_READY_FIRST_PAUSE = 0.5
_READY_MAX_PAUSE = 5.0

# Fresh creates create_and_wait starts after replayed failures, at most, before giving up.
_FAILED_REPLAYS_RESTARTED = 3
# A listed branch in one of these states (compared without case) will never get a URL: not
# one to reuse. Any other state is waited for until the row has a URL.
_NEVER_READY = frozenset({"failed", "error", "deleting", "deleted"})

#: What ``create_and_wait`` does when the name is taken: return that branch, or raise.
IfExists = Literal["reuse", "error"]
# Namespace of the keys create_many derives; changing it would break resuming earlier runs.
_KEY_NAMESPACE = uuid.UUID("5b0d3c1e-6f2a-4c8e-9a77-2d4e1f0b8a13")


@attrs.frozen
class ReadyBranch:
    """A ready branch (``client.branches.create_or_reuse``), and whether this call created
    it.

    ``created`` is False when the branch existed already: found on the connector by name, or
    an earlier create under the same idempotency key (a re-run of the same script or CI job)
    answered with its operation.
    """

    branch: BranchCreateResult
    created: bool


class BranchesService:
    """Create branches (and wait for them), list and find them."""

    def __init__(self, http: Pipeline, poller: OperationPoller) -> None:
        self._http = http
        self._poller = poller
        self._rng = random.Random()

    async def create(
        self,
        connector_id: str,
        name: str,
        *,
        service_type: str = SERVICE_TYPE,
        idempotency_key: str | None = None,
        idempotency_scope: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> OperationHandle:
        """Start creating branch ``name`` of the connector; returns the operation to wait for.

        Safe to repeat: the ``X-Idempotency-Key`` is derived from (connector, service type,
        name[, ``idempotency_scope``]) unless ``idempotency_key`` is given, so the same create
        sent again (a retry, a re-run script, ``create_many`` with this name) resumes the first
        one and answers with its operation. A create racing the same key elsewhere resolves to
        that create's operation. A replay also replays the outcome, failures included: pass a
        new ``idempotency_scope`` (a CI run id, say) to make a fresh request. A name taken by a
        create under another key raises ConflictError (``create_and_wait`` reuses it instead).
        """
        body = _create_body(connector_id, name, service_type)
        key = self._key(body, idempotency_key, idempotency_scope)
        deadline = self._http.clock.monotonic() + _CONFLICT_WINDOW
        return await self._send_derived_create(body, key, deadline, options=options)

    async def create_and_wait(
        self,
        connector_id: str,
        name: str,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        service_type: str = SERVICE_TYPE,
        idempotency_key: str | None = None,
        idempotency_scope: str | None = None,
        if_exists: IfExists = "reuse",
        until: str = "ready",
    ) -> BranchCreateResult:
        """Create a branch and wait until it is ready; return its details (``branch_url``...).

        Safe to repeat, as :meth:`create` (same key rules). When the name is already taken on
        the connector by a create the server no longer links to this key (another key, or one
        it has forgotten), ``if_exists="reuse"`` (the default) returns that branch once it has
        a ``branch_url``; ``if_exists="error"`` raises the server's ConflictError. When the
        derived key replays an earlier run's failed create, a new create is started (a failed
        operation never recovers), under a key derived from that failure.

        ``timeout`` bounds the whole call. Raises OperationFailedError if the create failed,
        OperationTimeoutError after ``timeout`` (``.operation`` says how far it got), and
        EmptyBranchURLError if the finished branch has no ``branch_url``.

        ``until="connectable"`` also waits, after the operation completed, until a real
        connection to ``branch_url`` runs ``SELECT 1`` (retried within ``timeout``;
        BranchNotConnectableError if it never does). It needs asyncpg (the ``connect`` extra).
        """
        ready = await self._ensure(
            connector_id,
            name,
            timeout=timeout,
            service_type=service_type,
            idempotency_key=idempotency_key,
            idempotency_scope=idempotency_scope,
            if_exists=if_exists,
            until=until,
        )
        return ready.branch

    async def create_or_reuse(
        self,
        connector_id: str,
        name: str,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        service_type: str = SERVICE_TYPE,
        idempotency_key: str | None = None,
        idempotency_scope: str | None = None,
        until: str = "ready",
    ) -> ReadyBranch:
        """:meth:`create_and_wait` with ``if_exists="reuse"``, saying whether this call created
        the branch: a :class:`ReadyBranch` (``.branch``, ``.created``).

        What a CI job needs to get the same branch back when it runs again::

            ready = await client.branches.create_or_reuse(conn_id, "pr-42", until="connectable")
            print(ready.branch.branch_url, "created" if ready.created else "reused")

        The same path as ``create_and_wait``: the create is sent under the key derived from
        (connector, service type, name[, ``idempotency_scope``]); a name taken on the connector
        is reused once its row has a ``branch_url`` (a row that failed or is being deleted is
        never reused); an earlier run's failed create, replayed, starts a new create. Same
        errors as ``create_and_wait``.
        """
        return await self._ensure(
            connector_id,
            name,
            timeout=timeout,
            service_type=service_type,
            idempotency_key=idempotency_key,
            idempotency_scope=idempotency_scope,
            if_exists="reuse",
            until=until,
        )

    async def wait_ready(
        self,
        connector_id: str,
        branch_id_or_name: str,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
    ) -> BranchCreateResult:
        """An existing branch's details once it has a ``branch_url`` (as ``create_and_wait``
        returns them): for a branch some other run created, found by id or name.

        Polls the connector's branch list (backing off, within ``timeout``); NotFoundError if
        the list lacks it, BranchFailedError as soon as it is listed failed, error, deleting or
        deleted, OperationTimeoutError if it has no URL by then.
        """
        seconds = _timeout(timeout)
        row = await self.get(connector_id, branch_id_or_name)
        return await self._ready(row, self._http.clock.monotonic() + seconds)

    async def _ensure(
        self,
        connector_id: str,
        name: str,
        *,
        timeout: float,
        service_type: str,
        idempotency_key: str | None,
        idempotency_scope: str | None,
        if_exists: IfExists,
        until: str,
    ) -> ReadyBranch:
        """``create_and_wait`` and ``create_or_reuse``: arguments checked, then the branch
        created, replayed or found, and waited for as ``until`` says."""
        seconds = _timeout(timeout)
        reuse = _if_exists(if_exists)
        wanted = check_until(until)
        body = _create_body(connector_id, name, service_type)
        key = self._key(body, idempotency_key, idempotency_scope)
        deadline = self._http.clock.monotonic() + seconds
        ready = await self._created(
            body, key, deadline, reuse=reuse, restart=idempotency_key is None
        )
        if wanted == "connectable":
            url = ready.branch.branch_url
            assert url is not None  # branch_result/row_result refuse a missing one
            await wait_connectable(url, timeout=self._left(deadline), clock=self._http.clock)
        return ready

    async def _created(
        self, body: BranchCreateRequest, key: str, deadline: float, *, reuse: bool, restart: bool
    ) -> ReadyBranch:
        """The branch ``body`` asks for, ready: created, replayed, or (``reuse``) found.

        With ``restart`` (a derived key), a replayed failure starts a new create.
        """
        for restarts in range(_FAILED_REPLAYS_RESTARTED + 1):
            found = await self._send_or_find(body, key, deadline, reuse=reuse)
            if isinstance(found, BranchRow):
                return ReadyBranch(await self._ready(found, deadline), created=False)
            try:
                branch = await self._finish(found.handle, deadline)
            except OperationFailedError:
                if not (found.replayed and restart) or restarts == _FAILED_REPLAYS_RESTARTED:
                    raise
                # An earlier run's create failed and its key replays that failure: a failed
                # operation never recovers, so start anew under a key derived from the failure
                # (the same for every process re-running this, so still one branch).
                key = _key_after_failure(key, found.handle.operation_id)
                continue
            # A replay answered with an earlier create's operation: that create made it.
            return ReadyBranch(branch, created=not found.replayed)
        raise AssertionError("unreachable")  # pragma: no cover

    async def list(
        self, connector_id: str, *, tag: str | None = None, **options: Unpack[RequestOptions]
    ) -> builtins.list[BranchRow]:
        """The connector's branches (the API returns at most 100: ``MAX_LISTED``).

        ``tag`` keeps rows whose ``tags`` column (an undocumented extra column, found in
        ``row.extra["tags"]``) contains it; the API has no tag filter, so this is done here.
        """
        path = endpoints.LIST_BRANCHES.path_for(connector_id=segment("connector_id", connector_id))
        wanted = _validate.optional_text("tag", tag)
        rows = await send(self._http, endpoints.LIST_BRANCHES, path, options=options)
        if wanted is None:
            return rows
        return [row for row in rows if _has_tag(row, wanted)]

    async def get(
        self, connector_id: str, branch_id_or_name: str, **options: Unpack[RequestOptions]
    ) -> BranchRow:
        """The branch with this id (or else this name); NotFoundError if the list lacks it."""
        wanted = _validate.text("branch_id_or_name", branch_id_or_name)
        rows = await self.list(connector_id, **options)
        for row in rows:
            if row.id == wanted:
                return row
        for row in rows:
            if row.name == wanted:
                return row
        capped = ""
        if MAX_LISTED is not None and len(rows) >= MAX_LISTED:
            capped = f" (the list shows at most {MAX_LISTED} branches)"
        listing = endpoints.LIST_BRANCHES
        raise NotFoundError(
            f"no branch with id or name {wanted!r} on connector {connector_id}{capped}",
            method=listing.method,
            path=listing.path_for(connector_id=segment("connector_id", connector_id)),
        )

    async def create_many(
        self,
        connector_id: str,
        names: Iterable[str],
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        max_building: int | None = None,
        wait: bool = True,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        service_type: str = SERVICE_TYPE,
        idempotency_scope: str | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> builtins.list[BranchOutcome]:
        """Create many branches; one outcome per name, in the order of ``names``.

        Returns a :class:`~ardent_async.fanout.BranchOutcome` per name: ``.branch`` (the ready
        branch; with ``wait=False`` only ``.handle``) or ``.error``. One branch failing never
        stops the others. ``timeout`` bounds each branch's create and wait.

        Sending and waiting are separate stages: at most ``concurrency`` creates are in flight,
        and every accepted create is waited for by the client's shared waiter (a bounded budget
        of held polls, then round-robin polls at a bounded rate), so N branches take about the
        server's build time plus the time to send N creates. ``max_building`` (off by default)
        caps how many of these branches are being built on the server at once.

        Each create's idempotency key is derived from (connector, service type, name[,
        ``idempotency_scope``]), so running the same call again after a crash resumes the
        creates the server still remembers instead of duplicating them (also across processes:
        a create racing the same key elsewhere resolves to the same branch). A replayed create
        also replays its outcome, failures included: pass a new ``idempotency_scope`` (a CI run
        id, say) to make fresh requests, e.g. to retry names that failed or were deleted since.

        ``on_progress`` (a function or coroutine function) gets a FanOutProgress after each
        name finishes; an exception it raises stops sending, cancels the rest and propagates.
        Cancelling the call cancels every create and wait in flight. Arguments are all checked
        first: bad ones raise ArdentValidationError before any request.
        """
        if on_progress is not None and not callable(on_progress):
            raise validation_error("on_progress", "a callable or None", on_progress)
        stream = self.create_iter(
            connector_id,
            names,
            concurrency=concurrency,
            max_building=max_building,
            wait=wait,
            timeout=timeout,
            service_type=service_type,
            idempotency_scope=idempotency_scope,
        )
        outcomes: dict[str, BranchOutcome] = {}
        failed = 0
        async with stream:
            async for outcome in stream:
                outcomes[outcome.name] = outcome
                failed += outcome.error is not None
                if on_progress is not None:
                    progress = FanOutProgress(
                        stream.total, len(outcomes), failed, outcome.name, outcome
                    )
                    reply = on_progress(progress)
                    if inspect.isawaitable(reply):
                        await reply
        return [outcomes[name] for name in stream.names]

    def create_iter(
        self,
        connector_id: str,
        names: Iterable[str],
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        max_building: int | None = None,
        wait: bool = True,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        service_type: str = SERVICE_TYPE,
        idempotency_scope: str | None = None,
    ) -> BranchStream:
        """``create_many``, with each outcome yielded as soon as it is known::

            async with client.branches.create_iter(conn_id, names) as outcomes:
                async for outcome in outcomes:      # in completion order
                    if outcome.ok:
                        start_work(outcome.branch)

        One outcome per name, whatever happens to the others. Leaving the ``async with`` (or
        ``await outcomes.aclose()``) early stops sending and cancels the waits still pending;
        an iteration simply abandoned stops when it is garbage-collected. Arguments are the
        same as ``create_many``'s and are checked here, before any request.
        """
        check_id("connector_id", connector_id)
        checked = _check_names(names)
        bodies = [_create_body(connector_id, name, service_type) for name in checked]
        limit = _validate.integer("concurrency", concurrency, minimum=1, maximum=MAX_CONCURRENCY)
        building = (
            None
            if max_building is None
            else _validate.integer("max_building", max_building, minimum=1, maximum=None)
        )
        scope = _validate.optional_text("idempotency_scope", idempotency_scope)
        return BranchStream(
            bodies,
            keys=[derived_idempotency_key(body, scope) for body in bodies],
            send_create=self._send_derived_create,
            subscribe=functools.partial(subscription, self._poller),
            waiter=self._poller.waiter,
            clock=self._http.clock,
            concurrency=limit,
            max_building=building,
            wait=_validate.flag("wait", wait),
            timeout=_timeout(timeout),
        )

    async def _send_derived_create(
        self,
        body: BranchCreateRequest,
        key: str,
        deadline: float,
        *,
        options: RequestOptions | None = None,
    ) -> OperationHandle:
        """A create under a stable key (see :meth:`_send_or_find`); ConflictError if taken."""
        found = await self._send_or_find(body, key, deadline, reuse=False, options=options)
        assert isinstance(found, _Accepted)  # only ``reuse`` finds rows
        return found.handle

    async def _send_or_find(
        self,
        body: BranchCreateRequest,
        key: str,
        deadline: float,
        *,
        reuse: bool,
        options: RequestOptions | None = None,
    ) -> _Accepted | BranchRow:
        """A create under a stable key, resolving a race with the same key elsewhere.

        Another process creating the same name under the same key makes the server answer 409
        ("still in flight") until its request is done; then the same key is a replay and
        answers with that create's operation. So a 409 is retried a few times (jittered,
        within the deadline): a race resolves to the same branch, and a real conflict (the
        name taken without this key) still ends as ConflictError, a little later. With
        ``reuse``, a 409 whose name is on the connector's list returns that row at once.
        """
        clock = self._http.clock
        for pause in (*_CONFLICT_PAUSES, None):
            try:
                return await self._send_create(body, key, options)
            except ConflictError:
                if reuse:
                    row = await self._listed(body)
                    if row is not None:
                        return row
                if pause is None:
                    raise
                wait = pause * self._rng.uniform(0.5, 1.0)
                if clock.monotonic() + wait >= deadline:
                    raise
                await clock.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _send_create(
        self, body: BranchCreateRequest, key: str, options: RequestOptions | None = None
    ) -> _Accepted:
        # POST is retried by the pipeline only because the key makes the retry a replay.
        response = await request(
            self._http,
            endpoints.CREATE_BRANCH,
            json_body=body,
            idempotency_key=key,
            options=options,
        )
        replayed = response.headers.get(REPLAY_HEADER, "").strip().lower() == "true"
        return _Accepted(self._http.decode(response, OperationHandle), replayed)

    async def _finish(self, handle: OperationHandle, deadline: float) -> BranchCreateResult:
        operation = await self._poller.wait(handle.operation_id, timeout=self._left(deadline))
        return branch_result(operation)

    async def _listed(self, body: BranchCreateRequest) -> BranchRow | None:
        """The connector's branch of this name, unless it will never be ready."""
        rows = await self.list(body.connector_id)
        return next((row for row in rows if row.name == body.name and _reusable(row)), None)

    async def _ready(self, row: BranchRow, deadline: float) -> BranchCreateResult:
        """``row``'s details once the list shows it with a ``branch_url`` (polled, backing
        off from 0.5 s to 5 s, until ``deadline``); never a branch listed failed or going away,
        even one whose row still carries its URL."""
        clock = self._http.clock
        pause = _READY_FIRST_PAUSE
        _refuse_never_ready(row)
        while not _has_url(row.branch_url):
            left = deadline - clock.monotonic()
            if left <= 0:
                raise OperationTimeoutError(
                    f"branch {row.name} ({row.id}) has no branch_url yet (status {row.status!r})",
                    operation=None,
                )
            await clock.sleep(min(pause * self._rng.uniform(0.5, 1.0), left))
            pause = min(pause * 2, _READY_MAX_PAUSE)
            row = await self.get(row.connector_id, row.id)
            _refuse_never_ready(row)
        return row_result(row)

    def _key(self, body: BranchCreateRequest, key: str | None, scope: str | None) -> str:
        if key is None:
            return derived_idempotency_key(
                body, _validate.optional_text("idempotency_scope", scope)
            )
        if scope is not None:
            raise validation_error("idempotency_scope", "None when idempotency_key is given", scope)
        return _validate.header_text("idempotency_key", key)

    def _left(self, deadline: float) -> float:
        return _time_left(self._http.clock, deadline)


def _time_left(clock: Clock, deadline: float) -> float:
    """Seconds a wait may take: at least one poll, even if the create used up the time."""
    return max(deadline - clock.monotonic(), 0.001)


class BranchStream(AsyncIterator[BranchOutcome]):
    """The outcomes of a fan-out of branch creates, in completion order (``create_iter``).

    Work starts at the first step (or ``async with``). ``names`` is the input order and
    ``total`` its length. One stream is iterated once.

    What it works with is given to it: ``send_create(body, key, deadline)`` sends one create
    (the service's, resolving a race on the same key), ``subscribe(operation_id, timeout)``
    makes the wait for it (at the poller's pace), ``waiter`` (the client's shared one) runs
    and withdraws the waits, ``clock`` times the deadlines.
    """

    def __init__(
        self,
        bodies: builtins.list[BranchCreateRequest],
        *,
        keys: builtins.list[str],
        send_create: Callable[[BranchCreateRequest, str, float], Awaitable[OperationHandle]],
        subscribe: Callable[[str, float], Subscription],
        waiter: OperationWaiter,
        clock: Clock,
        concurrency: int,
        max_building: int | None,
        wait: bool,
        timeout: float,
    ) -> None:
        self._send_create = send_create
        self._subscribe = subscribe
        self._waiter = waiter
        self._clock = clock
        self._bodies = bodies
        self._keys = keys
        self._concurrency = concurrency
        self._max_building = max_building
        self._wait = wait
        self._timeout = timeout
        self.names = [body.name for body in bodies]
        self.total = len(bodies)
        self._yielded = 0
        self._finished: asyncio.Queue[BranchOutcome | BaseException] | None = None
        self._building: asyncio.Semaphore | None = None
        self._sender: asyncio.Task[None] | None = None
        self._waits: dict[asyncio.Future[AsyncOperationResponse], Subscription] = {}
        # A recorded fan-out: each branch's scope (a child span), until its outcome is known.
        self._scopes: dict[str, CallScope] = {}
        # create_iter recorded as a call of its own: the call, and the context to send in.
        self._recording: tuple[CallScope, contextvars.Context] | None = None
        self._closed = False

    def record(self, scope: CallScope, context: contextvars.Context) -> None:
        """Run as the recorded call ``scope`` (``create_iter`` on its own): the sending in
        ``context``, where the call is current; the call ends when the stream does."""
        self._recording = (scope, context)
        scope.set("ardent.fanout.size", self.total)

    def _end_recording(self, error: BaseException | None) -> None:
        if self._recording is not None:
            scope, _ = self._recording
            self._recording = None
            scope.finish(None, error)

    def __aiter__(self) -> BranchStream:
        return self

    async def __anext__(self) -> BranchOutcome:
        if self._yielded >= self.total or self._closed:
            raise StopAsyncIteration
        if self._finished is None:
            self._start()
        assert self._finished is not None
        outcome = await self._finished.get()
        if isinstance(outcome, BaseException):
            self._end_recording(outcome)
            raise outcome
        self._yielded += 1
        if self._yielded == self.total:
            self._end_recording(None)
            await self._waiter.stop_if_idle()
        return outcome

    async def __aenter__(self) -> BranchStream:
        if self._finished is None and self.total:
            self._start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Stop sending and cancel every wait still pending (idempotent)."""
        self._closed = True
        sender = self._sender
        if sender is not None and not sender.done():
            sender.cancel()
            await asyncio.wait([sender])
        waits, self._waits = self._waits, {}
        await self._waiter.withdraw(waits.values())
        scopes, self._scopes = self._scopes, {}
        for scope in scopes.values():
            scope.finish(None, asyncio.CancelledError())
        self._end_recording(None if self._yielded == self.total else asyncio.CancelledError())

    def __del__(self) -> None:
        # An abandoned iteration: stop what is left (best effort, without awaiting).
        try:
            if self._sender is not None and not self._sender.done():
                self._sender.cancel()
            for future in self._waits:
                future.cancel()
        except RuntimeError:  # its event loop is closed already: nothing runs any more
            pass

    def _start(self) -> None:
        self._finished = asyncio.Queue()
        self._building = (
            None if self._max_building is None else asyncio.Semaphore(self._max_building)
        )
        sending = run_bounded(self.total, self._send_one, self._concurrency)
        loop = asyncio.get_running_loop()
        if self._recording is None:
            self._sender = loop.create_task(sending)
        else:  # in the recorded call's context: the branches' spans go under it
            self._sender = self._recording[1].run(loop.create_task, sending)
        self._sender.add_done_callback(self._sender_done)

    def _sender_done(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None and self._finished is not None:
            self._finished.put_nowait(task.exception() or RuntimeError())

    async def _send_one(self, index: int) -> None:
        call = current_call()
        if call is None:
            await self._create_and_wait(index)
            return
        scope = self._scopes[self._bodies[index].name] = call.branch(self._bodies[index].name)
        entered = scope.enter()  # the create and the wait are this branch's
        try:
            await self._create_and_wait(index)
        finally:
            scope.leave(entered)

    async def _create_and_wait(self, index: int) -> None:
        body = self._bodies[index]
        if self._building is not None:
            await self._building.acquire()
        deadline = self._clock.monotonic() + self._timeout
        try:
            handle = await self._send_create(body, self._keys[index], deadline)
        except Exception as exc:
            self._done(BranchOutcome(body.name, error=exc))
            return
        if not self._wait:
            self._done(BranchOutcome(body.name, handle=handle))
            return
        sub = self._subscribe(handle.operation_id, _time_left(self._clock, deadline))
        future = self._waiter.start(sub)
        self._waits[future] = sub
        future.add_done_callback(lambda done: self._waited(body.name, handle, done))

    def _waited(
        self, name: str, handle: OperationHandle, future: asyncio.Future[AsyncOperationResponse]
    ) -> None:
        self._waits.pop(future, None)
        if future.cancelled():
            return
        error = future.exception()
        try:
            if error is not None:
                raise error
            branch = branch_result(completed(future.result()))
        except Exception as exc:
            self._done(BranchOutcome(name, handle=handle, error=exc))
            return
        self._done(BranchOutcome(name, branch=branch, handle=handle))

    def _done(self, outcome: BranchOutcome) -> None:
        scope = self._scopes.pop(outcome.name, None)
        if scope is not None:
            scope.finish(outcome.branch, outcome.error)
        if self._building is not None:
            self._building.release()
        assert self._finished is not None
        self._finished.put_nowait(outcome)


def branch_result(operation: AsyncOperationResponse) -> BranchCreateResult:
    """The branch details of a completed ``branch_create`` operation.

    A result without a usable ``branch_url`` is a hard failure: EmptyBranchURLError.
    """
    result = operation.result
    url = None if result is None else result.get("branch_url")
    if not isinstance(url, str) or not url.strip():
        got = "no result" if result is None else f"branch_url {_describe(url)}"
        raise EmptyBranchURLError(
            f"operation {operation.id} completed but the branch has no branch_url ({got})",
            model="BranchCreateResult",
            path="BranchCreateResult.branch_url",
        )
    return converter.structure(result, BranchCreateResult)


def row_result(row: BranchRow) -> BranchCreateResult:
    """A listed branch's details in the shape ``create_and_wait`` returns them.

    A row without a usable ``branch_url`` is a hard failure: EmptyBranchURLError.
    """
    if not _has_url(row.branch_url):
        raise EmptyBranchURLError(
            f"branch {row.name} ({row.id}) has no branch_url ({_describe(row.branch_url)})",
            model="BranchRow",
            path="BranchRow.branch_url",
        )
    return BranchCreateResult(
        branch_id=row.id,
        name=row.name,
        connector_id=row.connector_id,
        service_type=row.service_type,
        status=row.status,
        branch_url=row.branch_url,
        pooled_branch_url=row.pooled_branch_url,
        pooled_branch_prisma_url=row.pooled_branch_prisma_url,
        created_at=row.created_at,
        read_ready_at=row.read_ready_at,
        write_ready_at=row.write_ready_at,
        masked_ready_at=row.masked_ready_at,
    )


def derived_idempotency_key(body: BranchCreateRequest, scope: str | None = None) -> str:
    """A stable key for creating this branch: the same request always gets the same key."""
    parts = [body.connector_id, body.service_type, body.name]
    if scope is not None:
        parts.append(scope)
    return f"ardent-async-{uuid.uuid5(_KEY_NAMESPACE, json.dumps(parts))}"


def _key_after_failure(key: str, operation_id: str) -> str:
    """The key of the create that follows ``key``'s failed operation: the same everywhere."""
    return f"ardent-async-{uuid.uuid5(_KEY_NAMESPACE, json.dumps([key, operation_id]))}"


@attrs.frozen
class _Accepted:
    """A create the server accepted, and whether it answered with an earlier one (a replay)."""

    handle: OperationHandle
    replayed: bool


def _create_body(connector_id: str, name: str, service_type: str) -> BranchCreateRequest:
    return BranchCreateRequest(
        connector_id=check_id("connector_id", connector_id),
        name=_validate.text("name", name),
        service_type=_service_type(service_type),
    )


def _if_exists(value: object) -> bool:
    """True for "reuse", False for "error"."""
    if value not in ("reuse", "error"):
        raise validation_error("if_exists", "'reuse' or 'error'", value)
    return value == "reuse"


def _reusable(row: BranchRow) -> bool:
    """A listed branch that is, or may become, ready (to wait for and hand out)."""
    return row.status.lower() not in _NEVER_READY


def _refuse_never_ready(row: BranchRow) -> None:
    """A row that will never be usable ends the wait now, not at its deadline."""
    if not _reusable(row):
        raise BranchFailedError(
            f"branch {row.name} ({row.id}) is {row.status}: it will not become ready",
            branch_id=row.id,
            name=row.name,
            status=row.status,
        )


def _has_url(url: object) -> bool:
    return isinstance(url, str) and bool(url.strip())


def _service_type(value: object) -> str:
    if value == "postgresql":
        raise validation_error(
            "service_type",
            "a branch service type such as 'postgres' ('postgresql' is the connector type)",
            value,
        )
    return _validate.text("service_type", value)


def _timeout(value: object) -> float:
    seconds = _validate.number("timeout", value, minimum=0)
    if seconds <= 0:
        raise validation_error("timeout", "a number of seconds > 0", value)
    return seconds


def _check_names(names: object) -> builtins.list[str]:
    if isinstance(names, Iterable) and not isinstance(names, (str, bytes, Mapping)):
        names = builtins.list(names)  # a generator is fine too; it is read once, here
    checked = _validate.string_list("names", names)
    first_seen: dict[str, int] = {}
    for index, name in enumerate(checked):
        _validate.text(f"names[{index}]", name)
        earlier = first_seen.setdefault(name, index)
        if earlier != index:
            raise validation_error(
                f"names[{index}]", f"a name not already given (names[{earlier}])", name
            )
    return checked


def _has_tag(row: BranchRow, tag: str) -> bool:
    tags = row.extra.get("tags")
    if isinstance(tags, str):
        return tags == tag
    if isinstance(tags, (builtins.list, tuple, dict)):
        return tag in tags
    return False


def _describe(value: object) -> str:
    if value is None:
        return "missing or null"
    if isinstance(value, str):
        return "empty"
    return f"of type {type(value).__name__}"
