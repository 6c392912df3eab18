"""Issue 12, points 1 and 2: no personal data leaves without its processing record,
and the logboek never claims a delivery that did not happen."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import pytest
from opentelemetry.sdk.trace import ReadableSpan

from klantbeeld_demo.registers import BSN_HOOFDPERSOON
from klantbeeld_demo.registers.urls import CONTACTMOMENTEN_BASE, KLANTEN_BASE, ZAKEN_BASE
from tests.guarantees.support import (
    Hang,
    Intercepted,
    audit_records,
    bare_app,
    bron,
    eventually,
    facade_on,
    path_starts,
    with_registers,
)
from tests.harness import MemorySink, caller_token, demo_settings

UITKOMST = "klantbeeld.uitkomst"
HTTP_STATUS = "klantbeeld.http_status"
VELDEN = "klantbeeld.velden"
CORRECTIE_VAN = "klantbeeld.correctie_van"


def slow_zaken_settings() -> Any:
    """Openzaak may take long (5 s): a test that waits for it would show that it waited."""
    settings = with_registers(demo_settings(), openzaak={"deadline_ms": 5000})
    return replace(settings, total_budget_ms=5000)


def klantbeeld_scope(body: bytes) -> dict[str, Any]:
    headers = {
        "host": "facade",
        "authorization": f"Bearer {caller_token()}",
        "content-type": "application/json",
        "content-length": str(len(body)),
        "x-doelbinding": "kcc-algemene-vraag",
    }
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/klantbeeld",
        "raw_path": b"/api/v1/klantbeeld",
        "query_string": b"",
        "root_path": "",
        "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("facade", 80),
    }


async def test_a_client_that_goes_away_cancels_its_calls_and_is_recorded_as_afgebroken() -> None:
    registers = Intercepted()
    hang = Hang()
    registers.on(path_starts(ZAKEN_BASE), hang)
    sink = MemorySink()
    app = bare_app(slow_zaken_settings(), registers, sink)
    body = json.dumps({"burgerservicenummer": BSN_HOOFDPERSOON}).encode()
    gone = asyncio.Event()
    body_sent = False

    async def receive() -> dict[str, Any]:
        nonlocal body_sent
        if not body_sent:
            body_sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        return None

    task = asyncio.create_task(app(klantbeeld_scope(body), receive, send))
    await asyncio.wait_for(hang.started.wait(), 2)
    gone.set()
    done, _ = await asyncio.wait({task}, timeout=1.5)
    if not done:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        pytest.fail("the klantbeeld went on for seconds after its client had gone")
    assert hang.running == 0, "an upstream call outlived the klantbeeld"
    assert await eventually(lambda: bool(audit_records(sink)))
    record = audit_records(sink)[-1]["attributes"]
    assert record[UITKOMST] == "afgebroken-door-client"
    assert record[HTTP_STATUS] == 499


async def test_cancelled_klantbeeld_is_recorded() -> None:
    registers = Intercepted()
    hang = Hang()
    registers.on(path_starts(ZAKEN_BASE), hang)
    sink = MemorySink()
    async for facade in facade_on(slow_zaken_settings(), registers, sink):
        task = asyncio.create_task(facade.klantbeeld(BSN_HOOFDPERSOON))
        await asyncio.wait_for(hang.started.wait(), 2)
        assert facade.calls, "upstream calls were made"
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        assert await eventually(lambda: bool(audit_records(sink))), "no record was written"
        record = audit_records(sink)[-1]["attributes"]
        assert record[UITKOMST] != "ok"
        assert record[HTTP_STATUS] != 200
        assert hang.running == 0, "an upstream call outlived the klantbeeld"


async def test_a_cancelled_klantbeeld_leaves_no_call_running_and_starts_none_that_waited() -> None:
    """Point 12: Contactmomenten 1.0 waits for the klant URLs Klanten finds; cancelled while
    Klanten hangs, neither call lives on and Contactmomenten is never asked."""
    registers = Intercepted()
    hang = Hang()
    registers.on(path_starts(KLANTEN_BASE), hang)
    async for facade in facade_on(slow_zaken_settings(), registers, MemorySink()):
        task = asyncio.create_task(facade.klantbeeld(BSN_HOOFDPERSOON))
        await asyncio.wait_for(hang.started.wait(), 2)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await asyncio.sleep(0.05)  # room for a stray task to reach a register

        assert hang.running == 0, "the Klanten call outlived the klantbeeld"
        assert not [c for c in facade.calls if c.path.startswith(CONTACTMOMENTEN_BASE)]


async def test_a_caller_after_a_cancelled_one_gets_its_own_answer_not_their_cancellation() -> None:
    registers = Intercepted()
    # A torn-down connection takes a moment: the window in which a new caller may join.
    hang = Hang(linger=0.3)
    registers.on(path_starts(ZAKEN_BASE), hang)
    async for facade in facade_on(slow_zaken_settings(), registers):
        first = asyncio.create_task(facade.klantbeeld(BSN_HOOFDPERSOON))
        await asyncio.wait_for(hang.started.wait(), 2)
        first.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await first
        registers.rules.clear()  # openzaak answers again, for whoever asks it now
        try:
            response = await asyncio.wait_for(facade.klantbeeld(BSN_HOOFDPERSOON), 5)
        except asyncio.CancelledError:
            pytest.fail("the second caller got the first caller's cancellation")
        assert response.status_code == 200
        assert bron(response.json(), "openzaak")["status"] == "ok"


class LateSink(MemorySink):
    """Confirms its first write only after `delay` seconds (it does land); later ones at once."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay
        self.writes = 0

    async def write(self, spans: Sequence[ReadableSpan]) -> None:
        self.writes += 1
        if self.writes == 1:
            await asyncio.sleep(self.delay)
        await super().write(spans)


async def test_late_confirmation_is_followed_by_a_correcting_record() -> None:
    settings = demo_settings()
    settings = replace(settings, protocollering=replace(settings.protocollering, deadline_ms=200))
    sink = LateSink(delay=0.5)
    async for facade in facade_on(settings, Intercepted(), sink):
        response = await facade.klantbeeld(BSN_HOOFDPERSOON)
        assert response.status_code == 503
        assert response.json()["code"] == "protocollering-onbeschikbaar"
        # The late write has landed by now; whatever follows it must have landed too.
        await eventually(lambda: len(audit_records(sink)) >= 2, 1.0)
        records = [r["attributes"] for r in audit_records(sink)]
        assert records, "the late write never landed"
        corrections = [r for r in records if r.get(CORRECTIE_VAN)]
        assert corrections, f"no correcting record; the logboek says {records[-1][HTTP_STATUS]}"
        last = records[-1]
        assert last.get(CORRECTIE_VAN)
        assert last[HTTP_STATUS] == 503
        assert not last.get(VELDEN), "a 503 delivered no field"
