"""`GET /api/v1/mijn-verwerkingen`: the processings of the token's own subject, newest first.

The klantbeeld's shape: authenticate → start the record → only a zelfbediening token,
only its own subject (403 before the logboek is asked) → the period and page (400) →
read the logboek for the period (503/504) → record → answer. The reading runs under
the configured zelfbediening doel and is itself recorded, so a later inzage lists it.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from starlette.requests import Request
from starlette.responses import Response

from connectors.context import CallContext
from facade.callers import Caller
from facade.inzage.reader import LogboekUnavailable, Subject
from facade.inzage.request import parse_inzage
from facade.inzage.verwerkingen import verwerkingen
from facade.problems import Problem, forbidden, unavailable
from facade.protocollering.trail import Processing
from facade.routes import (
    SELF_SERVICE_BUSINESS,
    SELF_SERVICE_USER,
    ViewResponse,
    admitted,
    authenticated,
    declare_doel,
    measured,
    note_wait,
    recorded,
    without_tracestate,
)
from facade.state import AppState
from policies.access import allowed_doelen
from policies.categorieen import VERWERKINGEN
from policies.model import Doel

_DAY = timedelta(days=1)
# What an entry of the answer holds: the record's "delivered" paths.
DELIVERED = (
    "verwerkingen.tijdstip", "verwerkingen.doel.naam", "verwerkingen.doel.omschrijving",
    "verwerkingen.afnemer", "verwerkingen.categorieen", "verwerkingen.grondslag",
)  # fmt: skip


async def mijn_verwerkingen(request: Request) -> Response:
    """The resident's inzage; recorded, like a klantbeeld, before it is answered."""
    state: AppState = request.app.state.facade
    note_wait(request)
    caller = await authenticated(request, state)
    processing = state.trail.start(without_tracestate(request.headers), client_id=caller.client_id)
    processing.caller(client_id=caller.client_id, subject=caller.subject, issuer=caller.issuer)
    return await measured(
        request, state, recorded(request, state, caller, processing, handler=_inzage)
    )


async def _inzage(
    request: Request, state: AppState, caller: Caller, processing: Processing
) -> Response:
    doel, ondernemer = _zelfbediening_doel(state, caller)
    declare_doel(processing, state, caller, doel, (VERWERKINGEN,))
    _only_the_own_subject(request)
    vraag = parse_inzage(request.query_params, state.today())
    if ondernemer:
        processing.subject("", kvk_nummer=caller.kvk_nummer)
    else:
        processing.subject(caller.bsn or "")
    reader = state.inzage
    if reader is None:
        raise _no_queryable_logboek(state)
    settings = state.settings.inzage
    with admitted(state, request, "verzoeken"):
        try:
            found = await asyncio.wait_for(
                reader.read(
                    _subjects(state, caller, ondernemer=ondernemer),
                    # A day either side: the register counts UTC days, the resident
                    # Amsterdam ones; the records are cut to the period below.
                    vraag.vanaf - _DAY,
                    vraag.tot + 2 * _DAY,
                    cap=settings.max_records,
                    # The logboek's own audit sees the agreed placeholder, never the BSN.
                    who=CallContext(SELF_SERVICE_BUSINESS if ondernemer else SELF_SERVICE_USER),
                ),
                settings.deadline_ms / 1000,
            )
        except (TimeoutError, LogboekUnavailable) as exc:
            raise _logboek_failed(exc) from None
    items = verwerkingen(found.records, state.policies, vraag.vanaf, vraag.tot)
    start = (vraag.pagina - 1) * vraag.pagina_grootte
    processing.delivered(DELIVERED if items[start:] else ())
    return ViewResponse(
        {
            "verwerkingen": items[start : start + vraag.pagina_grootte],
            "pagina": vraag.pagina,
            "paginaGrootte": vraag.pagina_grootte,
            "afgekapt": found.afgekapt,
        }
    )


def _zelfbediening_doel(state: AppState, caller: Caller) -> tuple[Doel, bool]:
    """The configured zelfbediening doel this token may use, and whether it is the
    ondernemer's (the kvkNummer claim) rather than the resident's (the bsn claim); or a 403."""
    inzage = state.settings.inzage
    allowed = allowed_doelen(state.policies.toegang, caller.scopes, caller.rollen)
    candidates = (
        (caller.bsn, inzage.doel, False),
        (caller.kvk_nummer, inzage.doel_ondernemer, True),
    )
    for claim, doel_id, ondernemer in candidates:
        doel = state.policies.get(doel_id) if claim and doel_id else None
        if doel is not None and doel.id in allowed:
            return doel, ondernemer
    raise forbidden(
        "De inzage in verwerkingen is alleen voor de inwoner of ondernemer zelf: "
        "gebruik een token van zelfbediening (DigiD of eHerkenning)."
    )


def _only_the_own_subject(request: Request) -> None:
    """No BSN or kvkNummer in the query, not even the token's own: a number in a URL ends
    up in proxy and gateway logs, and the subject comes from the token. Before any call."""
    query = request.query_params
    for name in ("burgerservicenummer", "kvkNummer"):
        if name in query:
            raise forbidden(
                "U kunt alleen uw eigen verwerkingen inzien, en uw nummer komt uit uw "
                f"inlogtoken: laat {name} weg uit de URL."
            )


def _subjects(state: AppState, caller: Caller, *, ondernemer: bool) -> list[Subject]:
    """The subject's pseudonym under every key, current first: records made before a key
    rotation are found too."""
    pseudonymizer = state.trail.pseudonymizer
    if ondernemer:
        assert caller.kvk_nummer is not None
        found = pseudonymizer.all_pseudonyms_kvk(caller.kvk_nummer)
    else:
        assert caller.bsn is not None
        found = pseudonymizer.all_pseudonyms(caller.bsn)
    return [Subject(key_id, pseudonym, ondernemer) for key_id, pseudonym in found.items()]


def _no_queryable_logboek(state: AppState) -> Problem:
    sink = state.settings.protocollering.sink
    if sink == "verwerkingenlogging":
        reason = "de inzage-URL van de Verwerkingenlogging is niet ingesteld"
    else:
        reason = f"deze façade legt verwerkingen vast in '{sink}', dat niet te doorzoeken is"
    return unavailable(
        "inzage-niet-ingericht",
        "De inzage in verwerkingen heeft een doorzoekbaar logboek nodig (de Verwerkingenlogging "
        f"met haar inzage-API); {reason}.",
    )


def _logboek_failed(exc: Exception) -> Problem:
    timeout = isinstance(exc, TimeoutError) or (isinstance(exc, LogboekUnavailable) and exc.timeout)
    if timeout:
        return Problem(
            504,
            "logboek-timeout",
            "Het logboek antwoordde niet op tijd.",
            "Het logboek met de verwerkingen antwoordde niet op tijd. Probeer het later opnieuw.",
        )
    return unavailable(
        "logboek-onbeschikbaar",
        "Het logboek met de verwerkingen is nu niet bereikbaar. Probeer het later opnieuw.",
        retry_after=5,
    )
