"""Build the emulator's ``aiohttp.web.Application``: middlewares + routes."""

from __future__ import annotations

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
from .routes import ROUTES
from .routes._base import Handler, Route
from .runtime import RUNTIME, Runtime
from .spec_check import SpecValidator, response_validation_middleware


def build_app(
    rt: Runtime, admin: Admin, *, validator: SpecValidator | None = None
) -> web.Application:
    """The application serving the public API, the legacy API and ``/_emulator``.

    With a ``validator`` every ``/v1`` reply is checked against the spec (tests).
    """
    middlewares: list[Any] = [log_requests]
    if validator is not None:
        middlewares.append(response_validation_middleware(validator))
    middlewares += [json_errors, inject_chaos, authenticate, idempotency]
    app = web.Application(middlewares=middlewares, client_max_size=MAX_BODY_BYTES + 1024)
    app[RUNTIME] = rt
    app[admin_http.ADMIN_KEY] = admin
    table: dict[Handler, Route] = {}
    for route in [*ROUTES, *admin_http.ROUTES]:
        app.router.add_route(route.method, route.path, route.handler)
        table[route.handler] = route
    app[ROUTE_TABLE] = table
    return app
