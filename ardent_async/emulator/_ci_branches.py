"""Building the branches a test process uses, in the background, and what the run records.

One :class:`Builder` per pytest process. A build runs on its own event loop in a pool thread
(so sync and async tests alike can wait for it, whatever loop they run in), creates the branch
under its derived idempotency key or reuses it (``client.branches.create_or_reuse``, the SDK's
public path), and ends only after ``SELECT 1`` ran on it. Each build also notes when it started
and when it was connectable (``--ardent-manifest``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
from typing import Any

from ._ci_settings import RunInfo
from .ci_values import BranchDSN, CIBranch, SecretURL

BUILD_TIMEOUT = 600.0


class Builder:
    """Starts branch builds and hands out their results; records each for the manifest."""

    def __init__(
        self, info: RunInfo, worker: str, session_started_at: float, *, parallel: int = 4
    ) -> None:
        self.info = info
        self.worker = worker
        self.session_started_at = session_started_at
        self.records: list[dict[str, Any]] = []
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max(parallel, 1), thread_name_prefix="ardent-branch"
        )
        self._builds: dict[str, concurrent.futures.Future[CIBranch]] = {}

    def start(
        self, name: str, *, kind: str, test: str | None = None, worker: str | None = None
    ) -> None:
        """Start building ``name`` (once; later calls join the first). *worker*: whose branch
        it is, when another process builds it (xdist's controller, for its workers)."""
        if name not in self._builds:
            self._builds[name] = self._pool.submit(
                self._build, name, kind, test, worker or self.worker
            )

    def result(self, name: str, *, kind: str, test: str | None = None) -> CIBranch:
        """The branch ``name``, connectable; starts its build if none is running."""
        self.start(name, kind=kind, test=test)
        return self._builds[name].result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _build(self, name: str, kind: str, test: str | None, worker: str) -> CIBranch:
        started = time.time()
        branch = asyncio.run(self._build_async(name, worker))
        ready = time.time()
        record = {
            "name": branch.name,
            "branch_id": branch.branch_id,
            "connector_id": branch.connector_id,
            "worker": worker,
            "kind": kind,
            "test": test,
            "created": branch.created,
            "session_started_at": self.session_started_at,
            "build_started_at": started,
            "connectable_at": ready,
        }
        self.records.append(record)
        return branch

    async def _build_async(self, name: str, worker: str) -> CIBranch:
        from ardent_async import ArdentClient

        info = self.info
        assert info.connector is not None
        if info.api_url is not None:
            client = ArdentClient(info.token, base_url=info.api_url, timeout=60)
        else:
            client = ArdentClient()
        async with client:
            ready = await client.branches.create_or_reuse(
                info.connector, name, timeout=BUILD_TIMEOUT, until="connectable"
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
