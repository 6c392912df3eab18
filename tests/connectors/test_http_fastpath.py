"""The direct aiohttp path of `Upstream`: on the wire and in its errors, the httpx path's twin.

Real loopback servers on 127.0.0.1: each request is sent once on the fast path
and once through httpx (same client, fast path switched off), and what the
server received, or the error raised, must be the same.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import socket
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

from connectors.context import CallContext
from connectors.errors import UpstreamError, UpstreamTimeout
from connectors.http import Upstream, make_http_client
from connectors.tracing import propagate_as
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


class StaticAuth:
    def headers(self, ctx: CallContext) -> dict[str, str]:
        return {"Authorization": "Bearer vast-token"}


Response = tuple[int, list[tuple[str, str]], bytes]


def json_response(status: int, body: bytes, *extra: tuple[str, str]) -> Response:
    return status, [("Content-Type", "application/json"), *extra], body


class Recorder:
    """A raw keep-alive HTTP/1.1 server: records each request, answers from a script."""

    def __init__(self, answer: Response) -> None:
        self.answer = answer
        self.requests: list[tuple[bytes, list[tuple[bytes, bytes]], bytes]] = []
        self.writers: list[asyncio.StreamWriter] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.append(writer)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                line, *fields = head[:-4].split(b"\r\n")
                headers = [tuple(f.split(b": ", 1)) for f in fields]
                length = next((int(v) for k, v in headers if k.lower() == b"content-length"), 0)
                body = await reader.readexactly(length) if length else b""
                self.requests.append((line, headers, body))  # type: ignore[arg-type]
                status, answer_headers, answer_body = self.answer
                out = [f"HTTP/1.1 {status} X"]
                out += [f"{k}: {v}" for k, v in answer_headers]
                if not any(k.lower() == "transfer-encoding" for k, _ in answer_headers):
                    out.append(f"Content-Length: {len(answer_body)}")
                writer.write(("\r\n".join(out) + "\r\n\r\n").encode() + answer_body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass


@contextlib.asynccontextmanager
async def serving(answer: Response) -> AsyncIterator[tuple[Recorder, str]]:
    recorder = Recorder(answer)
    server = await asyncio.start_server(recorder.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield recorder, f"http://127.0.0.1:{port}/zaken/api/v1"
    finally:
        server.close()
        for writer in recorder.writers:
            writer.close()
        await asyncio.gather(*(w.wait_closed() for w in recorder.writers), return_exceptions=True)
        await server.wait_closed()


def upstream(base: str, client: httpx.AsyncClient, **kwargs: Any) -> Upstream:
    return Upstream(
        naam="open-zaak",
        base_url=base,
        client=client,
        auth=StaticAuth(),
        headers={"Accept-Crs": "EPSG:4326", "X-Gebruiker": "A. de Vriës".encode()},
        **kwargs,
    )


def httpx_only(target: Upstream) -> Upstream:
    target._fast_checked = True
    target._aiohttp_transport = None
    return target


def refuse_httpx(client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch) -> None:
    async def no_send(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the fast path went through httpx")

    monkeypatch.setattr(client, "send", no_send)


async def both_ways(
    answer: Response, call: Any, monkeypatch: pytest.MonkeyPatch, **kwargs: Any
) -> tuple[list[Any], list[Any]]:
    """(results, requests received) for the httpx path, then the fast path."""
    results: list[Any] = []
    async with serving(answer) as (recorder, base):
        async with make_http_client(timeout_seconds=2) as client:
            slow = httpx_only(upstream(base, client, **kwargs))
            with propagate_as(PARENT):
                results.append(await outcome(call(slow)))
        async with make_http_client(timeout_seconds=2) as client:
            fast = upstream(base, client, **kwargs)
            assert fast._fast_transport() is not None
            refuse_httpx(client, monkeypatch)
            with propagate_as(PARENT):
                results.append(await outcome(call(fast)))
    return results, recorder.requests


async def outcome(call: Any) -> Any:
    try:
        return ("ok", await call)
    except UpstreamError as exc:
        return (
            type(exc),
            exc.title,
            exc.code,
            exc.upstream_status,
            exc.retryable,
            exc.retry_after,
            exc.__cause__,
        )


async def test_a_get_with_params_goes_out_byte_for_byte_as_through_httpx(monkeypatch):
    params = {
        "rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn": BSN,
        "zoek": "a b/c&d=é*~",
        "pageSize": 50,
        "actief": True,
        "status": ["open", "gesloten"],
    }
    results, requests = await both_ways(
        json_response(200, b'{"count": 0}'),
        lambda u: u.get_json("zaken", CTX, params=params, headers={"X-Extra": "1"}),
        monkeypatch,
    )

    assert results == [("ok", {"count": 0})] * 2
    slow, fast = requests
    assert fast == slow
    line, headers, _ = fast
    assert line.startswith(b"GET /zaken/api/v1/zaken?rol__betrokkene")
    sent = dict(headers)
    assert sent[b"authorization"] == b"Bearer vast-token"
    assert sent[b"traceparent"].startswith(b"00-0af7651916cd43dd8448eb211c80319c-")
    assert sent[b"x-gebruiker"] == "A. de Vriës".encode()


async def test_a_post_with_a_body_goes_out_byte_for_byte_as_through_httpx(monkeypatch):
    results, requests = await both_ways(
        json_response(200, b'{"personen": []}'),
        lambda u: u.post_json("personen", CTX, {"type": "RaadpleegMetBurgerservicenummer"}),
        monkeypatch,
    )

    assert results == [("ok", {"personen": []})] * 2
    slow, fast = requests
    assert fast == slow
    assert fast[0] == b"POST /zaken/api/v1/personen HTTP/1.1"
    assert fast[2] == b'{"type": "RaadpleegMetBurgerservicenummer"}'


async def test_a_next_link_with_a_query_goes_out_as_through_httpx(monkeypatch):
    results, requests = await both_ways(
        json_response(200, b"{}"),
        lambda u: u.get_json(u.base_url + "/zaken?page=2&zoek=a%20b", CTX),
        monkeypatch,
    )

    assert results == [("ok", {})] * 2
    assert requests[0] == requests[1]
    assert requests[1][0] == b"GET /zaken/api/v1/zaken?page=2&zoek=a%20b HTTP/1.1"


@pytest.mark.parametrize(
    "answer",
    [
        json_response(404, b'{"code": "not_found", "detail": "999993653"}'),
        (404, [("Content-Type", "application/problem+json")], b'{"code": "<script>"}'),
        json_response(503, b"{}", ("Retry-After", "0")),
        json_response(429, b"niet json", ("Retry-After", "0")),
        json_response(401, b""),
        json_response(200, b"{niet json"),
        json_response(200, b"NaN"),
        (200, [("Content-Type", "text/html")], b"<html></html>"),
        (500, [("Content-Type", "text/plain")], b"kapot"),
        (200, [("Content-Type", "application/json")], b"x" * 100),
    ],
)
async def test_answers_and_errors_decode_as_through_httpx(answer, monkeypatch):
    results, _ = await both_ways(
        answer, lambda u: u.get_json("zaken", CTX), monkeypatch, max_response_bytes=64
    )

    assert results[0] == results[1]
    assert results[1][0] != "ok"
    assert results[1][-1] is None  # `from None`


async def test_a_chunked_answer_over_the_cap_is_too_big(monkeypatch):
    chunk = b"x" * 40
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(4)) + b"0\r\n\r\n"
    answer = (200, [("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")], body)
    results, _ = await both_ways(
        answer, lambda u: u.get_json("zaken", CTX), monkeypatch, max_response_bytes=100
    )

    assert results[0] == results[1]
    assert results[1][2] == "te-groot"


async def test_a_gzipped_answer_is_decoded_as_through_httpx(monkeypatch):
    body = gzip.compress(b'{"count": 1}')
    answer = json_response(200, body, ("Content-Encoding", "gzip"))
    results, requests = await both_ways(answer, lambda u: u.get_json("zaken", CTX), monkeypatch)

    assert results == [("ok", {"count": 1})] * 2
    assert dict(requests[1][1])[b"accept-encoding"] == b"gzip, deflate"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_a_refused_connection_is_verbinding_without_the_url(monkeypatch):
    base = f"http://127.0.0.1:{closed_port()}/zaken/api/v1"
    async with make_http_client(timeout_seconds=2) as client:
        refuse_httpx(client, monkeypatch)
        with pytest.raises(UpstreamError) as caught:
            await upstream(base, client).get_json("zaken", CTX, params={"bsn": BSN})

    assert not isinstance(caught.value, UpstreamTimeout)
    assert caught.value.code == "verbinding"
    assert caught.value.__cause__ is None
    assert BSN not in repr(caught.value) and "127.0.0.1" not in repr(caught.value)


async def test_a_hang_up_mid_answer_is_verbinding(monkeypatch):
    async def half(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
        writer.write(b"Content-Length: 100\r\n\r\n{")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(half, "127.0.0.1", 0)
    base = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/zaken/api/v1"
    try:
        async with make_http_client(timeout_seconds=2) as client:
            refuse_httpx(client, monkeypatch)
            with pytest.raises(UpstreamError) as caught:
                await upstream(base, client).get_json("zaken", CTX)
    finally:
        server.close()
        await server.wait_closed()

    assert not isinstance(caught.value, UpstreamTimeout)
    assert caught.value.code == "verbinding"
    assert caught.value.__cause__ is None


async def test_a_server_that_never_answers_is_a_timeout(monkeypatch):
    writers: list[asyncio.StreamWriter] = []

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)
        await reader.read()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    base = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/zaken/api/v1"
    try:
        async with make_http_client(timeout_seconds=0.3) as client:
            refuse_httpx(client, monkeypatch)
            with pytest.raises(UpstreamTimeout) as caught:
                await upstream(base, client).get_json("zaken", CTX, params={"bsn": BSN})
    finally:
        server.close()
        for writer in writers:
            writer.close()
        await server.wait_closed()

    assert caught.value.__cause__ is None
    assert BSN not in repr(caught.value)


async def test_injected_transports_keep_the_httpx_path():
    client = httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(200)))
    async with client:
        assert upstream("https://zaken.example/api", client)._fast_transport() is None


async def test_unusual_urls_and_headers_fall_back_to_httpx():
    async with make_http_client() as client:
        target = upstream("http://127.0.0.1:8000/api", client)
        assert target._fast_transport() is not None
        plain = target._fast_request("GET", "http://127.0.0.1:8000/api/x", None, {}, None)
        assert plain is not None
        for url in (
            "http://127.0.0.1:80/api/x",
            "http://Zaken.example/api/x",
            "http://127.0.0.1:8000/api/../x",
            "http://127.0.0.1:8000/api/x y",
            "http://127.0.0.1:8000/api/x#f",
            "http://127.0.0.1:8000/api/%zz",
        ):
            assert target._fast_request("GET", url, None, {}, None) is None, url
        url = "http://127.0.0.1:8000/api/x"
        assert target._fast_request("GET", url, None, {"X": "é"}, None) is None
        assert target._fast_request("GET", url, None, {"X": "1", "x": "2"}, None) is None
        assert target._fast_request("GET", url + "?a=1", {"b": "2"}, {}, None) is None
