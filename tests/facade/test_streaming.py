"""Issue 16, point 1: the klantbeeld as a stream (SSE), section by section.

Driven at the ASGI level (httpx's ASGI transport buffers a whole body): every message
the app sends is kept with the moment it was sent, so order and timing are visible.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from typing import Any

import pytest

from facade.klantbeeld import KlantbeeldService
from facade.streaming import wants_stream
from klantbeeld_demo.registers import BSN_HOOFDPERSOON
from klantbeeld_demo.registers.urls import ZAKEN_BASE
from tests.guarantees.support import (
    Hang,
    Intercepted,
    audit_records,
    eventually,
    path_is,
    path_starts,
    respond,
)
from tests.harness import Facade, MemorySink, caller_token, demo_settings, make_facade
from vocabulary.paths import covers

UITKOMST = "klantbeeld.uitkomst"
HTTP_STATUS = "klantbeeld.http_status"
VELDEN = "klantbeeld.velden"
TOEGESTAAN = "klantbeeld.velden_toegestaan"
STROOM = "klantbeeld.stroom"
CORRECTIE_VAN = "klantbeeld.correctie_van"
SSE = "text/event-stream"


def slow_settings() -> Any:
    settings = demo_settings()
    registers = tuple(
        replace(r, deadline_ms=5000) if r.naam == "openzaak" else r for r in settings.registers
    )
    return replace(settings, registers=registers, total_budget_ms=5000)


@dataclass
class Exchange:
    """One request to the app, with every message it sent and when (loop time)."""

    messages: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    gone: asyncio.Event = field(default_factory=asyncio.Event)
    started: float = 0.0
    sink: MemorySink | None = None
    records_at_first_event: int | None = None

    @property
    def status(self) -> int:
        return next(m["status"] for _, m in self.messages if m["type"] == "http.response.start")

    @property
    def headers(self) -> dict[str, str]:
        start = next(m for _, m in self.messages if m["type"] == "http.response.start")
        return {k.decode(): v.decode() for k, v in start["headers"]}

    @property
    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for _, m in self.messages if "body" in m)

    def events(self) -> list[dict[str, Any]]:
        return parse(self.body)

    def event_times(self) -> dict[str, float]:
        """When each named event was sent, in seconds after the request."""
        times = {}
        for at, message in self.messages:
            for found in re.findall(rb"^event: (\w+)$", message.get("body", b""), re.M):
                times[found.decode()] = at - self.started
        return times


def parse(body: bytes) -> list[dict[str, Any]]:
    events = []
    for block in body.decode("utf-8").split("\n\n"):
        if not block or block.startswith(":"):
            continue
        fields = dict(line.split(": ", 1) for line in block.split("\n"))
        events.append({"event": fields["event"], "id": int(fields["id"]),
                       "data": json.loads(fields["data"])})  # fmt: skip
    return events


def scope(body: bytes, doel: str, accept: str, token: str | None = None) -> dict[str, Any]:
    headers = {
        "host": "facade",
        "authorization": f"Bearer {token or caller_token()}",
        "content-type": "application/json",
        "content-length": str(len(body)),
        "x-doelbinding": doel,
        "accept": accept,
    }
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": "/api/v1/klantbeeld", "raw_path": b"/api/v1/klantbeeld",
        "query_string": b"", "root_path": "",
        "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000), "server": ("facade", 80),
    }  # fmt: skip


def app_of(facade: Facade) -> Any:
    app = facade.client._transport.app  # type: ignore[attr-defined]
    while not hasattr(app, "state"):  # through the middleware in front of it
        app = app.app
    return app


async def exchange(
    facade: Facade,
    *,
    doel: str = "kcc-algemene-vraag",
    accept: str = SSE,
    bsn: str = BSN_HOOFDPERSOON,
    token: str | None = None,
) -> tuple[Exchange, asyncio.Task[None]]:
    body = json.dumps({"burgerservicenummer": bsn}).encode()
    done = Exchange()
    loop = asyncio.get_running_loop()
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await done.gone.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        first = message.get("body", b"").startswith(b"event:")
        if first and done.sink is not None and done.records_at_first_event is None:
            done.records_at_first_event = len(audit_records(done.sink))
        done.messages.append((loop.time(), message))

    done.started = loop.time()
    task = asyncio.create_task(app_of(facade)(scope(body, doel, accept, token), receive, send))
    return done, task


async def run(facade: Facade, **kwargs: Any) -> Exchange:
    done, task = await exchange(facade, **kwargs)
    await asyncio.wait_for(task, 10)
    return done


@contextlib.asynccontextmanager
async def on(registers: Intercepted | None = None, sink: MemorySink | None = None,
             settings: Any = None) -> AsyncIterator[Facade]:  # fmt: skip
    gen = make_facade(settings or slow_settings(), registers=registers or Intercepted(), sink=sink)  # type: ignore[arg-type]
    facade = await gen.__anext__()
    try:
        yield facade
    finally:
        with contextlib.suppress(StopAsyncIteration):
            await gen.__anext__()


async def test_the_stream_sends_each_allowed_section_then_verwerking() -> None:
    async with on() as facade:
        done = await run(facade)
    assert done.status == 200
    assert done.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert done.headers["cache-control"] == "no-store"
    assert done.headers["x-accel-buffering"] == "no"
    events = done.events()
    names = [e["event"] for e in events]
    assert sorted(names[:-1]) == ["contactmomenten", "klant", "zaken"]
    assert names[-1] == "verwerking"
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))
    print(done.event_times())


def slowed(registers: Intercepted, prefix: str, seconds: float) -> Intercepted:
    async def rule(scope: Any, receive: Any, send: Any) -> None:
        await asyncio.sleep(seconds)
        await registers.demo(scope, receive, send)

    registers.on(path_starts(prefix), rule)
    return registers


def short_audit(settings: Any) -> Any:
    return replace(settings, protocollering=replace(settings.protocollering, deadline_ms=300))


class FailingAfter(MemorySink):
    """Confirms the first `ok` writes, then fails every one."""

    def __init__(self, ok: int) -> None:
        super().__init__()
        self.ok = ok

    async def write(self, spans: Any) -> None:
        if self.ok <= 0:
            raise OSError("sink down")
        self.ok -= 1
        await super().write(spans)


@pytest.mark.parametrize("doel", ["kcc-algemene-vraag", "kcc-zaakstatus"])
async def test_each_section_is_what_the_json_answer_holds(doel: str) -> None:
    async with on() as facade:
        plain = await facade.klantbeeld(BSN_HOOFDPERSOON, doel=doel)
        done = await run(facade, doel=doel)
    view = plain.json()
    events = {e["event"]: e["data"] for e in done.events()}
    sections = [s for s in ("klant", "zaken", "contactmomenten") if s in view]
    assert set(events) == {*sections, "verwerking"}, "a section the doel does not allow is sent"
    for section in sections:
        assert events[section]["section"] == view[section], section
        names = {b["bron"] for b in events[section]["bronnen"]}
        assert names <= {b["bron"] for b in view["bronnen"]}

    def strip(bronnen: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{k: v for k, v in b.items() if k not in ("startMs", "duurMs")} for b in bronnen]

    assert strip(events["verwerking"]["bronnen"]) == strip(view["bronnen"])
    assert events["verwerking"]["verwerking"]["doel"] == doel
    assert all(isinstance(b["startMs"], int) and b["startMs"] >= 0 for b in view["bronnen"])


async def test_a_slow_zaken_register_comes_last_and_klant_long_before() -> None:
    async with on(slowed(Intercepted(), ZAKEN_BASE, 1.0)) as facade:
        done = await run(facade, doel="kcc-zaakstatus")
    names = [e["event"] for e in done.events()]
    assert names.index("zaken") == len(names) - 2, names  # then verwerking
    times = done.event_times()
    assert times["klant"] < 0.6 < 1.0 <= times["zaken"], times
    zaken = {b["bron"]: b for b in done.events()[-1]["data"]["bronnen"]}["openzaak"]
    assert zaken["duurMs"] >= 1000


async def test_a_quiet_stream_gets_pings() -> None:
    async with on(slowed(Intercepted(), ZAKEN_BASE, 0.5)) as facade:
        app_of(facade).state.sse_ping_seconds = 0.1
        done = await run(facade, doel="kcc-zaakstatus")
    assert b"\n\n: ping\n\n" in done.body or done.body.startswith(b": ping\n\n")
    assert [e["event"] for e in done.events()][-1] == "verwerking"


async def test_the_bytes_are_server_sent_events() -> None:
    async with on() as facade:
        done = await run(facade)
    body = done.body
    text = body.decode("utf-8")  # UTF-8, or this raises
    assert "\r" not in text
    assert text.endswith("\n\n")
    for block in text.split("\n\n")[:-1]:
        lines = block.split("\n")
        if lines[0].startswith(":"):
            continue
        assert [line.split(": ", 1)[0] for line in lines] == ["event", "id", "data"], block
        json.loads(lines[2][len("data: ") :])


async def test_the_records_come_before_the_first_event_and_after_the_last() -> None:
    sink = MemorySink()
    async with on(sink=sink) as facade:
        done, task = await exchange(facade)
        done.sink = sink
        await asyncio.wait_for(task, 10)
        assert await eventually(lambda: len(audit_records(sink)) >= 2)
    assert done.records_at_first_event == 1, "the first event left before its record was confirmed"
    first, completion = (r["attributes"] for r in audit_records(sink))
    assert first[STROOM] == "begonnen" and first[TOEGESTAAN]
    assert not first.get(VELDEN)
    assert completion[CORRECTIE_VAN] and completion[STROOM] == "voltooid"
    assert completion[UITKOMST] == "ok" and completion[HTTP_STATUS] == 200
    # Delivered: leaves, with each record's `bron`; allowed: the doel's paths.
    assert {d.split(".")[0] for d in completion[VELDEN]} <= {
        p.split(".")[0] for p in first[TOEGESTAAN]
    }
    assert any(covers("klant.naam", d) for d in completion[VELDEN])
    assert any(p.startswith("zaken") for p in completion[VELDEN])


async def test_a_sink_failing_before_the_first_event_is_a_plain_503() -> None:
    sink = MemorySink()
    sink.fail = OSError("down")
    async with on(sink=sink, settings=short_audit(slow_settings())) as facade:
        done = await run(facade)
    assert done.status == 503
    assert done.headers["content-type"] == "application/problem+json"
    assert json.loads(done.body)["code"] == "protocollering-onbeschikbaar"


async def test_a_completion_record_that_fails_ends_the_stream_with_fout() -> None:
    sink = FailingAfter(ok=1)
    async with on(sink=sink, settings=short_audit(slow_settings())) as facade:
        done = await run(facade)
    events = done.events()
    assert done.status == 200
    assert events[-1]["event"] == "fout"
    assert events[-1]["data"]["code"] == "protocollering-onbeschikbaar"
    assert "verwerking" not in [e["event"] for e in events]


async def test_a_section_that_fails_to_build_ends_with_fout_and_a_completion_record(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = KlantbeeldService.section

    def failing(self: KlantbeeldService, plan: Any, outcomes: Any, section: str) -> Any:
        if section == "zaken":
            raise RuntimeError("a bug in the merge")
        return original(self, plan, outcomes, section)

    monkeypatch.setattr(KlantbeeldService, "section", failing)
    sink = MemorySink()
    async with on(sink=sink) as facade:
        done = await run(facade)
        assert await eventually(lambda: len(audit_records(sink)) >= 2)
    events = done.events()
    assert events[-1]["event"] == "fout"
    assert events[-1]["data"]["code"] == "interne-fout"
    assert "a bug" not in done.body.decode()
    _, completion = (r["attributes"] for r in audit_records(sink))
    assert completion[CORRECTIE_VAN] and completion[UITKOMST] == "interne-fout"
    # What was sent before the failure, and nothing of the section that failed.
    assert not any(d.startswith("zaken") for d in completion.get(VELDEN, []))


async def test_a_client_going_away_cancels_the_calls_and_is_recorded_499() -> None:
    registers = Intercepted()
    hang = Hang()
    registers.on(path_starts(ZAKEN_BASE), hang)
    sink = MemorySink()
    async with on(registers, sink=sink) as facade:
        done, task = await exchange(facade, doel="kcc-zaakstatus")
        await asyncio.wait_for(hang.started.wait(), 2)
        assert await eventually(
            lambda: any(b"event: klant" in m.get("body", b"") for _, m in done.messages)
        )
        done.gone.set()
        await asyncio.wait_for(task, 1.5)
        assert hang.running == 0, "an upstream call outlived the stream"
        assert await eventually(lambda: len(audit_records(sink)) >= 2)
    last = audit_records(sink)[-1]["attributes"]
    assert last[UITKOMST] == "afgebroken-door-client"
    assert last[HTTP_STATUS] == 499
    assert any(p.startswith("klant") for p in last[VELDEN]), "what was sent is recorded"


async def test_json_stays_the_answer_unless_the_stream_is_preferred() -> None:
    async with on() as facade:
        done = await run(facade, accept="application/json")
    assert done.headers["content-type"] == "application/json"
    assert wants_stream("text/event-stream")
    assert wants_stream("text/event-stream, application/json;q=0.5")
    assert not wants_stream("application/json, text/event-stream")
    assert not wants_stream("*/*")
    assert not wants_stream(None)
    assert not wants_stream("text/event-stream;q=0")


async def test_a_failed_verplichte_bron_is_a_plain_503_before_any_status_line() -> None:
    registers = Intercepted()
    registers.on(path_is("/haalcentraal/api/brp/personen", method="POST"), respond(503, {}))
    async with on(registers) as facade:
        token = caller_token("klantbeeld.burgerzaken")
        done = await run(facade, doel="burgerzaken-balie", token=token)
    assert done.status == 503
    assert done.headers["content-type"] == "application/problem+json"
    assert json.loads(done.body)["code"] == "verplichte-bron-onbeschikbaar"
