"""Import cost of what a user writes first (``from ardent_async import ArdentClient``; the
package itself imports lazily, so ``import ardent_async`` alone costs almost nothing), medians over
fresh processes, beside openai's and aiohttp's client imports."""

from __future__ import annotations

import subprocess
import sys

from bench._stats import Figure, ratio

STATEMENTS = {
    "ardent_async": "from ardent_async import ArdentClient",
    "openai": "from openai import AsyncOpenAI",
    "aiohttp": "from aiohttp import ClientSession",
}


def _seconds(statement: str) -> float:
    timed = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", timed], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def run(rounds: int = 9) -> dict[str, Figure]:
    samples: dict[str, list[float]] = {m: [] for m in STATEMENTS}
    for _ in range(rounds):
        for module, statement in STATEMENTS.items():
            samples[module].append(_seconds(statement))
    figures = {m: Figure(tuple(s)) for m, s in samples.items()}
    results = {f"import {m}": f for m, f in figures.items()}
    results["import ratio ardent_async/openai"] = ratio(figures["ardent_async"], figures["openai"])
    return results
