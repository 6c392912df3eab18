"""`POST /api/v1/personen/zoeken`: find the caller by name, address, phone or e-mail.

The klantbeeld's shape: authenticate → start the record → parse (400) → authorize
(403, before any register is called) → search → record every person received →
confirm the record → answer. Each candidate carries a `zoekresultaat`, the handle
the klantbeeld takes instead of the BSN (facade/handles.py). More persons than the
doel's maximum is a 400 `te-veel-resultaten`: never a silently cut list.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response

from connectors.context import CallContext
from connectors.tracing import propagate_as
from facade.callers import Caller
from facade.kandidaat import delivered_paths, kandidaat
from facade.middleware import ARRIVAL
from facade.problems import Problem, bad_request, invalid, unavailable
from facade.protocollering.trail import Processing
from facade.routes import (
    ViewResponse,
    admitted,
    authenticated,
    declare_doel,
    measured,
    note_wait,
    recorded,
    unless_client_goes,
    without_tracestate,
)
from facade.state import AppState
from facade.validation import read_body
from facade.zoekvraag import Zoekvraag, authorize_zoeken, parse_zoekvraag
from policies.categorieen import PERSOONSGEGEVENS


async def personen_zoeken(request: Request) -> Response:
    """One search; recorded, like a klantbeeld, before it is answered."""
    state: AppState = request.app.state.facade
    note_wait(request)
    caller = await authenticated(request, state)
    processing = state.trail.start(without_tracestate(request.headers), client_id=caller.client_id)
    processing.caller(client_id=caller.client_id, subject=caller.subject, issuer=caller.issuer)
    processing.search("onbekend")
    return await measured(
        request, state, recorded(request, state, caller, processing, handler=_zoeken)
    )


async def _zoeken(
    request: Request, state: AppState, caller: Caller, processing: Processing
) -> Response:
    if request.url.query:
        # Names, postcodes and numbers in a URL end up in proxy and gateway logs: the
        # search is refused, the parameters are never read or echoed.
        raise bad_request(
            [
                invalid(
                    "query",
                    "geen-queryparameters",
                    "Een zoekvraag hoort in de body, niet in de URL.",
                )
            ]
        )
    raw = await read_body(request, state.settings.server.max_body_bytes)
    vraag = parse_zoekvraag(raw, request, state.policies)
    doel = vraag.doel
    processing.search(vraag.vorm)
    # A candidate shows who the person is (name, birth date, address line), never more.
    declare_doel(processing, state, caller, doel, (PERSOONSGEGEVENS,))
    processing.stated(gebruiker=vraag.gebruiker, verwerking=vraag.verwerking)
    authorize_zoeken(caller, vraag, state.policies)
    if state.handles is None or not state.zoeker.kan_zoeken:
        raise unavailable(
            "zoeken-niet-ingericht",
            "Zoeken naar personen is op deze façade niet ingericht (geen sleutel voor het "
            "zoekresultaat of geen BRP).",
        )
    arrived = request.scope.get(ARRIVAL, asyncio.get_running_loop().time())
    with admitted(state, request, "verzoeken"):
        return await _answer(request, state, caller, vraag, processing, arrived)


async def _answer(
    request: Request,
    state: AppState,
    caller: Caller,
    vraag: Zoekvraag,
    processing: Processing,
    arrived: float,
) -> Response:
    doel = vraag.doel
    assert doel.zoeken is not None and state.handles is not None
    with propagate_as(processing.span):
        uitkomst = await unless_client_goes(
            request, state.zoeker.zoek(vraag, _call_context(caller, vraag), arrived)
        )
    processing.consulted(uitkomst.bronnen)
    if uitkomst.mislukt:
        # The BRP may have been asked about persons Klantinteracties named: recorded.
        processing.found(uitkomst.gevraagd, delivered=False)
        raise unavailable(
            "zoekbron-onbeschikbaar",
            "Een register dat voor deze zoekvraag nodig is, antwoordde niet. Probeer het "
            "later opnieuw.",
        )
    bsns = [p["burgerservicenummer"] for p in uitkomst.personen] or uitkomst.te_veel
    if len(bsns) > doel.zoeken.maximum or uitkomst.afgekapt:
        # Every person received is recorded, none delivered.
        processing.found(bsns, delivered=False)
        raise Problem(
            400,
            "te-veel-resultaten",
            "Te veel resultaten.",
            f"De zoekvraag past op meer dan {doel.zoeken.maximum} personen. Verfijn de "
            "zoekvraag, bijvoorbeeld met voornamen, een huisletter of een toevoeging.",
        )
    processing.found(bsns, delivered=True)
    processing.found(uitkomst.gevraagd, delivered=False)  # asked, not in the BRP's answer
    kandidaten = [
        kandidaat(
            persoon,
            doel.zoeken.velden,
            state.handles.issue(
                persoon["burgerservicenummer"],
                issuer=caller.issuer,
                subject=caller.subject,
                doel=doel.id,
            ),
            alleen_binnenland=doel.klant.alleen_binnenlands_adres,
        )
        for persoon in uitkomst.personen
    ]
    processing.delivered(delivered_paths(kandidaten))
    return ViewResponse(
        {
            "kandidaten": kandidaten,
            "bronnen": uitkomst.bronnen,
            "verwerking": {
                "doel": doel.id,
                "beleidsversie": state.policies.versie,
                "traceId": processing.trace_id,
                "tijdstip": datetime.now(UTC)
                .isoformat(timespec="milliseconds")
                .replace("+00:00", "Z"),
            },
        }
    )


def _call_context(caller: Caller, vraag: Zoekvraag) -> CallContext:
    # As for the klantbeeld: the token's subject is the user, X-Gebruiker names it.
    return CallContext(
        gebruiker=caller.subject,
        gebruiker_weergave=vraag.gebruiker or caller.subject,
        verwerking=vraag.verwerking,
    )
