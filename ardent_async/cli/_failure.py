"""Exit codes, error codes and resume hints: how a failed command tells people and scripts.

Exit status (the official CLI's): 0 success; 1 runtime failure (network, API error, failed or
timed-out operation, failing preflight); 2 command error (bad flags or values refused before
anything is sent, a missing org/project/connector, decisions still needed); 130 interrupted.
``--format json`` prints ``{"json_schema_version": 1, "error": {"code": ..., "message": ...}}``
(``json_schema_version`` is the official CLI's key).
"""

from __future__ import annotations

from typing import Any

import attrs

from ardent_async._core._redact import redact_text
from ardent_async.errors import (
    ArdentAPIError,
    ArdentAuthError,
    ArdentConnectionError,
    ArdentError,
    ArdentResponseError,
    ArdentTimeoutError,
    ArdentValidationError,
    ClientClosedError,
    ConflictError,
    NotFoundError,
    OperationFailedError,
    PreflightFailedError,
    RateLimitError,
)

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

JSON_SCHEMA_VERSION = 1


@attrs.define(frozen=True)
class Resume:
    """Work that goes on on the server, and the command that picks it up again."""

    what: str
    command: str
    operation_id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"what": self.what, "operation_id": self.operation_id, "command": self.command}

    def text(self) -> str:
        op = f" (operation {self.operation_id})" if self.operation_id else ""
        return f"{self.what}{op}.\nResume with: {self.command}"


class CliError(Exception):
    """A failure the CLI reports: a stable ``code``, a message in CLI terms, an exit status."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        exit_code: int = EXIT_FAILURE,
        hint: str | None = None,
        resume: Resume | None = None,
        status: int | None = None,
        data: Any = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = redact_text(message)
        self.exit_code = exit_code
        self.hint = hint
        self.resume = resume
        self.status = status
        self.data = data

    def as_dict(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.status is not None:
            error["status"] = self.status
        if self.hint:
            error["hint"] = self.hint
        if self.resume is not None:
            error["resume"] = self.resume.as_dict()
        return error


def from_sdk(exc: ArdentError, *, resume: Resume | None = None) -> CliError:
    """The CLI's view of an SDK error."""
    if isinstance(exc, ArdentAPIError):
        return _from_api(exc, resume)
    refused = _refused_here(exc)
    if refused is not None:
        return refused
    return _from_client(exc, resume)


def _refused_here(exc: ArdentError) -> CliError | None:
    """A call refused client-side, before sending: a usage error (exit 2), else None."""
    if isinstance(exc, ArdentAuthError):
        return CliError(
            "not_authenticated",
            "no API token: set ARDENT_TOKEN or pass --token",
            exit_code=EXIT_USAGE,
        )
    if isinstance(exc, ArdentValidationError):
        return CliError("invalid_argument", _cli_terms(exc), exit_code=EXIT_USAGE)
    return None


# The API errors whose code is their class's (400/422 included: the server, not the command
# line, refused, so they are "api_error" with the rest).
_API_CODES: tuple[tuple[type[ArdentAPIError], str], ...] = (
    (NotFoundError, "not_found"),
    (ConflictError, "conflict"),
    (RateLimitError, "rate_limited"),
)


def _from_api(exc: ArdentAPIError, resume: Resume | None) -> CliError:
    """The API answered with an error status."""
    status = exc.status_code
    if isinstance(exc, PreflightFailedError):
        return CliError("preflight_failed", str(exc), status=status)
    if isinstance(exc, ArdentAuthError):
        code = "not_authenticated" if status == 401 else "forbidden"
    else:
        code = next((code for kind, code in _API_CODES if isinstance(exc, kind)), "api_error")
    return CliError(code, str(exc), status=status, resume=resume)


def _from_client(exc: ArdentError, resume: Resume | None) -> CliError:
    """A failure on this side of the API: the network, a wait, a reply, a closed client."""
    message = str(exc)
    if isinstance(exc, ArdentConnectionError):
        return CliError("offline", message, resume=resume)
    if isinstance(exc, ArdentTimeoutError):
        return CliError("timeout", message, resume=resume)
    if isinstance(exc, OperationFailedError):
        return CliError("operation_failed", message)
    if isinstance(exc, ArdentResponseError):
        return CliError("bad_response", message, status=exc.status_code)
    if isinstance(exc, ClientClosedError):
        return CliError("interrupted", message, exit_code=EXIT_INTERRUPTED, resume=resume)
    return CliError("api_error", message, resume=resume)


# SDK parameter names -> the CLI's names for them (the metavars of the positionals and flags
# that set them), so messages speak the CLI's language.
_FLAGS = {
    "org_id": "ORG_ID",
    "project_id": "PROJECT_ID",
    "connector_id": "CONNECTOR_ID",
    "operation_id": "OPERATION_ID",
    "name": "NAME",
    "names": "NAME",
    "selected_paths": "--select",
    "connection_details": "--connection-details",
    "concurrency": "--concurrency",
    "timeout": "--wait-timeout",
    "base_url": "--api-url",
    "legacy_base_url": "--api-url",
}


def _cli_terms(exc: ArdentValidationError) -> str:
    field = exc.field or ""
    if field in ("base_url", "legacy_base_url") and "plain http" in str(exc):
        # The SDK's reason as it is ("refusing to send credentials over plain http to HOST"),
        # with the CLI's flag in place of the SDK's parameter.
        reason = str(exc).removeprefix(f"{field}: ").split(";", 1)[0]
        return f"--api-url: {reason}; use https, or pass --insecure-http"
    head = field.split("[", 1)[0]
    flag = _FLAGS.get(head)
    text = str(exc)
    if flag and text.startswith(head):
        return f"{flag}{text[len(head) :]}"
    return text
