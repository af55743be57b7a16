"""``ArdentClient``: configuration, the shared transport, and the service attributes."""

from __future__ import annotations

import ipaddress
import os
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from ardent_async._auth import BearerAuth, HmacAuth
from ardent_async._clock import Clock, SystemClock
from ardent_async._converter import converter
from ardent_async._http import Pipeline
from ardent_async._poller import OperationPoller
from ardent_async._redact import mask_url
from ardent_async._retry import RetryPolicy
from ardent_async._transport import AiohttpTransport, Transport
from ardent_async._transport._base import DEFAULT_MAX_RESPONSE_BYTES
from ardent_async.configs import BaseConfig
from ardent_async.errors import ArdentValidationError
from ardent_async.services import (
    BranchesService,
    ConfigsService,
    ConnectorsService,
    JobsService,
    OperationsService,
    OrgsService,
    ProjectsService,
)

DEFAULT_BASE_URL = "https://api.tryardent.com"
DEFAULT_TIMEOUT = 60.0


class ArdentClient:
    """Async client for the Ardent API.

    ::

        async with ArdentClient() as client:          # token from ARDENT_TOKEN
            projects = await client.projects.list(org_id="org_123")

    Arguments fall back to the environment: ``token`` to ``ARDENT_TOKEN``, ``base_url`` to
    ``ARDENT_API_URL`` (default ``https://api.tryardent.com``), the legacy jobs/configs keys to
    ``ARDENT_PUBLIC_KEY``/``ARDENT_SECRET_KEY`` and ``legacy_base_url`` to
    ``ARDENT_LEGACY_API_URL`` (default: ``base_url``).

    One transport (by default one ``aiohttp.ClientSession``) is shared by every call; close the
    client with ``await client.close()`` or ``async with``.
    """

    def __init__(
        self,
        token: str | None = None,
        *,
        base_url: str | None = None,
        max_retries: int = 2,
        timeout: float | None = DEFAULT_TIMEOUT,
        transport: Transport | None = None,
        connection_limit: int = 100,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        allow_insecure_http: bool = False,
        public_key: str | None = None,
        secret_key: str | None = None,
        legacy_base_url: str | None = None,
        retry_policy: RetryPolicy | None = None,
        clock: Clock | None = None,
    ) -> None:
        token = token if token is not None else os.environ.get("ARDENT_TOKEN") or None
        base_url = base_url or os.environ.get("ARDENT_API_URL") or DEFAULT_BASE_URL
        legacy_base_url = legacy_base_url or os.environ.get("ARDENT_LEGACY_API_URL") or base_url
        public_key = public_key or os.environ.get("ARDENT_PUBLIC_KEY") or None
        secret_key = secret_key or os.environ.get("ARDENT_SECRET_KEY") or None
        _check_base_url("base_url", base_url, allow_insecure_http)
        _check_base_url("legacy_base_url", legacy_base_url, allow_insecure_http)
        if timeout is not None and not (isinstance(timeout, (int, float)) and timeout > 0):
            raise ArdentValidationError(
                f"timeout: expected a positive number of seconds or None, got {timeout!r}",
                field="timeout",
            )
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ArdentValidationError(
                f"max_retries: expected an integer >= 0, got {max_retries!r}",
                field="max_retries",
            )
        self._clock: Clock = clock or SystemClock()
        retry = retry_policy or RetryPolicy(max_retries=max_retries)
        self._transport: Transport = transport or AiohttpTransport(
            connection_limit=connection_limit, max_response_bytes=max_response_bytes
        )
        self._http = Pipeline(
            base_url=base_url,
            auth=BearerAuth(token),
            transport=self._transport,
            retry=retry,
            timeout=timeout,
            clock=self._clock,
        )
        self._legacy_http = Pipeline(
            base_url=legacy_base_url,
            auth=HmacAuth(public_key, secret_key, self._clock),
            transport=self._transport,
            retry=retry,
            timeout=timeout,
            clock=self._clock,
        )
        self._closed = False

        self.projects = ProjectsService(self._http)
        poller = OperationPoller(self._http)
        self.operations = OperationsService(self._http, poller)
        self.branches = BranchesService(self._http, poller)
        self.connectors = ConnectorsService(self._http)
        self.orgs = OrgsService(self._http)
        self.jobs = JobsService(self._legacy_http)
        self.configs = ConfigsService(self._legacy_http)

    @property
    def base_url(self) -> str:
        """The public API's base URL this client sends to."""
        return self._http.base_url

    @property
    def closed(self) -> bool:
        """True once :meth:`close` has been called."""
        return self._closed

    async def close(self) -> None:
        """Close the shared transport. Idempotent; calls in flight end with ClientClosedError."""
        if self._closed:
            return
        self._closed = True
        self._http.close()
        self._legacy_http.close()
        await self._transport.aclose()

    # Seed-compatible shortcuts for the legacy jobs/configs API (awaitable here).

    async def create_job(self, message: str) -> dict[str, Any]:
        """``await client.create_job(message=...)``: the created job as a dict."""
        return converter.body(await self.jobs.create(message))

    async def create_and_execute_job(
        self, message: str, *, safe_mode: bool = False
    ) -> dict[str, Any]:
        """``await client.create_and_execute_job(message=...)``: see ``jobs.create_and_execute``."""
        return await self.jobs.create_and_execute(message, safe_mode=safe_mode)

    async def set_config(
        self, config_type: str | BaseConfig, *, id: str | None = None, **params: Any
    ) -> dict[str, Any]:
        """``await client.set_config(config_type=..., **params)``: see ``configs.set``."""
        return await self.configs.set(config_type, id=id, **params)

    async def delete_config(self, config_id: str) -> dict[str, Any]:
        """``await client.delete_config(config_id=...)``."""
        return await self.configs.delete(config_id)

    async def __aenter__(self) -> ArdentClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        state = " closed" if self._closed else ""
        return f"<ArdentClient base_url={mask_url(self.base_url)!r}{state}>"


def _check_base_url(name: str, url: str, allow_insecure_http: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ArdentValidationError(
            f"{name}: expected an http(s) URL such as {DEFAULT_BASE_URL}, got {mask_url(url)!r}",
            field=name,
        )
    if parts.scheme == "http" and not allow_insecure_http and not _is_loopback(parts.hostname):
        raise ArdentValidationError(
            f"{name}: refusing to send credentials over plain http to {parts.hostname}; "
            "use https, or pass allow_insecure_http=True",
            field=name,
        )


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
