"""``client.branches``: isolated databases created from a connector."""

from __future__ import annotations

import builtins
import inspect
import json
import uuid
from collections.abc import Iterable, Mapping
from typing import cast

from typing_extensions import Unpack

from ardent_async._bounded import run_bounded
from ardent_async._converter import converter
from ardent_async._http import Pipeline, new_idempotency_key
from ardent_async._options import RequestOptions
from ardent_async._paths import check_id, expand
from ardent_async._poller import OperationPoller
from ardent_async.errors import EmptyBranchURLError, NotFoundError, validation_error
from ardent_async.fanout import BranchOutcome, FanOutProgress, ProgressCallback
from ardent_async.models import (
    AsyncOperationResponse,
    BranchCreateRequest,
    BranchCreateResult,
    BranchRow,
    OperationHandle,
)
from ardent_async.services import _validate

__all__ = ["BranchesService", "branch_result", "derived_idempotency_key"]

MAX_NAME_LENGTH = 255
MAX_CONCURRENCY = 1000
DEFAULT_TIMEOUT = 600.0

# Namespace of the keys create_many derives; changing it would break resuming earlier runs.
_KEY_NAMESPACE = uuid.UUID("5b0d3c1e-6f2a-4c8e-9a77-2d4e1f0b8a13")


class BranchesService:
    """Create branches (and wait for them), list and find them."""

    def __init__(self, http: Pipeline, poller: OperationPoller) -> None:
        self._http = http
        self._poller = poller

    async def create(
        self,
        connector_id: str,
        name: str,
        *,
        service_type: str = "postgres",
        idempotency_key: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> OperationHandle:
        """Start creating branch ``name`` of the connector; returns the operation to wait for.

        Always sent with an ``X-Idempotency-Key`` (``idempotency_key``, else a fresh one), the
        same on every retry, so a retried create resumes instead of creating a duplicate.
        """
        body = _create_body(connector_id, name, service_type)
        key = (
            new_idempotency_key()
            if idempotency_key is None
            else _validate.header_text("idempotency_key", idempotency_key)
        )
        return await self._send_create(body, key, options)

    async def create_and_wait(
        self,
        connector_id: str,
        name: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        service_type: str = "postgres",
        idempotency_key: str | None = None,
    ) -> BranchCreateResult:
        """Create a branch and wait until it is ready; return its details (``branch_url``...).

        ``timeout`` bounds the whole call. Raises OperationFailedError if the create failed,
        OperationTimeoutError after ``timeout`` (``.operation`` says how far it got), and
        EmptyBranchURLError if the finished branch has no ``branch_url``.
        """
        seconds = _timeout(timeout)
        started = self._http.clock.monotonic()
        handle = await self.create(
            connector_id, name, service_type=service_type, idempotency_key=idempotency_key
        )
        return await self._finish(handle, started + seconds)

    async def list(
        self, connector_id: str, *, tag: str | None = None, **options: Unpack[RequestOptions]
    ) -> builtins.list[BranchRow]:
        """The connector's branches (the API returns at most 100).

        ``tag`` keeps rows whose ``tags`` column (an undocumented extra column, found in
        ``row.extra["tags"]``) contains it; the API has no tag filter, so this is done here.
        """
        path = expand("/v1/branches/{connector_id}", connector_id=connector_id)
        wanted = _validate.optional_text("tag", tag)
        rows = await self._http.send("GET", path, builtins.list[BranchRow], options=options)
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
        capped = " (the list shows at most 100 branches)" if len(rows) >= 100 else ""
        raise NotFoundError(
            f"no branch with id or name {wanted!r} on connector {connector_id}{capped}",
            method="GET",
            path=expand("/v1/branches/{connector_id}", connector_id=connector_id),
        )

    async def create_many(
        self,
        connector_id: str,
        names: Iterable[str],
        *,
        concurrency: int = 16,
        wait: bool = True,
        timeout: float = DEFAULT_TIMEOUT,
        service_type: str = "postgres",
        idempotency_scope: str | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> builtins.list[BranchOutcome]:
        """Create many branches, at most ``concurrency`` at a time; one outcome per name.

        Returns a :class:`~ardent_async.fanout.BranchOutcome` per name, in the order of
        ``names``: ``.branch`` (the ready branch; with ``wait=False`` only ``.handle``) or
        ``.error``. One branch failing never stops the others. ``timeout`` bounds each
        branch's create and wait.

        Each create's idempotency key is derived from (connector, service type, name[,
        ``idempotency_scope``]), so running the same call again after a crash resumes the
        creates the server still remembers instead of duplicating them. A replayed create also
        replays its outcome, failures included: pass a new ``idempotency_scope`` (a CI run id,
        say) to make fresh requests, e.g. to retry names that failed or were deleted since.

        ``on_progress`` (a function or coroutine function) gets a FanOutProgress after each
        name finishes; an exception it raises cancels the rest and propagates. Cancelling the
        call cancels every create and wait in flight. Arguments are all checked first: bad
        ones raise ArdentValidationError before any request.
        """
        check_id("connector_id", connector_id)
        checked = _check_names(names)
        bodies = [_create_body(connector_id, name, service_type) for name in checked]
        limit = _validate.integer("concurrency", concurrency, minimum=1, maximum=MAX_CONCURRENCY)
        waiting = _validate.flag("wait", wait)
        seconds = _timeout(timeout)
        scope = _validate.optional_text("idempotency_scope", idempotency_scope)
        if on_progress is not None and not callable(on_progress):
            raise validation_error("on_progress", "a callable or None", on_progress)

        total = len(bodies)
        outcomes: builtins.list[BranchOutcome | None] = [None] * total
        done = failed = 0
        clock = self._http.clock

        async def create_one(index: int) -> None:
            nonlocal done, failed
            body = bodies[index]
            started = clock.monotonic()
            handle = None
            try:
                handle = await self._send_create(body, derived_idempotency_key(body, scope))
                branch = await self._finish(handle, started + seconds) if waiting else None
                outcome = BranchOutcome(body.name, branch=branch, handle=handle)
            except Exception as exc:
                outcome = BranchOutcome(body.name, handle=handle, error=exc)
            outcomes[index] = outcome
            done += 1
            failed += outcome.error is not None
            if on_progress is not None:
                reply = on_progress(FanOutProgress(total, done, failed, body.name, outcome))
                if inspect.isawaitable(reply):
                    await reply

        await run_bounded(total, create_one, limit)
        # run_bounded returned normally, so every index was worked on and every slot is filled.
        return cast("builtins.list[BranchOutcome]", outcomes)

    async def _send_create(
        self, body: BranchCreateRequest, key: str, options: RequestOptions | None = None
    ) -> OperationHandle:
        # POST is retried by the pipeline only because the key makes the retry a replay.
        return await self._http.send(
            "POST",
            "/v1/branch/create",
            OperationHandle,
            json_body=body,
            idempotency_key=key,
            options=options,
        )

    async def _finish(self, handle: OperationHandle, deadline: float) -> BranchCreateResult:
        # At least one poll, even if the create itself used up the time.
        remaining = max(deadline - self._http.clock.monotonic(), 0.001)
        operation = await self._poller.wait(handle.operation_id, timeout=remaining)
        return branch_result(operation)


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


def derived_idempotency_key(body: BranchCreateRequest, scope: str | None = None) -> str:
    """A stable key for creating this branch: the same request always gets the same key."""
    parts = [body.connector_id, body.service_type, body.name]
    if scope is not None:
        parts.append(scope)
    return f"ardent-async-{uuid.uuid5(_KEY_NAMESPACE, json.dumps(parts))}"


def _create_body(connector_id: str, name: str, service_type: str) -> BranchCreateRequest:
    return BranchCreateRequest(
        connector_id=check_id("connector_id", connector_id),
        name=_validate.text("name", name, max_length=MAX_NAME_LENGTH),
        service_type=_service_type(service_type),
    )


def _service_type(value: object) -> str:
    if value == "postgresql":
        raise validation_error(
            "service_type",
            "a branch service type such as 'postgres' ('postgresql' is the connector type)",
            value,
        )
    return _validate.text("service_type", value, max_length=64)


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
        _validate.text(f"names[{index}]", name, max_length=MAX_NAME_LENGTH)
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
