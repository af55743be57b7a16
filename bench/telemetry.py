"""What observability costs: client CPU per request with and without OpenTelemetry.

The same ``projects.get`` measured the way ``bench.overhead`` measures client CPU (one request
of each side in turn, who goes first swapping every turn, the median request per round, the
differences taken round by round), for five sides in one run:

- (a) the SDK as installed without ``opentelemetry-api`` (the import is refused while the
  client is built: what the client decides then is what an install without the extra gets);
- (b) the SDK with the API installed and no SDK configured (global providers unset), the
  default of any application that does not trace: target within 1 µs of (a);
- (c) the SDK with a configured tracer: OpenTelemetry's SDK, a batch span processor and an
  in-memory exporter (two spans per request: the call and its HTTP attempt);
- raw aiohttp, and raw aiohttp with opentelemetry-instrumentation-aiohttp-client on its
  session, the same kind of tracer (one span per request, stable HTTP conventions): what
  tracing costs a plain HTTP client, the comparison for (c).

Over the network the figures carry the server's and the socket's noise; (a) and (b) are also
compared without the network (the overhead bench's canned transport, 50,000 calls a round),
where a fraction of a microsecond shows.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import aiohttp
from opentelemetry.instrumentation._semconv import _StabilityMode
from opentelemetry.instrumentation.aiohttp_client import create_trace_config
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from ardent_async import ArdentClient
from bench._stats import Figure, difference, interleaved
from bench.overhead import TOKEN, _CannedTransport, bench_server

SIDES = (
    "(a) SDK, no opentelemetry-api",
    "(b) SDK, API without SDK",
    "(c) SDK, traced",
    "raw aiohttp",
    "raw aiohttp + aiohttp-client instrumentation",
)


@contextmanager
def _without_opentelemetry() -> Iterator[None]:
    """``import opentelemetry`` fails inside (as when the package is not installed)."""
    names = ("opentelemetry", "ardent_async._core._telemetry._otel")
    saved = {name: sys.modules.get(name) for name in names}
    sys.modules["opentelemetry"] = None  # type: ignore[assignment]
    sys.modules.pop("ardent_async._core._telemetry._otel", None)
    try:
        yield
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


def _traced_provider() -> tuple[TracerProvider, InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider, exporter


async def _cpu_in_turns(
    rounds: int, turns: int, sides: list[Callable[[int], Awaitable[object]]]
) -> list[Figure]:
    """CPU seconds per request of each side: one request of each per turn, the order rotated
    each turn (each side takes each place equally, and never runs twice in a row: a side run
    right after itself finds its connection and caches warm); the round's figure is each
    side's median request."""
    medians: list[list[float]] = [[] for _ in sides]
    count = len(sides)
    for _ in range(rounds):
        samples: list[list[float]] = [[] for _ in sides]
        for turn in range(turns):
            for place in range(count):
                side = (turn + place) % count
                started = time.process_time()
                await sides[side](turn)
                samples[side].append(time.process_time() - started)
        for side, taken in enumerate(samples):
            medians[side].append(statistics.median(taken))
    return [Figure(tuple(m)) for m in medians]


async def _over_the_network(rounds: int, turns: int) -> dict[str, Figure]:
    results: dict[str, Figure] = {}
    sdk_provider, sdk_spans = _traced_provider()
    raw_provider, raw_spans = _traced_provider()
    async with bench_server() as base_url:
        with _without_opentelemetry():
            absent = ArdentClient(token=TOKEN, base_url=base_url)
        dormant = ArdentClient(token=TOKEN, base_url=base_url)
        traced = ArdentClient(token=TOKEN, base_url=base_url, tracer_provider=sdk_provider)
        instrumentation = create_trace_config(
            tracer_provider=raw_provider, sem_conv_opt_in_mode=_StabilityMode.HTTP
        )
        async with (
            absent,
            dormant,
            traced,
            aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100)) as plain,
            aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=100), trace_configs=[instrumentation]
            ) as instrumented,
        ):
            headers = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"}

            def sdk(client: ArdentClient) -> Callable[[int], Awaitable[object]]:
                async def one(i: int) -> object:
                    return await client.projects.get(f"proj_{i}")

                return one

            def raw(session: aiohttp.ClientSession) -> Callable[[int], Awaitable[object]]:
                async def one(i: int) -> object:
                    async with session.get(
                        f"{base_url}/v1/projects/proj_{i}", headers=headers
                    ) as reply:
                        reply.raise_for_status()
                        return await reply.json()

                return one

            # Untraced sides first, on their own: a traced side's batch processor exports in a
            # thread of this process, whose CPU would fall on whichever request runs then.
            quiet = [sdk(absent), sdk(dormant), raw(plain)]
            await _cpu_in_turns(1, 200, quiet)  # warm connections and caches
            untraced = await _cpu_in_turns(rounds, turns, quiet)
            loud = [sdk(absent), sdk(traced), raw(plain), raw(instrumented)]
            await _cpu_in_turns(1, 200, loud)
            traced_figures = await _cpu_in_turns(rounds, turns, loud)
    sdk_provider.shutdown()
    raw_provider.shutdown()
    assert sdk_spans.get_finished_spans(), "the traced client recorded no span"
    assert raw_spans.get_finished_spans(), "the instrumentation recorded no span"
    a, b, plain_fig = (f.scaled(1e6, "µs") for f in untraced)
    prefix = "telemetry client CPU per request"
    results[f"{prefix}, untraced: {SIDES[0]}"] = a
    results[f"{prefix}, untraced: {SIDES[1]}"] = b
    results[f"{prefix}, untraced: {SIDES[3]}"] = plain_fig
    results[f"{prefix}, untraced: (b) − (a)"] = difference(b, a)
    a, c, plain_fig, instrumented_fig = (f.scaled(1e6, "µs") for f in traced_figures)
    for name, figure in zip(
        (SIDES[0], SIDES[2], SIDES[3], SIDES[4]), (a, c, plain_fig, instrumented_fig), strict=True
    ):
        results[f"{prefix}, traced: {name}"] = figure
    sdk_cost = difference(c, a)
    raw_cost = difference(instrumented_fig, plain_fig)
    results[f"{prefix}, traced: tracing cost, SDK (c) − (a)"] = sdk_cost
    results[f"{prefix}, traced: tracing cost, raw aiohttp instrumented − raw"] = raw_cost
    results[f"{prefix}, traced: SDK tracing cost − instrumentation's"] = difference(
        sdk_cost, raw_cost
    )
    return results


async def _without_the_network(calls: int, rounds: int) -> dict[str, Figure]:
    """(a), (b), (c) over the canned transport: the SDK's own CPU per call, no socket."""
    provider, spans = _traced_provider()
    with _without_opentelemetry():
        absent = ArdentClient(token=TOKEN, transport=_CannedTransport())
    dormant = ArdentClient(token=TOKEN, transport=_CannedTransport())
    traced = ArdentClient(token=TOKEN, transport=_CannedTransport(), tracer_provider=provider)

    def run(client: ArdentClient) -> Callable[[], Awaitable[float]]:
        async def measure() -> float:
            started = time.process_time()
            for _ in range(calls):
                await client.projects.get("proj_bench")
            return (time.process_time() - started) / calls

        return measure

    async with absent, dormant, traced:
        # (a) and (b) first, on their own (see _over_the_network: the exporting thread).
        await interleaved(1, run(absent), run(dormant))
        a, b = (f.scaled(1e6, "µs") for f in await interleaved(rounds, run(absent), run(dormant)))
        await interleaved(1, run(absent), run(traced))
        a2, c = (f.scaled(1e6, "µs") for f in await interleaved(rounds, run(absent), run(traced)))
    provider.shutdown()
    assert spans.get_finished_spans()
    prefix = "telemetry SDK CPU per call, no network:"
    return {
        f"{prefix} {SIDES[0]}": a,
        f"{prefix} {SIDES[1]}": b,
        f"{prefix} (b) − (a)": difference(b, a),
        f"{prefix} {SIDES[2]}": c,
        f"{prefix} tracing cost (c) − (a)": difference(c, a2),
    }


async def run(rounds: int = 7, turns: int = 1000, calls: int = 20_000) -> dict[str, Figure]:
    results: dict[str, Any] = {}
    results.update(await _without_the_network(calls, rounds))
    results.update(await _over_the_network(rounds, turns))
    return results
