"""HTTP transports. ``AiohttpTransport`` is the default; ``HttpxTransport`` needs the extra."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ardent_async._core._transport._aiohttp import AiohttpTransport
from ardent_async._core._transport._base import Request, Response, Transport

if TYPE_CHECKING:
    from ardent_async._core._transport._httpx import HttpxTransport

__all__ = ["AiohttpTransport", "HttpxTransport", "Request", "Response", "Transport"]


def __getattr__(name: str) -> Any:
    # httpx is optional: import it only when asked for.
    if name == "HttpxTransport":
        from ardent_async._core._transport._httpx import HttpxTransport

        return HttpxTransport
    raise AttributeError(name)
