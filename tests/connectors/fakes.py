"""What the registers look like from the connectors' side, for the tests.

Addresses, credentials and response bodies shaped as the specs and the live
servers (Open Zaak 1.30, Open Klant 1.0, BRP Personen 2.x) have them; see
`../shared/specs/UPSTREAMS.md`.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import jwt
import respx

from connectors.auth import ApiKeyAuth, ZgwJwtAuth
from connectors.context import CallContext
from connectors.http import Upstream
from connectors.httpx_transport import HttpxTransport
from connectors.transport import Transport

# Test BSNs from the 999xxxxxx range; both pass the 11-proef.
BSN = "999993653"
ANDER_BSN = "999990627"

CLIENT_ID = "klantbeeld-facade"
SECRET = "een-lang-genoeg-geheim-voor-hs256-tests"
BRP_API_KEY = "brp-sleutel-123"

OPEN_ZAAK = "https://open-zaak.gemeente.example"
ZAKEN = f"{OPEN_ZAAK}/zaken/api/v1"
CATALOGI = f"{OPEN_ZAAK}/catalogi/api/v1"
OPEN_KLANT = "https://open-klant.gemeente.example"
KLANTEN = f"{OPEN_KLANT}/klanten/api/v1"
CONTACTMOMENTEN = f"{OPEN_KLANT}/contactmomenten/api/v1"
BRP = "https://brp-gateway.gemeente.example/haalcentraal/api/brp"


def context(**changes: Any) -> CallContext:
    values: dict[str, Any] = {
        "gebruiker": "kcc-medewerker-17",
        "gebruiker_weergave": "A. de Vries (KCC)",
        "verwerking": "Klantcontact",
        "brp_doelbinding": "BRPKCC-Klantbeeld",
        "origin_oin": "00000001001234567000",
    }
    values.update(changes)
    return CallContext(**values)


def mock_router() -> respx.Router:
    return respx.Router(assert_all_called=False)


def transport_for(router: respx.Router) -> HttpxTransport:
    """respx as the transport: production runs on aiohttp, which respx cannot patch."""
    # async_handler: side effects may be coroutines (a slow register, a gate).
    return HttpxTransport(httpx.AsyncClient(transport=httpx.MockTransport(router.async_handler)))


class Hanging:
    """A register that takes each request and never answers, as a hung server does.

    Counts the requests it took, and those whose caller gave up on them (the
    request cancelled, not left running).
    """

    def __init__(self) -> None:
        self.asked = 0
        self.abandoned = 0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.asked += 1
        try:
            await asyncio.Event().wait()
        finally:
            self.abandoned += 1
        raise AssertionError("a hanging register never answers")


def zgw_upstream(naam: str, base_url: str, transport: Transport, **kwargs: Any) -> Upstream:
    return Upstream(
        naam=naam,
        base_url=base_url,
        transport=transport,
        auth=ZgwJwtAuth(CLIENT_ID, SECRET),
        **kwargs,
    )


def brp_upstream(transport: Transport) -> Upstream:
    return Upstream(naam="brp", base_url=BRP, transport=transport, auth=ApiKeyAuth(BRP_API_KEY))


def query(request: httpx.Request) -> dict[str, str]:
    return dict(request.url.params.multi_items())


def zgw_claims(request: httpx.Request) -> dict[str, Any]:
    scheme, _, token = request.headers["Authorization"].partition(" ")
    assert scheme == "Bearer"
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    return jwt.decode(token, SECRET, algorithms=["HS256"])


def assert_zgw_token(request: httpx.Request, ctx: CallContext) -> None:
    """The ZGW JWT as Open Zaak and Open Klant 1.0 both accept it (UPSTREAMS §0)."""
    claims = zgw_claims(request)
    now = time.time()
    assert claims["iss"] == CLIENT_ID
    assert claims["client_id"] == CLIENT_ID
    # A few seconds back: Open Klant 1.0 answers 500 to an iat in the future.
    assert now - 30 <= claims["iat"] <= now - 1
    assert "exp" not in claims
    assert claims["user_id"] == ctx.gebruiker
    assert claims["user_representation"] == (ctx.gebruiker_weergave or ctx.gebruiker)


def paginated(
    results: list[dict[str, Any]],
    next_url: str | None = None,
    *,
    count: int | None = None,
    previous_url: str | None = None,
) -> httpx.Response:
    """One page of a ZGW list; `count` is the whole list's (default: this page's results)."""
    body = {
        "count": len(results) if count is None else count,
        "next": next_url,
        "previous": previous_url,
        "results": results,
    }
    return httpx.Response(200, json=body)


def page_url(list_url: str, number: int, **filters: str) -> str | None:
    """An absolute `next`/`previous` link as Open Zaak (DRF) writes it: the filters kept,
    `page` added; the link to page 1 has no `page`, and there is none before it."""
    if number < 1:
        return None
    params = {**filters, "page": str(number)} if number > 1 else filters
    query = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
    return f"{list_url}?{query}" if query else list_url


def fout(status: int, code: str, title: str, detail: str = "", **extra: Any) -> httpx.Response:
    """A ZGW `Fout`, sent as live servers do: `application/json`, not problem+json."""
    body = {
        "type": f"http://testserver/ref/fouten/{code}/",
        "code": code,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": "urn:uuid:8a7c1a3e-5a0b-4f4c-9f8e-1f3c2b7d9e10",
        **extra,
    }
    return httpx.Response(status, json=body)


def problem(status: int, code: str, title: str, **extra: Any) -> httpx.Response:
    """A Haal Centraal problem+json error."""
    body = {
        "type": "https://datatracker.ietf.org/doc/html/rfc7231#section-6.5.1",
        "title": title,
        "status": status,
        "instance": "/haalcentraal/api/brp/personen",
        "code": code,
        **extra,
    }
    return httpx.Response(status, json=body, headers={"Content-Type": "application/problem+json"})


# ---- Zaken and Catalogi, shaped like Open Zaak 1.30 ----------------------------

ZAAKTYPE_PARKEREN = f"{CATALOGI}/zaaktypen/0119dd4e-7be9-477e-bccf-75023b1453c1"
ZAAKTYPE_BEZWAAR = f"{CATALOGI}/zaaktypen/5f1bd5b0-0bd2-4e4c-b7e5-2e9f0b2e4c11"
STATUSTYPE_ONTVANGEN = f"{CATALOGI}/statustypen/73c8a1a8-6b8e-4b2b-9c3f-0e5d2b9a8f01"
STATUSTYPE_AFGEROND = f"{CATALOGI}/statustypen/e1f0c2d3-4b5a-4c6d-8e7f-9a0b1c2d3e4f"


def zaaktype_json(url: str, identificatie: str, omschrijving: str) -> dict[str, Any]:
    return {
        "url": url,
        "identificatie": identificatie,
        "omschrijving": omschrijving,
        "omschrijvingGeneriek": "",
        "vertrouwelijkheidaanduiding": "zaakvertrouwelijk",
        "doel": "Vergunning verlenen",
        "aanleiding": "Aanvraag",
        "indicatieInternOfExtern": "extern",
        "handelingInitiator": "aanvragen",
        "onderwerp": "Parkeren",
        "handelingBehandelaar": "behandelen",
        "doorlooptijd": "P8W",
        "opschortingEnAanhoudingMogelijk": False,
        "verlengingMogelijk": False,
        "catalogus": f"{CATALOGI}/catalogussen/b8f5a1c2-0d3e-4f6a-9b7c-1d2e3f4a5b6c",
        "statustypen": [STATUSTYPE_ONTVANGEN, STATUSTYPE_AFGEROND],
        "beginGeldigheid": "2023-01-01",
        "versiedatum": "2023-01-01",
        "concept": False,
    }


def statustype_json(
    url: str, omschrijving: str, statustekst: str, *, eind: bool, zaaktype: str
) -> dict[str, Any]:
    return {
        "url": url,
        "omschrijving": omschrijving,
        "omschrijvingGeneriek": "",
        "statustekst": statustekst,
        "zaaktype": zaaktype,
        "volgnummer": 2 if eind else 1,
        "isEindstatus": eind,
        "informeren": False,
    }


ZAAKTYPEN = {
    ZAAKTYPE_PARKEREN: zaaktype_json(ZAAKTYPE_PARKEREN, "ZT-PARKEER", "Parkeervergunning"),
    ZAAKTYPE_BEZWAAR: zaaktype_json(ZAAKTYPE_BEZWAAR, "ZT-BEZWAAR", "Bezwaar"),
}
STATUSTYPEN = {
    STATUSTYPE_ONTVANGEN: statustype_json(
        STATUSTYPE_ONTVANGEN,
        "Ontvangen",
        "Uw aanvraag is ontvangen",
        eind=False,
        zaaktype=ZAAKTYPE_PARKEREN,
    ),
    STATUSTYPE_AFGEROND: statustype_json(
        STATUSTYPE_AFGEROND, "Afgerond", "Uw zaak is afgerond", eind=True, zaaktype=ZAAKTYPE_BEZWAAR
    ),
}


def zaak_json(
    uuid: str,
    identificatie: str,
    *,
    startdatum: str,
    zaaktype: str = ZAAKTYPE_PARKEREN,
    status_uuid: str | None = None,
    registratiedatum: str | None = None,
    vertrouwelijkheid: str = "zaakvertrouwelijk",
) -> dict[str, Any]:
    url = f"{ZAKEN}/zaken/{uuid}"
    return {
        "url": url,
        "uuid": uuid,
        "identificatie": identificatie,
        "bronorganisatie": "002220647",
        "omschrijving": f"Aanvraag {identificatie}",
        "toelichting": "",
        "zaaktype": zaaktype,
        "registratiedatum": registratiedatum or startdatum,
        "verantwoordelijkeOrganisatie": "002220647",
        "startdatum": startdatum,
        "einddatum": None,
        "einddatumGepland": None,
        "uiterlijkeEinddatumAfdoening": None,
        "publicatiedatum": None,
        "communicatiekanaal": "",
        "productenOfDiensten": [],
        "vertrouwelijkheidaanduiding": vertrouwelijkheid,
        "betalingsindicatie": "",
        "betalingsindicatieWeergave": "",
        "laatsteBetaaldatum": None,
        "zaakgeometrie": None,
        "verlenging": None,
        "opschorting": {"indicatie": False, "reden": ""},
        "selectielijstklasse": "",
        "hoofdzaak": None,
        "deelzaken": [],
        "relevanteAndereZaken": [],
        "eigenschappen": [],
        "rollen": [f"{ZAKEN}/rollen/r-{uuid}"],
        "status": f"{ZAKEN}/statussen/{status_uuid}" if status_uuid else None,
        "zaakinformatieobjecten": [],
        "zaakobjecten": [],
        "kenmerken": [],
        "archiefnominatie": None,
        "archiefstatus": "nog_te_archiveren",
        "archiefactiedatum": None,
        "resultaat": None,
        "opdrachtgevendeOrganisatie": "",
        "processobjectaard": "",
        "startdatumBewaartermijn": None,
        "processobject": {
            "datumkenmerk": "",
            "identificatie": "",
            "objecttype": "",
            "registratie": "",
        },
        "_expand": {},
    }


def status_json(uuid: str, zaak_url: str, statustype: str, gezet: str) -> dict[str, Any]:
    return {
        "url": f"{ZAKEN}/statussen/{uuid}",
        "uuid": uuid,
        "zaak": zaak_url,
        "statustype": statustype,
        "datumStatusGezet": gezet,
        "statustoelichting": "",
        "indicatieLaatstGezetteStatus": True,
        "gezetdoor": None,
        "zaakinformatieobjecten": [],
    }


def rol_json(zaak_url: str, bsn: str, omschrijving_generiek: str = "initiator") -> dict[str, Any]:
    return {
        "url": f"{ZAKEN}/rollen/r-{zaak_url.rsplit('/', 1)[-1]}-{bsn}",
        "uuid": "c3b2a1d0-1111-4222-8333-944455556666",
        "zaak": zaak_url,
        "betrokkene": "",
        "betrokkeneType": "natuurlijk_persoon",
        "afwijkendeNaamBetrokkene": "",
        "roltype": f"{CATALOGI}/roltypen/9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d",
        "omschrijving": "Aanvrager",
        "omschrijvingGeneriek": omschrijving_generiek,
        "roltoelichting": "",
        "registratiedatum": "2024-01-02T09:00:00Z",
        "indicatieMachtiging": "",
        "contactpersoonRol": {
            "emailadres": "",
            "functie": "",
            "telefoonnummer": "",
            "naam": "",
        },
        "statussen": [],
        "betrokkeneIdentificatie": {
            "inpBsn": bsn,
            "anpIdentificatie": "",
            "inpA_nummer": "",
            "geslachtsnaam": "Vries",
            "voorvoegselGeslachtsnaam": "de",
            "voorletters": "A",
            "voornamen": "Anna",
            "geslachtsaanduiding": "v",
            "geboortedatum": "1983-05-26",
            "verblijfsadres": None,
            "subVerblijfBuitenland": None,
        },
    }
