"""``client.operations``: long-running work to poll."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable

from typing_extensions import Unpack

from ardent_async._core import _validate
from ardent_async._core._options import RequestOptions
from ardent_async._core._paths import segment
from ardent_async._core._pipeline import Pipeline
from ardent_async._spec import constants, endpoints
from ardent_async._spec.constants import DEFAULT_WAIT_TIMEOUT
from ardent_async._waiting._poller import MAX_SERVER_WAIT, WATCH_HOLD, OperationPoller
from ardent_async.fanout import OperationOutcome
from ardent_async.models import AsyncOperationResponse
from ardent_async.services._endpoint import held_timeout, send

__all__ = ["MAX_SERVER_WAIT", "OperationsService"]


class OperationsService:
    """Read operations; waiting and watching are done by the operation poller."""

    def __init__(self, http: Pipeline, poller: OperationPoller | None = None) -> None:
        self._http = http
        self.poller = poller or OperationPoller(http)

    async def get(
        self, operation_id: str, *, wait: float | None = None, **options: Unpack[RequestOptions]
    ) -> AsyncOperationResponse:
        """The operation's state. ``wait`` (0-10 s) asks the server to hold the request until
        the operation is terminal or the time passes."""
        endpoint = endpoints.GET_OPERATION
        path = endpoint.path_for(operation_id=segment("operation_id", operation_id))
        params = None
        timeout = None
        if wait is not None:
            seconds = _validate.number(
                "wait",
                wait,
                minimum=constants.GET_OPERATION_WAIT_MINIMUM,
                maximum=endpoint.long_poll_max,
            )
            params = {"wait": f"{seconds:g}"}
            # The server holds the request for up to `wait`: the timeout must outlast it.
            timeout = held_timeout(self._http, seconds)
        return await send(
            self._http, endpoint, path, params=params, timeout=timeout, options=options
        )

    async def wait(
        self,
        operation_id: str,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float | None = None,
    ) -> AsyncOperationResponse:
        """Wait until the operation is terminal and return it when ``completed``.

        Raises OperationFailedError (``.operation``, ``.error``) when it ``failed`` and
        OperationTimeoutError (``.operation``: the last state seen) after ``timeout`` seconds.
        Polls are held by the server (``wait=``) so the end is seen at once; ``poll_interval``
        is the first pause between polls should the server answer without holding.
        """
        return await self.poller.wait(operation_id, timeout=timeout, poll_interval=poll_interval)

    async def wait_many(
        self, operation_ids: Iterable[str], *, timeout: float = DEFAULT_WAIT_TIMEOUT
    ) -> list[OperationOutcome]:
        """Wait for many operations at once; one OperationOutcome per id, in the order given.

        Never raises halfway: ``.operation`` is the final (or last seen) state and ``.error``
        is OperationFailedError, OperationTimeoutError (after ``timeout`` seconds, one deadline
        for all) or whatever else ended that wait. All waits share the client's bounded budget
        of polls, so 10 or 10,000 ids cost the server about the same per second.
        """
        return await self.poller.wait_many(operation_ids, timeout=timeout)

    def watch(
        self,
        operation_id: str,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        update_every: float = WATCH_HOLD,
    ) -> AsyncIterator[AsyncOperationResponse]:
        """Each change of the operation's status, progress or stage, once, until it ends::

            async for op in client.operations.watch(op_id):
                print(op.status, op.stage_label, op.progress)

        Ends after the terminal state; after a ``failed`` one the next step raises
        OperationFailedError. OperationTimeoutError after ``timeout`` seconds.
        """
        return self.poller.watch(operation_id, timeout=timeout, update_every=update_every)
