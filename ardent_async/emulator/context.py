"""Per-request context shared by the middlewares and handlers (a ContextVar: one per task)."""

from __future__ import annotations

import contextvars
import dataclasses

from .http_errors import forbidden


@dataclasses.dataclass
class Caller:
    """Who is calling: an org member's session token, an API key, or a legacy key pair."""

    org_id: str
    role_key: str
    permissions: frozenset[str]
    user_id: str | None = None
    api_key_id: str | None = None
    legacy_key: str | None = None

    @property
    def actor(self) -> str:
        return self.user_id or self.api_key_id or self.legacy_key or "unknown"

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    def require(self, permission: str) -> None:
        if permission not in self.permissions:
            raise forbidden(
                f"This token's role ({self.role_key}) lacks the {permission} permission"
            )


@dataclasses.dataclass
class RequestState:
    """Filled in as the request passes the middlewares; read by the request log."""

    caller: Caller | None = None
    fault: str | None = None
    dropped: bool = False


_current: contextvars.ContextVar[RequestState] = contextvars.ContextVar("ardent_emulator_request")


def begin() -> RequestState:
    state = RequestState()
    _current.set(state)
    return state


def current() -> RequestState:
    try:
        return _current.get()
    except LookupError:
        return begin()


def caller() -> Caller:
    """The authenticated caller (the auth middleware has run for every /v1 route)."""
    found = current().caller
    if found is None:  # pragma: no cover - the auth middleware guarantees it
        raise RuntimeError("no authenticated caller for this request")
    return found
