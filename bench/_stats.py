"""Repeated measurement: a figure is the median of >= 5 rounds, with its spread."""

from __future__ import annotations

import statistics
from collections.abc import Awaitable, Callable

import attrs


@attrs.define(frozen=True)
class Figure:
    """Median and spread (min..max) of the rounds of one measurement, in ``unit``."""

    samples: tuple[float, ...]
    unit: str = "s"

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def spread(self) -> tuple[float, float]:
        return min(self.samples), max(self.samples)

    def scaled(self, factor: float, unit: str) -> Figure:
        """The same samples in another unit (``factor`` times each)."""
        return Figure(tuple(x * factor for x in self.samples), unit=unit)

    def show(self, scale: float = 1.0, digits: int = 3) -> str:
        lo, hi = self.spread
        return (
            f"{self.median * scale:.{digits}f} {self.unit} "
            f"({lo * scale:.{digits}f}–{hi * scale:.{digits}f})"
        )


def ratio(a: Figure, b: Figure) -> Figure:
    """Round-by-round ratio a/b (rounds are interleaved, so each pair shares conditions)."""
    return Figure(tuple(x / y for x, y in zip(a.samples, b.samples, strict=True)), unit="×")


def difference(a: Figure, b: Figure) -> Figure:
    """Round-by-round difference a - b (rounds are interleaved, so each pair shares conditions)."""
    return Figure(tuple(x - y for x, y in zip(a.samples, b.samples, strict=True)), unit=a.unit)


async def interleaved(rounds: int, *runs: Callable[[], Awaitable[float]]) -> list[Figure]:
    """Run each measurement once per round, alternating, so drift hits all of them alike."""
    samples: list[list[float]] = [[] for _ in runs]
    for _ in range(rounds):
        for i, run in enumerate(runs):
            samples[i].append(await run())
    return [Figure(tuple(s)) for s in samples]
