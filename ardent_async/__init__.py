"""ardent-async: the async-first Python SDK for the Ardent API.

::

    import asyncio
    from ardent_async import ArdentClient

    async def main() -> None:
        async with ArdentClient() as client:  # ARDENT_TOKEN from the environment
            for project in await client.projects.list(org_id="org_123"):
                print(project.name)

    asyncio.run(main())
"""

from typing import TYPE_CHECKING

from ardent_async._client import ArdentClient
from ardent_async._clock import Clock, SystemClock
from ardent_async._options import RequestOptions
from ardent_async._poller import OperationPoller
from ardent_async._response import ResponseInfo, WithResponse, with_response
from ardent_async._retry import RetryPolicy
from ardent_async._transport import AiohttpTransport, Request, Response, Transport
from ardent_async._version import __version__
from ardent_async.errors import (
    ArdentAPIError,
    ArdentAuthError,
    ArdentConnectionError,
    ArdentError,
    ArdentResponseError,
    ArdentTimeoutError,
    ArdentValidationError,
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ConflictError,
    EmptyBranchURLError,
    NotFoundError,
    OperationFailedError,
    OperationTimeoutError,
    PermissionDeniedError,
    PreflightFailedError,
    RateLimitError,
    ServerError,
    UnprocessableEntityError,
)
from ardent_async.fanout import BranchOutcome, FanOutProgress
from ardent_async.models import BranchCreateResult

__all__ = [
    "AiohttpTransport",
    "ArdentAPIError",
    "ArdentAuthError",
    "ArdentClient",
    "ArdentConnectionError",
    "ArdentError",
    "ArdentResponseError",
    "ArdentTimeoutError",
    "ArdentValidationError",
    "AuthenticationError",
    "BadRequestError",
    "BranchCreateResult",
    "BranchOutcome",
    "ClientClosedError",
    "Clock",
    "ConflictError",
    "EmptyBranchURLError",
    "FanOutProgress",
    "HttpxTransport",
    "NotFoundError",
    "OperationFailedError",
    "OperationPoller",
    "OperationTimeoutError",
    "PermissionDeniedError",
    "PreflightFailedError",
    "RateLimitError",
    "Request",
    "RequestOptions",
    "Response",
    "ResponseInfo",
    "RetryPolicy",
    "ServerError",
    "SystemClock",
    "Transport",
    "UnprocessableEntityError",
    "WithResponse",
    "__version__",
    "with_response",
]

if TYPE_CHECKING:
    from ardent_async._transport._httpx import HttpxTransport


def __getattr__(name: str) -> object:
    # httpx is an optional extra: import its transport only when asked for.
    if name == "HttpxTransport":
        from ardent_async._transport._httpx import HttpxTransport

        return HttpxTransport
    raise AttributeError(f"module 'ardent_async' has no attribute {name!r}")
