"""The published ardent-sdk's four exception classes, with its hierarchy and messages.

In the published SDK ``ArdentAuthError`` and ``ArdentValidationError`` are *siblings* of
``ArdentAPIError`` (all three derive from ``ArdentError``), so ``except ArdentAPIError`` does not
catch an auth failure. These classes keep that, unlike :mod:`ardent_async.errors` (where auth and
validation errors are API errors). They still derive from :class:`ardent_async.errors.ArdentError`,
so messages are scrubbed of secrets and one ``except`` catches both families.
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


class ArdentAPIError(ArdentError):
    """Raised when API returns an error response (``status_code``/``response`` where the
    published client sets them: not for the messages it words itself, such as "Job not found")."""

    def __init__(
        self, message: str, status_code: int | None = None, response: ErrorResponse | None = None
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.response = response


class ArdentAuthError(ArdentError):
    """Raised when authentication fails"""


class ArdentValidationError(ArdentError):
    """Raised when input validation fails"""


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
