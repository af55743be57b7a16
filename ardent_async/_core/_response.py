"""Response metadata without giving up the typed result: :func:`with_response`.

::

    got = await with_response(client.projects.get, "prj_123")
    got.data            # the ProjectRow, exactly what the call returns
    got.status_code, got.headers, got.request_id     # of the call's (last) HTTP response

The pipeline records every 2xx response into the sink of the current context while a
``with_response`` call runs; tasks the call starts (``create_many``'s) inherit the sink, and the
blocking client carries it to its loop thread. Errors carry their own response metadata
(``ArdentAPIError.status_code``, ``.headers``, ``.request_id``).
"""

from __future__ import annotations

import contextvars
from collections.abc import Awaitable, Callable, Mapping
from typing import Generic, ParamSpec, TypeVar

import attrs

__all__ = ["ResponseInfo", "WithResponse", "with_response"]

T = TypeVar("T")
P = ParamSpec("P")

# The list each 2xx response of the running with_response call is appended to.
response_sink: contextvars.ContextVar[list[ResponseInfo] | None] = contextvars.ContextVar(
    "ardent_async_response_sink", default=None
)


@attrs.frozen
class ResponseInfo:
    """One successful HTTP response: status, headers (case-insensitive) and the request."""

    method: str
    path: str
    status_code: int
    headers: Mapping[str, str] = attrs.field(repr=False)
    attempts: int = 1

    @property
    def request_id(self) -> str | None:
        """The server's request id, when it sent one (quote it in support requests)."""
        return self.headers.get("x-request-id")


@attrs.frozen
class WithResponse(Generic[T]):
    """A call's result (``data``) and the HTTP responses it took, in order (``responses``).

    ``status_code``, ``headers`` and ``request_id`` are the last response's: for a one-request
    call, its only one.
    """

    data: T
    responses: tuple[ResponseInfo, ...]

    @property
    def response(self) -> ResponseInfo:
        """The last HTTP response (the one that produced ``data``)."""
        return self.responses[-1]

    @property
    def status_code(self) -> int:
        """The last response's HTTP status."""
        return self.response.status_code

    @property
    def headers(self) -> Mapping[str, str]:
        """The last response's headers."""
        return self.response.headers

    @property
    def request_id(self) -> str | None:
        """The last response's ``X-Request-Id``, if the server sent one."""
        return self.response.request_id


async def with_response(
    call: Callable[P, Awaitable[T]], /, *args: P.args, **kwargs: P.kwargs
) -> WithResponse[T]:
    """Await ``call(*args, **kwargs)`` (a client method) and return its result with the
    metadata of the HTTP responses it received. TypeError if it sent no request."""
    sink: list[ResponseInfo] = []
    token = response_sink.set(sink)
    try:
        data = await call(*args, **kwargs)
    finally:
        response_sink.reset(token)
    return _result(call, data, sink)


def _result(call: object, data: T, sink: list[ResponseInfo]) -> WithResponse[T]:
    if not sink:
        name = getattr(call, "__qualname__", repr(call))
        raise TypeError(f"with_response: {name} received no HTTP response to describe")
    return WithResponse(data, tuple(sink))
