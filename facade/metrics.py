"""Metrics for operators, via OpenTelemetry: Prometheus scraping or OTLP, by configuration.

Labels carry only values from configuration or from a closed set — doel ids
that exist, register names, statuses, problem codes — never anything from a
request that could hold personal data (an unknown doel is `onbekend`).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from opentelemetry.metrics import CallbackOptions, Meter, NoOpMeter, Observation
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricReader, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource

from connectors.breaker import BreakerState

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry

    from facade.registers import Registers

BREAKER_VALUES = {BreakerState.CLOSED: 0, BreakerState.HALF_OPEN: 1, BreakerState.OPEN: 2}


class Metrics:
    """The façade's instruments. Without a provider every call is a no-op."""

    def __init__(self, meter: Meter | None = None) -> None:
        meter = meter or NoOpMeter("klantbeeld")
        self.requests = meter.create_counter(
            "klantbeeld.verzoeken", description="Klantbeeld-verzoeken per doel en uitkomst"
        )
        self.request_duration = meter.create_histogram(
            "klantbeeld.duur",
            unit="ms",
            description="Duur van een klantbeeld, incl. protocollering",
        )
        self.source_duration = meter.create_histogram(
            "klantbeeld.bron.duur", unit="ms", description="Duur per register, per uitkomst"
        )
        self.audit_duration = meter.create_histogram(
            "klantbeeld.protocollering.duur",
            unit="ms",
            description="Tijd tot de sink de verwerking bevestigde (of niet)",
        )
        self._meter = meter

    def observe_registers(self, registers: Registers) -> None:
        """Breaker state per register and the Catalogi cache, read when scraped."""

        def breakers(options: CallbackOptions) -> Iterable[Observation]:
            for register in registers.all:
                value = BREAKER_VALUES[register.upstream.breaker.state]
                yield Observation(value, {"bron": register.naam, "soort": register.soort})

        def cache(options: CallbackOptions) -> Iterable[Observation]:
            resolver = registers.catalogi_resolver
            if resolver is not None:
                yield Observation(resolver.hits, {"resultaat": "hit"})
                yield Observation(resolver.misses, {"resultaat": "miss"})

        self._meter.create_observable_gauge(
            "klantbeeld.bron.breaker",
            callbacks=[breakers],
            description="Circuit breaker per register: 0 dicht, 1 half open, 2 open",
        )
        self._meter.create_observable_counter(
            "klantbeeld.catalogi.cache",
            callbacks=[cache],
            description="Catalogi-opvragingen uit de cache (hit) of van het register (miss)",
        )


def setup_metrics(
    exporter: str, endpoint: str | None, service_name: str = "klantbeeld-facade"
) -> tuple[MeterProvider | None, CollectorRegistry | None]:
    """A MeterProvider for `exporter` ("prometheus", "otlp" or "none").

    Prometheus gets a registry of its own (served at /metrics), not the
    process-global one: several apps in one process (tests) must not collide.
    """
    if exporter == "none":
        return None, None
    reader: MetricReader
    registry = None
    resource: dict[str, str] = {"service.name": service_name}
    if exporter == "prometheus":
        from opentelemetry.exporter.prometheus import PrometheusMetricReader
        from prometheus_client import CollectorRegistry

        registry = CollectorRegistry(auto_describe=True)
        reader = PrometheusMetricReader(registry=registry, scope_info_enabled=False)
    else:
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter

        reader = PeriodicExportingMetricReader(OTLPMetricExporter(endpoint=endpoint))
        # Every process pushes its own cumulative series: without an instance of its
        # own, two workers (or replicas) would write one series in turns.
        resource["service.instance.id"] = f"{socket.gethostname()}-{os.getpid()}"
    provider = MeterProvider(metric_readers=[reader], resource=Resource.create(resource))
    return provider, registry


def doel_label(doel_id: str | None, known: Callable[[str], bool]) -> str:
    if not doel_id:
        return "geen"
    return doel_id if known(doel_id) else "onbekend"
