"""RetryPolicy's backoff: full jitter under a ceiling that doubles and stops at ``max_delay``.

The random draw is pinned (a ``random.Random`` whose every draw is one fixed fraction), so
each delay is exact: ``fraction * min(max_delay, base_delay * 2**retry)``.
"""

from __future__ import annotations

import random

import pytest

from ardent_async import RetryPolicy


class FixedDraw(random.Random):
    """Every draw in [0, 1) is ``fraction`` (``uniform``, ``random`` and friends)."""

    def __init__(self, fraction: float) -> None:
        super().__init__(0)
        self.fraction = fraction

    def random(self) -> float:
        return self.fraction


POLICY = RetryPolicy(base_delay=0.5, max_delay=8.0)


@pytest.mark.parametrize(
    ("retry", "ceiling"),
    [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 8.0), (10, 8.0), (60, 8.0)],
)
def test_the_ceiling_doubles_and_stops_at_max_delay(retry: int, ceiling: float) -> None:
    assert POLICY.backoff(retry, FixedDraw(0.999)) == pytest.approx(0.999 * ceiling)
    assert POLICY.backoff(retry, random.Random(retry)) <= POLICY.max_delay


@pytest.mark.parametrize("fraction", [0.0, 0.25, 0.5])
def test_the_delay_is_a_draw_under_the_ceiling_not_the_ceiling(fraction: float) -> None:
    """Clients that all back off by exactly the ceiling retry in lockstep (no jitter)."""
    delays = [POLICY.backoff(retry, FixedDraw(fraction)) for retry in range(6)]
    assert delays == pytest.approx([fraction * c for c in (0.5, 1.0, 2.0, 4.0, 8.0, 8.0)])


def test_seeded_draws_spread_over_the_whole_range() -> None:
    rng = random.Random(25)
    delays = [POLICY.backoff(10, rng) for _ in range(200)]
    assert min(delays) < 1.0
    assert max(delays) > 7.0
    assert all(0.0 <= d <= 8.0 for d in delays)
    assert len(set(delays)) == len(delays)
