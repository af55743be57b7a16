"""The client's observability options: checked before anything is sent, decided once."""

from __future__ import annotations

import sys

import pytest

from ardent_async import ArdentClient
from ardent_async.errors import ArdentValidationError
from ardent_async.services import ProjectsService
from tests.telemetry.conftest import TOKEN, Otel


@pytest.mark.parametrize(
    ("hooks", "expected"),
    [
        ([print], "event_hooks: expected a mapping"),
        ({"requests": [print]}, "unknown event kind 'requests'"),
        ({"request": print}, "event_hooks['request']: expected a list of callables"),
        ({"request": ["print"]}, "event_hooks['request'][0]: expected a callable"),
    ],
)
def test_bad_hooks_are_refused(hooks: object, expected: str) -> None:
    with pytest.raises(ArdentValidationError, match=expected.replace("[", r"\[")):
        ArdentClient(token=TOKEN, event_hooks=hooks)  # type: ignore[arg-type]


def test_bad_hooks_of_a_copy_are_refused() -> None:
    client = ArdentClient(token=TOKEN)
    with pytest.raises(ArdentValidationError, match="unknown event kind 'retries'"):
        client.with_options(event_hooks={"retries": [print]})  # type: ignore[typeddict-unknown-key]


def test_providers_with_telemetry_off_are_refused(otel: Otel) -> None:
    with pytest.raises(ArdentValidationError, match="tracer_provider: cannot be combined"):
        ArdentClient(token=TOKEN, telemetry=False, tracer_provider=otel.tracer_provider)
    with pytest.raises(ArdentValidationError, match="telemetry: expected True or False"):
        ArdentClient(token=TOKEN, telemetry="no")  # type: ignore[arg-type]
    with pytest.raises(ArdentValidationError, match="propagate_trace: expected True or False"):
        ArdentClient(token=TOKEN, propagate_trace=0)  # type: ignore[arg-type]


def test_without_opentelemetry_installed_nothing_is_instrumented(
    monkeypatch: pytest.MonkeyPatch, otel: Otel
) -> None:
    # What an install without the otel extra sees: the import fails.
    monkeypatch.setitem(sys.modules, "opentelemetry", None)
    monkeypatch.delitem(sys.modules, "ardent_async._core._telemetry._otel", raising=False)
    client = ArdentClient(token=TOKEN)
    assert client._telemetry is None
    assert client.projects.get.__func__ is ProjectsService.get  # type: ignore[attr-defined]
    with pytest.raises(ArdentValidationError, match=r"meter_provider: needs opentelemetry-api"):
        ArdentClient(token=TOKEN, meter_provider=otel.meter_provider)


def test_hooks_alone_instrument_the_client_even_without_opentelemetry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "opentelemetry", None)
    monkeypatch.delitem(sys.modules, "ardent_async._core._telemetry._otel", raising=False)
    client = ArdentClient(token=TOKEN, event_hooks={"request": [print]})
    assert client._telemetry is not None
    assert client._telemetry.otel is None
    assert client.projects.get.__wrapped__.__func__ is ProjectsService.get  # type: ignore[attr-defined]


@pytest.mark.skipif(sys.version_info < (3, 12), reason="inspect.markcoroutinefunction is 3.12+")
def test_recorded_methods_are_still_coroutine_functions(otel: Otel) -> None:
    import inspect

    client = ArdentClient(token=TOKEN, tracer_provider=otel.tracer_provider)
    assert inspect.iscoroutinefunction(client.projects.get)
    assert client.projects.get.__wrapped__.__func__ is ProjectsService.get  # type: ignore[attr-defined]
