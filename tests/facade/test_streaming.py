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

from klantbeeld_demo.registers import BSN_HOOFDPERSOON
from tests.guarantees.support import Intercepted
from tests.harness import Facade, MemorySink, caller_token, demo_settings, make_facade

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


def scope(body: bytes, doel: str, accept: str) -> dict[str, Any]:
    headers = {
        "host": "facade",
        "authorization": f"Bearer {caller_token()}",
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
    return facade.client._transport.app  # type: ignore[attr-defined]


async def exchange(
    facade: Facade,
    *,
    doel: str = "kcc-algemene-vraag",
    accept: str = SSE,
    bsn: str = BSN_HOOFDPERSOON,
    start: bool = True,
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
        done.messages.append((loop.time(), message))

    done.started = loop.time()
    task = asyncio.create_task(app_of(facade)(scope(body, doel, accept), receive, send))
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
