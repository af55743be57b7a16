"""Traces, metrics and event hooks: built once per client, absent when nothing listens.

See docs/observability.md. The parts: ``_scope`` (a public call and its HTTP attempts),
``_otel`` (OpenTelemetry, imported only when installed), ``_hooks`` (the application's
event hooks), ``_wrap`` (service methods as calls), ``_timeline`` (the CLI's ``--trace``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ardent_async._core._clock import Clock
from ardent_async._core._telemetry._attributes import retry_reason
from ardent_async._core._telemetry._hooks import Hooks, check_event_hooks
from ardent_async._core._telemetry._scope import AttemptScope, CallScope, Telemetry, current_call
from ardent_async._core._telemetry._wrap import instrument_service
from ardent_async.errors import ArdentValidationError

if TYPE_CHECKING:
    from opentelemetry.metrics import MeterProvider
    from opentelemetry.trace import TracerProvider
else:  # annotations only: the client's signature names them without importing OpenTelemetry
    MeterProvider = TracerProvider = object

__all__ = [
    "AttemptScope",
    "CallScope",
    "Hooks",
    "MeterProvider",
    "Telemetry",
    "TracerProvider",
    "build_telemetry",
    "check_event_hooks",
    "current_call",
    "instrument_service",
    "retry_reason",
]

_INSTALL_HINT = "install the extra: pip install 'ardent-async[otel]'"


def build_telemetry(
    *,
    telemetry: bool,
    tracer_provider: TracerProvider | None,
    meter_provider: MeterProvider | None,
    propagate_trace: bool,
    hooks: Hooks | None,
    clock: Clock,
) -> Telemetry | None:
    """The client's instrumentation, or None when nothing would ever record."""
    if not isinstance(telemetry, bool):
        raise ArdentValidationError(
            f"telemetry: expected True or False, got {type(telemetry).__name__}",
            field="telemetry",
        )
    given = "tracer_provider" if tracer_provider is not None else None
    given = given or ("meter_provider" if meter_provider is not None else None)
    otel = None
    if telemetry:
        try:
            from ardent_async._core._telemetry._otel import Otel
        except ImportError:
            if given:
                raise ArdentValidationError(
                    f"{given}: needs opentelemetry-api; {_INSTALL_HINT}", field=given
                ) from None
        else:
            otel = Otel(tracer_provider, meter_provider, propagate_trace=propagate_trace)
    elif given:
        raise ArdentValidationError(
            f"{given}: cannot be combined with telemetry=False (it would be ignored)",
            field=given,
        )
    if otel is None and hooks is None:
        return None
    return Telemetry(otel, hooks, clock)
