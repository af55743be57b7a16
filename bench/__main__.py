"""``python -m bench [section ...]`` (``nox -s bench``): run the benchmarks, print one table and
write it to BENCHMARKS.md. Sections: overhead, fanout, buildtime, decoding, imports, poller,
branches, replication, telemetry, mcp, ci, versus (this tree against an older commit, side by
side: ``python -m bench.versus prepare`` first).

Every comparison runs both sides in the same process run, interleaved round by round, and is
reported as a ratio: absolute times on shared machines drift, ratios much less.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench import (
    branches,
    buildtime,
    ci,
    decoding,
    fanout,
    imports,
    mcp,
    overhead,
    poller,
    replication,
    telemetry,
    versus,
)
from bench._stats import Figure

RESULTS = Path(__file__).parent / "results.json"

SECTIONS: dict[str, Callable[[], dict[str, Figure]]] = {
    "overhead": lambda: asyncio.run(overhead.run()),
    "fanout": lambda: asyncio.run(fanout.run()),
    "buildtime": lambda: asyncio.run(buildtime.run()),
    "decoding": decoding.run,
    "imports": imports.run,
    "poller": lambda: asyncio.run(poller.run()),
    "branches": lambda: asyncio.run(branches.run()),
    "replication": lambda: asyncio.run(replication.run()),
    "telemetry": lambda: asyncio.run(telemetry.run()),
    "mcp": lambda: asyncio.run(mcp.run()),
    "ci": ci.run,
    "versus": lambda: asyncio.run(versus.run()),
}

# (substring of a figure's name, predicate on its median, the target as text)
TARGETS: list[tuple[str, Callable[[float], bool], str]] = [
    # This tree against 61babdb, end to end (issue 25: "within noise of today's figures").
    ("1,000 requests: ratio new", lambda m: m <= 1.05, "≤ 1.05"),
    ("3,000 requests: ratio new", lambda m: m <= 1.05, "≤ 1.05"),
    ("(64 in flight): ratio new", lambda m: m <= 1.05, "≤ 1.05"),
    ("overhead sequential: ratio", lambda m: m <= 1.10, "≤ 1.10"),
    ("overhead 64 in flight: ratio", lambda m: m <= 1.10, "≤ 1.10"),
    ("(64 in flight): ratio", lambda m: m <= 1.15, "≤ 1.15"),
    ("ratio SDK/pydantic", lambda m: m <= 1.5, "≤ 1.5"),
    ("import ratio", lambda m: m <= 0.5, "≤ 0.5"),
    ("long-poll path: end→return delay", lambda m: m <= 0.05, "≤ 10 % + 50 ms"),
    ("60 s operation, backoff path: polls", lambda m: m <= 20, "≤ 20"),
    ("build 5 s, N=1,000: ratio SDK/naive", lambda m: m <= 1.10, "≤ 1.10"),
    ("build 5 s, N=1,000: ratio SDK/floor", lambda m: m <= 1.2, "≤ 1.2"),
    ("build 5 s, N=1,000: ratio gathered/create_many", lambda m: m <= 1.2, "≤ 1.2"),
    ("SDK create_many: requests per branch", lambda m: m <= 3, "≤ 3"),
    ("N=5,000: SDK create_many: peak RSS growth per branch", lambda m: m <= 50, "≤ 50 KiB"),
    ("replicated 1 MB source: one branch create, idle", lambda m: m <= 0.06, "≤ 60 ms"),
    ("replicated 100 MB source: one branch create, idle", lambda m: m <= 0.4, "≤ 0.4 s"),
    ("client CPU per request sequential: SDK − raw", lambda m: m <= 15, "≤ 15 µs"),
    ("client CPU per request 64 in flight: SDK − raw", lambda m: m <= 15, "≤ 15 µs"),
    ("client CPU per request: SDK above the HTTP library", lambda m: m <= 15, "≤ 15 µs"),
    ("(b) − (a)", lambda m: m <= 1.0, "≤ 1 µs"),
    ("SDK tracing cost − instrumentation's", lambda m: m <= 0, "≤ 0 µs"),
    ("ratio session start→4 held / one branch", lambda m: m <= 1.3, "≤ 1.3"),
    ("ratio session start→4 held / 5 s build", lambda m: m <= 1.3, "≤ 1.3"),
    ("time all 4 were building at once", lambda m: m > 0, "> 0 (overlap)"),
]


def _target(name: str, figure: Figure) -> tuple[str, str]:
    for needle, ok, text in TARGETS:
        if needle in name:
            return text, ("met" if ok(figure.median) else "MISSED")
    return "", ""


def _cell(figure: Figure) -> tuple[str, str]:
    lo, hi = figure.spread
    if figure.unit == "s":
        return f"{figure.median * 1000:.1f} ms", f"{lo * 1000:.1f}–{hi * 1000:.1f} ms"
    return f"{figure.median:.3f} {figure.unit}", f"{lo:.3f}–{hi:.3f}"


def main(argv: list[str]) -> int:
    chosen = argv or list(SECTIONS)
    unknown = [s for s in chosen if s not in SECTIONS]
    if unknown:
        print(f"unknown section(s): {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
        return 2
    # Rows of every section's latest run, so running some sections keeps the others' figures.
    saved: dict[str, list[list[str]]] = (
        json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    )
    for section in chosen:
        print(f"== {section}", flush=True)
        saved[section] = []
        for name, figure in SECTIONS[section]().items():
            median, spread = _cell(figure)
            target, verdict = _target(name, figure)
            saved[section].append([name, median, spread, target, verdict])
            print(f"{name}: {median} ({spread}) {target} {verdict}", flush=True)
    RESULTS.write_text(json.dumps(saved, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    rows = [row for section in SECTIONS for row in saved.get(section, [])]
    table = [
        "| figure | median | spread (min–max) | target | |",
        "|---|---|---|---|---|",
        *(f"| {' | '.join(row)} |" for row in rows),
    ]
    header = [
        "# Benchmarks",
        "",
        "- command: `python -m bench [section ...]` (`nox -s bench`); each section's rows are "
        f"from its latest run (this one: {', '.join(chosen)})",
        f"- machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}",
        f"- date of this run: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "- each figure: the median of ≥ 5 rounds (one sample for single-shot figures), with "
        "the spread; ratios are computed round by round, both sides interleaved in one run.",
        "",
    ]
    history = (Path(__file__).parent / "history.md").read_text(encoding="utf-8")
    Path("BENCHMARKS.md").write_text("\n".join(header + table) + "\n\n" + history, encoding="utf-8")
    print("\n".join(table))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
