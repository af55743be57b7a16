"""The middlewares, outermost first: request log -> (spec check, in tests) -> JSON errors ->
chaos -> auth -> idempotency -> handler.

- Every error leaves as ``{"detail": ...}`` JSON, aiohttp's own 404/405 included.
- Chaos runs before auth: an injected 503/429/drop means the request was not handled at all.
- Auth: bearer token -> org + role (``/v1``), HMAC signature (legacy ``/v1/jobs``,
  ``/v1/configs``; ``/v1/jobs`` also takes a bearer API key, as ardent-sdk 0.8 sends), admin
  token (``/_emulator``); a role lacking the route's permission -> 403.
- Idempotency: a replay of the same ``X-Idempotency-Key`` + body returns the original reply
  with ``X-Idempotency-Replay: true``; the same key with another body -> 409.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import hmac
import json
import logging
import secrets
import time

from aiohttp import web

from ardent_async._spec.endpoints import IDEMPOTENCY_HEADER, REPLAY_HEADER

from . import context
from .chaos import FAULT_429, FAULT_503, FAULT_DROP, FAULT_DROP_AFTER
from .context import Caller
from .http_errors import ApiError, forbidden, unauthorized
from .request_log import LoggedRequest
from .responses import encode
from .roles import BRANCHES_WRITE, LEGACY_SCOPES, ROLES
from .routes import ADMIN, BEARER, LEGACY, LEGACY_OR_BEARER, NO_AUTH, Route
from .routes._base import Handler
from .runtime import RUNTIME, Runtime
from .state import IdempotencyRecord, Store, utcnow

logger = logging.getLogger("ardent_async.emulator")

ROUTE_TABLE: web.AppKey[dict[Handler, Route]] = web.AppKey("ardent_emulator_routes", dict)
MAX_CLOCK_SKEW = 300


def route_of(request: web.Request) -> Route | None:
    if request.match_info.http_exception is not None:
        return None
    return request.app[ROUTE_TABLE].get(request.match_info.handler)


def error_response(
    status: int, body: object, headers: dict[str, str] | None = None
) -> web.Response:
    return web.Response(
        status=status, body=encode(body), content_type="application/json", headers=headers
    )


@web.middleware
async def log_requests(request: web.Request, handler: Handler) -> web.StreamResponse:
    state = context.begin()
    started = time.perf_counter()
    response = await handler(request)
    if request.path.startswith("/v1"):
        request.app[RUNTIME].log.add(
            LoggedRequest(
                method=request.method,
                path=request.path,
                status=None if state.dropped else response.status,
                fault=state.fault,
                org_id=state.caller.org_id if state.caller else None,
                at=utcnow(),
                duration_ms=(time.perf_counter() - started) * 1000,
            )
        )
    return response


def allowed_methods(request: web.Request) -> list[str]:
    """The methods of the path's own resource: the most specific matching route template.

    aiohttp's 405 lists the methods of every matching resource, so ``/v1/connectors/preflight``
    would also advertise those of ``/v1/connectors/{connector_id}``; a literal segment wins.
    """
    segments = request.path.split("/")
    matching = [
        route
        for route in request.app[ROUTE_TABLE].values()
        if _matches(route.path.split("/"), segments)
    ]
    fewest = min((route.path.count("{") for route in matching), default=0)
    return sorted({route.method for route in matching if route.path.count("{") == fewest})


def _matches(template: list[str], segments: list[str]) -> bool:
    return len(template) == len(segments) and all(
        part == segment or (part.startswith("{") and bool(segment))
        for part, segment in zip(template, segments, strict=True)
    )


@web.middleware
async def json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as exc:
        return error_response(exc.status, exc.body(), exc.headers)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        headers = {k: v for k, v in exc.headers.items() if k.lower() not in ("content-type",)}
        headers.pop("Content-Length", None)
        if exc.status == 405:
            headers["Allow"] = ",".join(allowed_methods(request))
        detail = "Not Found" if exc.status == 404 else exc.reason
        return error_response(exc.status, {"detail": detail}, headers)
    except asyncio.CancelledError:
        raise
    except Exception:
        logger.exception("unhandled error in %s %s", request.method, request.path)
        return error_response(500, {"detail": "Internal emulator error"})


def _drop(request: web.Request, fault: str) -> web.Response:
    state = context.current()
    state.fault, state.dropped = fault, True
    if request.transport is not None:
        request.transport.abort()
    # Never sent: the connection is gone. Returned only to end the handler chain.
    return web.Response(status=499)


@web.middleware
async def inject_chaos(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not request.path.startswith("/v1"):
        return await handler(request)
    chaos = request.app[RUNTIME].chaos
    if chaos.latency:
        await asyncio.sleep(chaos.latency)
    fault = chaos.before()
    if fault is not None:
        chaos.drop_after()  # keep two draws per request, whatever happens
        retry_after = {"Retry-After": f"{chaos.config.retry_after:g}"}
        context.current().fault = fault
        if fault == FAULT_503:
            raise ApiError(503, "Service temporarily unavailable (emulated)", headers=retry_after)
        if fault == FAULT_429:
            raise ApiError(429, "Rate limit exceeded (emulated)", headers=retry_after)
        assert fault == FAULT_DROP
        return _drop(request, FAULT_DROP)
    error: Exception | None = None
    response: web.StreamResponse | None = None
    try:
        response = await handler(request)
    except (ApiError, web.HTTPException) as exc:
        error = exc
    if chaos.drop_after():
        return _drop(request, FAULT_DROP_AFTER)
    if error is not None:
        raise error
    assert response is not None
    return response


# -- auth --------------------------------------------------------------------------------------


def bearer_caller(store: Store, token: str) -> Caller | None:
    """The caller a bearer token stands for, or None (unknown, revoked, expired, removed)."""
    session = store.sessions.get(token)
    if session is not None:
        member = store.members.get(session.user_id)
        if member is None or member.org_id not in store.orgs:
            return None
        role = ROLES[member.role_key]
        return Caller(session.org_id, role.key, frozenset(role.permissions), user_id=member.user_id)
    key = store.api_key_by_secret(token)
    now = utcnow()
    if key is None or not key.active(now) or key.org_id not in store.orgs:
        return None
    key.last_used_at = now
    role = ROLES[key.role_key]
    permissions = frozenset(key.scopes or role.permissions)
    return Caller(key.org_id, role.key, permissions, api_key_id=key.id)


def _bearer_token(request: web.Request) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def legacy_signature(secret: str, timestamp: str, method: str, path: str, body: bytes) -> str:
    """hex HMAC-SHA256(secret, timestamp + METHOD + path + body), as the legacy API defines."""
    message = timestamp.encode() + method.upper().encode() + path.encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_bodies(raw: bytes) -> list[bytes]:
    """The bodies a legacy signature may cover: the raw bytes, or the compact ASCII-escaped
    re-serialization of the parsed JSON. The published client signs the latter but sends
    httpx's own encoding (spaces before httpx 0.28, raw UTF-8 since), so a server that serves
    it verifies both; nothing else is accepted."""
    if not raw.strip():
        return [raw]
    try:
        parsed = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return [raw]
    canonical = json.dumps(parsed, separators=(",", ":")).encode()
    return [raw] if canonical == raw else [raw, canonical]


async def legacy_caller(rt: Runtime, request: web.Request) -> Caller:
    invalid = ApiError(401, "Invalid API key or signature")
    public = request.headers.get("X-API-Key", "")
    stamp = request.headers.get("X-Timestamp", "")
    signature = request.headers.get("X-Signature", "")
    key = rt.store.legacy_keys.get(public)
    if key is None or not stamp or not signature:
        raise invalid
    try:
        sent_at = int(stamp)
    except ValueError:
        raise invalid from None
    if abs(time.time() - sent_at) > MAX_CLOCK_SKEW:
        raise ApiError(401, "Request timestamp is more than 5 minutes off")
    path = request.raw_path.split("?", 1)[0]
    matched = False
    for body in signed_bodies(await request.read()):
        expected = legacy_signature(key.secret_key, stamp, request.method, path, body)
        # Every candidate is compared (no early exit): the timing says nothing about which.
        matched |= hmac.compare_digest(expected, signature)
    if not matched:
        raise invalid
    return Caller(key.org_id, "legacy", key.scopes, legacy_key=key.public_key)


def legacy_bearer_caller(store: Store, token: str) -> Caller:
    """A bearer API key on the legacy jobs API: members and above hold every legacy scope,
    viewers none (the org comes from the key)."""
    found = bearer_caller(store, token)
    if found is None:
        raise ApiError(401, "Invalid API key")
    scopes = LEGACY_SCOPES if found.can(BRANCHES_WRITE) else frozenset()
    return dataclasses.replace(found, permissions=scopes)


@web.middleware
async def authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
    route = route_of(request)
    if route is None or route.auth == NO_AUTH:
        return await handler(request)
    rt = request.app[RUNTIME]
    state = context.current()
    if route.auth == ADMIN:
        token = _bearer_token(request)
        if token is None or not secrets.compare_digest(token, rt.admin_token):
            raise unauthorized("Missing or invalid emulator admin token")
        return await handler(request)
    if route.auth in (LEGACY, LEGACY_OR_BEARER):
        token = _bearer_token(request)
        if (
            route.auth == LEGACY_OR_BEARER
            and token is not None
            and "X-API-Key" not in request.headers
        ):
            state.caller = legacy_bearer_caller(rt.store, token)
        else:
            state.caller = await legacy_caller(rt, request)
        if route.permission and not state.caller.can(route.permission):
            raise forbidden(f"This key lacks the {route.permission} scope")
        return await handler(request)
    assert route.auth == BEARER
    token = _bearer_token(request)
    if token is None:
        raise unauthorized("Missing bearer token: send Authorization: Bearer <API key>")
    found = bearer_caller(rt.store, token)
    if found is None:
        raise unauthorized("Invalid, expired or revoked API token")
    state.caller = found
    if route.permission:
        found.require(route.permission)
    return await handler(request)


# -- idempotency -------------------------------------------------------------------------------


def _valid_key(key: str) -> bool:
    # Visible ASCII, as a header value must be; the published spec sets no length limit.
    return bool(key) and all(0x21 <= ord(c) <= 0x7E for c in key)


@web.middleware
async def idempotency(request: web.Request, handler: Handler) -> web.StreamResponse:
    route = route_of(request)
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if route is None or not route.idempotent or key is None:
        return await handler(request)
    if not _valid_key(key):
        raise ApiError(400, f"Invalid {IDEMPOTENCY_HEADER}: visible ASCII characters")
    try:
        data = json.loads(await request.read())
    except (ValueError, UnicodeDecodeError):
        return await handler(request)  # the handler answers the malformed body
    canonical = json.dumps([request.method, request.path, data], sort_keys=True)
    fingerprint = hashlib.sha256(canonical.encode()).hexdigest()
    store = request.app[RUNTIME].store
    slot = (context.caller().org_id, key)
    record = store.idempotency.get(slot)
    if record is not None:
        if record.fingerprint != fingerprint:
            raise ApiError(409, f"{IDEMPOTENCY_HEADER} was already used for a different request")
        if record.status is None or record.body is None:
            raise ApiError(409, "A request with this idempotency key is still in flight")
        return web.Response(
            status=record.status,
            body=record.body,
            content_type="application/json",
            headers={REPLAY_HEADER: "true"},
        )
    record = store.idempotency[slot] = IdempotencyRecord(fingerprint)
    try:
        latency = request.app[RUNTIME].chaos.latency
        if latency:
            # A real server takes a while to handle a create; meanwhile the same key is "in
            # flight" and answers 409 (what clients racing one key from many processes meet).
            await asyncio.sleep(latency)
        response = await handler(request)
    except BaseException:
        store.idempotency.pop(slot, None)
        raise
    body = response.body if isinstance(response, web.Response) else None
    if 200 <= response.status < 300 and isinstance(body, bytes):
        record.status, record.body = response.status, body
    else:
        store.idempotency.pop(slot, None)
    return response
