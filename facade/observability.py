"""Logs, access log and ordinary tracing for operators — none of which may ever hold a BSN.

ZGW requests carry the BSN in the query string, and httpx logs every request
URL at INFO; uvicorn and aiohttp log URLs too. So redaction happens at the
source: a filter on each of those LOGGER objects (which runs before any
handler, pytest's caplog included) strips query strings and replaces anything
that passes the elfproef with `[bsn]`; the root handler installed here runs the
same filter over every other record.

This is the ordinary, sampled tracing for operators. The protocollering
(Logboek Dataverwerkingen) provider is separate and never sampled.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from typing import Any, Literal

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased
from opentelemetry.trace import SpanKind, Status, StatusCode, Tracer
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from facade.bsn import mask_bsns, passes_elfproef

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
ACCESS_LOGGER = "facade.access"
TRACER_NAME = "klantbeeld.facade"
# Loggers of libraries that log URLs. A logger-level filter only sees records
# logged by that very logger, not its children, so each is named.
REDACTED_LOGGERS = (
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "aiohttp",
    "aiohttp.client",
    "aiohttp.access",
    "aiohttp.internal",
    "aiohttp.server",
    "uvicorn",
    "uvicorn.error",
    "uvicorn.access",
    "uvicorn.asgi",
)
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


# ---- redaction -------------------------------------------------------------------

# A URL (scheme://host[/path]) or a bare absolute path, followed by its query.
_URL_QUERY = re.compile(
    r"""((?:\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s/?#"'<>]+(?:/[^\s?#"'<>]*)?)"""
    r"""|(?:(?<![^\s"'(\[=<])/[^\s?#"'<>]*))\?[^\s"'<>#]*"""
)
BSN_MARK = "[bsn]"


def redact_text(text: str) -> str:
    """`text` without query strings on URLs and paths, and with every BSN as `[bsn]`."""
    # Separated too: a path like /api/v1/klantbeeld/999-99-0081 is a BSN all the same.
    return mask_bsns(_URL_QUERY.sub(r"\1", text), BSN_MARK)


def _redact_arg(arg: object) -> object:
    if arg is None or isinstance(arg, bool | float):
        return arg
    if isinstance(arg, int):
        # Kept an int for `%d`; a BSN as a number makes the whole message render below.
        return BSN_MARK if passes_elfproef(str(arg)) else arg
    # httpx.URL, yarl.URL, exceptions, …: their text is what a formatter would show.
    return redact_text(arg if isinstance(arg, str) else str(arg))


class RedactionFilter(logging.Filter):
    """Rewrites a record in place so that no handler can show a query string or a BSN.

    It never drops a record. Arguments keep their position where possible
    (uvicorn's access formatter unpacks `record.args`); when the redacted
    arguments no longer fit the format, the message is rendered and redacted
    whole. An unrenderable record loses its arguments: logging's own error
    report would print them verbatim.
    """

    _DONE = "_klantbeeld_redacted"

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, self._DONE, False):
            return True
        record.msg, record.args = _redact_message(record.msg, record.args)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info)
        setattr(record, self._DONE, True)
        return True


def _redact_message(msg: object, args: Any) -> tuple[str, Any]:
    if not args:
        return redact_text(str(msg)), args
    if isinstance(args, Mapping):
        safe_args: Any = {key: _redact_arg(value) for key, value in args.items()}
    else:
        safe_args = tuple(_redact_arg(arg) for arg in args)
    safe_msg = redact_text(str(msg))
    try:
        safe_msg % safe_args
        return safe_msg, safe_args
    except (TypeError, ValueError, KeyError):
        pass
    try:
        return redact_text(str(msg) % args), ()
    except Exception:
        return safe_msg, ()


_FILTER = RedactionFilter()


def install_redaction() -> None:
    """Attach the redaction filter to the URL-logging loggers and our root handler.

    Idempotent and cheap: safe at import or app-creation time.
    """
    for name in REDACTED_LOGGERS:
        _attach(logging.getLogger(name))
    for handler in logging.getLogger().handlers:
        if getattr(handler, _HANDLER_MARK, False):
            _attach(handler)


def _attach(target: logging.Filterer) -> None:
    if not any(isinstance(f, RedactionFilter) for f in target.filters):
        target.addFilter(_FILTER)


# ---- log lines ---------------------------------------------------------------------

_HANDLER_MARK = "_klantbeeld_handler"


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


# ---- access log --------------------------------------------------------------------

_PROPAGATOR = TraceContextTextMapPropagator()
access_log = logging.getLogger(ACCESS_LOGGER)


class AccessLog:
    """One INFO line per request on `facade.access`: method, path, status, duration, trace id.

    Never the query string (`scope["path"]` has none) and never a body. It runs
    the request in a SERVER span of `tracer` that continues an inbound
    `traceparent`, so upstream CLIENT spans nest under it; with the default
    no-op tracer that span only carries the inbound trace context.
    """

    def __init__(self, app: ASGIApp, *, tracer: Tracer | None = None) -> None:
        self.app = app
        self.tracer = tracer or trace.get_tracer(TRACER_NAME)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = str(scope.get("method", ""))
        path = redact_text(str(scope.get("path", "")))
        status: int | None = None
        seen_trace: str | None = None
        started = time.perf_counter()

        async def watching_send(message: Message) -> None:
            nonlocal status, seen_trace
            if message["type"] == "http.response.start":
                status = int(message["status"])
                context = trace.get_current_span().get_span_context()
                if context.is_valid:
                    seen_trace = format(context.trace_id, "032x")
            await send(message)

        parent = _PROPAGATOR.extract(_headers(scope))
        with self.tracer.start_as_current_span(
            method or "HTTP",
            context=parent,
            kind=SpanKind.SERVER,
            attributes={"http.request.method": method, "url.path": path},
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            try:
                await self.app(scope, receive, watching_send)
            except Exception:
                status = status or 500
                raise
            finally:
                if status is not None:
                    span.set_attribute("http.response.status_code", status)
                if status is None or status >= 500:
                    span.set_status(Status(StatusCode.ERROR))
                route = getattr(scope.get("route"), "path", None)
                if isinstance(route, str):
                    # The route template, never the concrete path: bounded, and no data.
                    span.update_name(f"{method} {route}")
                    span.set_attribute("http.route", route)
                own = span.get_span_context()
                ids = (format(own.trace_id, "032x"), format(own.span_id, "016x"))
                trace_id, span_id = ids if own.is_valid else (seen_trace, None)
                access_log.info(
                    "%s %s %s",
                    method,
                    path,
                    status if status is not None else "-",
                    extra={
                        "method": method,
                        "path": path,
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                        "trace_id": trace_id,
                        "span_id": span_id,
                    },
                )


def _headers(scope: Scope) -> dict[str, str]:
    # Only the trace context is read: other headers may hold tokens or data.
    wanted = {b"traceparent", b"tracestate"}
    return {
        name.decode("latin-1"): value.decode("latin-1")
        for name, value in scope.get("headers", [])
        if name.lower() in wanted
    }


# ---- tracing -----------------------------------------------------------------------


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
