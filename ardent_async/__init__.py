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

from __future__ import annotations

import importlib

from ardent_async._version import __version__

# Not ``typing.TYPE_CHECKING``: importing typing would cost more than the rest of this import
# (type checkers treat any name TYPE_CHECKING as true).
TYPE_CHECKING = False

# Lazy: each public name is imported on first use, so importing a submodule that needs none of
# them (the pytest plugin, loaded in every pytest run of every project that installs the SDK)
# pays nothing for the client, aiohttp or the models. ``from ardent_async import X`` works as
# before; so does ``httpx`` staying optional (only ``HttpxTransport`` imports it).
_EXPORTS = {
    "AiohttpTransport": "ardent_async._core._transport",
    "ArdentAPIError": "ardent_async.errors",
    "ArdentAuthError": "ardent_async.errors",
    "ArdentClient": "ardent_async._client",
    "ArdentConnectionError": "ardent_async.errors",
    "ArdentError": "ardent_async.errors",
    "ArdentResponseError": "ardent_async.errors",
    "ArdentTimeoutError": "ardent_async.errors",
    "ArdentValidationError": "ardent_async.errors",
    "AuthenticationError": "ardent_async.errors",
    "BadRequestError": "ardent_async.errors",
    "BranchCreateResult": "ardent_async.models",
    "BranchFailedError": "ardent_async.errors",
    "BranchNotConnectableError": "ardent_async.errors",
    "BranchOutcome": "ardent_async.fanout",
    "ClientClosedError": "ardent_async.errors",
    "Clock": "ardent_async._core._clock",
    "ConflictError": "ardent_async.errors",
    "EmptyBranchURLError": "ardent_async.errors",
    "FanOutProgress": "ardent_async.fanout",
    "HttpxTransport": "ardent_async._core._transport._httpx",
    "NotFoundError": "ardent_async.errors",
    "OperationFailedError": "ardent_async.errors",
    "OperationOutcome": "ardent_async.fanout",
    "OperationPoller": "ardent_async._waiting._poller",
    "OperationTimeoutError": "ardent_async.errors",
    "PermissionDeniedError": "ardent_async.errors",
    "PreflightFailedError": "ardent_async.errors",
    "RateLimitError": "ardent_async.errors",
    "ReadyBranch": "ardent_async.services.branches",
    "Request": "ardent_async._core._transport",
    "RequestOptions": "ardent_async._core._options",
    "Response": "ardent_async._core._transport",
    "ResponseInfo": "ardent_async._core._response",
    "RetryPolicy": "ardent_async._core._retry",
    "ServerError": "ardent_async.errors",
    "SystemClock": "ardent_async._core._clock",
    "Transport": "ardent_async._core._transport",
    "UnprocessableEntityError": "ardent_async.errors",
    "WithResponse": "ardent_async._core._response",
    "with_response": "ardent_async._core._response",
}

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
    "BranchFailedError",
    "BranchNotConnectableError",
    "BranchOutcome",
    "ClientClosedError",
    "Clock",
    "ConflictError",
    "EmptyBranchURLError",
    "FanOutProgress",
    "HttpxTransport",
    "NotFoundError",
    "OperationFailedError",
    "OperationOutcome",
    "OperationPoller",
    "OperationTimeoutError",
    "PermissionDeniedError",
    "PreflightFailedError",
    "RateLimitError",
    "ReadyBranch",
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
    from ardent_async._client import ArdentClient
    from ardent_async._core._clock import Clock, SystemClock
    from ardent_async._core._options import RequestOptions
    from ardent_async._core._response import ResponseInfo, WithResponse, with_response
    from ardent_async._core._retry import RetryPolicy
    from ardent_async._core._transport import (
        AiohttpTransport,
        Request,
        Response,
        Transport,
    )
    from ardent_async._core._transport._httpx import HttpxTransport
    from ardent_async._waiting._poller import OperationPoller
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
        BranchFailedError,
        BranchNotConnectableError,
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
    from ardent_async.fanout import BranchOutcome, FanOutProgress, OperationOutcome
    from ardent_async.models import BranchCreateResult
    from ardent_async.services.branches import ReadyBranch


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'ardent_async' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
