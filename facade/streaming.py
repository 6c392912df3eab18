"""The klantbeeld as a stream (Server-Sent Events): each section as soon as it is known.

POST /api/v1/klantbeeld with `Accept: text/event-stream` (preferred over JSON) gets one
event per section the doel allows — `klant`, `zaken`, `contactmomenten` — the moment
the registers that section depends on have answered or failed, then `verwerking`, or
`fout` (a problem+json object) when the completion record is not confirmed.

Everything before the status line is as for the JSON answer: a refused request, a failed
verplichte bron (the status line waits for those registers) and a sink that does not
confirm the first record all still get a plain problem+json. The first record says what
the doel may deliver; the completion record, a later record of the same processing,
says what was delivered. A section's view is built by the same code as the JSON
answer's (KlantbeeldService.section), from the outcomes of the registers it depends on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from connectors import toestemming
from facade.fanout import Outcome
from facade.klantbeeld import KlantbeeldService
from facade.problems import API_VERSION, Problem, internal_error, unavailable
from facade.protocollering.sink import SinkError
from facade.protocollering.trail import Processing
from facade.registers import Register
from facade.state import AppState
from facade.view import Bron
from policies.categorieen import categorieen
from policies.plan import Plan
from policies.projection import delivered_paths
from policies.viewpaths import REFERENCES
from vocabulary.identifiers import Subject
from vocabulary.paths import covers

log = logging.getLogger(__name__)

MEDIA_TYPE = "text/event-stream"
SECTIONS = ("klant", "zaken", "contactmomenten")  # the order of ties, and of the JSON view
PING_SECONDS = 15.0  # a quiet stream gets `: ping` so proxies keep it open
# Tests set a shorter interval on the app: `app.state.sse_ping_seconds`.
PING_SETTING = "sse_ping_seconds"


def wants_stream(accept: str | None) -> bool:
    """Whether `text/event-stream` is preferred over `application/json` in `Accept`.

    Preferred: a higher q; at equal q, the one listed first. JSON stays the answer for
    no Accept, `*/*`, or anything else.
    """
    if not accept:
        return False
    stream: tuple[float, int] | None = None
    json: tuple[float, int] | None = None
    for place, item in enumerate(accept.split(",")):
        media, _, params = item.strip().partition(";")
        media = media.strip().lower()
        q = _quality(params)
        if media == MEDIA_TYPE and stream is None:
            stream = (q, -place)
        elif media in ("application/json", "application/*", "*/*"):
            specific = media == "application/json"
            if json is None or specific:
                json = (q, -place)
    if stream is None or stream[0] <= 0:
        return False
    return json is None or stream > json


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                return max(0.0, min(1.0, float(value)))
            except ValueError:
                return 0.0
    return 1.0


def event(name: str, number: int, data: Any) -> bytes:
    """One SSE event. The data is one line of JSON: a newline or CR inside a string is
    escaped by JSON itself, so no raw line break ever splits it."""
    return b"event: %s\nid: %d\ndata: %s\n\n" % (name.encode(), number, orjson.dumps(data))


PING = b": ping\n\n"


def verwerking(state: AppState, doel_id: str, processing: Processing) -> dict[str, Any]:
    """The `verwerking` of an answer: what this processing was, as its record says."""
    return {
        "doel": doel_id,
        "beleidsversie": state.policies.versie,
        "traceId": processing.trace_id,
        "tijdstip": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }


class Progress:
    """The klantbeeld's fan-out, running, and the outcomes of the registers done so far."""

    def __init__(
        self,
        service: KlantbeeldService,
        subject: str | Subject,
        plan: Plan,
        ctx: Any,
        arrived: float,
    ) -> None:
        self.service = service
        self.plan = plan
        self.called = service.called(plan)
        self.outcomes: list[Outcome] = []
        self.changed = asyncio.Event()
        self.task = asyncio.ensure_future(
            service.outcomes(subject, plan, ctx, arrived, done=self._done)
        )
        self.task.add_done_callback(lambda _: self.changed.set())

    def _done(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)
        self.changed.set()

    def finished(self, registers: list[Register]) -> bool:
        done = {id(o.register) for o in self.outcomes}
        return all(id(r) in done for r in registers)

    def failed(self) -> BaseException | None:
        """The fan-out's own failure (a bug: register failures are outcomes)."""
        if self.task.done() and not self.task.cancelled():
            return self.task.exception()
        return None

    async def until(self, registers: list[Register]) -> None:
        while not self.finished(registers):
            if (error := self.failed()) is not None:
                raise error
            self.changed.clear()
            await self.changed.wait()

    def filling(self, section: str) -> list[Register]:
        """The called registers whose answers make up this section."""
        return [r for r in self.called if r.kind.fills(section)]

    def depends_on(self, section: str) -> list[Register]:
        """The registers to wait for: a section's own, and for contacts that may name a
        linked zaak (the doel allows `contactmomenten.zaken`) the zaken registers too."""
        registers = self.filling(section)
        if section == "contactmomenten" and any(
            covers(p, REFERENCES["contactmomenten.zaken"]) for p in self.plan.velden
        ):
            registers += [r for r in self.filling("zaken") if r not in registers]
        return registers

    def section_bronnen(self, section: str) -> list[Bron]:
        """The `bronnen` entries of the registers that contributed to the section (with
        a helper register reported for one of them, Catalogi for Zaken)."""
        own = self.filling(section)
        soorten = {r.soort for r in own}
        registers = [
            r
            for r in self.service.registers.all
            if r in own or (r.kind.consulted_for is not None and r.kind.consulted_for in soorten)
        ]
        return self.service.bronnen(self.outcomes, registers)

    def bronnen_so_far(self) -> list[Bron]:
        return self.service.bronnen(self.outcomes, [o.register for o in self.outcomes])

    async def cancel(self) -> None:
        """End every upstream call still running (the fan-out's TaskGroup takes them down)."""
        if not self.task.done():
            self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self.task


class KlantbeeldStream(Response):
    """The ASGI response of a streamed klantbeeld; its first record is confirmed already
    when it is called (routes.recorded confirms it before returning the response)."""

    def __init__(
        self,
        state: AppState,
        progress: Progress,
        processing: Processing,
        doel_id: str,
        ping_seconds: float,
    ) -> None:
        super().__init__(status_code=200, media_type=MEDIA_TYPE)
        self.state = state
        self.progress = progress
        self.processing = processing
        self.doel_id = doel_id
        self.ping_seconds = ping_seconds
        self.sections = [s for s in SECTIONS if s in progress.plan.sections]
        self.delivered: set[str] = set()
        self.number = 0

    async def abandon(self) -> None:
        """The first record was not confirmed: nothing is sent, the calls end."""
        await self.progress.cancel()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        gone = asyncio.ensure_future(_disconnected(receive))
        # A stream is in flight as long as it runs, not only until its status line.
        self.state.in_flight += 1
        try:
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [
                        (b"content-type", b"text/event-stream; charset=utf-8"),
                        (b"cache-control", b"no-store"),
                        (b"x-accel-buffering", b"no"),
                        (b"api-version", API_VERSION.encode()),
                    ],
                }
            )
            try:
                await self._events(send, gone)
            except _ClientGone:
                await self.progress.cancel()
                self.processing.failed("ClientGone", "afgebroken-door-client")
                self._complete(499, "afgebroken-door-client")
                return
            except asyncio.CancelledError:
                # Shut down mid-stream: the record of what was sent lands all the same.
                await self.progress.cancel()
                self._complete(499, "afgebroken")
                raise
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            self.state.in_flight -= 1
            gone.cancel()

    async def _events(self, send: Send, gone: asyncio.Future[None]) -> None:
        progress = self.progress
        pending = list(self.sections)
        while pending:
            # Cleared before looking, so an outcome that comes while an event is sent wakes us.
            progress.changed.clear()
            if (error := progress.failed()) is not None:
                log.error("stream fan-out failed", extra={"error": type(error).__name__})
                await self._fail(send, internal_error(), "interne-fout", 500)
                return
            for section in [s for s in pending if progress.finished(progress.depends_on(s))]:
                try:
                    value = progress.service.section(progress.plan, progress.outcomes, section)
                except Exception as exc:  # a bug: the record still says what was sent
                    log.error("stream section failed", extra={"error": type(exc).__name__})
                    await self._fail(send, internal_error(), "interne-fout", 500)
                    return
                self.delivered |= delivered_paths({section: value})
                data = {"section": value, "bronnen": progress.section_bronnen(section)}
                await self._send(send, section, data)
                pending.remove(section)
            if pending and not await self._wait(progress.changed.wait(), gone):
                await send({"type": "http.response.body", "body": PING, "more_body": True})
        await self._wait_quietly(progress.task, gone, send)
        bronnen = progress.service.bronnen(progress.outcomes)
        write = self._complete(200, "ok", bronnen)
        try:
            await self._wait_quietly(self.processing.confirmed(write), gone, send)
        except SinkError as exc:
            log.error("protocollering of the stream not confirmed", extra={"error": str(exc)})
            problem = unavailable(
                "protocollering-onbeschikbaar",
                "De afronding van de opvraging kon niet worden vastgelegd; de stroom is "
                "daarom afgebroken. Probeer het later opnieuw.",
                retry_after=5,
            )
            await self._send(send, "fout", problem.body())
            return
        data = {
            "verwerking": verwerking(self.state, self.doel_id, self.processing),
            "bronnen": bronnen,
        }
        await self._send(send, "verwerking", data)

    async def _fail(self, send: Send, problem: Problem, code: str, status: int) -> None:
        await self.progress.cancel()
        self.processing.failed("Exception", code)
        write = self._complete(status, code)
        with contextlib.suppress(SinkError):
            await self.processing.confirmed(write)
        await self._send(send, "fout", problem.body())

    def _complete(
        self, http_status: int, code: str, bronnen: list[Bron] | None = None
    ) -> asyncio.Task[None] | None:
        bronnen = self.progress.bronnen_so_far() if bronnen is None else bronnen
        self.processing.consulted(bronnen)
        return self.processing.completed(http_status, code, self.delivered, bronnen)

    async def _send(self, send: Send, name: str, data: Any) -> None:
        self.number += 1
        body = event(name, self.number, data)
        await send({"type": "http.response.body", "body": body, "more_body": True})

    async def _wait(self, work: Awaitable[Any], gone: asyncio.Future[None]) -> bool:
        """True when `work` ended within a ping interval; _ClientGone when the client went."""
        task = asyncio.ensure_future(work)
        try:
            await asyncio.wait(
                {task, gone}, timeout=self.ping_seconds, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            if not task.done():
                task.cancel()
        if gone.done():
            raise _ClientGone()
        if task.done() and not task.cancelled():
            task.result()
            return True
        return False

    async def _wait_quietly(
        self, work: Awaitable[Any], gone: asyncio.Future[None], send: Send
    ) -> Any:
        """`work`'s result, with pings while it takes long (the task is not cancelled by a ping)."""
        task = asyncio.ensure_future(work)
        try:
            while True:
                await asyncio.wait(
                    {task, gone}, timeout=self.ping_seconds, return_when=asyncio.FIRST_COMPLETED
                )
                if gone.done():
                    raise _ClientGone()
                if task.done():
                    return task.result()
                await send({"type": "http.response.body", "body": PING, "more_body": True})
        finally:
            if not task.done():
                task.cancel()


class _ClientGone(Exception):
    pass


async def _disconnected(receive: Receive) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return


async def prepare(
    request: Request,
    state: AppState,
    doel_id: str,
    verplicht: frozenset[str],
    plan: Plan,
    subject: str | Subject,
    ctx: Any,
    arrived: float,
    processing: Processing,
    until_client_goes: Any,
) -> KlantbeeldStream:
    """Start the fan-out, wait for the verplichte bronnen, and fill in the first record.

    A failed verplichte bron raises its 503 here, before any status line; so does a
    client that goes away (`until_client_goes` turns that into routes.ClientGone).
    """
    progress = Progress(state.service, subject, plan, ctx, arrived)
    # With uitbreidingen, the consent register is waited for too: the first record
    # states what may be delivered, and that depends on a consent.
    required = [
        r for r in progress.called if r.soort in verplicht or r.soort == toestemming.SOURCE.soort
    ]
    try:
        await until_client_goes(request, progress.until(required))
    except BaseException:
        await progress.cancel()
        raise
    # The consent register is waited for, never required: its failure is the base view.
    answered = progress.service.bronnen(
        progress.outcomes, [r for r in required if r.soort in verplicht]
    )
    processing.consulted(progress.bronnen_so_far())
    missing = sorted({b["soort"] for b in answered if b["status"] in ("fout", "timeout")})
    if missing:
        await progress.cancel()
        raise unavailable(
            "verplichte-bron-onbeschikbaar",
            f"Het doel '{doel_id}' vereist {', '.join(missing)}, "
            "dat nu niet beschikbaar is. Probeer het later opnieuw.",
        )
    progress.plan, consent = state.service.effective(plan, progress.outcomes)
    if consent is not None:
        processing.consent(consent.url, consent.uitbreiding, categorieen(progress.plan.doel))
    processing.streamed(progress.plan.velden)
    ping = float(getattr(request.app.state, PING_SETTING, PING_SECONDS))
    return KlantbeeldStream(state, progress, processing, doel_id, ping)
