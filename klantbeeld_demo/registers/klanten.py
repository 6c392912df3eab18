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
from klantbeeld_demo.registers.model import (
    Contacthouder,
    DemoData,
    Klant,
    Ondernemerscontacten,
    Persoon,
)
from klantbeeld_demo.registers.urls import Linker
from klantbeeld_demo.registers.zgw import ApiVersion, detail_response, not_found, paginate

API_VERSION = "1.0.0"


def _is(h: Contacthouder, soort: str, value: str) -> bool:
    """Whether the klant's subject is identified by (soort, value): a BSN, RSIN, branch."""
    if soort == "rsin":
        return isinstance(h, Ondernemerscontacten) and bool(h.rsin) and h.rsin == value
    return h.identificatie.code_soort_object_id == soort and h.identificatie.object_id == value


# The filters Open Klant 1.0 knows; anything else in the query string has no effect.
_FILTERS: Mapping[str, Callable[[Klant, Contacthouder, str], bool]] = {
    "subjectNatuurlijkPersoon__inpBsn": lambda k, h, v: _is(h, "bsn", v),
    "subjectNietNatuurlijkPersoon__innNnpId": lambda k, h, v: _is(h, "rsin", v),
    "subjectVestiging__vestigingsNummer": lambda k, h, v: _is(h, "vestigingsnummer", v),
    "klantnummer": lambda k, h, v: k.klantnummer == v,
    "emailadres": lambda k, h, v: k.emailadres == v,
    "telefoonnummer": lambda k, h, v: k.telefoonnummer == v,
    "achternaam": lambda k, h, v: k.achternaam == v,
    "bedrijfsnaam": lambda k, h, v: k.bedrijfsnaam == v,
    "subjectType": lambda k, h, v: v == _subject_type(h),
    "bronorganisatie": lambda k, h, v: v == BRONORGANISATIE,
}


def _subject_type(houder: Contacthouder) -> str:
    return houder.identificatie.code_objecttype


def _subject_identificatie(klant: Klant, houder: Contacthouder) -> dict[str, Any]:
    """The subjectIdentificatie group of the klant's subjectType (Klanten 1.0 spec)."""
    if isinstance(houder, Persoon):
        return {
            "inpBsn": houder.bsn,
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
        }
    if houder.identificatie.code_objecttype == "vestiging":
        return {
            "vestigingsNummer": houder.identificatie.object_id,
            "handelsnaam": [houder.naam],
            "verblijfsadres": None,
            "subVerblijfBuitenland": None,
        }
    return {
        "innNnpId": houder.rsin,
        "annIdentificatie": "",
        "statutaireNaam": houder.naam,
        "innRechtsvorm": houder.rechtsvorm,
        "bezoekadres": "",
        "subVerblijfBuitenland": None,
    }


def render_klant(klant: Klant, houder: Contacthouder, link: Linker) -> dict[str, Any]:
    return {
        "url": link.url(urls.klant(klant.uuid)),
        "bronorganisatie": BRONORGANISATIE,
        "klantnummer": klant.klantnummer,
        "bedrijfsnaam": klant.bedrijfsnaam,
        "functie": "",
        "websiteUrl": "",
        "voornaam": klant.voornaam,
        "voorvoegselAchternaam": klant.voorvoegsel_achternaam,
        "achternaam": klant.achternaam,
        "telefoonnummer": klant.telefoonnummer,
        "emailadres": klant.emailadres,
        "adres": dict(klant.adres) if klant.adres is not None else None,
        # Linked by BSN, RSIN or vestigingsnummer in subjectIdentificatie, not by a URL:
        # "" like Open Klant.
        "subject": "",
        "subjectType": _subject_type(houder),
        "aanmaakkanaal": klant.aanmaakkanaal,
        "geverifieerd": klant.geverifieerd,
        "subjectIdentificatie": _subject_identificatie(klant, houder),
    }


class KlantenHandlers:
    def __init__(self, data: DemoData) -> None:
        self.data = data

    async def klanten(self, request: Request) -> Response:
        q = request.query_params
        active = [(check, q[name]) for name, check in _FILTERS.items() if name in q]
        items = [
            (klant, houder)
            for klant, houder in self.data.klanten.values()
            if all(check(klant, houder, value) for check, value in active)
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
