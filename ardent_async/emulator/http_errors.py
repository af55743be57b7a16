"""Errors a handler raises to answer with a JSON error body (``{"detail": ...}``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class ApiError(Exception):
    """Answer ``status`` with ``{"detail": detail}`` (plus any ``extra`` top-level fields)."""

    def __init__(
        self,
        status: int,
        detail: str | list[dict[str, Any]],
        *,
        headers: Mapping[str, str] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail if isinstance(detail, str) else "request validation failed")
        self.status = status
        self.detail = detail
        self.headers = dict(headers or {})
        self._body = dict(body) if body is not None else None

    def body(self) -> dict[str, Any]:
        """The JSON body; a preflight 422 replaces it with the whole report."""
        if self._body is not None:
            return self._body
        return {"detail": self.detail}


def issue(loc: Sequence[str | int], msg: str, kind: str) -> dict[str, Any]:
    """One FastAPI-style validation entry ``{"loc", "msg", "type"}``."""
    return {"loc": list(loc), "msg": msg, "type": kind}


def invalid(loc: Sequence[str | int], msg: str, kind: str = "value_error") -> ApiError:
    """422 with a single validation entry."""
    return ApiError(422, [issue(loc, msg, kind)])


def bad_request(detail: str) -> ApiError:
    return ApiError(400, detail)


def forbidden(detail: str = "Not allowed for this token's role") -> ApiError:
    return ApiError(403, detail)


def not_found(what: str) -> ApiError:
    return ApiError(404, f"{what} not found")


def conflict(detail: str) -> ApiError:
    return ApiError(409, detail)


def unauthorized(detail: str = "Missing or invalid API token") -> ApiError:
    return ApiError(401, detail, headers={"WWW-Authenticate": "Bearer"})
