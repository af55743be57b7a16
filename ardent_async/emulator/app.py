"""Build the emulator's ``aiohttp.web.Application``: middlewares + routes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiohttp import web

from . import admin_http
from .admin import Admin
from .bodies import MAX_BODY_BYTES
from .middleware import (
    ROUTE_TABLE,
    authenticate,
    idempotency,
    inject_chaos,
    json_errors,
    log_requests,
)
from .router import spec_routes
from .routes import HANDLERS
from .routes._base import Handler, Route
from .runtime import RUNTIME, Runtime
from .spec_check import SpecValidator, response_validation_middleware


def build_app(
    rt: Runtime,
    admin: Admin,
    *,
    validator: SpecValidator | None = None,
    routes: Sequence[Route] | None = None,
) -> web.Application:
    """The application serving the public API, the legacy API and ``/_emulator``.

    With a ``validator`` every ``/v1`` reply is checked against the spec (tests). ``routes``:
    the spec's operations (default ``spec_routes(HANDLERS)``, which raises
    :class:`~.router.MissingHandlersError` when an operation of the spec has no handler).
    """
    middlewares: list[Any] = [log_requests]
    if validator is not None:
        middlewares.append(response_validation_middleware(validator))
    middlewares += [json_errors, inject_chaos, authenticate, idempotency]
    app = web.Application(middlewares=middlewares, client_max_size=MAX_BODY_BYTES + 1024)
    app[RUNTIME] = rt
    app[admin_http.ADMIN_KEY] = admin
    table: dict[Handler, Route] = {}
    api = spec_routes(HANDLERS) if routes is None else routes
    for route in [*api, *admin_http.ROUTES]:
        app.router.add_route(route.method, route.path, route.handler)
        table[route.handler] = route
    app[ROUTE_TABLE] = table
    return app
