"""The global providers: nothing recorded (and no ``traceparent``) until the application sets
one, then recorded at once, also by a client built before. In a child process: a global
provider, once set, stays set for the whole process."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

CHILD = textwrap.dedent(
    """
    import asyncio, json
    from opentelemetry import metrics, trace
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    from ardent_async import ArdentClient
    from ardent_async._core._transport import Response
    {prelude}

    BODY = b'{"id": "proj_1", "org_id": "org_1", "name": "p", "created_at": "2026-01-01T00:00:00Z"}'

    class Recording:
        def __init__(self):
            self.headers = []
        async def send(self, request):
            self.headers.append({k.lower() for k in request.headers})
            return Response(200, {"content-type": "application/json"}, BODY)
        async def aclose(self):
            pass

    async def main():
        transport = Recording()
        client = ArdentClient(token="sk-ard_test_GlobalToken123", transport=transport)
        await client.projects.get("proj_1")
        exporter = InMemorySpanExporter()
        tracer_provider = TracerProvider()
        tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
        trace.set_tracer_provider(tracer_provider)
        reader = InMemoryMetricReader()
        metrics.set_meter_provider(MeterProvider(metric_readers=[reader]))
        await client.projects.get("proj_1")
        later = ArdentClient(token="sk-ard_test_GlobalToken123", transport=transport)
        await later.projects.get("proj_1")
        names = [
            m.name
            for r in reader.get_metrics_data().resource_metrics
            for s in r.scope_metrics
            for m in s.metrics
        ]
        print(json.dumps({
            "traceparent": ["traceparent" in h for h in transport.headers],
            "spans": sorted(s.name for s in exporter.get_finished_spans()),
            "metrics": sorted(names),
        }))

    asyncio.run(main())
    """
)
# An OpenTelemetry API without the module records the client reads (they are not public): it
# asks get_*_provider() instead, and follows the global providers the same way.
WITHOUT_RECORDS = (
    "import ardent_async._core._telemetry._otel as o; "
    "assert o._RECORDS_READABLE; o._RECORDS_READABLE = False"
)


@pytest.mark.slow
@pytest.mark.parametrize("prelude", ["", WITHOUT_RECORDS], ids=["records", "without-records"])
def test_global_providers_are_followed_from_the_moment_they_are_set(prelude: str) -> None:
    child = CHILD.replace("{prelude}", prelude)
    done = subprocess.run(
        [sys.executable, "-c", child], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["traceparent"] == [False, True, True]
    assert seen["spans"] == [
        "GET /v1/projects/{project_id}",
        "GET /v1/projects/{project_id}",
        "ardent.projects.get",
        "ardent.projects.get",
    ]
    assert "http.client.request.duration" in seen["metrics"]
    assert "ardent.operations.pending" in seen["metrics"]
