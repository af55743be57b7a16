"""Per-call request options: the keywords every service method passes through to the pipeline.

``await client.projects.get(pid, timeout=5, max_retries=0, extra_headers={...})`` - the services
declare ``**options: Unpack[RequestOptions]`` and hand them over untouched; the pipeline checks
and applies them (:func:`resolve`), so there is one place that knows what they mean.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs
from typing_extensions import TypedDict

from ardent_async.errors import ArdentValidationError, validation_error

__all__ = ["RequestOptions", "ResolvedOptions", "check_headers", "check_max_retries", "resolve"]


class RequestOptions(TypedDict, total=False):
    """Options of one call; each overrides the client's setting for this call only.

    ``timeout``: seconds each HTTP request (each attempt) may take, None for no limit.
    ``max_retries``: retries after the first attempt. ``extra_headers``: sent with the request
    (they never replace the authentication headers).
    """

    timeout: float | None
    max_retries: int
    extra_headers: Mapping[str, str]


_KNOWN = frozenset(RequestOptions.__annotations__)
_UNSET = object()


@attrs.define(frozen=True, slots=True)
class ResolvedOptions:
    """Checked options. ``has_timeout`` tells a given ``timeout=None`` (no limit) from none."""

    has_timeout: bool
    timeout: float | None
    max_retries: int | None
    extra_headers: Mapping[str, str] | None


def resolve(options: Mapping[str, object]) -> ResolvedOptions:
    """Check per-call options (a typo is refused here: at runtime ``**options`` takes anything)."""
    unknown = sorted(set(options) - _KNOWN)
    if unknown:
        known = ", ".join(sorted(_KNOWN))
        raise ArdentValidationError(
            f"{unknown[0]}: unexpected keyword argument (request options: {known})",
            field=unknown[0],
        )
    timeout = options.get("timeout", _UNSET)
    retries = options.get("max_retries")
    headers = options.get("extra_headers")
    return ResolvedOptions(
        has_timeout=timeout is not _UNSET,
        timeout=None if timeout is _UNSET else check_timeout(timeout),
        max_retries=None if retries is None else check_max_retries(retries),
        extra_headers=None if headers is None else check_headers(headers),
    )


def check_timeout(value: object, name: str = "timeout") -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise validation_error(name, "a positive number of seconds or None", value)
    return float(value)


def check_max_retries(value: object, name: str = "max_retries") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise validation_error(name, "an integer >= 0", value)
    return value


def check_headers(value: object, name: str = "extra_headers") -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise validation_error(name, "a mapping of header names to strings", value)
    checked: dict[str, str] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not key or not key.isascii() or not key.isprintable():
            raise validation_error(f"{name} keys", "header names (printable ASCII)", key)
        if not isinstance(item, str) or "\r" in item or "\n" in item:
            # The value is never shown: a header may carry a credential.
            raise ArdentValidationError(
                f"{name}[{key!r}]: expected a string without line breaks, got "
                f"{type(item).__name__}",
                field=f"{name}[{key!r}]",
            )
        checked[key] = item
    return checked
