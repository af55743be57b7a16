"""``client.operations``: long-running work to poll."""

from __future__ import annotations

from ardent_async._http import Pipeline
from ardent_async._paths import expand
from ardent_async.models import AsyncOperationResponse
from ardent_async.services import _validate

MAX_SERVER_WAIT = 10.0


class OperationsService:
    """Read operations; waiting and watching live in the operation poller."""

    def __init__(self, http: Pipeline) -> None:
        self._http = http

    async def get(self, operation_id: str, *, wait: float | None = None) -> AsyncOperationResponse:
        """The operation's state. ``wait`` (0-10 s) asks the server to hold the request until
        the operation is terminal or the time passes."""
        path = expand("/v1/operations/{operation_id}", operation_id=operation_id)
        params = None
        timeout = None
        if wait is not None:
            seconds = _validate.number("wait", wait, minimum=0, maximum=MAX_SERVER_WAIT)
            params = {"wait": f"{seconds:g}"}
            if self._http.timeout is not None:
                # The server holds the request for up to `wait`: the timeout must outlast it.
                timeout = self._http.timeout + seconds
        return await self._http.send(
            "GET", path, AsyncOperationResponse, params=params, timeout=timeout
        )
