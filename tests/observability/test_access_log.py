"""The access log: one line per request, never the query string; a SERVER span around it."""

from __future__ import annotations

import json
import logging

import httpx
import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from facade.observability import ACCESS_LOGGER, AccessLog
from tests.observability.conftest import BSN

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
INBOUND = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


async def doel(request: Request) -> JSONResponse:
    return JSONResponse({"id": request.path_params["doel_id"]})


APP = Starlette(routes=[Route("/api/v1/doelen/{doel_id}", doel)])


async def get(app: AccessLog, url: str, **headers: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://facade") as client:
        return await client.get(url, headers=headers)


@pytest.fixture
def access(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger=ACCESS_LOGGER)
    return caplog


def access_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == ACCESS_LOGGER]


async def test_one_line_per_request_with_method_path_status_and_duration(access):
    await get(AccessLog(APP), "/api/v1/doelen/kcc-zaakstatus")

    (record,) = access_records(access)
    assert record.getMessage() == "GET /api/v1/doelen/kcc-zaakstatus 200"
    assert record.levelno == logging.INFO
    assert (record.method, record.path, record.status) == (
        "GET",
        "/api/v1/doelen/kcc-zaakstatus",
        200,
    )
    assert isinstance(record.duration_ms, float)


async def test_the_query_string_is_never_logged(access):
    await get(AccessLog(APP), f"/api/v1/doelen/kcc-zaakstatus?bsn={BSN}")

    (record,) = access_records(access)
    assert record.path == "/api/v1/doelen/kcc-zaakstatus"
    assert BSN not in access.text
    assert "?" not in record.getMessage()


async def test_a_bsn_in_the_path_is_marked(access):
    await get(AccessLog(APP), f"/api/v1/doelen/{BSN}")

    (record,) = access_records(access)
    assert record.path == "/api/v1/doelen/[bsn]"
    assert BSN not in access.text


@pytest.mark.parametrize("written", ["999-99-3653", "999.99.3653", "999 99 3653"])
async def test_a_bsn_with_separators_in_the_path_is_marked_too(access, written):
    await get(AccessLog(APP), f"/api/v1/klantbeeld/{written}")

    (record,) = access_records(access)
    assert record.path == "/api/v1/klantbeeld/[bsn]"
    assert written not in access.text


async def test_the_line_carries_the_inbound_trace_id(access):
    await get(AccessLog(APP), "/api/v1/doelen/x", traceparent=INBOUND)

    (record,) = access_records(access)
    assert record.trace_id == TRACE_ID


async def test_with_a_tracer_the_request_is_a_server_span_continuing_the_inbound_trace(access):
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    app = AccessLog(APP, tracer=provider.get_tracer("test"))

    await get(app, f"/api/v1/doelen/x?bsn={BSN}", traceparent=INBOUND)

    (span,) = exporter.get_finished_spans()
    assert span.kind is SpanKind.SERVER
    assert span.name == "GET /api/v1/doelen/{doel_id}"
    assert format(span.context.trace_id, "032x") == TRACE_ID
    assert span.attributes is not None
    assert span.attributes["url.path"] == "/api/v1/doelen/x"
    assert span.attributes["http.response.status_code"] == 200
    (record,) = access_records(access)
    assert record.span_id == format(span.context.span_id, "016x")


async def test_an_escaping_exception_is_logged_as_a_500_and_raised(access):
    async def broken(scope, receive, send) -> None:
        raise RuntimeError(f"boom {BSN}")

    with pytest.raises(RuntimeError):
        await get(AccessLog(broken), "/api/v1/klantbeeld")

    (record,) = access_records(access)
    assert record.status == 500


async def test_with_tracing_off_a_klantbeelds_line_names_the_trace_of_its_record(access):
    from klantbeeld_demo.registers import BSN_HOOFDPERSOON
    from tests.harness import demo_settings, make_facade

    async for facade in make_facade(demo_settings()):  # no tracer provider, no traceparent
        view = (await facade.klantbeeld(BSN_HOOFDPERSOON)).json()

    (record,) = [r for r in access_records(access) if r.path == "/api/v1/klantbeeld"]
    assert record.trace_id == view["verwerking"]["traceId"]


async def test_with_tracing_off_a_log_line_of_a_klantbeeld_names_the_trace_of_its_record():
    from facade.observability.logs import JsonFormatter
    from facade.protocollering.sink import SinkError
    from klantbeeld_demo.registers import BSN_HOOFDPERSOON
    from tests.harness import MemorySink, demo_settings, make_facade

    lines: list[str] = []

    class Formatting(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))  # formatted as it is written: in the request

    handler = Formatting(level=logging.ERROR)
    handler.setFormatter(JsonFormatter())
    logging.getLogger("facade").addHandler(handler)
    asked: list[str] = []

    class Refusing(MemorySink):
        async def write(self, spans) -> None:  # type: ignore[no-untyped-def]
            asked.extend(f"{s.get_span_context().trace_id:032x}" for s in spans)
            raise SinkError("schijf vol")

    sink = Refusing()
    try:
        async for facade in make_facade(demo_settings(), sink=sink):
            refused = await facade.klantbeeld(BSN_HOOFDPERSOON)
    finally:
        logging.getLogger("facade").removeHandler(handler)

    assert refused.status_code == 503
    (line,) = [json.loads(x) for x in lines if "protocollering" in x]
    assert asked and set(asked) == {line["trace_id"]}
