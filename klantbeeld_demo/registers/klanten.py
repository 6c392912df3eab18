"""Simulated Klanten API 1.0.0 as Open Klant 1.0 serves it under /klanten/api/v1.

Endpoints: GET /klanten, /klanten/{uuid}. Faithful to Open Klant 1.0's quirks
(UPSTREAMS.md §3): unknown query parameters are IGNORED, so a misspelt BSN filter
returns every klant; `ordering` and `pageSize` are ignored (fixed pages of 100).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from klantbeeld_demo.registers import urls
from klantbeeld_demo.registers.builders import BRONORGANISATIE
from klantbeeld_demo.registers.endpoint import Register
from klantbeeld_demo.registers.model import DemoData, Klant, Persoon
from klantbeeld_demo.registers.urls import Linker
from klantbeeld_demo.registers.zgw import ApiVersion, detail_response, not_found, paginate

API_VERSION = "1.0.0"

# The filters Open Klant 1.0 knows; anything else in the query string has no effect.
_FILTERS: Mapping[str, Callable[[Klant, Persoon, str], bool]] = {
    "subjectNatuurlijkPersoon__inpBsn": lambda k, p, v: p.bsn == v,
    "klantnummer": lambda k, p, v: k.klantnummer == v,
    "emailadres": lambda k, p, v: k.emailadres == v,
    "telefoonnummer": lambda k, p, v: k.telefoonnummer == v,
    "achternaam": lambda k, p, v: k.achternaam == v,
    "subjectType": lambda k, p, v: v == "natuurlijk_persoon",
    "bronorganisatie": lambda k, p, v: v == BRONORGANISATIE,
}


def render_klant(klant: Klant, persoon: Persoon, link: Linker) -> dict[str, Any]:
    return {
        "url": link.url(urls.klant(klant.uuid)),
        "bronorganisatie": BRONORGANISATIE,
        "klantnummer": klant.klantnummer,
        "bedrijfsnaam": "",
        "functie": "",
        "websiteUrl": "",
        "voornaam": klant.voornaam,
        "voorvoegselAchternaam": klant.voorvoegsel_achternaam,
        "achternaam": klant.achternaam,
        "telefoonnummer": klant.telefoonnummer,
        "emailadres": klant.emailadres,
        "adres": dict(klant.adres) if klant.adres is not None else None,
        # Linked by BSN in subjectIdentificatie, not by a BRP URL: "" like Open Klant.
        "subject": "",
        "subjectType": "natuurlijk_persoon",
        "aanmaakkanaal": klant.aanmaakkanaal,
        "geverifieerd": klant.geverifieerd,
        "subjectIdentificatie": {
            "inpBsn": persoon.bsn,
            "anpIdentificatie": "",
            "inpANummer": "",
            "geslachtsnaam": klant.achternaam,
            "voorvoegselGeslachtsnaam": klant.voorvoegsel_achternaam,
            "voorletters": klant.voornaam[:1] + "." if klant.voornaam else "",
            "voornamen": klant.voornaam,
            "geslachtsaanduiding": klant.geslachtsaanduiding,
            "geboortedatum": klant.geboortedatum,
            "verblijfsadres": None,
            "subVerblijfBuitenland": None,
        },
    }


class KlantenHandlers:
    def __init__(self, data: DemoData) -> None:
        self.data = data

    async def klanten(self, request: Request) -> Response:
        q = request.query_params
        active = [(check, q[name]) for name, check in _FILTERS.items() if name in q]
        items = [
            (klant, persoon)
            for klant, persoon in self.data.klanten.values()
            if all(check(klant, persoon, value) for check, value in active)
        ]
        link = Linker(request)
        body = paginate(request, items, lambda kp: render_klant(*kp, link), page_size_param=False)
        return JSONResponse(body)

    async def klant(self, request: Request) -> Response:
        found = self.data.klanten.get(request.path_params["uuid"])
        if found is None:
            raise not_found(request)
        return detail_response(request, render_klant(*found, Linker(request)), etag=False)


def create_klanten_app(data: DemoData, register: Register) -> Starlette:
    h = KlantenHandlers(data)
    app = Starlette(
        routes=[
            register.route("/klanten", "list", h.klanten),
            register.route("/klanten/{uuid}", "klant", h.klant),
        ],
        middleware=[Middleware(ApiVersion, version=API_VERSION)],
    )
    app.router.redirect_slashes = False
    return app
