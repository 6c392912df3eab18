"""The transport seam, on the wire: production (aiohttp) and test (httpx) transports alike.

Every test runs once per transport against a real loopback server on
127.0.0.1 and states what the server must receive, byte for byte, or which
error the connector must make of a misbehaving register. The two transports
pass the same tests, so a test on respx says something about production.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

from connectors.aiohttp_transport import AiohttpTransport
from connectors.context import CallContext
from connectors.errors import UpstreamError, UpstreamTimeout
from connectors.http import Upstream
from connectors.httpx_transport import HttpxTransport
from connectors.tracing import propagate_as
from connectors.transport import ClosingTransport
from tests.connectors.fakes import BSN, context

CTX = context()
PARENT = NonRecordingSpan(
    SpanContext(
        trace_id=0x0AF7651916CD43DD8448EB211C80319C,
        span_id=0xB7AD6B7169203331,
        is_remote=False,
        trace_flags=TraceFlags(TraceFlags.SAMPLED),
    )
)
TRACEPARENT = b"00-0af7651916cd43dd8448eb211c80319c-"

Answer = tuple[int, list[tuple[str, str]], bytes]
Received = tuple[bytes, list[tuple[bytes, bytes]], bytes]
Behaviour = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


def aiohttp_transport(timeout: float) -> ClosingTransport:
    return AiohttpTransport(timeout_seconds=timeout)


def httpx_transport(timeout: float) -> ClosingTransport:
    return HttpxTransport(httpx.AsyncClient(timeout=timeout))


@pytest.fixture(params=[aiohttp_transport, httpx_transport], ids=["aiohttp", "httpx"])
def make_transport(request: pytest.FixtureRequest) -> Callable[[float], ClosingTransport]:
    return request.param


class StaticAuth:
    def headers(self, ctx: CallContext) -> dict[str, str]:
        return {"Authorization": "Bearer vast-token"}


def upstream(base: str, transport: ClosingTransport, **kwargs: Any) -> Upstream:
    return Upstream(
        naam="open-zaak",
        base_url=base,
        transport=transport,
        auth=StaticAuth(),
        headers={"Accept-Crs": "EPSG:4326", "X-Gebruiker": "A. de Vriës"},
        **kwargs,
    )


def json_answer(status: int, body: bytes, *extra: tuple[str, str]) -> Answer:
    return status, [("Content-Type", "application/json"), *extra], body


class Recorder:
    """A raw keep-alive HTTP/1.1 server: records each request, answers from a script."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.requests: list[Received] = []

    async def __call__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            line, *fields = head[:-4].split(b"\r\n")
            headers = [tuple(f.split(b": ", 1)) for f in fields]
            length = next((int(v) for k, v in headers if k.lower() == b"content-length"), 0)
            body = await reader.readexactly(length) if length else b""
            self.requests.append((line, headers, body))  # type: ignore[arg-type]
            status, answer_headers, answer_body = self.answer
            out = [f"HTTP/1.1 {status} X", *(f"{k}: {v}" for k, v in answer_headers)]
            if not any(k.lower() == "transfer-encoding" for k, _ in answer_headers):
                out.append(f"Content-Length: {len(answer_body)}")
            writer.write(("\r\n".join(out) + "\r\n\r\n").encode() + answer_body)
            await writer.drain()


@contextlib.asynccontextmanager
async def serving(behaviour: Behaviour) -> AsyncIterator[str]:
    writers: list[asyncio.StreamWriter] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            await behaviour(reader, writer)

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/zaken/api/v1"
    finally:
        server.close()
        for writer in writers:
            writer.close()
        await asyncio.gather(*(w.wait_closed() for w in writers), return_exceptions=True)
        await server.wait_closed()


async def exchange(
    make_transport: Callable[[float], ClosingTransport],
    answer: Answer,
    call: Callable[[Upstream], Awaitable[Any]],
    **kwargs: Any,
) -> tuple[Any, list[Received]]:
    """(the call's result, the requests the server received)."""
    recorder = Recorder(answer)
    async with serving(recorder) as base, make_transport(2.0) as transport:
        with propagate_as(PARENT):
            result = await call(upstream(base, transport, **kwargs))
    return result, recorder.requests


def sorted_headers(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    return sorted((name.lower(), value) for name, value in headers)


def without_traceparent(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    return [(n, v) for n, v in sorted_headers(headers) if n != b"traceparent"]


async def test_a_get_with_params_goes_out_byte_for_byte(make_transport):
    params = {
        "rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn": BSN,
        "zoek": "a b/c&d=é*~",
        "pageSize": 50,
        "actief": True,
        "status": ["open", "gesloten"],
    }
    result, [(line, headers, body)] = await exchange(
        make_transport,
        json_answer(200, b'{"count": 0}'),
        lambda u: u.get_json("zaken", CTX, params=params, headers={"X-Extra": "1"}),
    )

    assert result == {"count": 0}
    assert line == (
        b"GET /zaken/api/v1/zaken?rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn="
        + BSN.encode()
        + b"&zoek=a+b%2Fc%26d%3D%C3%A9%2A~&pageSize=50&actief=true&status=open&status=gesloten"
        b" HTTP/1.1"
    )
    host = headers[0]
    assert host[0].lower() == b"host" and host[1].startswith(b"127.0.0.1:")
    assert without_traceparent(headers[1:]) == [
        (b"accept", b"application/json"),
        (b"accept-crs", b"EPSG:4326"),
        (b"accept-encoding", b"gzip, deflate"),
        (b"authorization", b"Bearer vast-token"),
        (b"user-agent", b"klantbeeld-facade"),
        (b"x-extra", b"1"),
        (b"x-gebruiker", "A. de Vriës".encode()),
    ]
    assert dict(sorted_headers(headers))[b"traceparent"].startswith(TRACEPARENT)
    assert body == b""


async def test_a_post_goes_out_with_its_json_body_and_length(make_transport):
    result, [(line, headers, body)] = await exchange(
        make_transport,
        json_answer(200, b'{"personen": []}'),
        lambda u: u.post_json("personen", CTX, {"type": "RaadpleegMetBurgerservicenummer"}),
    )

    assert result == {"personen": []}
    assert line == b"POST /zaken/api/v1/personen HTTP/1.1"
    sent = dict(sorted_headers(headers))
    assert sent[b"content-type"] == b"application/json; charset=utf-8"
    assert sent[b"content-length"] == str(len(body)).encode()
    assert body == b'{"type": "RaadpleegMetBurgerservicenummer"}'


async def test_a_next_link_goes_out_as_the_register_wrote_it(make_transport):
    _, [(line, _, _)] = await exchange(
        make_transport,
        json_answer(200, b"{}"),
        lambda u: u.get_json(u.base_url + "/zaken?page=2&zoek=a%20b", CTX),
    )

    assert line == b"GET /zaken/api/v1/zaken?page=2&zoek=a%20b HTTP/1.1"


async def test_a_link_with_a_space_or_line_break_is_quoted_not_put_on_the_wire(make_transport):
    _, [(line, headers, _)] = await exchange(
        make_transport,
        json_answer(200, b"{}"),
        lambda u: u.get_json(u.base_url + "/zaken?zoek=a b\r\nX-Smuggled: 1&naam=é", CTX),
    )

    assert line == b"GET /zaken/api/v1/zaken?zoek=a%20b%0D%0AX-Smuggled:%201&naam=%C3%A9 HTTP/1.1"
    assert b"x-smuggled" not in dict(sorted_headers(headers))


async def test_the_two_transports_send_the_same_request(make_transport):
    """Pinned above field by field; here as a whole, so no header slips in on one side."""
    answer = json_answer(200, b"{}")
    sent = []
    for make in (aiohttp_transport, httpx_transport):
        _, [(line, headers, body)] = await exchange(
            make, answer, lambda u: u.post_json("personen", CTX, {"a": 1}, headers={"X-A": "é"})
        )
        sent.append((line, without_traceparent(headers[1:]), body))

    assert sent[0] == sent[1]


async def test_a_cookie_set_by_a_register_is_never_sent_back(make_transport):
    answer = json_answer(200, b"{}", ("Set-Cookie", "sessie=persoon-a; Path=/"))

    async def twice(u: Upstream) -> None:
        await u.get_json("zaken", CTX)
        await u.get_json("zaken", CTX)

    _, requests = await exchange(make_transport, answer, twice)

    assert [b"cookie" in dict(sorted_headers(h)) for _, h, _ in requests] == [False, False]


async def test_a_redirect_is_not_followed(make_transport):
    answer = (302, [("Location", "http://elders.example/")], b"")
    result: list[Any] = []

    async def call(u: Upstream) -> None:
        with pytest.raises(UpstreamError) as caught:
            await u.get_json("zaken", CTX)
        result.append(caught.value)

    _, requests = await exchange(make_transport, answer, call)

    assert len(requests) == 1
    assert result[0].upstream_status == 302


async def test_a_gzipped_answer_is_decoded(make_transport):
    answer = json_answer(200, gzip.compress(b'{"count": 1}'), ("Content-Encoding", "gzip"))

    result, _ = await exchange(make_transport, answer, lambda u: u.get_json("zaken", CTX))

    assert result == {"count": 1}


async def outcome(call: Awaitable[Any]) -> Any:
    try:
        return ("ok", await call)
    except UpstreamError as exc:
        return (type(exc), exc.title, exc.code, exc.upstream_status, exc.retry_after, exc.__cause__)


NOT_JSON = ("ongeldig-json", None, None)
NOT_JSON_TYPE = ("ongeldig-type", None, None)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (
            json_answer(404, b'{"code": "not_found", "detail": "999993653"}'),
            (UpstreamError, "Het register kent dit gegeven niet.", "not_found", 404, None),
        ),
        (
            (404, [("Content-Type", "application/problem+json")], b'{"code": "<script>"}'),
            (UpstreamError, "Het register kent dit gegeven niet.", None, 404, None),
        ),
        (
            json_answer(503, b"{}", ("Retry-After", "0")),
            (UpstreamError, "Het register gaf een serverfout.", None, 503, 0.0),
        ),
        (
            json_answer(200, b"{niet json"),
            (UpstreamError, "Het register gaf een ongeldig antwoord (geen JSON).", *NOT_JSON),
        ),
        (
            (200, [("content-type", "TEXT/html")], b"<html></html>"),
            (
                UpstreamError,
                "Het register gaf een antwoord van een onverwacht type.",
                *NOT_JSON_TYPE,
            ),
        ),
        (
            json_answer(200, b"x" * 100),
            (UpstreamError, "Het antwoord van het register was te groot.", "te-groot", None, None),
        ),
    ],
    ids=["fout", "unsafe-code", "retry-after", "no-json", "html", "too-big"],
)
async def test_answers_and_errors_decode_the_same_on_every_transport(
    make_transport, answer, expected
):
    result, _ = await exchange(
        make_transport,
        answer,
        lambda u: outcome(u.get_json("zaken", CTX)),
        max_response_bytes=64,
    )

    assert result == (*expected, None)  # `from None`: no library error quoting the URL


async def test_a_chunked_answer_over_the_cap_is_too_big(make_transport):
    chunk = b"x" * 40
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(4)) + b"0\r\n\r\n"
    answer = (200, [("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")], body)

    result, _ = await exchange(
        make_transport, answer, lambda u: outcome(u.get_json("zaken", CTX)), max_response_bytes=100
    )

    assert result[2] == "te-groot"


async def test_a_small_gzipped_answer_that_unpacks_past_the_cap_is_too_big(make_transport):
    # Content-Length counts the wire bytes: the cap is on what the answer becomes.
    packed = gzip.compress(b'{"x": "' + b"a" * 10_000 + b'"}')
    answer = json_answer(200, packed, ("Content-Encoding", "gzip"))
    assert len(packed) < 100

    result, _ = await exchange(
        make_transport, answer, lambda u: outcome(u.get_json("zaken", CTX)), max_response_bytes=1000
    )

    assert result[2] == "te-groot"


# ---- A register that misbehaves on the socket ---------------------------------------


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def assert_no_secrets(error: UpstreamError) -> None:
    """Problems end up in `bronnen` and in logs: never a URL, never a BSN."""
    text = f"{error} {error.problem()} {error!r}"
    assert BSN not in text
    assert "http" not in text and "127.0.0.1" not in text
    assert error.__cause__ is None  # a chained library error could quote the URL


async def failure(make_transport, base: str, timeout: float = 2.0) -> UpstreamError:
    async with make_transport(timeout) as transport:
        with pytest.raises(UpstreamError) as caught:
            await upstream(base, transport).get_json("zaken", CTX, params={"bsn": BSN})
    assert_no_secrets(caught.value)
    return caught.value


async def test_a_refused_connection_is_verbinding_not_a_timeout(make_transport):
    error = await failure(make_transport, f"http://127.0.0.1:{closed_port()}/zaken/api/v1")

    assert (type(error), error.code, error.retryable) == (UpstreamError, "verbinding", True)
    assert error.title == "Het register is niet bereikbaar."


async def test_a_server_that_hangs_up_before_answering_is_verbinding(make_transport):
    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.close()

    async with serving(hang_up) as base:
        error = await failure(make_transport, base)

    assert (type(error), error.code) == (UpstreamError, "verbinding")


async def test_a_hang_up_mid_answer_is_a_broken_connection(make_transport):
    async def half(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
        writer.write(b"Content-Length: 100\r\n\r\n{")
        await writer.drain()
        writer.close()

    async with serving(half) as base:
        error = await failure(make_transport, base)

    assert (type(error), error.code) == (UpstreamError, "verbinding")
    assert error.title == "De verbinding met het register brak af."


async def test_a_server_that_never_answers_is_a_timeout(make_transport):
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # until the transport gives up and closes

    async with serving(silent) as base:
        error = await failure(make_transport, base, timeout=0.3)

    assert isinstance(error, UpstreamTimeout)
    assert error.status == "timeout"


async def test_a_server_that_stalls_mid_answer_is_a_timeout(make_transport):
    async def stall(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
        writer.write(b"Content-Length: 100\r\n\r\n{")
        await writer.drain()
        await reader.read()

    async with serving(stall) as base:
        error = await failure(make_transport, base, timeout=0.3)

    assert isinstance(error, UpstreamTimeout)


async def test_an_answer_with_a_utf8_byte_order_mark_is_read(make_transport):
    answer = json_answer(200, b'\xef\xbb\xbf{"count": 0, "naam": "Ren\xc3\xa9e"}')

    result, _ = await exchange(make_transport, answer, lambda u: u.get_json("zaken", CTX))

    assert result == {"count": 0, "naam": "Renée"}
