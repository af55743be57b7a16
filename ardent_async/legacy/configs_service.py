"""``client.configs``: configurations of the legacy API (HMAC-signed: only the key pair)."""

from __future__ import annotations

import uuid
from typing import Any

from typing_extensions import Unpack

from ardent_async._core._auth import LegacyAuth
from ardent_async._core._options import RequestOptions
from ardent_async._core._paths import check_id
from ardent_async._core._pipeline import Pipeline
from ardent_async._spec import endpoints
from ardent_async.errors import ArdentAuthError, ArdentValidationError
from ardent_async.legacy import _send
from ardent_async.legacy.configs import BaseConfig, build_config
from ardent_async.models import LegacyIdRequest


class ConfigsService:
    """Store and delete the configurations (data sources, tools) that jobs work with."""

    def __init__(self, http: Pipeline) -> None:
        self._http = http

    async def set(
        self, config_type: str | BaseConfig, *, id: str | None = None, **params: Any
    ) -> dict[str, Any]:
        """Create or replace a configuration.

        Pass the type and its parameters as keywords (``set("mysql", host=..., ...)``; see
        :mod:`ardent_async.configs` for each type's), or a config object. ``id`` defaults to a
        new UUID; the reply always carries the ``id`` used, for :meth:`delete`. (Its keywords
        are the config's parameters: for request options use ``client.with_options(...)``.)
        """
        if isinstance(config_type, BaseConfig):
            if params:
                extra = next(iter(params))
                raise ArdentValidationError(
                    f"{extra}: pass parameters in the config object or as keywords, not both",
                    field=extra,
                )
            # Re-checked: a config object built directly skipped the parameter checks.
            config = type(config_type).from_params(config_type)
        else:
            config = build_config(config_type, params)
        config_id = str(uuid.uuid4()) if id is None else check_id("id", id)
        self._require_key_pair()
        body = {"Config": {"type": config.config_type, "id": config_id, **config.params()}}
        # A set with a fixed id replaces the same configuration: safe to repeat.
        reply = await _send.send(self._http, endpoints.SET_CONFIG, body)
        reply.setdefault("id", config_id)
        return reply

    async def delete(self, config_id: str, **options: Unpack[RequestOptions]) -> dict[str, Any]:
        """Delete the configuration ``config_id`` (as returned by :meth:`set`)."""
        body = LegacyIdRequest(id=check_id("config_id", config_id))
        self._require_key_pair()
        return await _send.send(self._http, endpoints.DELETE_CONFIG, body, options=options)

    def _require_key_pair(self) -> None:
        # The configs endpoints predate bearer keys (ardent-sdk 0.8 has no configs): a token
        # alone would only earn a 401 from the server.
        auth = self._http.auth
        if isinstance(auth, LegacyAuth) and not auth.signs and auth.secrets():
            raise ArdentAuthError(
                "the legacy configs API needs the key pair (public_key and secret_key, or "
                "ARDENT_PUBLIC_KEY and ARDENT_SECRET_KEY); an API token is not accepted there"
            )
