"""OpenTelemetry's SDK with an in-memory span exporter and metric reader, given to the client
explicitly (never set globally: other tests must not inherit a provider), and a real aiohttp
server playing a script of replies, on a fake clock (retry pauses and poll pacing are instant).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from ardent_async import ArdentClient
from ardent_async._core._retry import RetryPolicy
from ardent_async._core._transport import AiohttpTransport
from tests.fakes import FakeClock
from tests.spine.scripted import AiohttpBackend
from tests.threaded_emulator import EmulatorThread

TOKEN = "sk-ard_test_TelemetryS3cretToken"
BRANCH_PASSWORD = "Br4nchPassw0rdXYZ"


class Otel:
    """A tracer provider and a meter provider that keep what they record in memory."""

    def __init__(self) -> None:
        self.exporter = InMemorySpanExporter()
        self.tracer_provider = TracerProvider()
        self.tracer_provider.add_span_processor(SimpleSpanProcessor(self.exporter))
        self.reader = InMemoryMetricReader()
        self.meter_provider = MeterProvider(metric_readers=[self.reader])

    def spans(self) -> list[ReadableSpan]:
        return list(self.exporter.get_finished_spans())

    def metrics(self) -> dict[str, list[Any]]:
        """Data points by metric name."""
        data = self.reader.get_metrics_data()
        points: dict[str, list[Any]] = {}
        if data is None:
            return points
        for resource in data.resource_metrics:
            for scope in resource.scope_metrics:
                for metric in scope.metrics:
                    points.setdefault(metric.name, []).extend(metric.data.data_points)
        return points

    def shutdown(self) -> None:
        self.tracer_provider.shutdown()
        self.meter_provider.shutdown()


@pytest.fixture
def otel() -> Iterator[Otel]:
    recorder = Otel()
    yield recorder
    recorder.shutdown()


@pytest.fixture(scope="module")
def served() -> Iterator[EmulatorThread]:
    """The emulator, serving from its own thread (for the CLI and the blocking client)."""
    server = EmulatorThread()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def server() -> AsyncIterator[AiohttpBackend]:
    async with AiohttpBackend() as backend:
        yield backend


@pytest.fixture
async def make_client(
    server: AiohttpBackend, otel: Otel
) -> AsyncIterator[Callable[..., ArdentClient]]:
    made: list[ArdentClient] = []

    def make(**kwargs: Any) -> ArdentClient:
        options: dict[str, Any] = {
            "token": TOKEN,
            "base_url": server.base_url,
            "transport": AiohttpTransport(),
            "clock": FakeClock(),
            "timeout": 5.0,
            "retry_policy": RetryPolicy(max_retries=2),
            "tracer_provider": otel.tracer_provider,
            "meter_provider": otel.meter_provider,
        }
        options.update(kwargs)
        client = ArdentClient(**options)
        made.append(client)
        return client

    yield make
    for client in made:
        await client.close()


def operation(op_id: str, status: str, name: str = "feature-x", **extra: Any) -> dict[str, Any]:
    """An operation reply; a completed one carries the branch, password in its URLs."""
    result = None
    if status == "completed":
        result = {
            "branch_id": f"br_{name}",
            "name": name,
            "connector_id": "conn_1",
            "service_type": "postgres",
            "status": "ready",
            "branch_url": f"postgresql://app:{BRANCH_PASSWORD}@db.example.test:5432/{name}",
            "pooled_branch_url": f"postgresql://app:{BRANCH_PASSWORD}@pool.example.test/{name}",
        }
    return {
        "id": op_id,
        "org_id": "org_1",
        "type": "branch_create",
        "resource_id": f"br_{name}",
        "status": status,
        "created_at": "2026-01-02T03:04:05Z",
        "updated_at": "2026-01-02T03:04:06Z",
        "result": result,
        **extra,
    }


def handle(op_id: str, name: str = "feature-x") -> dict[str, Any]:
    return {
        "operation_id": op_id,
        "resource_id": f"br_{name}",
        "status": "pending",
        "type": "branch_create",
    }


def secrets_in(spans: list[ReadableSpan]) -> list[tuple[str, str]]:
    """(span, attribute) pairs whose value holds the token or a branch password."""
    found = []
    for span in spans:
        for key, value in (span.attributes or {}).items():
            text = str(value)
            if TOKEN in text or BRANCH_PASSWORD in text or TOKEN.split("_")[-1] in text:
                found.append((span.name, key))
        for event in span.events:
            for key, value in (event.attributes or {}).items():
                if TOKEN in str(value) or BRANCH_PASSWORD in str(value):
                    found.append((span.name, f"event {event.name}: {key}"))
    return found
