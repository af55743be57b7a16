"""Branches for a CI test run: ``pytest -n 4`` with the branch fixtures, on the embedded
emulator (real Postgres), against one branch's create-to-connectable time, side by side.

Per round, interleaved: (a) one branch created and connectable (``SELECT 1``) in-process, the
plugin's own code path; (b) a real ``pytest -n 4`` run of ``bench/ci_sample`` (a fresh run id, so
4 new branches): from the run's session start (the controller's) until all 4 workers hold a
connectable branch (and how much of that is xdist starting the workers), and from each worker's
own session start until it holds its branch; and how
the 4 builds overlap in time (the length of the instant all 4 are building at once, > 0 when
they overlap). Run with the emulator's default operation time and with 5 s operations (a build
as slow as a real one), where the 4 builds must overlap: total ≤ 1.3 × 5 s.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ardent_async.emulator._ci_emulator import SharedEmulator
from bench._stats import Figure, ratio

SAMPLE = Path(__file__).parent / "ci_sample"
WORKERS = 4
PLUGINS = ("xdist.plugin", "pytest_asyncio.plugin", "ardent_async.emulator.pytest_plugin")


def one_branch(emulator: SharedEmulator, name: str) -> float:
    """Seconds from create to connectable for one new branch."""
    assert emulator.emulator is not None

    async def create() -> float:
        assert emulator.emulator is not None
        async with emulator.emulator.client(timeout=120) as client:
            started = time.perf_counter()
            await client.branches.create_or_reuse(
                emulator.connector_id, name, timeout=120, until="connectable"
            )
            return time.perf_counter() - started

    return asyncio.run(create())


def pytest_run(emulator: SharedEmulator, run_id: str) -> dict[str, float]:
    """``pytest -n 4`` on the sample: its timings, from the run's manifest."""
    assert emulator.emulator is not None
    with tempfile.TemporaryDirectory() as folder:
        manifest = Path(folder) / "manifest.json"
        command = [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", str(WORKERS),
            "--ardent-run-id", run_id, "--ardent-manifest", str(manifest),
        ]  # fmt: skip
        for plugin in PLUGINS:
            command += ["-p", plugin]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ARDENT_", "PYTEST_"))}
        env.update(
            PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",
            ARDENT_API_URL=emulator.emulator.base_url,
            ARDENT_TOKEN=emulator.emulator.token,
            ARDENT_CONNECTOR_ID=emulator.connector_id,
        )
        done = subprocess.run(
            command, cwd=SAMPLE, env=env, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"the sample run failed:\n{done.stdout}\n{done.stderr}")
        data = json.loads(manifest.read_text(encoding="utf-8"))
    builds = [b for b in data["branches"] if b["kind"] == "worker"]
    assert len(builds) == WORKERS, builds
    assert all(b["created"] for b in builds), builds
    held = max(b["connectable_at"] for b in builds)
    return {
        "session": held - data["session_started_at"],
        "spawn": max(b["session_started_at"] for b in builds) - data["session_started_at"],
        "worker": max(b["connectable_at"] - b["session_started_at"] for b in builds),
        "overlap": min(b["connectable_at"] for b in builds)
        - max(b["build_started_at"] for b in builds),
        "span": held - min(b["build_started_at"] for b in builds),
    }


def measure(label: str, op_duration: float | None, rounds: int) -> dict[str, Figure]:
    emulator = SharedEmulator(seed=None, connector_name="bench-ci", op_duration=op_duration)
    emulator.start()
    samples: dict[str, list[float]] = {}
    try:
        for round_ in range(rounds):
            samples.setdefault("one", []).append(one_branch(emulator, f"one-{round_}"))
            for key, value in pytest_run(emulator, f"bench{round_}").items():
                samples.setdefault(key, []).append(value)
    finally:
        emulator.stop()
    figures = {key: Figure(tuple(values)) for key, values in samples.items()}
    prefix = f"CI branches ({label})"
    results = {
        f"{prefix}: one branch create→connectable": figures["one"],
        f"{prefix}: pytest -n 4 session start→4 workers hold connectable branches": figures[
            "session"
        ],
        f"{prefix}: ratio session start→4 held / one branch": ratio(
            figures["session"], figures["one"]
        ),
        f"{prefix}: xdist alone: session start→last worker's session start": figures["spawn"],
        f"{prefix}: slowest worker's own session start→its branch held": figures["worker"],
        f"{prefix}: ratio slowest worker's start→held / one branch": ratio(
            figures["worker"], figures["one"]
        ),
        f"{prefix}: 4 builds, first start→last connectable": figures["span"],
        f"{prefix}: 4 builds, time all 4 were building at once": figures["overlap"],
    }
    if op_duration:
        per_op = Figure(tuple(op_duration for _ in range(rounds)))
        results[f"{prefix}: ratio session start→4 held / {op_duration:g} s build"] = ratio(
            figures["session"], per_op
        )
    return results


def run(rounds: int = 7, op_duration: float | None = None) -> dict[str, Figure]:
    results = measure("emulator's own build time", None, rounds)
    results.update(
        measure("5 s builds, --op-duration 5", 5.0 if op_duration is None else op_duration, rounds)
    )
    return results


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.ci")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--op-duration", type=float, default=5.0)
    args = parser.parse_args()
    for name, figure in run(args.rounds, args.op_duration).items():
        print(f"{name}: {figure.show()}")
