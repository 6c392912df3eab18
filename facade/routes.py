"""The façade's HTTP endpoints."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Sequence
from dataclasses import replace
from typing import Any, TypeVar

import orjson
from opentelemetry import trace
from opentelemetry.trace import Span
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from connectors.breaker import BreakerState
from connectors.context import CallContext
from connectors.tracing import propagate_as
from facade.bsn import contains_bsn
from facade.callers import Caller
from facade.metrics import doel_label
from facade.middleware import ARRIVAL
from facade.observability.access_log import TRACE_ID
from facade.problems import API_VERSION, Problem, unauthorized, unavailable
from facade.protocollering.sink import SinkError
from facade.protocollering.trail import Processing
from facade.state import AppState
from facade.streaming import KlantbeeldStream, prepare, verwerking, wants_stream
from facade.validation import KlantbeeldRequest, authorize, parse_request, read_body
from policies.access import afnemer_of, allowed_doelen
from policies.categorieen import categorieen
from policies.describe import doel_details, doel_summary
from policies.model import Doel
from policies.projection import delivered_paths

log = logging.getLogger(__name__)
# Query parameter names (any case) under which a token would end up in logs.
_TOKEN_PARAMETERS = frozenset(
    {"access_token", "token", "jwt", "id_token", "bearer", "authorization", "auth", "apikey"}
)
T = TypeVar("T")
SELF_SERVICE_USER = "BurgerZelf"
SELF_SERVICE_BUSINESS = "BedrijfZelf"  # a business's self-service (eHerkenning): the same rule


class ViewResponse(Response):
    """Personal data: never cached by the caller, a proxy or a browser."""

    media_type = "application/json"

    def __init__(self, content: Any) -> None:
        # orjson: the largest body the façade writes, several times stdlib json's speed.
        super().__init__(orjson.dumps(content), headers={"Cache-Control": "no-store"})


async def klantbeeld(request: Request) -> Response:
    """One klantbeeld; every authenticated request is recorded before it is answered."""
    state: AppState = request.app.state.facade
    note_wait(request)
    caller = await authenticated(request, state)
    processing = state.trail.start(without_tracestate(request.headers), client_id=caller.client_id)
    processing.caller(client_id=caller.client_id, subject=caller.subject, issuer=caller.issuer)
    return await measured(request, state, recorded(request, state, caller, processing))


async def measured(request: Request, state: AppState, work: Awaitable[Response]) -> Response:
    """`work`'s answer, counted in the request metrics by doel, outcome and status."""
    started = time.perf_counter()
    outcome, status = "interne-fout", 500
    try:
        response = await work
        outcome, status = "ok", response.status_code
        return response
    except Problem as problem:
        outcome, status = problem.code, problem.status
        raise
    finally:
        doel = doel_label(
            request.headers.get("x-doelbinding"), lambda d: d in state.policies.doelen
        )
        labels = {"doel": doel, "uitkomst": outcome, "status": status}
        state.metrics.requests.add(1, labels)
        state.metrics.request_duration.record(
            (time.perf_counter() - started) * 1000, {"doel": doel}
        )


Handler = Callable[[Request, AppState, Caller, Processing], Awaitable[Response]]


async def authenticated(request: Request, state: AppState) -> Caller:
    _refuse_token_in_url(request)
    caller = await state.authenticator.authenticate(request.headers.get("authorization"))
    # A subject that is or embeds a BSN (DigiD-based identity providers do that) is
    # replaced once, here, for the audit and for every register alike.
    return replace(
        caller,
        subject=_never_a_bsn(caller.subject, state),
        client_id=_never_a_bsn(caller.client_id, state),
    )


async def recorded(
    request: Request,
    state: AppState,
    caller: Caller,
    processing: Processing,
    handler: Handler | None = None,
) -> Response:
    """The klantbeeld (or a search), answered only once its record is confirmed."""
    request.scope[TRACE_ID] = processing.trace_id
    with _logged_under(processing.span):
        try:
            response = await (handler or _klantbeeld)(request, state, caller, processing)
        except asyncio.CancelledError:
            # Gone, or shut down: the calls were made, so the record is written all the
            # same (it lands without anyone waiting for it).
            processing.failed("CancelledError", "afgebroken")
            processing.close(499)
            raise
        except ClientGone:
            processing.failed("ClientGone", "afgebroken-door-client")
            processing.close(499)
            return Response(status_code=499)
        except Problem as problem:
            processing.failed("Problem", problem.code)
            await _confirm(state, processing, problem.status)
            raise
        except Exception as exc:
            processing.failed(type(exc).__name__, "interne-fout")
            await _confirm(state, processing, 500)
            raise
        try:
            await _confirm(state, processing, response.status_code)
        except Problem:
            if isinstance(response, KlantbeeldStream):
                await response.abandon()  # its first record failed: nothing is sent
            raise
        return response


async def _klantbeeld(
    request: Request, state: AppState, caller: Caller, processing: Processing
) -> Response:
    raw = await read_body(request, state.settings.server.max_body_bytes)
    verzoek = parse_request(raw, request, state.policies, state.handles)
    doel = verzoek.doel
    # An ondernemer is recorded as the business, a branch request too (its kvkNummer).
    processing.subject(verzoek.bsn or "", kvk_nummer=verzoek.kvk_nummer)
    declare_doel(
        processing,
        state,
        caller,
        doel,
        categorieen(doel, ondernemer=verzoek.kvk_nummer is not None),
    )
    processing.stated(gebruiker=verzoek.gebruiker, verwerking=verzoek.verwerking)
    authorize(caller, verzoek, state.policies)
    arrived = request.scope.get(ARRIVAL, asyncio.get_running_loop().time())
    with admitted(state, request, "klantbeelden"):
        return await _answer(request, state, caller, verzoek, processing, arrived)


def declare_doel(
    processing: Processing,
    state: AppState,
    caller: Caller,
    doel: Doel,
    soorten: Sequence[str],
) -> None:
    """The doel a processing runs under, on its record: what it is, why, who asked for it
    (the afnemer of the access rule) and which categories of data it may deliver."""
    processing.activity(doel.verwerkingsactiviteit)
    processing.doel(
        doel_id=doel.id,
        naam=doel.naam,
        grondslag=doel.grondslag,
        beleidsversie=state.policies.versie,
        afnemer=afnemer_of(state.policies.toegang, caller.scopes, caller.rollen, doel.id),
        categorieen=soorten,
    )


@contextlib.contextmanager
def admitted(state: AppState, request: Request, what: str) -> Iterator[None]:
    """One more request in flight, or a 503 `overbelast` at once.

    Shed load at once: a quick 503 beats every caller's latency collapsing, and a
    request that waited half its budget for the CPU would come late. `what` names
    the requests in the answer ("klantbeelden", "verzoeken").
    """
    if state.in_flight >= state.settings.server.max_in_flight or waited_too_long(state, request):
        raise unavailable(
            "overbelast",
            f"De façade verwerkt nu te veel {what} tegelijk. Probeer het zo opnieuw.",
            retry_after=1,
        )
    state.in_flight += 1
    try:
        yield
    finally:
        state.in_flight -= 1


async def _answer(
    request: Request,
    state: AppState,
    caller: Caller,
    verzoek: KlantbeeldRequest,
    processing: Processing,
    arrived: float,
) -> Response:
    doel = verzoek.doel
    if verzoek.kvk_nummer is not None and doel.ondernemer is not None:
        doel = doel.ondernemer  # the doel's `[velden.ondernemer]` (authorize checked it exists)
    plan = state.plans.plan(doel, verzoek.fields)
    # The registers see the processing span as their caller (traceparent), so
    # their own logboeken point at this record.
    if wants_stream(request.headers.get("accept")):
        with propagate_as(processing.span):  # the fan-out task is started inside
            return await prepare(
                request, state, doel.id, doel.verplicht, plan, verzoek.subject,
                _call_context(caller, verzoek), arrived, processing, unless_client_goes,
            )  # fmt: skip
    with propagate_as(processing.span):
        build = state.service.build(verzoek.subject, plan, _call_context(caller, verzoek), arrived)
        result = await unless_client_goes(request, build)
    processing.consulted(result.bronnen)
    if result.toestemming is not None:
        widened = result.plan.doel if result.plan is not None else doel
        processing.consent(
            result.toestemming.url, result.toestemming.uitbreiding, categorieen(widened)
        )
    missing = sorted(
        {b["soort"] for b in result.bronnen if b["status"] in ("fout", "timeout")} & doel.verplicht
    )
    if missing:
        raise unavailable(
            "verplichte-bron-onbeschikbaar",
            f"Het doel '{doel.id}' vereist {', '.join(missing)}, "
            "dat nu niet beschikbaar is. Probeer het later opnieuw.",
        )
    processing.delivered(delivered_paths(result.view))
    view = dict(result.view)
    view["bronnen"] = result.bronnen
    view["verwerking"] = verwerking(state, doel.id, processing)
    return ViewResponse(view)


# Of the budget, the share a klantbeeld may have waited before its handler runs.
SHED_AFTER_WAITING = 0.5
WAITED = "klantbeeld.waited"  # seconds, in the request's scope (note_wait)


def note_wait(request: Request) -> None:
    """Called first in a handler: how long the request waited before it ran.

    Taken now, because what follows (a JWKS fetch, the body) is the request's own
    work, not a queue for the CPU.
    """
    arrived = request.scope.get(ARRIVAL)
    loop_now = asyncio.get_running_loop().time()
    request.scope[WAITED] = 0.0 if arrived is None else loop_now - arrived


def waited_too_long(state: AppState, request: Request) -> bool:
    waited = request.scope.get(WAITED, 0.0)
    return waited > SHED_AFTER_WAITING * state.settings.total_budget_ms / 1000


async def _confirm(state: AppState, processing: Processing, http_status: int) -> None:
    """No answer without its record: a sink that does not confirm makes it a 503."""
    started = time.perf_counter()
    sink = state.trail.sink.name
    try:
        await processing.finish(http_status)
    except SinkError as exc:
        state.metrics.audit_duration.record(
            (time.perf_counter() - started) * 1000, {"sink": sink, "resultaat": "mislukt"}
        )
        log.error("protocollering not confirmed", extra={"error": str(exc)})
        # The write may still land: a correcting record of the same processing then
        # tells what the caller really got (a 503, nothing delivered).
        processing.correct(503, "protocollering-onbeschikbaar")
        raise unavailable(
            "protocollering-onbeschikbaar",
            "De opvraging kon niet worden vastgelegd en is daarom niet beantwoord. "
            "Probeer het later opnieuw.",
            retry_after=5,
        ) from None
    state.metrics.audit_duration.record(
        (time.perf_counter() - started) * 1000, {"sink": sink, "resultaat": "bevestigd"}
    )


@contextlib.contextmanager
def _logged_under(span: Span) -> Iterator[None]:
    """With ordinary tracing off, the processing span is the current one, so the log
    lines of this klantbeeld carry the trace id its record has. (With tracing on the
    request's span is current, and the processing span is its child: the same trace.)"""
    if trace.get_current_span().get_span_context().is_valid:
        yield
        return
    with trace.use_span(span, record_exception=False, set_status_on_exception=False):
        yield


class ClientGone(Exception):
    """The caller closed the connection before its klantbeeld was ready."""


async def unless_client_goes(request: Request, work: Coroutine[Any, Any, T]) -> T:
    """Run `work`, cancelling it (and every upstream call in it) when the client goes away.

    The body has been read, so the next ASGI message can only be `http.disconnect`.
    """
    task = asyncio.ensure_future(work)
    watcher = asyncio.ensure_future(_disconnected(request))
    try:
        await asyncio.wait({task, watcher}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        watcher.cancel()
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    if task.cancelled():
        raise ClientGone()
    return task.result()


async def _disconnected(request: Request) -> None:
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            return


def _refuse_token_in_url(request: Request) -> None:
    # A token in a URL ends up in proxy and browser logs: only the header counts.
    if _TOKEN_PARAMETERS & {name.lower() for name in request.query_params}:
        raise unauthorized(
            "Een token in de URL wordt niet geaccepteerd; gebruik de Authorization-header."
        )


def _never_a_bsn(value: str, state: AppState) -> str:
    """`pseudoniem:<16 hex>` for a value that holds a BSN anywhere; the value otherwise."""
    if contains_bsn(value):
        return "pseudoniem:" + state.trail.pseudonymizer.pseudonym(value.strip())[:16]
    return value


def without_tracestate(headers: Any) -> dict[str, str]:
    # A caller's tracestate is opaque, unvetted vendor data: the processing record (an
    # exported span) does not keep it. connectors/tracing.py keeps it from the registers.
    return {k: v for k, v in headers.items() if k.lower() != "tracestate"}


async def doelen(request: Request) -> Response:
    """The doelen this caller may use."""
    state: AppState = request.app.state.facade
    caller = await state.authenticator.authenticate(request.headers.get("authorization"))
    allowed = allowed_doelen(state.policies.toegang, caller.scopes, caller.rollen)
    items = [doel_summary(d) for d in sorted(state.policies.doelen.values(), key=lambda d: d.id)]
    return JSONResponse(
        {"beleidsversie": state.policies.versie, "doelen": [d for d in items if d["id"] in allowed]}
    )


async def doel(request: Request) -> Response:
    """One doel in full: what it may see and why. Policies are no secret: any caller may read."""
    state: AppState = request.app.state.facade
    await state.authenticator.authenticate(request.headers.get("authorization"))
    found = state.policies.get(request.path_params["doel_id"])
    if found is None:
        raise Problem(404, "doel-onbekend", "Doel niet gevonden.", "Dit doel bestaat niet.")
    return JSONResponse(doel_details(found, state.policies))


async def readyz(request: Request) -> Response:
    """Ready to serve: configuration loaded, protocollering sink confirming.

    Cheap, and never calls a register with personal data.
    """
    state: AppState = request.app.state.facade
    breakers = [r.upstream.breaker.state for r in state.registers.all]
    checks = {
        "configuratie": True,
        "protocollering": await state.trail.sink.ready(),
        # One dead register costs its section; all of them dead, the whole view.
        "registers": not breakers or any(b is not BreakerState.OPEN for b in breakers),
        "sleutels": await state.authenticator.keys_available(),
    }
    ready = all(checks.values())
    # Which registers are not asked now (breaker open or probing): names from the
    # configuration, so an operator sees a hanging register while the view still works.
    tripped = {
        r.naam: r.upstream.breaker.state.value
        for r in state.registers.all
        if r.upstream.breaker.state is not BreakerState.CLOSED
    }
    return JSONResponse(
        {
            "status": "ok" if ready else "niet-gereed",
            "controles": checks,
            **({"onderbrekers": tripped} if tripped else {}),
        },
        status_code=200 if ready else 503,
        headers={"Cache-Control": "no-store"},
    )


# What `GET /` points at: what every façade serves (the demo adds its pages at `/`).
ROOT_LINKS = {
    "openapi": "/api/v1/openapi.json",
    "klantbeeld": "/api/v1/klantbeeld",
    "doelen": "/api/v1/doelen",
    "mijnVerwerkingen": "/api/v1/mijn-verwerkingen",
    "gezondheid": "/healthz",
    "gereedheid": "/readyz",
}


async def root(request: Request) -> Response:
    """Where to start: the façade's name and version and links to what exists; public."""
    return JSONResponse(
        {
            "naam": "Klantbeeld-façade",
            "apiVersion": API_VERSION,
            "_links": {"self": {"href": "/"}} | {k: {"href": v} for k, v in ROOT_LINKS.items()},
        }
    )


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok", "apiVersion": API_VERSION})


def _call_context(caller: Caller, verzoek: KlantbeeldRequest) -> CallContext:
    """Who the registers' own audit sees.

    The authenticated identity (the token's subject) is the `user_id`; the user
    the caller states in `X-Gebruiker` only names it (`user_representation`,
    the BRP gateway's `x-gebruiker`). For self-service both are the agreed
    placeholder, never the BSN from the token.
    """
    if verzoek.doel.zelfbediening:
        zelf = SELF_SERVICE_BUSINESS if verzoek.kvk_nummer is not None else SELF_SERVICE_USER
        return CallContext(
            gebruiker=zelf,
            gebruiker_weergave=zelf,
            verwerking=verzoek.verwerking,
        )
    return CallContext(
        gebruiker=caller.subject,
        gebruiker_weergave=verzoek.gebruiker or caller.subject,
        verwerking=verzoek.verwerking,
    )


def prometheus(registry: object) -> Any:
    """`/metrics` for Prometheus: the façade's own registry, no personal data in any label."""
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    async def metrics(request: Request) -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)  # type: ignore[arg-type]

    return metrics
