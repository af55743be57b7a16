"""Fan-out at real build times: SDK ``create_many`` vs a naive raw-aiohttp script vs the floor.

For each emulator ``--op-duration`` (0.05, 2 and 5 s: how long the server takes to build a
branch) and N names, one API-only emulator process serves, and each side runs once in a fresh
process of its own (so its peak RSS is its own):

- ``sdk``: ``client.branches.create_many(connector, names)`` with the defaults;
- ``naive``: the script a user would write with raw aiohttp: POST every create (16 in flight),
  then long-poll every operation (``?wait=10``, all at once, aiohttp's default 100
  connections);
- ``gathered`` (N = 1,000, 5 s only): ``asyncio.gather`` of N ``create_and_wait`` calls.

The floor is the build time plus the time to send N creates at the rate the naive script
achieved: nothing that waits for the server can beat it. Reported per case: time to all
ready, requests per branch, peak requests in flight (queued for a connection or on one), peak
open TCP connections to the emulator, and the peak RSS growth per pending branch.
``python -m bench.buildtime`` prints the figures.
"""

from __future__ import annotations

import asyncio
import json
import resource
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

import aiohttp

from ardent_async import ArdentClient
from ardent_async._core._transport import AiohttpTransport, Request, Response
from bench._emulator import emulator_process, ready_connector
from bench._stats import Figure

# (op duration, N): the 5,000-name case only at 5 s, to keep the whole run to a few minutes.
CASES = [(0.05, 200), (0.05, 1000), (2.0, 200), (2.0, 1000), (5.0, 200), (5.0, 1000), (5.0, 5000)]
GATHERED = (5.0, 1000)
# Rounds per case (default 1): the N = 1,000 cases get three, interleaved.
ROUNDS = {(0.05, 1000): 3, (2.0, 1000): 3, (5.0, 1000): 3}
SUBMIT_CONCURRENCY = 16


def _rss_kib() -> float:
    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)  # KiB on Linux


class CountingTransport:
    """The default transport, counting requests and the most in flight at once."""

    def __init__(self) -> None:
        self.inner = AiohttpTransport()
        self.requests = 0
        self.in_flight = 0
        self.peak = 0
        self.started = self.last_create = 0.0

    async def send(self, request: Request) -> Response:
        self.requests += 1
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            return await self.inner.send(request)
        finally:
            self.in_flight -= 1
            if request.method == "POST":
                self.last_create = time.perf_counter()

    async def aclose(self) -> None:
        await self.inner.aclose()


async def _sdk(base_url: str, token: str, connector_id: str, names: list[str], mode: str) -> Any:
    transport = CountingTransport()
    async with ArdentClient(token=token, base_url=base_url, transport=transport) as client:
        base = _rss_kib()
        transport.started = time.perf_counter()
        started = time.perf_counter()
        if mode == "gathered":
            await asyncio.gather(
                *(client.branches.create_and_wait(connector_id, name) for name in names)
            )
        else:
            outcomes = await client.branches.create_many(connector_id, names)
            assert all(o.ok for o in outcomes), [o.error for o in outcomes if not o.ok][:3]
        elapsed = time.perf_counter() - started
    return {
        "elapsed": elapsed,
        "submitted": transport.last_create - transport.started,
        "requests": transport.requests,
        "peak": transport.peak,
        "rss_growth": _rss_kib() - base,
    }


async def _naive(base_url: str, token: str, connector_id: str, names: list[str]) -> Any:
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    requests = in_flight = peak = 0

    async def send(method: str, url: str, **kwargs: Any) -> Any:
        nonlocal requests, in_flight, peak
        requests += 1
        in_flight += 1
        peak = max(peak, in_flight)
        try:
            async with session.request(method, url, **kwargs) as reply:
                reply.raise_for_status()
                return await reply.json()
        finally:
            in_flight -= 1

    gate = asyncio.Semaphore(SUBMIT_CONCURRENCY)

    async def create(name: str) -> str:
        body = {"connector_id": connector_id, "name": name, "service_type": "postgres"}
        key = {"X-Idempotency-Key": str(uuid.uuid4()), **headers}
        async with gate:
            handle = await send("POST", f"{base_url}/v1/branch/create", json=body, headers=key)
        return str(handle["operation_id"])

    async def wait(op_id: str) -> None:
        while True:
            op = await send("GET", f"{base_url}/v1/operations/{op_id}?wait=10", headers=headers)
            if op["status"] == "completed":
                return
            if op["status"] == "failed":
                raise RuntimeError(op["error"])

    async with aiohttp.ClientSession() as session:
        base = _rss_kib()
        started = time.perf_counter()
        op_ids = await asyncio.gather(*(create(name) for name in names))
        submitted = time.perf_counter() - started
        await asyncio.gather(*(wait(op_id) for op_id in op_ids))
        elapsed = time.perf_counter() - started
    return {
        "elapsed": elapsed,
        "submitted": submitted,
        "requests": requests,
        "peak": peak,
        "rss_growth": _rss_kib() - base,
    }


def _open_connections(port: int) -> int:
    """TCP connections established to ``port`` on this machine (Linux: /proc/net/tcp*)."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table, encoding="ascii") as rows:
                next(rows)
                for row in rows:
                    fields = row.split()
                    if fields[3] == "01" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                        count += 1
        except OSError:
            continue
    return count


async def _side(
    side: str, base_url: str, token: str, connector_id: str, names: list[str]
) -> dict[str, float]:
    """Run one side in a fresh process; its figures as a dict (with peak open connections,
    sampled every 20 ms from the kernel's table)."""
    port = int(base_url.rsplit(":", 1)[1].split("/")[0])
    peak = 0
    stop = asyncio.Event()

    async def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _open_connections(port))
            await asyncio.sleep(0.02)

    sampler = asyncio.ensure_future(sample())
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.buildtime",
        "--side",
        side,
        base_url,
        token,
        connector_id,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    out, _ = await proc.communicate(json.dumps(names).encode())
    stop.set()
    await sampler
    assert proc.returncode == 0, f"{side} failed"
    result: dict[str, float] = json.loads(out.decode().splitlines()[-1])
    result["connections"] = peak
    return result


async def run() -> dict[str, Figure]:
    results: dict[str, Figure] = {}
    batch = iter(range(10**6))

    def names(count: int) -> list[str]:
        prefix = next(batch)  # fresh names per run: each run really creates
        return [f"r{prefix}-{i}" for i in range(count)]

    for duration in sorted({d for d, _ in CASES}):
        async with emulator_process("--postgres", "none", "--op-duration", f"{duration:g}") as emu:
            async with ArdentClient(token=emu.token, base_url=emu.base_url) as client:
                connector_id = (await ready_connector(client, emu.org_id)).id
            await asyncio.sleep(0.5)  # let the setup's connections close

            for case_duration, count in CASES:
                if case_duration != duration:
                    continue
                label = f"build {duration:g} s, N={count:,}"
                sides = ["naive", "sdk", *(["gathered"] if (duration, count) == GATHERED else [])]
                rounds: dict[str, list[dict[str, float]]] = {side: [] for side in sides}
                for _ in range(ROUNDS.get((duration, count), 1)):
                    for side in sides:  # interleaved, round by round
                        rounds[side].append(
                            await _side(side, emu.base_url, emu.token, connector_id, names(count))
                        )
                # The floor of each round: the build time + the fastest submit seen in it.
                floors = [
                    duration + min(n["submitted"], s["submitted"])
                    for n, s in zip(rounds["naive"], rounds["sdk"], strict=True)
                ]
                _report(results, f"{label}: SDK create_many", rounds["sdk"], count)
                _report(results, f"{label}: naive raw aiohttp", rounds["naive"], count)
                results[f"{label}: floor (build + N / submit rate)"] = Figure(tuple(floors))
                results[f"{label}: ratio SDK/naive"] = _ratio(rounds["sdk"], rounds["naive"])
                results[f"{label}: ratio SDK/floor"] = Figure(
                    tuple(s["elapsed"] / f for s, f in zip(rounds["sdk"], floors, strict=True)),
                    unit="×",
                )
                if "gathered" in rounds:
                    _report(
                        results, f"{label}: gathered create_and_wait", rounds["gathered"], count
                    )
                    results[f"{label}: ratio gathered/create_many"] = _ratio(
                        rounds["gathered"], rounds["sdk"]
                    )
    return results


def _report(
    results: dict[str, Figure], label: str, runs: list[dict[str, float]], count: int
) -> None:
    def figure(unit: str, value: Callable[[dict[str, float]], float]) -> Figure:
        return Figure(tuple(value(run) for run in runs), unit=unit)

    results[f"{label}: time to all ready"] = figure("s", lambda r: r["elapsed"])
    results[f"{label}: requests per branch"] = figure("req", lambda r: r["requests"] / count)
    results[f"{label}: peak requests in flight"] = figure("req", lambda r: r["peak"])
    results[f"{label}: peak open connections"] = figure("conn", lambda r: r["connections"])
    results[f"{label}: peak RSS growth per branch"] = figure(
        "KiB", lambda r: r["rss_growth"] / count
    )


def _ratio(a: list[dict[str, float]], b: list[dict[str, float]]) -> Figure:
    return Figure(tuple(x["elapsed"] / y["elapsed"] for x, y in zip(a, b, strict=True)), unit="×")


def _child(side: str, base_url: str, token: str, connector_id: str) -> None:
    names = json.loads(sys.stdin.read())
    if side == "naive":
        result = asyncio.run(_naive(base_url, token, connector_id, names))
    else:
        result = asyncio.run(_sdk(base_url, token, connector_id, names, side))
    print(json.dumps(result))


def main() -> None:
    if sys.argv[1:2] == ["--side"]:
        _child(*sys.argv[2:6])
        return
    for label, figure in asyncio.run(run()).items():
        print(f"{label}: {figure.show()}")


if __name__ == "__main__":
    main()
