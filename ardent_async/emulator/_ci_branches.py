"""Building the branches a test process uses, in the background, and what the run records.

One :class:`Builder` per pytest process. A build runs on its own event loop in a pool thread
(so sync and async tests alike can wait for it, whatever loop they run in), creates the branch
under its derived idempotency key or reuses it (``client.branches.create_or_reuse``, the SDK's
public path), and ends only after ``SELECT 1`` ran on it. Each build also notes when it started
and when it was connectable (``--ardent-manifest``). xdist's controller sends its workers'
creates from one thread and one client, waiting only until each branch is ready (its worker
checks it is connectable): it runs while xdist starts the workers, on the same CPUs.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ._ci_settings import RunInfo
from .ci_values import BranchDSN, CIBranch, SecretURL

if TYPE_CHECKING:
    from ardent_async import ArdentClient

BUILD_TIMEOUT = 600.0


class Builder:
    """Starts branch builds and hands out their results; records each for the manifest."""

    def __init__(self, info: RunInfo, worker: str, session_started_at: float) -> None:
        self.info = info
        self.worker = worker
        self.session_started_at = session_started_at
        self.records: list[dict[str, Any]] = []
        self._pool = concurrent.futures.ThreadPoolExecutor(4, thread_name_prefix="ardent-branch")
        self._builds: dict[str, concurrent.futures.Future[CIBranch]] = {}

    def start(self, name: str, *, kind: str, test: str | None = None) -> None:
        """Start building ``name`` (once; later calls join the first)."""
        if name not in self._builds:
            self._builds[name] = self._pool.submit(self._build, name, kind, test)

    def start_for_workers(self, names: Mapping[str, str]) -> None:
        """Create (or find) the branches ``{worker id: name}`` of xdist's workers, from one
        thread and one client, until each is ready; each is recorded as its worker's."""
        # Started now, when asked: the pool thread's own start (importing the SDK while xdist
        # spawns the workers on the same CPUs) can take seconds on a loaded machine.
        self._pool.submit(self._run_for_workers, dict(names), time.time())

    def _run_for_workers(self, names: dict[str, str], started: float) -> None:
        asyncio.run(self._for_workers(names, started))

    def result(self, name: str, *, kind: str, test: str | None = None) -> CIBranch:
        """The branch ``name``, connectable; starts its build if none is running."""
        self.start(name, kind=kind, test=test)
        return self._builds[name].result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _build(self, name: str, kind: str, test: str | None) -> CIBranch:
        started = time.time()
        branch = asyncio.run(self._build_async(name))
        self._record(branch, kind, test, started)
        return branch

    def _record(self, branch: CIBranch, kind: str, test: str | None, started: float) -> None:
        self.records.append(
            {
                "name": branch.name,
                "branch_id": branch.branch_id,
                "connector_id": branch.connector_id,
                "worker": branch.worker,
                "kind": kind,
                "test": test,
                "created": branch.created,
                "session_started_at": self.session_started_at,
                "build_started_at": started,
                "connectable_at": time.time(),
            }
        )

    async def _for_workers(self, names: dict[str, str], started: float) -> None:
        async def one(client: ArdentClient, worker: str, name: str) -> None:
            branch = await self._fetch(client, name, worker, until="ready")
            self._record(branch, "worker", None, started)

        async with self._client() as client:
            # a failure is the worker's to report: its own build meets it again
            await asyncio.gather(
                *(one(client, worker, name) for worker, name in names.items()),
                return_exceptions=True,
            )

    def _client(self) -> ArdentClient:
        from ardent_async import ArdentClient

        info = self.info
        if info.api_url is not None:
            return ArdentClient(info.token, base_url=info.api_url, timeout=60)
        return ArdentClient()

    async def _build_async(self, name: str) -> CIBranch:
        async with self._client() as client:
            return await self._fetch(client, name, self.worker, until="connectable")

    async def _fetch(self, client: ArdentClient, name: str, worker: str, *, until: str) -> CIBranch:
        assert self.info.connector is not None
        ready = await client.branches.create_or_reuse(
            self.info.connector, name, timeout=BUILD_TIMEOUT, until=until
        )
        branch = ready.branch
        assert branch.branch_url is not None
        return CIBranch(
            name=branch.name,
            branch_id=branch.branch_id,
            connector_id=branch.connector_id,
            url=SecretURL(branch.branch_url),
            dsn=BranchDSN.from_url(branch.branch_url),
            pooled_url=None
            if branch.pooled_branch_url is None
            else SecretURL(branch.pooled_branch_url),
            created=ready.created,
            worker=worker,
        )
