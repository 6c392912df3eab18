"""The access log: one line per request with its path (never its query), and the
request's server span for ordinary tracing."""

from __future__ import annotations

import logging
import time

from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind, Status, StatusCode, Tracer
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from facade.observability.redaction import redact_text
from facade.observability.settings import ACCESS_LOGGER, TRACER_NAME

_PROPAGATOR = TraceContextTextMapPropagator()
# Where a route names the trace its processing record is in (the klantbeeld sets it):
# with ordinary tracing off and no inbound traceparent, the line still names it.
TRACE_ID = "klantbeeld.trace_id"
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
                if access_log.isEnabledFor(logging.INFO):
                    seen_trace = seen_trace or scope.get(TRACE_ID)
                    _log_line(method, path, status, started, span, seen_trace)


def _log_line(
    method: str, path: str, status: int | None, started: float, span: Span, seen_trace: str | None
) -> None:
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
