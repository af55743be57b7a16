"""What a tool's handler gets besides its arguments: the client, the settings, and hooks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import attrs

from ardent_async.agents._settings import ToolSettings

if TYPE_CHECKING:
    from ardent_async._client import ArdentClient

__all__ = ["Handler", "Progress", "ToolContext"]

#: ``progress(done, total, message)``: how far a long call got (MCP progress notifications).
Progress = Callable[[float, "float | None", str], Awaitable[None]]


async def _no_progress(done: float, total: float | None, message: str) -> None:
    return None


@attrs.define(frozen=True)
class ToolContext:
    """One tool call's surroundings."""

    client: ArdentClient
    settings: ToolSettings
    progress: Progress = _no_progress


Handler = Callable[[ToolContext, dict[str, Any]], Awaitable[dict[str, Any]]]
