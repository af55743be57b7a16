"""Import cost: ``python -X importtime -c "import X"``, medians over fresh processes."""

from __future__ import annotations

import subprocess
import sys

from bench._stats import Figure, ratio


def _cumulative_us(module: str) -> float:
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    # "import time: self [us] | cumulative | imported package": the top-level line is last.
    total = 0.0
    for line in out.splitlines():
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[2] == module:
            total = float(parts[1])
    return total / 1e6


def run(rounds: int = 9) -> dict[str, Figure]:
    modules = ["ardent_async", "openai", "aiohttp"]
    samples: dict[str, list[float]] = {m: [] for m in modules}
    for _ in range(rounds):
        for module in modules:
            samples[module].append(_cumulative_us(module))
    figures = {m: Figure(tuple(s)) for m, s in samples.items()}
    results = {f"import {m}": f for m, f in figures.items()}
    results["import ratio ardent_async/openai"] = ratio(figures["ardent_async"], figures["openai"])
    return results
