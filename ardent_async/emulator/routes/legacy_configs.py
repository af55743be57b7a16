"""Legacy ``/v1/configs/*`` (HMAC-signed): create, replace and delete configurations."""

from __future__ import annotations

from aiohttp import web

from ardent_async.models import (
    LegacyIdRequest,
    LegacyResult,
    LegacySetConfigRequest,
)

from ..bodies import parse_model, read_json
from ..context import caller
from ..http_errors import invalid, not_found
from ..redaction import redact_value
from ..responses import reply
from ..runtime import runtime
from ..state import LegacyConfig
from ._base import OperationHandler


async def set_config(request: web.Request) -> web.Response:
    rt, who = runtime(request), caller()
    body = parse_model(await read_json(request), LegacySetConfigRequest)
    config = body.Config
    if not config.id.strip():
        raise invalid(["body", "Config", "id"], "Config id must not be blank")
    existing = rt.store.legacy_configs.get(config.id)
    if existing is not None and existing.org_id != who.org_id:
        raise invalid(["body", "Config", "id"], "Config id is taken")
    rt.store.legacy_configs[config.id] = LegacyConfig(
        id=config.id, org_id=who.org_id, type=config.type.value, params=dict(config.extra)
    )
    stored = {"type": config.type.value, "id": config.id, **redact_value(config.extra)}
    return reply(
        LegacyResult(extra={"message": "Configuration saved", "id": config.id, "Config": stored})
    )


async def delete_config(request: web.Request) -> web.Response:
    rt, who = runtime(request), caller()
    body = parse_model(await read_json(request), LegacyIdRequest)
    config = rt.store.legacy_configs.get(body.id)
    if config is None or config.org_id != who.org_id:
        raise not_found("Configuration")
    del rt.store.legacy_configs[config.id]
    return reply(LegacyResult(extra={"message": "Configuration deleted", "id": config.id}))


HANDLERS = [
    OperationHandler("set_config", set_config, "config:write"),
    OperationHandler("delete_config", delete_config, "config:write"),
]
