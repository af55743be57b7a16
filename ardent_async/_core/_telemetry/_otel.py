"""OpenTelemetry through its API (the optional extra ``otel``); imported only to build a client.

Importing this module fails with ImportError when ``opentelemetry-api`` is not installed: the
client then has no OpenTelemetry objects at all.

Global providers: OpenTelemetry asks libraries to use them unless given others. Until the
application sets one, they are proxies that record nothing; this client then creates no span
and records no metric (a check of one module attribute per call), and starts to as soon as the
application sets a provider, even one set after the client was built.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping, MutableMapping
from types import ModuleType
from typing import Protocol

from opentelemetry import context as otel_context
from opentelemetry import metrics, propagate, trace
from opentelemetry.metrics import CallbackOptions, Meter, MeterProvider, Observation
from opentelemetry.metrics import _internal as metrics_state
from opentelemetry.trace import Span, SpanKind, StatusCode, Tracer, TracerProvider

from ardent_async._core._telemetry._attributes import error_name, server_of
from ardent_async._version import __version__

__all__ = ["Instruments", "Otel", "WaiterState"]

SCOPE = "ardent_async"
# Semantic conventions' advice for HTTP client durations (seconds).
_HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10)
# Operations and branch builds take seconds to minutes.
_OPERATION_BUCKETS = (0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800)


class WaiterState(Protocol):
    """What the gauges read from a client's shared waiter."""

    @property
    def pending_count(self) -> int: ...

    @property
    def held_polls(self) -> int: ...


class Instruments:
    """The client's metric instruments: one set per meter provider, shared by its clients
    (an instrument created twice under one name would lose the second one's callbacks)."""

    def __init__(self, meter: Meter) -> None:
        self.waiters: weakref.WeakSet[WaiterState] = weakref.WeakSet()
        self.request_duration = meter.create_histogram(
            "http.client.request.duration",
            unit="s",
            description="Duration of HTTP client requests (each attempt).",
            explicit_bucket_boundaries_advisory=_HTTP_BUCKETS,
        )
        self.operation_duration = meter.create_histogram(
            "ardent.operation.duration",
            unit="s",
            description="From the start of waiting (just after submit) to the terminal state.",
            explicit_bucket_boundaries_advisory=_OPERATION_BUCKETS,
        )
        self.time_to_ready = meter.create_histogram(
            "ardent.branch.time_to_ready",
            unit="s",
            description="From a branch create call to the branch ready.",
            explicit_bucket_boundaries_advisory=_OPERATION_BUCKETS,
        )
        self.retries = meter.create_counter(
            "ardent.retries", unit="{retry}", description="Requests sent again, by reason."
        )
        meter.create_observable_up_down_counter(
            "ardent.operations.pending",
            callbacks=[self._pending],
            unit="{operation}",
            description="Operations the client's shared waiter is waiting for.",
        )
        meter.create_observable_up_down_counter(
            "ardent.polls.held",
            callbacks=[self._held],
            unit="{request}",
            description="Long-polls held open by the server right now.",
        )

    def _pending(self, options: CallbackOptions) -> Iterable[Observation]:
        yield Observation(sum(waiter.pending_count for waiter in list(self.waiters)))

    def _held(self, options: CallbackOptions) -> Iterable[Observation]:
        yield Observation(sum(waiter.held_polls for waiter in list(self.waiters)))


_INSTRUMENTS: MutableMapping[MeterProvider, Instruments] = weakref.WeakKeyDictionary()


def _instruments(provider: MeterProvider) -> Instruments:
    found = _INSTRUMENTS.get(provider)
    if found is None:
        found = _INSTRUMENTS[provider] = Instruments(provider.get_meter(SCOPE, __version__))
    return found


# The API modules' own records of a provider set by the application (None until then), read
# directly: get_*_provider() looks in os.environ on every call (microseconds). They are not
# public: an API release without them is asked through get_*_provider() instead.
_RECORDS_READABLE = hasattr(trace, "_TRACER_PROVIDER") and hasattr(metrics_state, "_METER_PROVIDER")


def _tracer_set() -> bool:
    if _RECORDS_READABLE:
        return trace._TRACER_PROVIDER is not None
    return not isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider)


def _meter_set() -> bool:
    if _RECORDS_READABLE:
        return metrics_state._METER_PROVIDER is not None
    # The API's own providers (its proxy, its no-op) record nothing; a recording one is an SDK's.
    return not type(metrics.get_meter_provider()).__module__.startswith("opentelemetry.metrics")


class Otel:
    """The tracer and instruments of one client: the given providers, else the global ones
    once the application sets them. ``live()`` says whether either records anything."""

    def __init__(
        self,
        tracer_provider: TracerProvider | None,
        meter_provider: MeterProvider | None,
        *,
        propagate_trace: bool,
    ) -> None:
        self.propagate_trace = propagate_trace
        self.tracer: Tracer | None = None
        self.instruments: Instruments | None = None
        self._waiters: list[WaiterState] = []
        # get_*_provider() once: it also loads a provider named in the environment.
        if tracer_provider is None:
            tracer_provider = trace.get_tracer_provider()
        if not isinstance(tracer_provider, trace.ProxyTracerProvider):
            self.tracer = tracer_provider.get_tracer(SCOPE, __version__)
        if meter_provider is None:
            meter_provider = metrics.get_meter_provider()
            if not _meter_set():
                meter_provider = None  # the API's proxy: nothing set yet
        if meter_provider is not None:
            self.instruments = _instruments(meter_provider)

    def global_records(self) -> tuple[ModuleType, ModuleType] | None:
        """The API modules whose ``_TRACER_PROVIDER`` and ``_METER_PROVIDER`` stay None until
        the application sets a global provider, when this client records only through global
        providers and none is set yet (then a call that finds both None records nothing); None
        when it records already, or when those records cannot be read."""
        if self.tracer is None and self.instruments is None and _RECORDS_READABLE:
            return trace, metrics_state
        return None

    def live(self) -> bool:
        """True when spans or metrics are recorded (asked by every public call: while no
        provider is set, two reads of the API modules' own records of one)."""
        if self.tracer is None and _tracer_set():
            self.tracer = trace.get_tracer_provider().get_tracer(SCOPE, __version__)
        if self.instruments is None and _meter_set():
            self.instruments = _instruments(metrics.get_meter_provider())
            for waiter in self._waiters:
                self.instruments.waiters.add(waiter)
        return self.tracer is not None or self.instruments is not None

    def watch_waiter(self, waiter: WaiterState) -> None:
        """Count this waiter's pending operations and held polls in the gauges."""
        self._waiters.append(waiter)
        if self.instruments is not None:
            self.instruments.waiters.add(waiter)

    # -- spans ---------------------------------------------------------------------------------

    def start_call(self, name: str) -> tuple[Span, object]:
        """A span for one public call, made current; end it with :meth:`end_call`."""
        assert self.tracer is not None
        span = self.tracer.start_span(name, kind=SpanKind.INTERNAL)
        token = otel_context.attach(trace.set_span_in_context(span))
        return span, token

    def start_child(self, name: str) -> Span:
        """A span under the current one, not made current (a fan-out's branch)."""
        assert self.tracer is not None
        return self.tracer.start_span(name, kind=SpanKind.INTERNAL)

    @staticmethod
    def activate(span: Span) -> object:
        return otel_context.attach(trace.set_span_in_context(span))

    @staticmethod
    def deactivate(token: object) -> None:
        otel_context.detach(token)  # type: ignore[arg-type]

    @staticmethod
    def end(span: Span, error: BaseException | None) -> None:
        if error is not None:
            span.set_attribute("error.type", error_name(error))
            span.set_status(StatusCode.ERROR, type(error).__name__)
        span.end()

    def start_attempt(
        self, method: str, url: str, attempt: int, template: str | None = None
    ) -> Span:
        """A CLIENT span for one HTTP attempt, with the HTTP client semantic conventions: named
        ``{method} {url.template}`` when the path's template is known, else ``{method}``."""
        assert self.tracer is not None
        host, port = server_of(url)
        attributes: dict[str, str | int] = {
            "http.request.method": method,
            "url.full": url,
            "server.address": host,
            "server.port": port,
        }
        name = method
        if template is not None:
            attributes["url.template"] = template
            name = f"{method} {template}"
        if attempt > 1:
            attributes["http.request.resend_count"] = attempt - 1
        return self.tracer.start_span(name, kind=SpanKind.CLIENT, attributes=attributes)

    def inject(self, span: Span, headers: Mapping[str, str]) -> dict[str, str]:
        """``headers`` with the attempt's ``traceparent`` (and the application's baggage)."""
        carrier = dict(headers)
        propagate.inject(carrier, context=trace.set_span_in_context(span))
        return carrier

    @staticmethod
    def end_attempt(span: Span, status: int | None, error: str | None) -> None:
        if status is not None:
            span.set_attribute("http.response.status_code", status)
        if error is not None:
            span.set_attribute("error.type", error)
            span.set_status(StatusCode.ERROR)
        span.end()
