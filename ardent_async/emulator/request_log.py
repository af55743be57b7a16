"""The request log served at ``/_emulator/requests``: method, path, status, injected fault."""

from __future__ import annotations

import collections
import dataclasses
from datetime import datetime
from typing import Any


@dataclasses.dataclass(frozen=True)
class LoggedRequest:
    """One request the emulator served: status (None if dropped), injected fault, timing."""

    method: str
    path: str
    status: int | None  # None: the connection was dropped without a reply
    fault: str | None
    org_id: str | None
    at: datetime
    duration_ms: float

    def to_dict(self) -> dict[str, Any]:
        """The entry as JSON-ready data."""
        data = dataclasses.asdict(self)
        data["at"] = self.at.isoformat()
        data["duration_ms"] = round(self.duration_ms, 3)
        return data


class RequestLog:
    """The most recent ``limit`` requests, oldest first."""

    def __init__(self, limit: int = 10_000) -> None:
        self._entries: collections.deque[LoggedRequest] = collections.deque(maxlen=limit)

    def add(self, entry: LoggedRequest) -> None:
        self._entries.append(entry)

    def entries(self) -> list[LoggedRequest]:
        return list(self._entries)

    def clear(self) -> None:
        self._entries.clear()
