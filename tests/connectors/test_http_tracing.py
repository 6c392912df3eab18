"""Ordinary tracing of upstream calls: one CLIENT span each, W3C context out, never a BSN."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode, Tracer, set_span_in_context
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from connectors.errors import UpstreamError
from connectors.http import Upstream
from connectors.tracing import propagate_as
from tests.connectors.fakes import (
    BRP,
    BSN,
    ZAKEN,
    Hanging,
    context,
    mock_router,
    paginated,
    transport_for,
    zgw_upstream,
)

CTX = context()
BSN_FILTER = {"rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn": BSN}


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def tracer(exporter: InMemorySpanExporter) -> Tracer:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider.get_tracer("test")


@pytest.fixture
def router():
    return mock_router()


@pytest.fixture
async def zaken(router, tracer) -> AsyncIterator[Upstream]:
    async with transport_for(router) as transport:
        yield zgw_upstream("open-zaak", ZAKEN, transport, tracer=tracer)


def client_spans(exporter: InMemorySpanExporter) -> list[ReadableSpan]:
    return [s for s in exporter.get_finished_spans() if s.kind is SpanKind.CLIENT]


def everything_shown(span: ReadableSpan) -> str:
    """All a tracing backend would show of a span."""
    parts = [span.name, str(span.status.description)]
    parts += [f"{key}={value}" for key, value in (span.attributes or {}).items()]
    for event in span.events:
        parts += [event.name, *(f"{k}={v}" for k, v in (event.attributes or {}).items())]
    return " ".join(parts)


async def test_an_upstream_call_is_a_client_span_under_the_current_span(
    zaken, router, tracer, exporter
):
    router.get(f"{ZAKEN}/zaken").mock(return_value=paginated([]))
    with tracer.start_as_current_span("klantbeeld") as parent:
        await zaken.get_json("/zaken", CTX, params=BSN_FILTER)

    (span,) = client_spans(exporter)
    assert span.name == "GET open-zaak"
    assert span.parent is not None
    assert span.parent.span_id == parent.get_span_context().span_id
    assert span.context.trace_id == parent.get_span_context().trace_id


async def test_every_page_of_a_list_is_its_own_span(zaken, router, tracer, exporter):
    router.get(f"{ZAKEN}/zaken", params={"page": "2"}).mock(return_value=paginated([{"n": 2}]))
    router.get(f"{ZAKEN}/zaken").mock(
        return_value=paginated([{"n": 1}], next_url=f"{ZAKEN}/zaken?page=2")
    )
    with tracer.start_as_current_span("klantbeeld"):
        await zaken.paginate("/zaken", CTX, params=BSN_FILTER)

    assert len(client_spans(exporter)) == 2


async def test_the_span_describes_the_call_by_server_path_and_register(
    zaken, router, tracer, exporter
):
    router.get(f"{ZAKEN}/zaken").mock(return_value=paginated([]))
    await zaken.get_json("/zaken", CTX, params=BSN_FILTER)

    (span,) = client_spans(exporter)
    assert dict(span.attributes or {}) == {
        "http.request.method": "GET",
        "server.address": "open-zaak.gemeente.example",
        "server.port": 443,
        "url.path": "/zaken/api/v1/zaken",
        "klantbeeld.bron": "open-zaak",
        "http.response.status_code": 200,
    }


async def test_the_upstream_request_carries_the_child_span_as_traceparent(
    zaken, router, tracer, exporter
):
    route = router.get(f"{ZAKEN}/zaken").mock(return_value=paginated([]))
    with tracer.start_as_current_span("klantbeeld") as parent:
        await zaken.get_json("/zaken", CTX, params=BSN_FILTER)

    (span,) = client_spans(exporter)
    version, trace_id, span_id, flags = route.calls.last.request.headers["traceparent"].split("-")
    assert version == "00"
    assert trace_id == format(parent.get_span_context().trace_id, "032x")
    assert span_id == format(span.context.span_id, "016x")
    assert int(flags, 16) & 0x01  # sampled


async def test_without_a_tracer_the_inbound_trace_still_reaches_the_register(router, tracer):
    route = router.get(f"{ZAKEN}/zaken").mock(return_value=paginated([]))
    async with transport_for(router) as transport:
        upstream = zgw_upstream("open-zaak", ZAKEN, transport)  # the global, no-op tracer
        with tracer.start_as_current_span("klantbeeld") as parent:
            await upstream.get_json("/zaken", CTX, params=BSN_FILTER)

    traceparent = route.calls.last.request.headers["traceparent"]
    assert traceparent.split("-")[1] == format(parent.get_span_context().trace_id, "032x")


async def test_no_span_shows_the_bsn_or_a_query_string(router, tracer, exporter):
    router.get(f"{ZAKEN}/zaken").mock(return_value=paginated([]))
    router.post(f"{BRP}/personen").mock(return_value=httpx.Response(200, json={}))
    async with transport_for(router) as transport:
        zaken = zgw_upstream("open-zaak", ZAKEN, transport, tracer=tracer)
        brp = Upstream(naam="brp", base_url=BRP, transport=transport, tracer=tracer)
        with tracer.start_as_current_span("klantbeeld"):
            await zaken.get_json("/zaken", CTX, params=BSN_FILTER)
            await brp.post_json("/personen", CTX, {"burgerservicenummer": [BSN]})

    spans = exporter.get_finished_spans()
    assert len(spans) == 3
    for span in spans:
        shown = everything_shown(span)
        assert BSN not in shown
        assert "?" not in shown
        assert "inpBsn" not in shown


async def test_a_nine_digit_path_segment_is_redacted_in_the_span(zaken, router, exporter):
    router.get(f"{ZAKEN}/ingeschrevenpersonen/{BSN}").mock(return_value=paginated([]))
    await zaken.get_json(f"/ingeschrevenpersonen/{BSN}", CTX)

    (span,) = client_spans(exporter)
    assert span.attributes is not None
    assert span.attributes["url.path"] == "/zaken/api/v1/ingeschrevenpersonen/[bsn]"


async def test_an_unreachable_register_is_an_error_span_with_a_fixed_description(
    zaken, router, exporter
):
    router.get(f"{ZAKEN}/zaken").mock(
        side_effect=httpx.ConnectError(f"Cannot connect to {ZAKEN}/zaken?inpBsn={BSN}")
    )
    with pytest.raises(UpstreamError):
        await zaken.get_json("/zaken", CTX, params=BSN_FILTER)

    spans = client_spans(exporter)
    assert len(spans) == 2  # the one retry of a connection error is a call of its own
    for span in spans:
        assert span.status.status_code is StatusCode.ERROR
        assert span.status.description == "Het register is niet bereikbaar."
        assert span.attributes is not None and span.attributes["error.type"] == "verbinding"
        assert BSN not in everything_shown(span)
        assert not span.events  # no exception event: its message would quote the URL


async def test_an_upstream_error_status_is_an_error_span(zaken, router, exporter):
    # A 500, which is not retried: one call, one span.
    router.get(f"{ZAKEN}/zaken").mock(return_value=httpx.Response(500, json={"detail": BSN}))
    with pytest.raises(UpstreamError):
        await zaken.get_json("/zaken", CTX, params=BSN_FILTER)

    (span,) = client_spans(exporter)
    assert span.status.status_code is StatusCode.ERROR
    assert span.status.description == "Het register gaf een serverfout."
    assert span.attributes is not None
    assert span.attributes["http.response.status_code"] == 500
    assert span.attributes["error.type"] == "500"


async def test_a_call_abandoned_by_the_deadline_is_an_error_span(zaken, router, exporter):
    router.get(f"{ZAKEN}/zaken").mock(side_effect=Hanging())
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.05):
            await zaken.get_json("/zaken", CTX, params=BSN_FILTER)
    for _ in range(10):  # the shared call is cancelled after its last waiter left
        if client_spans(exporter):
            break
        await asyncio.sleep(0)

    (span,) = client_spans(exporter)
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes is not None and span.attributes["error.type"] == "cancelled"


async def test_with_tracing_off_a_call_makes_no_span_but_still_names_its_caller(
    router, tracer, exporter
):
    # The processing span (the Logboek's) is propagated whatever ordinary tracing does.
    route = router.get(f"{ZAKEN}/zaken").mock(return_value=paginated([]))
    async with transport_for(router) as transport:
        untraced = zgw_upstream("open-zaak", ZAKEN, transport, tracer=None)
        processing = tracer.start_span("verwerking")
        with propagate_as(processing):
            await untraced.get_json("/zaken", CTX, params=BSN_FILTER)
        processing.end()

    assert client_spans(exporter) == []
    expected: dict[str, str] = {}
    TraceContextTextMapPropagator().inject(expected, context=set_span_in_context(processing))
    assert route.calls.last.request.headers["traceparent"] == expected["traceparent"]
