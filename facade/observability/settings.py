"""The [observability] settings: log level and format, ordinary tracing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
ACCESS_LOGGER = "facade.access"
TRACER_NAME = "klantbeeld.facade"


@dataclass(frozen=True)
class ObservabilitySettings:
    """`[observability]` in the settings file."""

    log_level: str = "INFO"
    log_format: Literal["json", "text"] = "json"
    tracing_exporter: Literal["none", "otlp", "console"] = "none"
    # The OTLP/HTTP traces URL itself, e.g. http://collector:4318/v1/traces.
    tracing_endpoint: str | None = None
    tracing_sample_ratio: float = 1.0
    service_name: str = "klantbeeld-facade"
    # Metrics: "prometheus" (scraped at /metrics), "otlp" (pushed to metrics_endpoint), "none".
    metrics_exporter: Literal["prometheus", "otlp", "none"] = "prometheus"
    metrics_endpoint: str | None = None

    def problems(self) -> list[str]:
        """What is wrong, as `key: reason` lines (the settings loader adds the file)."""
        found: list[str] = []
        if self.log_level.upper() not in LEVELS:
            found.append(f"log_level: must be one of {', '.join(LEVELS)}")
        if self.log_format not in ("json", "text"):
            found.append("log_format: must be 'json' or 'text'")
        if self.tracing_exporter not in ("none", "otlp", "console"):
            found.append("tracing_exporter: must be 'none', 'otlp' or 'console'")
        if self.tracing_exporter == "otlp" and not self.tracing_endpoint:
            found.append("tracing_endpoint: required when tracing_exporter is 'otlp'")
        ratio = self.tracing_sample_ratio
        if isinstance(ratio, bool) or not isinstance(ratio, int | float) or not 0 <= ratio <= 1:
            found.append("tracing_sample_ratio: must be a number from 0 to 1")
        if self.metrics_exporter not in ("prometheus", "otlp", "none"):
            found.append("metrics_exporter: must be 'prometheus', 'otlp' or 'none'")
        if self.metrics_exporter == "otlp" and not self.metrics_endpoint:
            found.append("metrics_endpoint: required when metrics_exporter is 'otlp'")
        if not self.service_name:
            found.append("service_name: must not be empty")
        return found
