"""Log lines: one JSON object (or one readable line) per record, with its trace id."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from opentelemetry import trace

from facade.observability.redaction import HANDLER_MARK as _HANDLER_MARK
from facade.observability.redaction import install_redaction, redact_text
from facade.observability.settings import ObservabilitySettings

# Only these `extra` fields reach a log line: anything else passed as extra
# (a request, a body, a record) is dropped rather than serialised.
EXTRA_FIELDS = (
    "bron",
    "soort",
    "doel",
    "error",
    "code",
    "status",
    "duration_ms",
    "path",
    "method",
)


def _trace_ids(record: logging.LogRecord) -> tuple[str | None, str | None]:
    explicit = getattr(record, "trace_id", None)
    if isinstance(explicit, str):
        return explicit, getattr(record, "span_id", None)
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None, None
    return format(context.trace_id, "032x"), format(context.span_id, "016x")


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in EXTRA_FIELDS:
        value = record.__dict__.get(name)
        if value is not None:
            if not isinstance(value, int | float | bool):
                value = redact_text(str(value))
            fields[name] = value
    return fields


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, trace ids, whitelisted extras."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        trace_id, span_id = _trace_ids(record)
        if trace_id:
            line["trace_id"] = trace_id
        if span_id:
            line["span_id"] = span_id
        line.update(_extras(record))
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """For a terminal: `time level logger: message key=value …`."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        fields = _extras(record)
        trace_id, _ = _trace_ids(record)
        if trace_id:
            fields["trace_id"] = trace_id
        if fields:
            text += " " + " ".join(f"{key}={value}" for key, value in fields.items())
        return text


def setup_logging(settings: ObservabilitySettings) -> logging.Handler:
    """One handler on the root logger, writing to stderr; replaces the one a former call made."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _HANDLER_MARK, False):
            root.removeHandler(handler)
            handler.close()
    handler = logging.StreamHandler(sys.stderr)
    setattr(handler, _HANDLER_MARK, True)
    handler.setFormatter(JsonFormatter() if settings.log_format == "json" else TextFormatter())
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    install_redaction()
    return handler
