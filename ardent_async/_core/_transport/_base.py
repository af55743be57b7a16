"""The transport seam: one async method, ``send(request) -> response``, over plain objects.

Everything above it (auth, retries, errors, decoding) is transport-agnostic. A transport turns
its library's failures into :class:`ArdentConnectionError` / :class:`ArdentTimeoutError` and
never retries by itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol, runtime_checkable

import attrs

from ardent_async._core._redact import redact_headers

DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024


# Not frozen: a frozen attrs __init__ costs three times as much, on every request and reply.
@attrs.define(slots=True)
class Request:
    """One HTTP request, fully built: absolute URL, final headers, encoded body.

    ``headers`` given as a read-only ``types.MappingProxyType`` are fixed: the mapping
    behind it never changes, so a transport may convert it once and reuse the result (the
    pipeline sends one such mapping with every plain request of a client).
    """

    method: str
    url: str
    headers: Mapping[str, str] = attrs.field(repr=lambda h: repr(redact_headers(h)))
    content: bytes | None = attrs.field(default=None, repr=False)
    timeout: float | None = None


@attrs.define(slots=True)
class Response:
    """One HTTP response, fully read. ``headers`` is case-insensitive (the library's own)."""

    status_code: int
    headers: Mapping[str, str]
    content: bytes = attrs.field(repr=lambda c: f"<{len(c)} bytes>")


@runtime_checkable
class Transport(Protocol):
    """What the request pipeline needs from an HTTP library."""

    async def send(self, request: Request) -> Response:
        """Send ``request`` and return the whole response, or raise a connection/timeout error."""
        ...

    async def aclose(self) -> None:
        """Release connections. Idempotent."""
        ...
