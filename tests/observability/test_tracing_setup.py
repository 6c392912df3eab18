"""The ordinary tracing provider: sampled, exported as configured, never made global."""

from __future__ import annotations

from typing import Any

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from facade.observability import ObservabilitySettings, setup_tracing, tracing_provider
from facade.observability import tracing as observability_tracing


class Recorder:
    """Stands in for an exporter class: remembers how it was made, exports nothing."""

    made: list[dict[str, Any]]

    def __init__(self) -> None:
        self.made = []

    def __call__(self, **kwargs: Any) -> InMemorySpanExporter:
        self.made.append(kwargs)
        return InMemorySpanExporter()


@pytest.fixture
def exporters(monkeypatch: pytest.MonkeyPatch) -> dict[str, Recorder]:
    recorders = {"otlp": Recorder(), "console": Recorder()}
    monkeypatch.setattr(observability_tracing, "OTLPSpanExporter", recorders["otlp"])
    monkeypatch.setattr(observability_tracing, "ConsoleSpanExporter", recorders["console"])
    return recorders


def record_into_memory(provider) -> InMemorySpanExporter:
    memory = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(memory))
    return memory


def test_none_makes_no_exporter_and_prints_nothing(exporters, capsys):
    provider = setup_tracing(ObservabilitySettings(tracing_exporter="none"))
    with provider.get_tracer("test").start_as_current_span("klantbeeld"):
        pass
    provider.shutdown()

    assert exporters["otlp"].made == [] and exporters["console"].made == []
    assert capsys.readouterr() == ("", "")


def test_otlp_exports_to_the_configured_endpoint(exporters):
    endpoint = "http://collector:4318/v1/traces"
    setup_tracing(ObservabilitySettings(tracing_exporter="otlp", tracing_endpoint=endpoint))

    assert exporters["otlp"].made == [{"endpoint": endpoint}]


def test_a_ratio_of_one_records_every_span_with_the_service_resource():
    settings = ObservabilitySettings(tracing_sample_ratio=1.0, service_name="facade-test")
    provider = setup_tracing(settings)
    memory = record_into_memory(provider)
    for _ in range(20):
        with provider.get_tracer("test").start_as_current_span("klantbeeld"):
            pass

    spans = memory.get_finished_spans()
    assert len(spans) == 20
    assert spans[0].resource.attributes["service.name"] == "facade-test"
    assert "service.version" in spans[0].resource.attributes


def test_a_ratio_of_zero_records_no_new_trace():
    provider = setup_tracing(ObservabilitySettings(tracing_sample_ratio=0.0))
    memory = record_into_memory(provider)
    with provider.get_tracer("test").start_as_current_span("klantbeeld"):
        pass

    assert memory.get_finished_spans() == ()


def test_the_provider_is_not_made_global():
    provider = setup_tracing(ObservabilitySettings())

    assert trace.get_tracer_provider() is not provider


def test_settings_name_what_is_wrong():
    settings = ObservabilitySettings(
        log_level="LOUD", tracing_exporter="otlp", tracing_sample_ratio=1.5
    )

    assert settings.problems() == [
        "log_level: must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL",
        "tracing_endpoint: required when tracing_exporter is 'otlp'",
        "tracing_sample_ratio: must be a number from 0 to 1",
    ]


def test_with_tracing_off_serve_gets_no_provider_at_all():
    # No provider: no request or upstream call builds a span only to drop it.
    assert tracing_provider(ObservabilitySettings(tracing_exporter="none")) is None


def test_with_tracing_on_serve_gets_the_sampled_provider():
    provider = tracing_provider(ObservabilitySettings(tracing_exporter="console"))

    assert isinstance(provider, TracerProvider)
    provider.shutdown()
