"""Logs, access log and ordinary tracing for operators — none of which may ever hold a BSN.

- `settings.py`: the `[observability]` settings.
- `redaction.py`: no query string and no BSN in any log record.
- `logs.py`: JSON or text log lines with their trace id.
- `access_log.py`: one line and one server span per request.
- `tracing.py`: the ordinary, sampled tracing (the protocollering has its own).
"""

from facade.observability.access_log import AccessLog
from facade.observability.logs import EXTRA_FIELDS, JsonFormatter, TextFormatter, setup_logging
from facade.observability.redaction import (
    BSN_MARK,
    REDACTED_LOGGERS,
    RedactionFilter,
    install_redaction,
    redact_text,
)
from facade.observability.settings import (
    ACCESS_LOGGER,
    LEVELS,
    TRACER_NAME,
    ObservabilitySettings,
)
from facade.observability.tracing import setup_tracing, tracing_provider

__all__ = [
    "ACCESS_LOGGER",
    "BSN_MARK",
    "EXTRA_FIELDS",
    "LEVELS",
    "REDACTED_LOGGERS",
    "TRACER_NAME",
    "AccessLog",
    "JsonFormatter",
    "ObservabilitySettings",
    "RedactionFilter",
    "TextFormatter",
    "install_redaction",
    "redact_text",
    "setup_logging",
    "setup_tracing",
    "tracing_provider",
]
