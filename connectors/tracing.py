"""One CLIENT span per upstream request, and the W3C trace context that goes with it.

Ordinary tracing is for operators, so its attributes follow the OpenTelemetry
HTTP conventions minus everything that could hold a BSN: ZGW requests carry
the BSN in the query string, so there is no `url.full` and no `url.query`, and
an error's description is the UpstreamError's fixed title, never the message
of httpx or aiohttp (which may quote the URL).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from urllib.parse import urlsplit

from opentelemetry.propagators.textmap import DefaultSetter
from opentelemetry.trace import Span, SpanContext, SpanKind, Status, StatusCode, Tracer
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from connectors.errors import UpstreamError
from connectors.transport import Request

TRACER_NAME = "klantbeeld.connectors"
# Explicit, not the global propagator: what an upstream sees must not depend on
# whatever another library configured process-wide (B3, baggage with user data).
_PROPAGATOR = TraceContextTextMapPropagator()
_SETTER: DefaultSetter[dict[str, str]] = DefaultSetter()
_DEFAULT_PORTS = {"http": 80, "https": 443}
# A path segment of nine digits is redacted whatever it is: a register path that
# holds one (BRP 1.x `/ingeschrevenpersonen/{bsn}`) is keyed by a BSN.
_NINE_DIGIT_SEGMENT = re.compile(r"(?<=/)[0-9]{9}(?=/|$)")
# The KvK's paths hold a kvkNummer (8 digits; an eenmanszaak's names a person) or a
# vestigingsnummer (12 digits): redacted too.
_KVK_SEGMENT = re.compile(r"(?<=/)[0-9]{8}(?=/|$)")
_VESTIGING_SEGMENT = re.compile(r"(?<=/)[0-9]{12}(?=/|$)")
CANCELLED = "Het verzoek aan het register werd afgebroken."
UNEXPECTED = "Onverwachte fout bij het verzoek aan het register."


def safe_path(path: str) -> str:
    path = _NINE_DIGIT_SEGMENT.sub("[bsn]", path)
    path = _KVK_SEGMENT.sub("[kvkNummer]", path)
    return _VESTIGING_SEGMENT.sub("[vestigingsnummer]", path)


@contextmanager
def upstream_span(tracer: Tracer, bron: str, request: Request) -> Iterator[Span]:
    """A CLIENT child span of the current context around one request to register `bron`.

    Sets status ERROR for any failure, with a description that never quotes the
    exception: an UpstreamError's title is fixed text, anything else is named by
    type only. Exceptions propagate unchanged.
    """
    method = request.method
    url = urlsplit(request.url)
    attributes = {
        "http.request.method": method,
        "server.address": url.hostname or "",
        "server.port": url.port or _DEFAULT_PORTS.get(url.scheme, 0),
        "url.path": safe_path(url.path),
        "klantbeeld.bron": bron,
    }
    with tracer.start_as_current_span(
        f"{method} {bron}",
        kind=SpanKind.CLIENT,
        attributes=attributes,
        record_exception=False,
        set_status_on_exception=False,
    ) as span:
        try:
            yield span
        except UpstreamError as exc:
            span.set_attribute("error.type", _error_type(exc))
            span.set_status(Status(StatusCode.ERROR, exc.title))
            raise
        except asyncio.CancelledError:
            # The façade's deadline gave up on this call.
            span.set_attribute("error.type", "cancelled")
            span.set_status(Status(StatusCode.ERROR, CANCELLED))
            raise
        except Exception as exc:
            span.set_attribute("error.type", type(exc).__qualname__)
            span.set_status(Status(StatusCode.ERROR, UNEXPECTED))
            raise


def record_status(span: Span, status_code: int) -> None:
    span.set_attribute("http.response.status_code", status_code)


# The span the registers should see as the caller. The façade sets its
# Logboek Dataverwerkingen processing span here, so each register's own logboek
# points (dpl.core.foreign_operation.span_id) at a record that exists in ours,
# whatever the operators' tracing samples. Unset: the current span.
_PROPAGATED: ContextVar[Span | None] = ContextVar("klantbeeld_propagated_span", default=None)


@contextmanager
def propagate_as(span: Span) -> Iterator[None]:
    """Every upstream request made inside (and in tasks started inside) names `span`."""
    token = _PROPAGATED.set(span)
    try:
        yield
    finally:
        _PROPAGATED.reset(token)


def inject_trace_context(request: Request) -> None:
    """Put `traceparent` on the outgoing request.

    Never `tracestate`: it would carry a caller's opaque vendor data, unvetted,
    to every register.
    """
    span = _PROPAGATED.get()
    if span is not None:
        # The processing span is the parent of every call of the klantbeeld.
        context = span.get_span_context()
        if context.is_valid:
            request.headers["traceparent"] = _traceparent(context)
        return
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier, setter=_SETTER)
    for name, value in carrier.items():
        if name != "tracestate":
            request.headers[name] = value


def _traceparent(context: SpanContext) -> str:
    # As TraceContextTextMapPropagator writes it (W3C Trace Context, version 00).
    return f"00-{context.trace_id:032x}-{context.span_id:016x}-{context.trace_flags:02x}"


def _error_type(exc: UpstreamError) -> str:
    # Low cardinality and safe: the HTTP status, or one of our own fixed codes.
    # An upstream's own `code` is not used: it is the register's text, not ours.
    if exc.upstream_status is not None:
        return str(exc.upstream_status)
    return exc.code or type(exc).__name__
