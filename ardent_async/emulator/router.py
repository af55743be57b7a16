"""The spec-driven router: every operation of the spec, served by the handler registered for
its operationId (as stripe-mock builds its router from the spec).

Method, path template and idempotency come from the generated endpoint table
(``ardent_async._spec.endpoints.ENDPOINTS``), the authentication scheme from the operation's
``security`` in the spec; a handler declares only its operationId and the permission it needs.
An operation without a handler stops the emulator from starting (:class:`MissingHandlersError`
names them), so adding one to ``openapi/ardent.yaml`` cannot go unnoticed here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from ardent_async._spec import load_spec
from ardent_async._spec.endpoints import ENDPOINTS

from .routes._base import BEARER, LEGACY, LEGACY_OR_BEARER, NO_AUTH, OperationHandler, Route

# The spec's security scheme names -> how the middleware authenticates.
_AUTH_BY_SCHEMES = {
    frozenset({"bearerAuth"}): BEARER,
    frozenset({"legacyHmac"}): LEGACY,
    frozenset({"legacyHmac", "bearerAuth"}): LEGACY_OR_BEARER,
    frozenset(): NO_AUTH,
}


class SpecEndpoint(Protocol):
    """What the router reads of an endpoint-table row."""

    @property
    def operation_id(self) -> str: ...
    @property
    def method(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def idempotency_header(self) -> str | None: ...


class MissingHandlersError(RuntimeError):
    """The spec has operations the emulator cannot serve: it refuses to start."""

    def __init__(self, missing: Iterable[str]) -> None:
        self.missing = sorted(missing)
        super().__init__(
            "the emulator has no handler for the spec's operations: "
            + ", ".join(self.missing)
            + " (register one per operationId in ardent_async/emulator/routes/)"
        )


def spec_routes(
    handlers: Iterable[OperationHandler],
    endpoints: Mapping[str, SpecEndpoint] | None = None,
) -> list[Route]:
    """One route per endpoint (default: the generated table), in the table's order."""
    table = ENDPOINTS if endpoints is None else endpoints
    by_id: dict[str, OperationHandler] = {}
    for entry in handlers:
        if entry.operation_id in by_id:
            raise ValueError(f"two handlers for operationId {entry.operation_id!r}")
        by_id[entry.operation_id] = entry
    missing = [operation_id for operation_id in table if operation_id not in by_id]
    if missing:
        raise MissingHandlersError(missing)
    unknown = sorted(set(by_id) - set(table))
    if unknown:
        raise ValueError(f"handlers for operationIds the spec does not have: {', '.join(unknown)}")
    return [_route(endpoint, by_id[operation_id]) for operation_id, endpoint in table.items()]


def _route(endpoint: SpecEndpoint, entry: OperationHandler) -> Route:
    return Route(
        endpoint.method,
        endpoint.path,
        entry.handler,
        entry.permission,
        auth=auth_scheme(endpoint.method, endpoint.path),
        idempotent=endpoint.idempotency_header is not None,
    )


def auth_scheme(method: str, path: str) -> str:
    """How an operation authenticates: its own ``security`` in the spec, or the spec's default
    (an operation the spec does not list, a synthetic one in tests, takes the default)."""
    spec: dict[str, Any] = load_spec()
    operation = spec["paths"].get(path, {}).get(method.lower(), {})
    requirements = operation.get("security", spec.get("security", []))
    schemes = frozenset(name for requirement in requirements for name in requirement)
    if schemes not in _AUTH_BY_SCHEMES:
        raise ValueError(f"{method} {path}: no authentication for the schemes {sorted(schemes)}")
    return _AUTH_BY_SCHEMES[schemes]
