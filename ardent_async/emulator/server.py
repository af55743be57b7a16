"""The :class:`Emulator`: the whole API on a real aiohttp server, with backend, state, admin."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from types import TracebackType
from typing import Any

from aiohttp import web

from ardent_async import ArdentClient

from .admin import Admin, LegacyKeyPair
from .api_only_backend import ApiOnlyBackend
from .app import build_app
from .branch_backend import BranchBackend
from .chaos import Chaos, ChaosConfig
from .operation_runner import OperationRunner
from .request_log import RequestLog
from .router import spec_routes
from .routes import HANDLERS
from .runtime import Runtime
from .spec_check import SpecValidator
from .state import Store, new_secret

__all__ = ["API_ONLY_NOTE", "DEFAULT_OP_DURATION", "Emulator"]

logger = logging.getLogger("ardent_async.emulator")

DEFAULT_OP_DURATION = 0.05
DEFAULT_ORG_NAME = "Emulator org"
API_ONLY_NOTE = (
    "running API-only (no Postgres): branch URLs are well-formed but not connectable;"
    " use --postgres embedded for real branches"
)


class Emulator:
    """A running emulator. ``start()``/``stop()`` or ``async with``.

    ``postgres``: None/``"none"`` (API-only), ``"embedded"`` or a superuser URL.
    ``org_id``: the default org's id (default: random; ``ardent-emulator --token`` derives it
    from the token, so a restarted emulator keeps the org a saved CLI context names).
    ``op_duration``: seconds an operation takes in API-only mode (0 = instant).
    ``long_poll``: hold ``GET /v1/operations/{id}?wait=N``; False answers at once (to exercise
    clients' backoff path).
    ``validate_responses``: check every reply against the spec (tests); mismatches become 500s
    and are collected in ``emulator.validator.failures``.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str | None = None,
        admin_token: str | None = None,
        org_name: str = DEFAULT_ORG_NAME,
        org_id: str | None = None,
        postgres: str | None = None,
        sample_source: bool = False,
        chaos: ChaosConfig | str | None = None,
        op_duration: float | None = None,
        validate_responses: bool = False,
        long_poll: bool = True,
        spec_path: Path | None = None,
        backend: BranchBackend | None = None,
    ) -> None:
        if op_duration is not None and op_duration < 0:
            raise ValueError("op_duration must be >= 0")
        self.host = host
        self.port = port
        self.token = token or new_secret()
        self.admin_token = admin_token or f"emu-admin_{secrets.token_urlsafe(18)}"
        self._org_name = org_name
        self._org_id = org_id
        self._postgres = None if postgres in (None, "", "none") else postgres
        self._sample_source = sample_source
        self._chaos = ChaosConfig.parse(chaos) if isinstance(chaos, str) else chaos
        self._op_duration = op_duration
        self._long_poll = long_poll
        self._backend = backend
        self.validator = SpecValidator(spec_path) if validate_responses else None
        self._runner: web.AppRunner | None = None
        self._runtime: Runtime | None = None
        self._admin: Admin | None = None
        self.base_url = ""
        self.org_id = ""
        self.sample_source_url: str | None = None
        self.legacy_key: LegacyKeyPair | None = None

    # -- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> Emulator:
        """Start the backend and the server on ``host``/``port``; returns self.

        Raises :class:`~.router.MissingHandlersError` (before starting anything) when an
        operation of the spec has no handler.
        """
        if self._runner is not None:
            raise RuntimeError("the emulator is already running")
        routes = spec_routes(HANDLERS)  # refused before anything starts
        backend = self._backend or await self._start_backend()
        try:
            if self._sample_source:
                self.sample_source_url = await _sample_source(backend)
            real = backend.real
            duration = self._op_duration
            if duration is None:
                duration = 0.0 if real else DEFAULT_OP_DURATION
            chaos = Chaos(self._chaos)
            store = Store()
            rt = Runtime(
                store=store,
                runner=OperationRunner(store, chaos, op_duration=duration),
                backend=backend,
                chaos=chaos,
                log=RequestLog(),
                admin_token=self.admin_token,
                long_poll=self._long_poll,
            )
            admin = Admin(rt)
            owner = admin.create_org(self._org_name, org_id=self._org_id, token=self.token)
            admin.seed(owner)
            self.org_id = owner.org_id
            self.legacy_key = admin.create_legacy_key(owner.org_id)
            admin.seed_legacy(self.legacy_key)
            runner = web.AppRunner(
                build_app(rt, admin, validator=self.validator, routes=routes),
                handle_signals=False,
                access_log=None,
                shutdown_timeout=0.5,
            )
            await runner.setup()
            try:
                site = web.TCPSite(runner, self.host, self.port)
                await site.start()
            except BaseException:
                await runner.cleanup()
                raise
        except BaseException:
            await backend.close()
            raise
        self._runner, self._runtime, self._admin = runner, rt, admin
        bound = runner.addresses[0]
        self.port = bound[1]
        host = f"[{self.host}]" if ":" in self.host else self.host
        self.base_url = f"http://{host}:{self.port}"
        if real:
            logger.info("Ardent emulator on %s (Postgres branches)", self.base_url)
        else:
            logger.info("Ardent emulator on %s %s", self.base_url, API_ONLY_NOTE)
        return self

    async def _start_backend(self) -> BranchBackend:
        if self._postgres is None:
            return ApiOnlyBackend()
        try:
            from .postgres_backend import PostgresBackend
        except ImportError as exc:
            raise RuntimeError(
                f"the Postgres backend needs the emulator extra ({exc.name} is missing):"
                " pip install 'ardent-async[emulator]'"
            ) from None
        return await PostgresBackend.start(self._postgres)

    async def stop(self) -> None:
        """Stop serving, cancel running operations and drop what the backend created."""
        runner, rt = self._runner, self._runtime
        self._runner = None
        if rt is not None:
            # First: cancelled operations end "failed", which also releases held long-polls.
            await rt.runner.close()
        if runner is not None:
            await runner.cleanup()
        if rt is not None:
            await rt.backend.close()
        self._runtime = self._admin = None

    async def __aenter__(self) -> Emulator:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- access --------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """True between :meth:`start` and :meth:`stop`."""
        return self._runner is not None

    @property
    def runtime(self) -> Runtime:
        """The running emulator's state and services (RuntimeError when stopped)."""
        if self._runtime is None:
            raise RuntimeError("the emulator is not running")
        return self._runtime

    @property
    def admin(self) -> Admin:
        """The admin operations (:class:`Admin`) of the running emulator."""
        if self._admin is None:
            raise RuntimeError("the emulator is not running")
        return self._admin

    @property
    def backend(self) -> BranchBackend:
        """The branch backend: API-only, or real Postgres."""
        return self.runtime.backend

    def client(self, token: str | None = None, **options: Any) -> ArdentClient:
        """An :class:`ArdentClient` for this emulator (default: the default org's owner token
        and legacy key pair). Close it when done."""
        settings: dict[str, Any] = {
            "base_url": self.base_url,
            "legacy_base_url": self.base_url,
        }
        if self.legacy_key is not None:
            settings["public_key"] = self.legacy_key.public_key
            settings["secret_key"] = self.legacy_key.secret_key
        settings.update(options)
        return ArdentClient(token or self.token, **settings)

    def __repr__(self) -> str:
        state = self.base_url or "not started"
        return f"<Emulator {state} backend={self._backend_name()}>"

    def _backend_name(self) -> str:
        if self._runtime is not None:
            return self._runtime.backend.name
        return "postgres" if self._postgres else "api-only"


async def _sample_source(backend: BranchBackend) -> str:
    create = getattr(backend, "create_sample_source", None)
    if create is not None:
        url: str = await create()
        return url
    # API-only: any URL works; this one names the sample the fake catalog mirrors.
    return "postgresql://ardent_sample_owner:sample@127.0.0.1:1/ardent_sample"
