"""The CLI's ``--trace``: a compact timeline of requests, retries and waits on stderr.

::

    +0.000s  POST https://api.tryardent.com/v1/branch/create  (attempt 1)
    +0.041s    503  41 ms
    +0.041s  retry in 0.50 s (503)
    +0.545s  POST https://api.tryardent.com/v1/branch/create  (attempt 2)
    +0.580s    202  35 ms
    +9.112s  operation op_123 branch_create completed after 8.5 s (3 polls)
"""

from __future__ import annotations

import time
from typing import TextIO

from ardent_async.events import (
    EventHooks,
    OperationEvent,
    RequestEvent,
    ResponseEvent,
    RetryEvent,
)

__all__ = ["Timeline"]


class Timeline:
    """Event hooks that write one line per event to ``stream``, timed from creation."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._started = time.monotonic()

    def hooks(self) -> EventHooks:
        return {
            "request": [self.request],
            "response": [self.response],
            "retry": [self.retry],
            "operation": [self.operation],
        }

    def _line(self, text: str) -> None:
        self._stream.write(f"+{time.monotonic() - self._started:.3f}s  {text}\n")
        self._stream.flush()

    def request(self, event: RequestEvent) -> None:
        self._line(f"{event.method} {event.url}  (attempt {event.attempt})")

    def response(self, event: ResponseEvent) -> None:
        outcome = str(event.status_code) if event.status_code is not None else event.error_type
        replayed = "  replayed" if event.replayed else ""
        self._line(f"  {outcome}  {event.elapsed * 1000:.0f} ms{replayed}")

    def retry(self, event: RetryEvent) -> None:
        hint = ", Retry-After" if event.retry_after else ""
        self._line(f"retry in {event.delay:.2f} s ({event.reason}{hint})")

    def operation(self, event: OperationEvent) -> None:
        error = f": {event.error}" if event.error else ""
        self._line(
            f"operation {event.operation_id} {event.operation_type} {event.status} after "
            f"{event.waited:.1f} s ({event.polls} polls){error}"
        )
