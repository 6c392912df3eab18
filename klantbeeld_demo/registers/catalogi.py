"""Simulated Catalogi API 1.3.1 as Open Zaak serves it under /catalogi/api/v1.

Endpoints: GET /zaaktypen (list), /zaaktypen/{uuid}, /statustypen/{uuid}, /roltypen/{uuid}.
Serves the fixed catalogus of one zaaksysteem (`zaaksystemen.py`); a
`zaken.lezen`-only client may read everything, so auth is the ZGW JWT without
further filtering.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from klantbeeld_demo.registers.catalogus import BEGIN_GELDIGHEID, Roltype, Statustype, Zaaktype
from klantbeeld_demo.registers.endpoint import Handler, Register
from klantbeeld_demo.registers.urls import Linker
from klantbeeld_demo.registers.zaaksystemen import ZAAKSYSTEEM1, Zaaksysteem
from klantbeeld_demo.registers.zgw import (
    ApiVersion,
    detail_response,
    not_found,
    paginate,
    reject_unknown_params,
)

API_VERSION = "1.3.1"

T = TypeVar("T")


def render_zaaktype(
    zaaktype: Zaaktype, link: Linker, systeem: Zaaksysteem = ZAAKSYSTEEM1
) -> dict[str, Any]:
    paden, catalogus = systeem.paden, systeem.catalogus
    return {
        "url": link.url(paden.zaaktype(zaaktype.uuid)),
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
        "verantwoordelijke": catalogus.verantwoordelijke,
        "broncatalogus": None,
        "bronzaaktype": None,
        "beginGeldigheid": BEGIN_GELDIGHEID,
        "eindeGeldigheid": None,
        "versiedatum": BEGIN_GELDIGHEID,
        "beginObject": BEGIN_GELDIGHEID,
        "eindeObject": None,
        "catalogus": link.url(paden.catalogus(catalogus.uuid)),
        "statustypen": [link.url(paden.statustype(s.uuid)) for s in zaaktype.statustypen],
        "resultaattypen": [],
        "eigenschappen": [],
        "informatieobjecttypen": [],
        "roltypen": [link.url(paden.roltype(r.uuid)) for r in zaaktype.roltypen],
        "besluittypen": [],
        "deelzaaktypen": [],
        "gerelateerdeZaaktypen": [],
        "zaakobjecttypen": [],
    }


def render_statustype(
    statustype: Statustype, link: Linker, systeem: Zaaksysteem = ZAAKSYSTEEM1
) -> dict[str, Any]:
    paden = systeem.paden
    return {
        "url": link.url(paden.statustype(statustype.uuid)),
        "omschrijving": statustype.omschrijving,
        "omschrijvingGeneriek": "",
        "statustekst": statustype.statustekst,
        "zaaktype": link.url(paden.zaaktype(statustype.zaaktype_uuid)),
        "zaaktypeIdentificatie": statustype.zaaktype_identificatie,
        "volgnummer": statustype.volgnummer,
        "isEindstatus": statustype.is_eindstatus,
        "informeren": False,
        "doorlooptijd": None,
        "toelichting": None,
        "checklistitemStatustype": [],
        "catalogus": link.url(paden.catalogus(systeem.catalogus.uuid)),
        "eigenschappen": [],
        "zaakobjecttypen": [],
        "beginGeldigheid": BEGIN_GELDIGHEID,
        "eindeGeldigheid": None,
        "beginObject": BEGIN_GELDIGHEID,
        "eindeObject": None,
    }


def render_roltype(
    roltype: Roltype, link: Linker, systeem: Zaaksysteem = ZAAKSYSTEEM1
) -> dict[str, Any]:
    paden = systeem.paden
    return {
        "url": link.url(paden.roltype(roltype.uuid)),
        "zaaktype": link.url(paden.zaaktype(roltype.zaaktype_uuid)),
        "zaaktypeIdentificatie": roltype.zaaktype_identificatie,
        "omschrijving": roltype.omschrijving,
        "omschrijvingGeneriek": roltype.omschrijving_generiek,
        "catalogus": link.url(paden.catalogus(systeem.catalogus.uuid)),
        "beginGeldigheid": BEGIN_GELDIGHEID,
        "eindeGeldigheid": None,
        "beginObject": BEGIN_GELDIGHEID,
        "eindeObject": None,
    }


def _zaaktypen(systeem: Zaaksysteem) -> Handler:
    async def handler(request: Request) -> Response:
        reject_unknown_params(request, {"identificatie", "page", "pageSize"})
        wanted = request.query_params.get("identificatie")
        items = [
            z
            for z in systeem.catalogus.zaaktypen.values()
            if wanted is None or z.identificatie == wanted
        ]
        link = Linker(request)
        return JSONResponse(paginate(request, items, lambda z: render_zaaktype(z, link, systeem)))

    return handler


def _detail(
    table: Mapping[str, T],
    render: Callable[[T, Linker, Zaaksysteem], dict[str, Any]],
    systeem: Zaaksysteem,
) -> Handler:
    async def handler(request: Request) -> Response:
        item = table.get(request.path_params["uuid"])
        if item is None:
            raise not_found(request)
        return detail_response(request, render(item, Linker(request), systeem), etag=True)

    return handler


def create_catalogi_app(register: Register, systeem: Zaaksysteem = ZAAKSYSTEEM1) -> Starlette:
    catalogus = systeem.catalogus
    app = Starlette(
        routes=[
            register.route("/zaaktypen", "zaaktypen", _zaaktypen(systeem)),
            register.route(
                "/zaaktypen/{uuid}",
                "zaaktype",
                _detail(catalogus.zaaktypen, render_zaaktype, systeem),
            ),
            register.route(
                "/statustypen/{uuid}",
                "statustype",
                _detail(catalogus.statustypen, render_statustype, systeem),
            ),
            register.route(
                "/roltypen/{uuid}",
                "roltype",
                _detail(catalogus.roltypen, render_roltype, systeem),
            ),
        ],
        middleware=[Middleware(ApiVersion, version=API_VERSION)],
    )
    app.router.redirect_slashes = False
    return app
