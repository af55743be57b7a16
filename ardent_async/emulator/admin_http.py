"""``/_emulator/*``: the admin API (outside ``/v1``, its own admin token; health is open).

==========================================  ==========================================
GET    /_emulator/health                    backend, base URL (no token needed)
GET    /_emulator/chaos                     current chaos settings
PUT    /_emulator/chaos                     replace them: ``{"seed": 1, "error_503": 0.2}`` or
                                            ``{"spec": "seed=1,error_503=0.2"}``; ``{}`` = off
POST   /_emulator/reset                     forget everything, re-create the seeded orgs
GET    /_emulator/requests                  request log (method, path, status, fault, org_id)
DELETE /_emulator/requests                  clear the request log
GET    /_emulator/orgs                      orgs
POST   /_emulator/orgs                      ``{"name"}`` -> new org + owner token
DELETE /_emulator/orgs/{org_id}             delete an org and its databases
POST   /_emulator/orgs/{org_id}/tokens      ``{"role", "email"}`` -> a member token
POST   /_emulator/orgs/{org_id}/legacy-keys ``{"scopes", "credits"}`` -> a legacy key pair
POST   /_emulator/connectors/{id}/quarantines  ``{"deployment_name", "message"}``
==========================================  ==========================================
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .admin import Admin
from .bodies import read_json
from .http_errors import ApiError, bad_request
from .responses import no_content, reply
from .routes import ADMIN, NO_AUTH, Route
from .runtime import RUNTIME

ADMIN_KEY: web.AppKey[Admin] = web.AppKey("ardent_emulator_admin", Admin)


def _admin(request: web.Request) -> Admin:
    return request.app[ADMIN_KEY]


async def _object(request: web.Request) -> dict[str, Any]:
    if not (await request.read()).strip():
        return {}
    data = await read_json(request)
    if not isinstance(data, dict):
        raise bad_request("Expected a JSON object")
    return data


async def health(request: web.Request) -> web.Response:
    rt = request.app[RUNTIME]
    return reply({"status": "ok", "backend": rt.backend.name, "real_branches": rt.backend.real})


async def get_chaos(request: web.Request) -> web.Response:
    return reply(_admin(request).chaos.to_dict())


async def put_chaos(request: web.Request) -> web.Response:
    data = await _object(request)
    try:
        spec = data.get("spec")
        config = _admin(request).set_chaos(spec if isinstance(spec, str) else data)
    except ValueError as exc:
        raise bad_request(str(exc)) from None
    return reply(config.to_dict())


async def reset(request: web.Request) -> web.Response:
    await _admin(request).reset()
    return reply({"message": "Emulator state reset"})


async def list_requests(request: web.Request) -> web.Response:
    return reply({"requests": [entry.to_dict() for entry in _admin(request).requests()]})


async def clear_requests(request: web.Request) -> web.Response:
    _admin(request).clear_requests()
    return no_content()


async def list_orgs(request: web.Request) -> web.Response:
    return reply({"orgs": _admin(request).orgs()})


def _grant(grant: Any) -> dict[str, Any]:
    return {
        "org_id": grant.org_id,
        "user_id": grant.user_id,
        "role": grant.role,
        "token": grant.token,
    }


async def create_org(request: web.Request) -> web.Response:
    data = await _object(request)
    name = data.get("name", "Emulator org")
    if not isinstance(name, str) or not name.strip():
        raise bad_request("name must be a non-empty string")
    return reply(_grant(_admin(request).create_org(name.strip())), 201)


async def delete_org(request: web.Request) -> web.Response:
    org_id = request.match_info["org_id"]
    if org_id not in request.app[RUNTIME].store.orgs:
        raise ApiError(404, "Organization not found")
    await _admin(request).delete_org(org_id)
    return no_content()


async def create_token(request: web.Request) -> web.Response:
    data = await _object(request)
    try:
        grant = _admin(request).create_token(
            request.match_info["org_id"],
            str(data.get("role", "member")),
            email=data.get("email"),
            full_name=data.get("full_name"),
        )
    except ValueError as exc:
        raise bad_request(str(exc)) from None
    return reply(_grant(grant), 201)


async def create_legacy_key(request: web.Request) -> web.Response:
    data = await _object(request)
    scopes = data.get("scopes")
    credits = data.get("credits")
    if scopes is not None and not (
        isinstance(scopes, list) and all(isinstance(s, str) for s in scopes)
    ):
        raise bad_request("scopes must be a list of strings")
    if credits is not None and (isinstance(credits, bool) or not isinstance(credits, int)):
        raise bad_request("credits must be an integer or null")
    try:
        pair = _admin(request).create_legacy_key(
            request.match_info["org_id"],
            scopes=None if scopes is None else set(scopes),
            credits=credits,
        )
    except ValueError as exc:
        raise bad_request(str(exc)) from None
    return reply(
        {"org_id": pair.org_id, "public_key": pair.public_key, "secret_key": pair.secret_key}, 201
    )


async def add_quarantine(request: web.Request) -> web.Response:
    data = await _object(request)
    row = _admin(request).add_quarantine(
        request.match_info["connector_id"],
        deployment_name=data.get("deployment_name"),
        message=data.get("message"),
    )
    return reply(row, 201)


_E = "/_emulator"
ROUTES = [
    Route("GET", _E + "/health", health, auth=NO_AUTH),
    Route("GET", _E + "/chaos", get_chaos, auth=ADMIN),
    Route("PUT", _E + "/chaos", put_chaos, auth=ADMIN),
    Route("POST", _E + "/reset", reset, auth=ADMIN),
    Route("GET", _E + "/requests", list_requests, auth=ADMIN),
    Route("DELETE", _E + "/requests", clear_requests, auth=ADMIN),
    Route("GET", _E + "/orgs", list_orgs, auth=ADMIN),
    Route("POST", _E + "/orgs", create_org, auth=ADMIN),
    Route("DELETE", _E + "/orgs/{org_id}", delete_org, auth=ADMIN),
    Route("POST", _E + "/orgs/{org_id}/tokens", create_token, auth=ADMIN),
    Route("POST", _E + "/orgs/{org_id}/legacy-keys", create_legacy_key, auth=ADMIN),
    Route("POST", _E + "/connectors/{connector_id}/quarantines", add_quarantine, auth=ADMIN),
]
