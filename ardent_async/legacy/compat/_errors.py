"""The published ardent-sdk's four exception classes, with its hierarchy and messages.

In the published SDK ``ArdentAuthError`` and ``ArdentValidationError`` are *siblings* of
``ArdentAPIError`` (all three derive from ``ArdentError``), so ``except ArdentAPIError`` does not
catch an auth failure. These classes keep that (their names, bases among themselves, constructor
and attributes are the published ones), and each also derives from the
:mod:`ardent_async.errors` class of the same name: ``except ardent_async.ArdentAPIError`` (or
``ArdentAuthError``, ``ArdentValidationError``, ``ArdentError``) catches the compat error too,
and messages are scrubbed of secrets. (The main family makes 401/403 and 400/422 API errors as
well; compat's do not, as published.)
"""

from __future__ import annotations

import http
import json
from collections.abc import Mapping
from typing import Any

import attrs

from ardent_async import errors

__all__ = ["ArdentAPIError", "ArdentAuthError", "ArdentError", "ArdentValidationError"]


class ArdentError(errors.ArdentError):
    """Base exception for Ardent SDK"""


class ArdentAPIError(ArdentError, errors.ArdentAPIError):
    """Raised when API returns an error response (``status_code``/``response`` where the
    published client sets them: not for the messages it words itself, such as "Job not found").

    Positional ``(message, status_code, response)`` as published; as an
    :class:`ardent_async.ArdentAPIError` it also has ``headers`` and ``body`` (the response's)."""

    def __init__(
        self, message: str, status_code: int | None = None, response: ErrorResponse | None = None
    ) -> None:
        errors.ArdentAPIError.__init__(
            self,
            message,
            status_code=status_code,
            body=None if response is None else response.body,
            headers=None if response is None else response.headers,
        )
        self.response = response


class _Absent:
    """An attribute the main class has and the published one does not: reading it raises
    ``AttributeError`` (so ``hasattr``/``getattr(e, name, default)`` see what the published
    class shows); setting it is refused too."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: object, owner: type | None = None) -> int | None:
        raise AttributeError(f"{owner.__name__ if owner else 'error'} has no {self.name!r}")

    def __set__(self, instance: object, value: int | None) -> None:
        raise AttributeError(f"{type(instance).__name__} has no {self.name!r}")


class ArdentAuthError(ArdentError, errors.ArdentAuthError):
    """Raised when authentication fails"""

    # The published auth error has no status_code (the main class's is None when not sent).
    status_code = _Absent()


class ArdentValidationError(ArdentError, errors.ArdentValidationError):
    """Raised when input validation fails"""

    status_code = _Absent()


@attrs.frozen(repr=False)
class ErrorResponse:
    """The error reply, readable like the published client's ``httpx.Response`` (``status_code``,
    ``headers``, ``url``, ``reason_phrase``, ``text``, ``json()``); secrets already scrubbed."""

    status_code: int
    headers: Mapping[str, str]
    url: str
    body: Any

    @property
    def reason_phrase(self) -> str:
        return reason_phrase(self.status_code)

    @property
    def text(self) -> str:
        if isinstance(self.body, str):
            return self.body
        return "" if self.body is None else json.dumps(self.body)

    def json(self) -> Any:
        if isinstance(self.body, str):
            return json.loads(self.body)
        return self.body

    def __repr__(self) -> str:
        return f"<Response [{self.status_code} {self.reason_phrase}]>"


def reason_phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


def status_error(status: int, url: str) -> str:
    """The published message: ``API request failed: `` + the text of httpx's HTTPStatusError."""
    kind = {1: "Informational response", 3: "Redirect response", 4: "Client error"}.get(
        status // 100, "Server error"
    )
    return (
        f"API request failed: {kind} '{status} {reason_phrase(status)}' for url '{url}'\n"
        f"For more information check: https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/"
        f"{status}"
    )
