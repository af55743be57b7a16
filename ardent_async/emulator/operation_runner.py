"""The operation runner: asyncio tasks that move operations pending -> running -> completed or
failed, with ``progress`` (0-100) and a ``stage_label``.

Each operation has an :class:`asyncio.Event` set when it becomes terminal, so a long-poll
(``GET /v1/operations/{id}?wait=N``) just waits on it. In API-only mode work is instant and the
runner paces it over ``op_duration`` seconds so clients see the intermediate states.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from ardent_async.models import OperationStatus, OperationType

from .chaos import Chaos
from .redaction import redact_text
from .state import Operation, Store, new_id, utcnow

logger = logging.getLogger("ardent_async.emulator")

INJECTED_FAILURE = "Emulated failure (chaos fail_ops): the work did not complete; start it again."


class Steps:
    """Handed to an operation's work: report stages, paced over the op duration."""

    def __init__(self, runner: OperationRunner, operation: Operation) -> None:
        self._runner = runner
        self._operation = operation
        self._progress = operation.progress or 0

    async def stage(self, token: str, label: str, progress: int) -> None:
        """Enter a stage; ``progress`` is the percentage reached when it starts."""
        op = self._operation
        progress = max(self._progress, min(99, progress))
        await self._runner.pace(progress - self._progress)
        self._progress = progress
        op.stage, op.stage_label, op.progress = token, label, progress
        op.updated_at = utcnow()

    def detail(self, **setup_status: Any) -> None:
        """Update the operation's ``setup_status`` (engine setup only)."""
        self._operation.setup_status = {**(self._operation.setup_status or {}), **setup_status}


Work = Callable[[Steps], Awaitable[dict[str, Any] | None]]
OnFailure = Callable[[str], Awaitable[None]]


class OperationRunner:
    def __init__(self, store: Store, chaos: Chaos, *, op_duration: float) -> None:
        self.store = store
        self.chaos = chaos
        self.op_duration = op_duration
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def create(self, org_id: str, kind: OperationType, resource_id: str | None) -> Operation:
        now = utcnow()
        op = Operation(
            id=new_id("op"),
            org_id=org_id,
            type=kind,
            resource_id=resource_id,
            created_at=now,
            updated_at=now,
        )
        self.store.operations[op.id] = op
        return op

    def start(self, op: Operation, work: Work, *, on_failure: OnFailure | None = None) -> None:
        """Run ``work`` for ``op`` in the background. A failure (raised, or injected by chaos)
        marks the operation failed and awaits ``on_failure(message)`` first."""
        task = asyncio.ensure_future(self._run(op, work, on_failure))
        self._tasks[op.id] = task
        task.add_done_callback(lambda _: self._tasks.pop(op.id, None))

    def task(self, op_id: str | None) -> asyncio.Task[None] | None:
        return self._tasks.get(op_id) if op_id else None

    async def pace(self, percent: float) -> None:
        if self.op_duration > 0 and percent > 0:
            await asyncio.sleep(self.op_duration * percent / 100.0)

    async def _run(self, op: Operation, work: Work, on_failure: OnFailure | None) -> None:
        steps = Steps(self, op)
        try:
            await self.pace(5)
            now = utcnow()
            op.status, op.started_at, op.updated_at = OperationStatus.RUNNING, now, now
            op.progress, op.stage, op.stage_label = 5, "started", "Started"
            if self.chaos.fail_operation():
                await steps.stage("working", "Working", 50)
                raise InjectedFailure(INJECTED_FAILURE)
            result = await work(steps)
            await self.pace(100 - (op.progress or 0))
        except asyncio.CancelledError:
            await self._fail(op, "The emulator stopped before the operation finished.", None)
            raise
        except Exception as exc:
            message = str(exc) if isinstance(exc, InjectedFailure) else _describe(exc)
            await self._fail(op, message, on_failure)
            return
        now = utcnow()
        op.status, op.progress, op.result = OperationStatus.COMPLETED, 100, result
        op.stage, op.stage_label = op.status.value, "Completed"
        op.completed_at = op.updated_at = now
        op.done.set()

    async def _fail(self, op: Operation, message: str, on_failure: OnFailure | None) -> None:
        try:
            if on_failure is not None:
                await on_failure(message)
        except Exception:  # pragma: no cover - cleanup must not hide the failure
            logger.exception("cleanup after failed operation %s failed", op.id)
        finally:
            now = utcnow()
            op.status, op.error = OperationStatus.FAILED, message
            op.stage = op.status.value
            op.stage_label = "Failed"
            op.completed_at = op.updated_at = now
            op.done.set()

    async def wait(self, op: Operation, timeout: float) -> None:
        """Return when ``op`` is terminal or ``timeout`` seconds have passed."""
        if op.terminal or timeout <= 0:
            return
        try:
            await asyncio.wait_for(op.done.wait(), timeout)
        except asyncio.TimeoutError:
            return

    async def join(self, op_ids: list[str]) -> None:
        """Wait for the given operations' tasks to end (whatever their outcome)."""
        tasks = [task for op_id in op_ids if (task := self._tasks.get(op_id)) is not None]
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    async def close(self) -> None:
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()


class InjectedFailure(RuntimeError):
    """A failure chaos decided on."""


def _describe(exc: BaseException) -> str:
    text = redact_text(str(exc)) or type(exc).__name__
    if type(exc).__name__ in ("BackendError", "CloneError", "SourceError", "HostError"):
        return text
    logger.warning("operation failed: %s: %s", type(exc).__name__, text)
    return f"{type(exc).__name__}: {text}"
