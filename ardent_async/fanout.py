"""Results of fan-out calls (``branches.create_many``, ``operations.wait_many``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import attrs

from ardent_async.models import AsyncOperationResponse, BranchCreateResult, OperationHandle

__all__ = ["BranchOutcome", "FanOutProgress", "OperationOutcome", "ProgressCallback"]


@attrs.define(frozen=True, slots=True)
class BranchOutcome:
    """What happened to one requested branch.

    ``handle`` is set once the create was accepted (even if waiting for it then failed: its
    ``operation_id`` is where to look next). ``branch`` is set when the branch was waited for
    and is ready. ``error`` is the exception that stopped this branch, or None.
    """

    name: str
    branch: BranchCreateResult | None = None
    handle: OperationHandle | None = None
    error: Exception | None = None

    @property
    def ok(self) -> bool:
        """True when this name's branch was created (and, if waited for, is ready)."""
        return self.error is None


@attrs.define(frozen=True, slots=True)
class OperationOutcome:
    """What waiting for one operation ended with (``operations.wait_many``).

    ``operation`` is the final state when it completed or failed, else the last state seen
    (None if no poll got an answer). ``error`` is OperationFailedError, OperationTimeoutError
    or the error that ended the wait; None when the operation completed.
    """

    operation_id: str
    operation: AsyncOperationResponse | None = None
    error: Exception | None = None

    @property
    def ok(self) -> bool:
        """True when the operation completed (``error`` is None)."""
        return self.error is None


@attrs.define(frozen=True, slots=True)
class FanOutProgress:
    """A snapshot after one more input finished: ``name`` and its ``outcome`` just now."""

    total: int
    done: int
    """Inputs finished so far, successfully or not."""
    failed: int
    """Of ``done``, how many ended with an error."""
    name: str
    outcome: BranchOutcome

    @property
    def succeeded(self) -> int:
        """How many names have finished without an error so far."""
        return self.done - self.failed


ProgressCallback = Callable[[FanOutProgress], "Awaitable[object] | object"]
"""``on_progress``: a plain function or a coroutine function taking a FanOutProgress."""
