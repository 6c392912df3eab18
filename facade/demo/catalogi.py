"""Simulated Catalogi API 1.3.1 as Open Zaak serves it under /catalogi/api/v1.

Endpoints: GET /zaaktypen (list), /zaaktypen/{uuid}, /statustypen/{uuid}, /roltypen/{uuid}.
Serves the fixed catalogus in `catalogus.py`; a `zaken.lezen`-only client may read
everything, so auth is the ZGW JWT without further filtering.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from facade.demo import urls
from facade.demo.catalogus import (
    BEGIN_GELDIGHEID,
    CATALOGUS_UUID,
    ROLTYPEN,
    STATUSTYPEN,
    ZAAKTYPEN,
    Roltype,
    Statustype,
    Zaaktype,
)
from facade.demo.endpoint import Handler, Register
from facade.demo.urls import Linker
from facade.demo.zgw import ApiVersion, detail_response, not_found, paginate, reject_unknown_params

API_VERSION = "1.3.1"

T = TypeVar("T")


def render_zaaktype(zaaktype: Zaaktype, link: Linker) -> dict[str, Any]:
    return {
        "url": link.url(urls.zaaktype(zaaktype.uuid)),
        "identificatie": zaaktype.identificatie,
        "omschrijving": zaaktype.omschrijving,
        "omschrijvingGeneriek": "",
        "vertrouwelijkheidaanduiding": zaaktype.vertrouwelijkheidaanduiding,
        "doel": zaaktype.doel,
        "aanleiding": "Een verzoek van een inwoner.",
        "toelichting": "",
        "indicatieInternOfExtern": "extern",
        "handelingInitiator": "Aanvragen",
        "onderwerp": zaaktype.omschrijving,
        "handelingBehandelaar": "Behandelen",
        "doorlooptijd": zaaktype.doorlooptijd,
        "servicenorm": None,
        "opschortingEnAanhoudingMogelijk": False,
        "verlengingMogelijk": False,
        "verlengingstermijn": None,
        "trefwoorden": [],
        "publicatieIndicatie": False,
        "publicatietekst": "",
        "verantwoordingsrelatie": [],
        "productenOfDiensten": [],
        "selectielijstProcestype": "",
        "referentieproces": {"naam": zaaktype.omschrijving, "link": ""},
        "concept": False,
        "verantwoordelijke": "Gemeente Klaverdam",
        "broncatalogus": None,
        "bronzaaktype": None,
        "beginGeldigheid": BEGIN_GELDIGHEID,
        "eindeGeldigheid": None,
        "versiedatum": BEGIN_GELDIGHEID,
        "beginObject": BEGIN_GELDIGHEID,
        "eindeObject": None,
        "catalogus": link.url(urls.catalogus(CATALOGUS_UUID)),
        "statustypen": [link.url(urls.statustype(s.uuid)) for s in zaaktype.statustypen],
        "resultaattypen": [],
        "eigenschappen": [],
        "informatieobjecttypen": [],
        "roltypen": [link.url(urls.roltype(r.uuid)) for r in zaaktype.roltypen],
        "besluittypen": [],
        "deelzaaktypen": [],
        "gerelateerdeZaaktypen": [],
        "zaakobjecttypen": [],
    }


def render_statustype(statustype: Statustype, link: Linker) -> dict[str, Any]:
    return {
        "url": link.url(urls.statustype(statustype.uuid)),
        "omschrijving": statustype.omschrijving,
        "omschrijvingGeneriek": "",
        "statustekst": statustype.statustekst,
        "zaaktype": link.url(urls.zaaktype(statustype.zaaktype_uuid)),
        "zaaktypeIdentificatie": statustype.zaaktype_identificatie,
        "volgnummer": statustype.volgnummer,
        "isEindstatus": statustype.is_eindstatus,
        "informeren": False,
        "doorlooptijd": None,
        "toelichting": None,
        "checklistitemStatustype": [],
        "catalogus": link.url(urls.catalogus(CATALOGUS_UUID)),
        "eigenschappen": [],
        "zaakobjecttypen": [],
        "beginGeldigheid": BEGIN_GELDIGHEID,
        "eindeGeldigheid": None,
        "beginObject": BEGIN_GELDIGHEID,
        "eindeObject": None,
    }


def render_roltype(roltype: Roltype, link: Linker) -> dict[str, Any]:
    return {
        "url": link.url(urls.roltype(roltype.uuid)),
        "zaaktype": link.url(urls.zaaktype(roltype.zaaktype_uuid)),
        "zaaktypeIdentificatie": roltype.zaaktype_identificatie,
        "omschrijving": roltype.omschrijving,
        "omschrijvingGeneriek": roltype.omschrijving_generiek,
        "catalogus": link.url(urls.catalogus(CATALOGUS_UUID)),
        "beginGeldigheid": BEGIN_GELDIGHEID,
        "eindeGeldigheid": None,
        "beginObject": BEGIN_GELDIGHEID,
        "eindeObject": None,
    }


async def _zaaktypen(request: Request) -> Response:
    reject_unknown_params(request, {"identificatie", "page", "pageSize"})
    wanted = request.query_params.get("identificatie")
    items = [z for z in ZAAKTYPEN.values() if wanted is None or z.identificatie == wanted]
    link = Linker(request)
    return JSONResponse(paginate(request, items, lambda z: render_zaaktype(z, link)))


def _detail(table: Mapping[str, T], render: Callable[[T, Linker], dict[str, Any]]) -> Handler:
    async def handler(request: Request) -> Response:
        item = table.get(request.path_params["uuid"])
        if item is None:
            raise not_found(request)
        return detail_response(request, render(item, Linker(request)), etag=True)

    return handler


def create_catalogi_app(register: Register) -> Starlette:
    app = Starlette(
        routes=[
            register.route("/zaaktypen", "zaaktypen", _zaaktypen),
            register.route("/zaaktypen/{uuid}", "zaaktype", _detail(ZAAKTYPEN, render_zaaktype)),
            register.route(
                "/statustypen/{uuid}", "statustype", _detail(STATUSTYPEN, render_statustype)
            ),
            register.route("/roltypen/{uuid}", "roltype", _detail(ROLTYPEN, render_roltype)),
        ],
        middleware=[Middleware(ApiVersion, version=API_VERSION)],
    )
    app.router.redirect_slashes = False
    return app
