"""``ArdentClient``: configuration, the shared transport, and the service attributes."""

from __future__ import annotations

import ipaddress
import os
import ssl
from collections.abc import Mapping
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import attrs

from ardent_async._core._auth import BearerAuth, LegacyAuth
from ardent_async._core._clock import Clock, SystemClock
from ardent_async._core._converter import converter
from ardent_async._core._options import check_headers, check_max_retries, check_timeout
from ardent_async._core._pipeline import Pipeline
from ardent_async._core._redact import mask_url
from ardent_async._core._retry import RetryPolicy
from ardent_async._core._sentinel import KEEP, Keep
from ardent_async._core._telemetry import (
    Hooks,
    MeterProvider,
    Telemetry,
    TracerProvider,
    build_telemetry,
    check_event_hooks,
    instrument_service,
)
from ardent_async._core._transport import AiohttpTransport, Transport
from ardent_async._core._transport._base import DEFAULT_MAX_RESPONSE_BYTES
from ardent_async._core._transport._proxy import check_proxy_url
from ardent_async._spec.constants import DEFAULT_MAX_RETRIES, DEFAULT_REQUEST_TIMEOUT
from ardent_async._spec.endpoint_calls import EndpointsService
from ardent_async._waiting._poller import OperationPoller
from ardent_async.errors import ArdentValidationError, validation_error
from ardent_async.events import EventHooks
from ardent_async.legacy.configs import BaseConfig
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
# Where every published ardent-sdk release sends the legacy jobs/configs calls by default.
DEFAULT_LEGACY_BASE_URL = "https://ardentbackendwebappfinal.azurewebsites.net"
# The connection pool of the default transport (``connection_limit``); the waiter's polls
# take at most a quarter of it.
DEFAULT_CONNECTION_LIMIT = 100


class ArdentClient:
    """Async client for the Ardent API.

    ::

        async with ArdentClient() as client:          # token from ARDENT_TOKEN
            projects = await client.projects.list(org_id="org_123")

    Arguments fall back to the environment: ``token`` to ``ARDENT_TOKEN``, ``base_url`` to
    ``ARDENT_API_URL`` (default ``https://api.tryardent.com``), the legacy jobs/configs keys to
    ``ARDENT_PUBLIC_KEY``/``ARDENT_SECRET_KEY`` and ``legacy_base_url`` to
    ``ARDENT_LEGACY_API_URL`` (default: ``base_url`` when one is set, else the host the published
    ardent-sdk uses for them). Proxies come from ``HTTPS_PROXY``/
    ``HTTP_PROXY``/``NO_PROXY`` unless ``proxy`` is given (or ``trust_env=False``).

    ``timeout`` (60 s) bounds each HTTP request, ``max_retries`` (2) counts retries after the
    first attempt; both can be changed per call (``timeout=``, ``max_retries=``,
    ``extra_headers=`` on every request method) or for a copy (:meth:`with_options`).
    Options that contradict each other (``retry_policy`` with ``max_retries``; ``transport``
    with the settings of the default transport) raise ArdentValidationError.

    One transport (by default one ``aiohttp.ClientSession``) is shared by every call; close the
    client with ``await client.close()`` or ``async with``.

    Observability (see the Observability docs page): with ``opentelemetry-api`` installed (the
    ``otel`` extra) every public call is a span, each HTTP attempt a child span, and metrics
    are recorded, through OpenTelemetry's global providers unless ``tracer_provider`` or
    ``meter_provider`` is given (nothing is recorded until the application configures an
    OpenTelemetry SDK). ``propagate_trace=False`` stops sending ``traceparent``;
    ``telemetry=False`` turns OpenTelemetry off. ``event_hooks`` (``{"request": [...],
    "response": [...], "retry": [...], "operation": [...]}``, see :mod:`ardent_async.events`)
    are called with each event, sync or async, whatever ``telemetry`` says.
    """

    # The services are built in ``_setup``; these declarations document them.
    projects: ProjectsService
    """Projects of an org: ``create``, ``list``, ``get``, ``update``, ``delete``."""
    operations: OperationsService
    """Long-running operations: ``get`` (long-poll), ``wait``, ``wait_many``, ``watch``."""
    branches: BranchesService
    """Branches of a connector: ``create``, ``create_and_wait``, the fan-out ``create_many`` and
    ``create_iter``, ``list``, ``get``."""
    connectors: ConnectorsService
    """Source databases: ``preflight``, ``create``, ``discover``, selection, replica identity
    decisions, ``engine_setup``, deletion locks, quarantines."""
    orgs: OrgsService
    """Organizations: details, members, invites, roles and API keys."""
    jobs: JobsService
    """The legacy jobs API (HMAC-signed, or the API token as a bearer key)."""
    configs: ConfigsService
    """The legacy configs API: typed configs (:mod:`ardent_async.configs`) set and deleted."""

    def __init__(
        self,
        token: str | None = None,
        *,
        base_url: str | None = None,
        max_retries: int | None = None,
        timeout: float | None = DEFAULT_REQUEST_TIMEOUT,
        transport: Transport | None = None,
        connection_limit: int | None = None,
        max_response_bytes: int | None = None,
        proxy: str | None = None,
        trust_env: bool | None = None,
        ssl_context: ssl.SSLContext | None = None,
        ca_bundle: str | os.PathLike[str] | None = None,
        allow_insecure_http: bool = False,
        public_key: str | None = None,
        secret_key: str | None = None,
        legacy_base_url: str | None = None,
        retry_policy: RetryPolicy | None = None,
        clock: Clock | None = None,
        event_hooks: EventHooks | None = None,
        telemetry: bool = True,
        tracer_provider: TracerProvider | None = None,
        meter_provider: MeterProvider | None = None,
        propagate_trace: bool = True,
    ) -> None:
        urls = _Urls.resolve(base_url, legacy_base_url, allow_insecure_http)
        token = token if token is not None else os.environ.get("ARDENT_TOKEN") or None
        public_key = public_key or os.environ.get("ARDENT_PUBLIC_KEY") or None
        secret_key = secret_key or os.environ.get("ARDENT_SECRET_KEY") or None
        timeout = check_timeout(timeout)
        retry = _retry_policy(max_retries, retry_policy)
        if transport is None:
            transport = _default_transport(
                connection_limit=connection_limit,
                max_response_bytes=max_response_bytes,
                proxy=proxy,
                trust_env=trust_env,
                ssl_context=ssl_context,
                ca_bundle=ca_bundle,
            )
        else:
            _refuse_with_transport(
                connection_limit=connection_limit,
                max_response_bytes=max_response_bytes,
                proxy=proxy,
                trust_env=trust_env,
                ssl_context=ssl_context,
                ca_bundle=ca_bundle,
            )
        clock = clock or SystemClock()
        recording = build_telemetry(
            telemetry=telemetry,
            tracer_provider=tracer_provider,
            meter_provider=meter_provider,
            propagate_trace=_flag("propagate_trace", propagate_trace),
            hooks=check_event_hooks(event_hooks),
            clock=clock,
        )
        http = Pipeline(
            base_url=urls.base,
            auth=BearerAuth(token),
            transport=transport,
            retry=retry,
            timeout=timeout,
            clock=clock,
        )
        legacy_http = Pipeline(
            base_url=urls.legacy,
            auth=LegacyAuth(public_key, secret_key, clock, token=token),
            transport=transport,
            retry=retry,
            timeout=timeout,
            clock=clock,
            ascii_json=True,
        )
        connections = DEFAULT_CONNECTION_LIMIT if connection_limit is None else connection_limit
        # Waiting never takes more than a quarter of the pool: the rest stays for requests.
        poller = OperationPoller(http, connections=max(2, min(64, connections // 4)))
        if recording is not None:
            recording.watch_waiter(poller.waiter)
        self._setup(_Parts(clock, recording, transport, http, legacy_http, poller))

    @classmethod
    def _from_parts(cls, parts: _Parts) -> ArdentClient:
        """A client made of ``parts`` (the constructor of :meth:`with_options`' copies: the
        arguments are resolved already, and the transport and waiter are shared)."""
        client = cls.__new__(cls)
        client._setup(parts)
        return client

    def _setup(self, parts: _Parts) -> None:
        """Everything a client holds, from ``parts``: the one place both constructors (``__init__``
        and :meth:`_from_parts`) set it, so a copy cannot miss a piece."""
        self._parts = parts
        self._clock = parts.clock
        self._telemetry = parts.telemetry
        self._transport = parts.transport
        self._http = parts.http
        self._legacy_http = parts.legacy_http
        self._poller = poller = parts.poller
        self.projects = ProjectsService(self._http)
        self.operations = OperationsService(self._http, poller)
        self.branches = BranchesService(self._http, poller)
        self.connectors = ConnectorsService(self._http)
        self.orgs = OrgsService(self._http)
        self.jobs = JobsService(self._legacy_http)
        self.configs = ConfigsService(self._legacy_http)
        # Every operation of the spec as a plain call (generated: new operations appear here).
        self.endpoints = EndpointsService(self._http, self._legacy_http)
        if self._telemetry is not None:
            for resource in _RESOURCES:
                instrument_service(getattr(self, resource), resource, self._telemetry)

    def with_options(
        self,
        *,
        timeout: float | Keep | None = KEEP,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        retry_policy: RetryPolicy | None = None,
        event_hooks: EventHooks | None = None,
    ) -> ArdentClient:
        """A copy with other defaults that shares this client's session (nothing is opened).

        ::

            patient = client.with_options(timeout=120, max_retries=5)
            await patient.branches.create_and_wait(connector_id, "ci-42")

        ``timeout`` (``None``: no limit), ``max_retries`` or ``retry_policy`` (not both) and
        ``extra_headers`` (added to every request) apply to all of the copy's requests;
        ``event_hooks`` are called for the copy's calls after the original's hooks. Waits
        go through the client's one shared waiter, whose polls keep the original's settings.
        The copy and the original share the connections: closing either closes both, so close
        the one you created (``async with`` on the original).
        """
        if not isinstance(timeout, Keep):
            timeout = check_timeout(timeout)
        if max_retries is not None:
            check_max_retries(max_retries)
            _refuse_both("retry_policy", retry_policy, "max_retries")
        headers = None if extra_headers is None else check_headers(extra_headers)
        hooks = check_event_hooks(event_hooks)
        http, legacy_http = (
            pipeline.with_options(
                timeout=timeout, max_retries=max_retries, extra_headers=headers, retry=retry_policy
            )
            for pipeline in (self._http, self._legacy_http)
        )
        # The rest is shared, the poller included: one waiter per client, copies included, so
        # the wait budget stays bounded (its polls keep the original's request settings).
        telemetry = _with_hooks(self._telemetry, hooks, self._clock)
        return ArdentClient._from_parts(self._parts.copy_with(telemetry, http, legacy_http))

    @property
    def base_url(self) -> str:
        """The public API's base URL this client sends to."""
        return self._http.base_url

    @property
    def closed(self) -> bool:
        """True once :meth:`close` has been called."""
        return self._http.closed

    async def close(self) -> None:
        """Close the shared transport. Idempotent; calls in flight end with ClientClosedError."""
        if self._http.closed:
            return
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
        state = " closed" if self.closed else ""
        return f"<ArdentClient base_url={mask_url(self.base_url)!r}{state}>"


@attrs.frozen
class _Parts:
    """What a client is made of, built by ``__init__``; a :meth:`ArdentClient.with_options`
    copy is these with other pipelines and hooks (:meth:`copy_with`), the rest shared."""

    clock: Clock
    telemetry: Telemetry | None
    transport: Transport
    http: Pipeline
    legacy_http: Pipeline
    poller: OperationPoller

    def copy_with(
        self, telemetry: Telemetry | None, http: Pipeline, legacy_http: Pipeline
    ) -> _Parts:
        """A copy's parts, through the constructor (every field named: a new one cannot be
        left out; ``attrs.evolve`` would cost a fifth of ``with_options``)."""
        return _Parts(self.clock, telemetry, self.transport, http, legacy_http, self.poller)


# The services whose public calls are recorded (attribute names of the client).
_RESOURCES = (
    "projects",
    "operations",
    "branches",
    "connectors",
    "orgs",
    "jobs",
    "configs",
    "endpoints",
)


def _with_hooks(telemetry: Telemetry | None, hooks: Hooks | None, clock: Clock) -> Telemetry | None:
    if hooks is None:
        return telemetry
    if telemetry is None:
        return Telemetry(None, hooks, clock)
    return telemetry.with_hooks(hooks)


def _flag(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise validation_error(name, "True or False", value)
    return value


@attrs.frozen
class _Urls:
    """The two base URLs, from the arguments, then the environment, then the defaults."""

    base: str
    legacy: str

    @classmethod
    def resolve(
        cls, base_url: str | None, legacy_base_url: str | None, allow_insecure_http: bool
    ) -> _Urls:
        base_url = base_url or os.environ.get("ARDENT_API_URL")
        # A chosen base URL (an emulator, on-prem) serves the legacy calls too; the default
        # API's legacy calls go where the published ardent-sdk sends them.
        legacy = (
            legacy_base_url
            or os.environ.get("ARDENT_LEGACY_API_URL")
            or base_url
            or DEFAULT_LEGACY_BASE_URL
        )
        base = base_url or DEFAULT_BASE_URL
        _check_base_url("base_url", base, allow_insecure_http)
        _check_base_url("legacy_base_url", legacy, allow_insecure_http)
        return cls(base, legacy)


def _retry_policy(max_retries: int | None, retry_policy: RetryPolicy | None) -> RetryPolicy:
    if max_retries is not None:
        check_max_retries(max_retries)
        _refuse_both("retry_policy", retry_policy, "max_retries")
    return retry_policy or RetryPolicy(
        max_retries=DEFAULT_MAX_RETRIES if max_retries is None else max_retries
    )


def _refuse_with_transport(**settings: object) -> None:
    """A given transport ignores the default transport's settings: refuse any of them."""
    for name, value in settings.items():
        _refuse_both(name, value, "transport")


def _default_transport(
    *,
    connection_limit: int | None,
    max_response_bytes: int | None,
    proxy: str | None,
    trust_env: bool | None,
    ssl_context: ssl.SSLContext | None,
    ca_bundle: str | os.PathLike[str] | None,
) -> Transport:
    """The aiohttp transport these settings describe (checked here, before anything opens)."""
    if ca_bundle is not None:
        _refuse_both("ssl_context", ssl_context, "ca_bundle")
        ssl_context = _load_ca_bundle(ca_bundle)
    if proxy is not None:
        check_proxy_url(proxy)
    return AiohttpTransport(
        connection_limit=_positive("connection_limit", connection_limit, DEFAULT_CONNECTION_LIMIT),
        max_response_bytes=_positive(
            "max_response_bytes", max_response_bytes, DEFAULT_MAX_RESPONSE_BYTES
        ),
        proxy=proxy,
        trust_env=True if trust_env is None else trust_env,
        ssl_context=ssl_context,
    )


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


def _refuse_both(name: str, value: object, other: str, other_value: object = True) -> None:
    """Two settings where one would be silently ignored: refused, never guessed."""
    if value is not None and other_value is not None:
        hint = (
            f"configure the transport you pass instead (e.g. AiohttpTransport({name}=...))"
            if other == "transport"
            else f"pass one of {name} and {other}"
        )
        raise ArdentValidationError(
            f"{name}: cannot be combined with {other} (it would be ignored); {hint}",
            field=name,
        )


def _positive(name: str, value: int | None, default: int) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise validation_error(name, "an integer >= 1", value)
    return value


def _load_ca_bundle(path: str | os.PathLike[str]) -> ssl.SSLContext:
    try:
        return ssl.create_default_context(cafile=os.fspath(path))
    except (OSError, ssl.SSLError, TypeError) as exc:
        raise ArdentValidationError(
            f"ca_bundle: cannot load CA certificates from {os.fspath(path)!r}: "
            f"{type(exc).__name__}",
            field="ca_bundle",
        ) from None
