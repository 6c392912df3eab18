"""Ordinary, sampled tracing for operators.

The protocollering (Logboek Dataverwerkingen) provider is separate and never sampled.
"""

from __future__ import annotations

from importlib import metadata

from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased

from facade.observability.settings import ObservabilitySettings


def tracing_provider(settings: ObservabilitySettings) -> TracerProvider | None:
    """The provider `serve` hands the app; none at all when ordinary tracing is off,
    so neither a request nor an upstream call builds a span only to drop it (the
    protocollering has its own provider, always on)."""
    if settings.tracing_exporter == "none":
        return None
    return setup_tracing(settings)


def setup_tracing(settings: ObservabilitySettings) -> TracerProvider:
    """The ordinary, sampled tracing provider. Not made global: the caller passes it on."""
    resource = Resource.create(
        {"service.name": settings.service_name, "service.version": _version()}
    )
    provider = TracerProvider(
        resource=resource,
        sampler=ParentBased(TraceIdRatioBased(settings.tracing_sample_ratio)),
    )
    if settings.tracing_exporter == "otlp":
        exporter = OTLPSpanExporter(endpoint=settings.tracing_endpoint)
        provider.add_span_processor(BatchSpanProcessor(exporter))
    elif settings.tracing_exporter == "console":
        provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
    return provider


def _version() -> str:
    try:
        return metadata.version("klantbeeld-facade")
    except metadata.PackageNotFoundError:
        return "unknown"
