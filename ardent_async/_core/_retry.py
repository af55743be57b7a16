"""When to retry and how long to wait: exponential backoff with full jitter, Retry-After."""

from __future__ import annotations

import random
from email.utils import parsedate_to_datetime

import attrs

from ardent_async._spec.constants import DEFAULT_MAX_RETRIES

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


@attrs.define(frozen=True)
class RetryPolicy:
    """Retry settings. ``max_retries`` counts retries after the first attempt."""

    max_retries: int = DEFAULT_MAX_RETRIES
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    statuses: frozenset[int] = RETRYABLE_STATUSES

    def __attrs_post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError("max_retries must be >= 0")

    def backoff(self, retry: int, rng: random.Random) -> float:
        """Full jitter: a uniform draw in [0, min(max_delay, base_delay * 2**retry)]."""
        ceiling = min(self.max_delay, self.base_delay * (2**retry))
        return rng.uniform(0.0, ceiling)

    def delay(self, retry: int, retry_after: str | None, now: float, rng: random.Random) -> float:
        """Seconds to wait before retry number ``retry`` (0-based)."""
        hinted = parse_retry_after(retry_after, now)
        if hinted is not None:
            return min(hinted, self.max_retry_after)
        return self.backoff(retry, rng)


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date; None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        seconds = when.timestamp() - now
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)
