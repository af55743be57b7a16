"""This tree against an older commit, side by side in one run (section ``versus``).

The same scenarios as ``overhead`` and ``fanout`` run in two worker processes, one importing
this tree's ``ardent_async`` and one an older commit's (its own worktree and virtualenv), against
one bench server and one API-only emulator. The coordinator asks the two sides in turns, round
by round, who goes first swapping each round, so a burst of load on a shared machine falls on
both alike; each figure is reported for both sides and as the round-by-round ratio new/old.
A third side runs this tree as if ``opentelemetry-api`` were not installed (what telemetry
costs a client that never records). With valgrind on PATH, each side's instructions per call
(no network) are counted too: a figure the machine's load does not move.

The baseline: ``python -m bench.versus prepare [COMMIT] [DIR]`` makes a detached worktree of
COMMIT (default ``61babdb``, the code before the pipeline steps, endpoint rows and telemetry)
at DIR (default ``../old61`` beside this tree) with its own ``.venv``. The section runs when
``ARDENT_BENCH_BASELINE`` names that directory (or the default one exists) and is skipped,
saying so, otherwise.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

from ardent_async import ArdentClient
from bench._emulator import emulator_process, ready_connector
from bench._stats import Figure, difference, ratio
from bench.overhead import bench_server

BASELINE_COMMIT = "61babdb"
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BASELINE = ROOT.parent / "old61"
WORKER = Path(__file__).resolve().parent / "_versus_worker.py"


def baseline_dir() -> Path | None:
    chosen = os.environ.get("ARDENT_BENCH_BASELINE")
    path = Path(chosen) if chosen else DEFAULT_BASELINE
    return path if (path / ".venv" / "bin" / "python").exists() else None


class Side:
    """A worker process (``_versus_worker.py``) under one environment's Python."""

    def __init__(self, label: str, proc: asyncio.subprocess.Process) -> None:
        self.label = label
        self._proc = proc

    async def ask(self, do: str, **arguments: Any) -> Any:
        assert self._proc.stdin is not None
        assert self._proc.stdout is not None
        self._proc.stdin.write((json.dumps({"do": do, **arguments}) + "\n").encode())
        await self._proc.stdin.drain()
        line = await self._proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the {self.label} worker ended (see its stderr above)")
        return json.loads(line)["answer"]


@asynccontextmanager
async def side(label: str, python: Path, *flags: str) -> AsyncIterator[Side]:
    proc = await asyncio.create_subprocess_exec(
        str(python),
        "-I",  # its own ardent_async: neither bench/ nor PYTHONPATH on sys.path
        str(WORKER),
        *flags,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        await asyncio.wait_for(proc.stdout.readline(), 60)  # {"ready": true}
        yield Side(label, proc)
    finally:
        if proc.returncode is None:
            assert proc.stdin is not None
            proc.stdin.write(b'{"do": "quit"}\n')
            try:
                await asyncio.wait_for(proc.wait(), 10)
            except TimeoutError:
                proc.terminate()
                await proc.wait()


async def _turns(rounds: int, sides: list[Side], do: str, **arguments: Any) -> list[list[Any]]:
    """``rounds`` answers of each side to the same command, asked in turns; the order rotates
    each round (each side takes each place, none runs twice in a row)."""
    answers: list[list[Any]] = [[] for _ in sides]
    for turn in range(rounds):
        for step in range(len(sides)):
            index = (turn + step) % len(sides)
            answers[index].append(await sides[index].ask(do, **arguments))
    return answers


def _compare(
    results: dict[str, Figure], label: str, sides: list[Side], figures: list[Figure]
) -> None:
    """Each side's figure, and each newer side's round-by-round ratio over the baseline (last)."""
    for one, figure in zip(sides, figures, strict=True):
        results[f"{label}: {one.label}"] = figure
    for one, figure in zip(sides[:-1], figures[:-1], strict=True):
        results[f"{label}: ratio {one.label}/old"] = ratio(figure, figures[-1])


async def _connected_sides(
    stack: AsyncExitStack, baseline: Path, server: str, api: str, token: str, connector: str
) -> list[Side]:
    this = Path(sys.executable)
    sides = [
        await stack.enter_async_context(side("new", this)),
        await stack.enter_async_context(side("new without otel", this, "--without-opentelemetry")),
        await stack.enter_async_context(side("old", baseline / ".venv" / "bin" / "python")),
    ]
    for one in sides:
        await one.ask("connect", server=server, api=api, token=token, connector=connector)
    return sides


async def run(rounds: int = 11) -> dict[str, Figure]:
    baseline = baseline_dir()
    if baseline is None:
        print(
            f"versus: skipped, no baseline (python -m bench.versus prepare {BASELINE_COMMIT} "
            f"{DEFAULT_BASELINE}, or ARDENT_BENCH_BASELINE=DIR)",
            flush=True,
        )
        return {}
    results: dict[str, Figure] = {}
    async with AsyncExitStack() as stack:
        server = await stack.enter_async_context(bench_server())
        emu = await stack.enter_async_context(emulator_process("--op-duration", "0"))
        async with ArdentClient(token=emu.token, base_url=emu.base_url) as client:
            connector = (await ready_connector(client, emu.org_id)).id
        sides = await _connected_sides(stack, baseline, server, emu.base_url, emu.token, connector)

        canned = await _turns(rounds * 2, sides, "canned", calls=20_000)
        figures = [Figure(tuple(a)).scaled(1e6, "µs") for a in canned]
        _compare(results, "SDK CPU per call, no network", sides, figures)

        cpu = await _turns(rounds, sides, "cpu", pairs=1000)
        overheads = [
            difference(Figure(tuple(s for s, _ in a)), Figure(tuple(r for _, r in a))) for a in cpu
        ]
        label = "client CPU per request sequential, SDK − raw aiohttp"
        for one, figure in zip(sides, overheads, strict=True):
            results[f"{label}: {one.label}"] = figure.scaled(1e6, "µs")
        for one, figure in zip(sides[:-1], overheads[:-1], strict=True):
            results[f"{label}: {one.label} − old"] = difference(figure, overheads[-1]).scaled(
                1e6, "µs"
            )

        for name, requests, in_flight in (("sequential", 1000, 1), ("64 in flight", 3000, 64)):
            wall = await _turns(rounds, sides, "wall", requests=requests, in_flight=in_flight)
            figures = [Figure(tuple(a)) for a in wall]
            _compare(results, f"overhead {name}, {requests:,} requests", sides, figures)

        # The noisiest figure (a fan-out's wall time swings ±25 % round to round on a shared
        # machine) and among the cheapest (under a second a round): three times the rounds.
        fan = await _turns(rounds * 3, sides, "fanout", count=1000, concurrency=64)
        figures = [Figure(tuple(a)) for a in fan]
        _compare(results, "fan-out 1,000 creates+waits (64 in flight)", sides, figures)
    if shutil.which("valgrind"):
        results.update(await instructions_per_call(baseline))
    else:
        print("versus: no valgrind on PATH, instructions per call not counted", flush=True)
    return {f"side by side with {BASELINE_COMMIT}, {k}": v for k, v in results.items()}


async def _instructions(python: Path, flags: tuple[str, ...], calls: int) -> int:
    """Instructions (valgrind's count) of a run of the worker making ``calls`` canned calls."""
    proc = await asyncio.create_subprocess_exec(
        "valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
        str(python), "-s", "-P", str(WORKER), *flags, "--calls", str(calls),
        stderr=subprocess.PIPE,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONHASHSEED": "0"},
    )  # fmt: skip
    _, err = await proc.communicate()
    for line in err.decode().splitlines():
        if "I   refs:" in line or "I refs:" in line:
            return int(line.rsplit(":", 1)[1].replace(",", ""))
    raise RuntimeError(f"no instruction count from valgrind: {err.decode()[-500:]}")


async def instructions_per_call(baseline: Path) -> dict[str, Figure]:
    """Instructions per ``projects.get`` over the canned transport, each side: the difference
    of a run of 6,000 calls and one of 1,000, over 5,000 (start-up cancels out). A count, not a
    time: the machine's load does not move it (one sample each; hash seed fixed)."""
    sides = [
        ("new", Path(sys.executable), ()),
        ("new without otel", Path(sys.executable), ("--without-opentelemetry",)),
        ("old", baseline / ".venv" / "bin" / "python", ()),
    ]
    counts: dict[str, float] = {}
    for label, python, flags in sides:
        short, long = await asyncio.gather(
            _instructions(python, flags, 1000), _instructions(python, flags, 6000)
        )
        counts[label] = (long - short) / 5000
    results: dict[str, Figure] = {}
    label = "SDK instructions per call, no network (valgrind)"
    for name, count in counts.items():
        results[f"{label}: {name}"] = Figure((count,), unit="instructions")
    for name in ("new", "new without otel"):
        results[f"{label}: ratio {name}/old"] = Figure((counts[name] / counts["old"],), unit="×")
    return results


def prepare(commit: str, directory: Path) -> None:
    """A detached worktree of ``commit`` at ``directory`` with its own .venv (aiohttp as here)."""
    if not directory.exists():
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(directory), commit],
            check=True,
        )
    python = directory / ".venv" / "bin" / "python"
    if not python.exists():
        venv = str(python.parent.parent)
        subprocess.run(["uv", "venv", "-q", "--python", "3.11", venv], check=True)
    import aiohttp

    subprocess.run(
        [
            "uv", "pip", "install", "-q", "--python", str(python),
            "-e", str(directory), f"aiohttp=={aiohttp.__version__}",
        ],
        check=True,
    )  # fmt: skip


def main(argv: list[str]) -> int:
    if argv[:1] == ["prepare"]:
        commit = argv[1] if len(argv) > 1 else BASELINE_COMMIT
        prepare(commit, Path(argv[2]) if len(argv) > 2 else DEFAULT_BASELINE)
        return 0
    for label, figure in asyncio.run(run()).items():
        print(f"{label}: {figure.show()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
