"""Every error the SDK raises. All derive from :class:`ArdentError`.

The seed SDK's names keep their meaning: ``ArdentAuthError`` for credential problems,
``ArdentValidationError`` for bad parameters, ``ArdentAPIError`` (with ``.status_code``) for
errors the API answered with. A refusal raised before anything was sent (a bad argument, no
token) is an ``ArdentValidationError`` / ``ArdentAuthError`` but never an ``ArdentAPIError``;
the API's own 400/401/403/422 are both (``BadRequestError``, ``AuthenticationError``,
``PermissionDeniedError``, ``UnprocessableEntityError``), so either ``except`` catches them.
Messages never contain tokens, keys or URL passwords; they pass through
:mod:`ardent_async._core._redact` when built.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ardent_async._core._redact import redact_text, redact_value
from ardent_async._core._retry import parse_retry_after

if TYPE_CHECKING:
    from ardent_async.models import AsyncOperationResponse, PreflightReport

__all__ = [
    "ArdentAPIError",
    "ArdentAuthError",
    "ArdentConnectionError",
    "ArdentError",
    "ArdentResponseError",
    "ArdentTimeoutError",
    "ArdentValidationError",
    "AuthenticationError",
    "BadRequestError",
    "BranchNotConnectableError",
    "ClientClosedError",
    "ConflictError",
    "EmptyBranchURLError",
    "NotFoundError",
    "OperationFailedError",
    "OperationTimeoutError",
    "PermissionDeniedError",
    "PreflightFailedError",
    "RateLimitError",
    "ServerError",
    "UnprocessableEntityError",
]


class ArdentError(Exception):
    """Base class of every error raised by ardent-async."""

    def __init__(self, message: str) -> None:
        self.message = redact_text(message)
        super().__init__(self.message)

    def __reduce__(self) -> tuple[Any, ...]:
        # Exceptions with keyword-only state do not pickle by default; rebuild from __dict__.
        return (_rebuild, (type(self), self.message, self.__dict__))


def _rebuild(cls: type[ArdentError], message: str, state: dict[str, Any]) -> ArdentError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


class ArdentAPIError(ArdentError):
    """The API answered with an error status.

    ``status_code`` is the HTTP status,
    ``detail`` the parsed ``detail`` field of the body, ``body`` the parsed JSON body (or the
    text when it was not JSON), ``headers`` the response headers.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        detail: Any = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.detail = redact_value(detail)
        self.body = redact_value(body)
        self.headers: dict[str, str] = {k.lower(): v for k, v in (headers or {}).items()}
        self.method = method
        self.path = path

    @property
    def request_id(self) -> str | None:
        """The server's request id, when it sent one (quote it in support requests)."""
        return self.headers.get("x-request-id")


class ArdentAuthError(ArdentError):
    """Missing credentials (raised before sending), or the API refused them (401) or the action
    (403): then it is also an :class:`ArdentAPIError` (:class:`AuthenticationError`,
    :class:`PermissionDeniedError`). ``status_code`` is None when nothing was sent."""

    status_code: int | None = None


class AuthenticationError(ArdentAuthError, ArdentAPIError):
    """401: the API does not accept the token or keys."""


class PermissionDeniedError(ArdentAuthError, ArdentAPIError):
    """403: the credentials are valid but may not do this."""


class ArdentValidationError(ArdentError):
    """Bad input: refused client-side before anything was sent, or by the API (400, 422:
    then it is also an :class:`ArdentAPIError`, see :class:`BadRequestError` and
    :class:`UnprocessableEntityError`).

    ``field`` names the parameter of a client-side refusal (``databases[0].name``); ``errors``
    holds the parsed ``detail`` list of ``{loc, msg, type}`` of a server 422. ``status_code`` is
    None when nothing was sent.
    """

    status_code: int | None = None

    def __init__(self, message: str, *, field: str | None = None, **kwargs: Any) -> None:
        # kwargs (status, body...) reach ArdentAPIError in the server-side subclasses' MRO.
        super().__init__(message, **kwargs)
        self.field = field

    @property
    def errors(self) -> list[dict[str, Any]]:
        """The server's validation entries (``loc``, ``msg``, ``type``), if any."""
        detail = getattr(self, "detail", None)
        if isinstance(detail, list):
            return [e for e in detail if isinstance(e, dict)]
        return []


class BadRequestError(ArdentValidationError, ArdentAPIError):
    """400: the API refused the request's content."""


class UnprocessableEntityError(ArdentValidationError, ArdentAPIError):
    """422: the API's validation refused the request (``errors``: what and where)."""


class PreflightFailedError(UnprocessableEntityError):
    """Connector create refused because the source's preflight has not passed (422).

    ``report`` is the full :class:`~ardent_async.models.PreflightReport`.
    """

    def __init__(self, message: str, *, report: PreflightReport, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.report = report


class NotFoundError(ArdentAPIError):
    """404: the resource does not exist or is not visible to the caller."""


class ConflictError(ArdentAPIError):
    """409: in flight already, locked, or an idempotency key reused for another request."""


class RateLimitError(ArdentAPIError):
    """429: too many requests. ``retry_after`` is the server's hint in seconds, if it sent one."""

    @property
    def retry_after(self) -> float | None:
        """Seconds to wait (the ``Retry-After`` header, seconds or an HTTP date), or None."""
        return parse_retry_after(self.headers.get("retry-after"), time.time())


class ServerError(ArdentAPIError):
    """5xx: the server failed; retried automatically before this is raised."""


class ArdentConnectionError(ArdentError):
    """The request did not get an HTTP answer: refused, reset, DNS failure, dropped mid-body.

    ``request_sent`` is False when the connection failed before anything was sent, which
    makes a retry safe for every method.
    """

    def __init__(self, message: str, *, request_sent: bool = True) -> None:
        super().__init__(message)
        self.request_sent = request_sent


class ArdentTimeoutError(ArdentError):
    """The request (or a wait) did not finish within its timeout."""


class BranchNotConnectableError(ArdentTimeoutError):
    """A created branch did not accept a connection (``SELECT 1``) within the time allowed.

    ``attempts`` is how many connections were tried. Raised by ``until="connectable"``.
    """

    def __init__(self, message: str, *, attempts: int) -> None:
        super().__init__(message)
        self.attempts = attempts


class BranchFailedError(ArdentError):
    """A branch being waited for is listed in a state it never comes back from (``failed``,
    ``error``, ``deleting``, ``deleted``): raised at once instead of polling until the timeout.

    ``branch_id``, ``name`` and ``status`` say which and how (never its connection string,
    which a row being deleted may still list).
    """

    def __init__(self, message: str, *, branch_id: str, name: str, status: str) -> None:
        super().__init__(message)
        self.branch_id = branch_id
        self.name = name
        self.status = status


class ClientClosedError(ArdentError):
    """The client was closed; calls in flight end with this and new calls are refused."""


class ArdentResponseError(ArdentError):
    """The server's reply could not be used: not JSON, wrong shape, a required field missing.

    ``model`` names the expected type and ``path`` the offending field (``BranchRow.created_at``).
    """

    def __init__(
        self,
        message: str,
        *,
        model: str | None = None,
        path: str | None = None,
        status_code: int | None = None,
    ) -> None:
        super().__init__(message)
        self.model = model
        self.path = path
        self.status_code = status_code


class EmptyBranchURLError(ArdentResponseError):
    """A finished branch create carried no ``branch_url``: the branch cannot be used."""


class OperationFailedError(ArdentError):
    """A long-running operation ended ``failed``. ``operation`` is its final state."""

    def __init__(self, message: str, *, operation: AsyncOperationResponse) -> None:
        super().__init__(message)
        self.operation = operation

    @property
    def error(self) -> str | None:
        """The failed operation's ``error`` message, if it has one."""
        return self.operation.error


class OperationTimeoutError(ArdentTimeoutError):
    """An operation was not terminal by the deadline. ``operation`` is the last state seen."""

    def __init__(self, message: str, *, operation: AsyncOperationResponse | None) -> None:
        super().__init__(message)
        self.operation = operation


def validation_error(field: str, expected: str, got: object) -> ArdentValidationError:
    """A client-side refusal naming the parameter, what was expected and what was given."""
    shown = type(got).__name__ if not isinstance(got, (str, int, float, bool)) else repr(got)
    if isinstance(got, str) and len(got) > 60:
        shown = repr(got[:57] + "...")
    return ArdentValidationError(f"{field}: expected {expected}, got {shown}", field=field)


def format_detail(detail: Any) -> str:
    """A one-line summary of an error body's ``detail``."""
    if isinstance(detail, str):
        return detail
    if isinstance(detail, Sequence) and detail:
        parts = []
        for entry in detail[:5]:
            if isinstance(entry, Mapping):
                loc = ".".join(str(p) for p in entry.get("loc", []) if p != "body")
                parts.append(f"{loc}: {entry.get('msg', '')}" if loc else str(entry.get("msg", "")))
            else:
                parts.append(str(entry))
        more = f" (+{len(detail) - 5} more)" if len(detail) > 5 else ""
        return "; ".join(parts) + more
    return ""


_STATUS_ERRORS: dict[int, type[ArdentAPIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}

_STATUS_TEXT = {
    400: "bad request",
    401: "unauthorized (missing or invalid token)",
    402: "out of credits",
    403: "forbidden",
    404: "not found",
    409: "conflict",
    422: "validation failed",
    429: "rate limited",
}


def from_response(
    status: int,
    headers: Mapping[str, str],
    body: Any,
    *,
    method: str,
    path: str,
    secrets: Sequence[str] = (),
) -> ArdentAPIError:
    """The typed error for an HTTP error reply. ``body`` is parsed JSON, or text if not JSON.

    ``secrets`` (the request's credentials and secret values) are scrubbed from everything the
    error keeps, in case the server echoed them.
    """
    body = redact_value(body, secrets)
    detail = body.get("detail") if isinstance(body, Mapping) else None
    cls = _STATUS_ERRORS.get(status) or (ServerError if status >= 500 else ArdentAPIError)
    reason = _STATUS_TEXT.get(status, "server error" if status >= 500 else "error")
    summary = format_detail(detail)
    if not summary and isinstance(body, str) and body.strip():
        summary = _text_snippet(body)
    message = f"{status} {reason} on {method} {path}" + (f": {summary}" if summary else "")
    return cls(
        message,
        status_code=status,
        detail=detail,
        body=body,
        headers=headers,
        method=method,
        path=path,
    )


def _text_snippet(text: str) -> str:
    """A short, single-line view of a non-JSON body (an HTML error page, say)."""
    lowered = text.lstrip().lower()
    if lowered.startswith(("<!doctype html", "<html")):
        start = lowered.find("<title>")
        end = lowered.find("</title>")
        title = text.lstrip()[start + 7 : end].strip() if 0 <= start < end else ""
        return f"HTML page{': ' + title if title else ''} (not a JSON error body)"
    flat = " ".join(text.split())
    return flat[:200] + ("..." if len(flat) > 200 else "")
