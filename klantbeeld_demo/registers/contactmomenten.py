"""Simulated Contactmomenten API 1.0.0 as Open Klant 1.0 serves it (/contactmomenten/api/v1).

Endpoints: GET /contactmomenten (with Open Klant's "AFWIJKING" filters `klant` and
`object` and inline `expand`), /contactmomenten/{uuid}, /klantcontactmomenten[/{uuid}],
/objectcontactmomenten[/{uuid}]. Unlike Open Klant's Klanten API, unknown query
parameters → 400, and `pageSize` is one of them (fixed pages of 100).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from klantbeeld_demo.registers import urls
from klantbeeld_demo.registers.builders import BRONORGANISATIE
from klantbeeld_demo.registers.endpoint import Register
from klantbeeld_demo.registers.model import Contactmoment, DemoData, Klant, stable_uuid
from klantbeeld_demo.registers.urls import Linker
from klantbeeld_demo.registers.zgw import (
    ApiVersion,
    comma_list,
    detail_response,
    invalid_choice,
    not_found,
    paginate,
    reject_unknown_params,
    validation_error,
)

API_VERSION = "1.0.0"
EXPAND_CHOICES = frozenset({"klantcontactmomenten", "objectcontactmomenten"})
_ORDER_FIELDS: Mapping[str, Callable[[Contactmoment], str]] = {
    "url": lambda c: c.uuid,
    "bronorganisatie": lambda c: BRONORGANISATIE,
    "klant": lambda c: "",
    "registratiedatum": lambda c: c.registratiedatum,
    "kanaal": lambda c: c.kanaal,
    "voorkeurskanaal": lambda c: c.voorkeurskanaal,
    "tekst": lambda c: c.tekst,
    "onderwerp_links": lambda c: "",
    "initiatiefnemer": lambda c: c.initiatiefnemer,
    "medewerker": lambda c: "",
    "medewerker_identificatie": lambda c: c.medewerker_identificatie.get("identificatie", ""),
}
ORDERING_CHOICES = frozenset({*_ORDER_FIELDS, *(f"-{f}" for f in _ORDER_FIELDS)})
_DATE_LOOKUPS: Mapping[str, Callable[[str, str], bool]] = {
    "registratiedatum": lambda a, b: a == b,
    "registratiedatum__gt": lambda a, b: a > b,
    "registratiedatum__gte": lambda a, b: a >= b,
    "registratiedatum__lt": lambda a, b: a < b,
    "registratiedatum__lte": lambda a, b: a <= b,
}
CONTACTMOMENTEN_PARAMS = frozenset(
    {"klant", "object", "expand", "ordering", "kanaal", "initiatiefnemer", "page", *_DATE_LOOKUPS}
)


@dataclass(frozen=True)
class KlantContactmoment:
    uuid: str
    contactmoment: Contactmoment
    klant: Klant


@dataclass(frozen=True)
class ObjectContactmoment:
    uuid: str
    contactmoment: Contactmoment
    zaak_uuid: str


def _is_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _require_urls(request: Request, names: tuple[str, ...]) -> None:
    invalid = [
        {"name": n, "code": "invalid", "reason": "Voer een geldige URL in."}
        for n in names
        if n in request.query_params and not _is_url(request.query_params[n])
    ]
    if invalid:
        raise validation_error(request, invalid)


class ContactmomentenHandlers:
    def __init__(self, data: DemoData) -> None:
        self.contactmomenten = {uuid: cm for uuid, (cm, _) in data.contactmomenten.items()}
        self.klantcontactmomenten = {
            kcm.uuid: kcm
            for cm, klant in data.contactmomenten.values()
            if klant is not None
            for kcm in [KlantContactmoment(stable_uuid("klantcontactmoment", cm.uuid), cm, klant)]
        }
        self.objectcontactmomenten = {
            ocm.uuid: ocm
            for cm, _ in data.contactmomenten.values()
            if cm.zaak_uuid is not None
            for ocm in [
                ObjectContactmoment(stable_uuid("objectcontactmoment", cm.uuid), cm, cm.zaak_uuid)
            ]
        }
        self._kcm_by_cm = {k.contactmoment.uuid: k for k in self.klantcontactmomenten.values()}
        self._ocm_by_cm = {o.contactmoment.uuid: o for o in self.objectcontactmomenten.values()}

    # --- rendering --------------------------------------------------------------

    def render_klantcontactmoment(self, kcm: KlantContactmoment, link: Linker) -> dict[str, Any]:
        return {
            "url": link.url(urls.klantcontactmoment(kcm.uuid)),
            "contactmoment": link.url(urls.contactmoment(kcm.contactmoment.uuid)),
            "klant": link.url(urls.klant(kcm.klant.uuid)),
            "rol": kcm.contactmoment.klant_rol,
            "gelezen": False,
        }

    def render_objectcontactmoment(self, ocm: ObjectContactmoment, link: Linker) -> dict[str, Any]:
        return {
            "url": link.url(urls.objectcontactmoment(ocm.uuid)),
            "contactmoment": link.url(urls.contactmoment(ocm.contactmoment.uuid)),
            "object": link.url(urls.zaak(ocm.zaak_uuid)),
            "objectType": "zaak",
        }

    def render_contactmoment(
        self, cm: Contactmoment, link: Linker, expand: frozenset[str] = frozenset()
    ) -> dict[str, Any]:
        kcms = [k for k in [self._kcm_by_cm.get(cm.uuid)] if k is not None]
        ocms = [o for o in [self._ocm_by_cm.get(cm.uuid)] if o is not None]
        # Open Klant 1.0 expands inline: the URL list becomes a list of objects.
        return {
            "url": link.url(urls.contactmoment(cm.uuid)),
            "vorigContactmoment": None,
            "volgendContactmoment": None,
            "bronorganisatie": BRONORGANISATIE,
            "registratiedatum": cm.registratiedatum,
            "kanaal": cm.kanaal,
            "voorkeurskanaal": cm.voorkeurskanaal,
            "voorkeurstaal": cm.voorkeurstaal,
            "tekst": cm.tekst,
            "onderwerpLinks": [],
            "initiatiefnemer": cm.initiatiefnemer,
            "medewerker": "",
            "medewerkerIdentificatie": dict(cm.medewerker_identificatie),
            "klantcontactmomenten": [
                self.render_klantcontactmoment(k, link)
                if "klantcontactmomenten" in expand
                else link.url(urls.klantcontactmoment(k.uuid))
                for k in kcms
            ],
            "objectcontactmomenten": [
                self.render_objectcontactmoment(o, link)
                if "objectcontactmomenten" in expand
                else link.url(urls.objectcontactmoment(o.uuid))
                for o in ocms
            ],
        }

    # --- handlers ---------------------------------------------------------------

    async def list_contactmomenten(self, request: Request) -> Response:
        reject_unknown_params(request, CONTACTMOMENTEN_PARAMS)
        _require_urls(request, ("klant", "object"))
        q = request.query_params
        invalid: list[dict[str, str]] = []
        expand = frozenset(comma_list(request, "expand", EXPAND_CHOICES, invalid))
        ordering = comma_list(request, "ordering", ORDERING_CHOICES, invalid)
        if "initiatiefnemer" in q and q["initiatiefnemer"] not in ("gemeente", "klant"):
            invalid.append(invalid_choice("initiatiefnemer", q["initiatiefnemer"]))
        if invalid:
            raise validation_error(request, invalid)
        link = Linker(request)
        items = [cm for cm in self.contactmomenten.values() if self._matches(cm, q, link)]
        items.sort(key=lambda c: c.uuid)  # some fixed order when none is asked for
        for term in reversed(ordering):
            get = _ORDER_FIELDS[term.lstrip("-")]
            items.sort(key=get, reverse=term.startswith("-"))
        body = paginate(
            request,
            items,
            lambda c: self.render_contactmoment(c, link, expand),
            page_size_param=False,
        )
        return JSONResponse(body)

    def _matches(self, cm: Contactmoment, q: Mapping[str, str], link: Linker) -> bool:
        kcm, ocm = self._kcm_by_cm.get(cm.uuid), self._ocm_by_cm.get(cm.uuid)
        if "klant" in q and (kcm is None or link.url(urls.klant(kcm.klant.uuid)) != q["klant"]):
            return False
        if "object" in q and (ocm is None or link.url(urls.zaak(ocm.zaak_uuid)) != q["object"]):
            return False
        for name in ("kanaal", "initiatiefnemer"):
            if name in q and getattr(cm, name) != q[name]:
                return False
        # Compared as ISO strings: the demo stores all times in UTC with a Z suffix.
        return all(
            compare(cm.registratiedatum, q[name])
            for name, compare in _DATE_LOOKUPS.items()
            if name in q
        )

    async def contactmoment(self, request: Request) -> Response:
        invalid: list[dict[str, str]] = []
        expand = frozenset(comma_list(request, "expand", EXPAND_CHOICES, invalid))
        if invalid:
            raise validation_error(request, invalid)
        cm = self.contactmomenten.get(request.path_params["uuid"])
        if cm is None:
            raise not_found(request)
        body = self.render_contactmoment(cm, Linker(request), expand)
        return detail_response(request, body, etag=False)

    async def list_klantcontactmomenten(self, request: Request) -> Response:
        reject_unknown_params(request, {"klant", "contactmoment", "rol", "page"})
        _require_urls(request, ("klant", "contactmoment"))
        q = request.query_params
        if "rol" in q and q["rol"] not in ("belanghebbende", "gesprekspartner"):
            raise validation_error(request, [invalid_choice("rol", q["rol"])])
        link = Linker(request)
        items = [
            k
            for k in self.klantcontactmomenten.values()
            if ("klant" not in q or link.url(urls.klant(k.klant.uuid)) == q["klant"])
            and (
                "contactmoment" not in q
                or link.url(urls.contactmoment(k.contactmoment.uuid)) == q["contactmoment"]
            )
            and ("rol" not in q or k.contactmoment.klant_rol == q["rol"])
        ]
        items.sort(key=lambda k: k.contactmoment.registratiedatum, reverse=True)
        body = paginate(
            request, items, lambda k: self.render_klantcontactmoment(k, link), page_size_param=False
        )
        return JSONResponse(body)

    async def klantcontactmoment(self, request: Request) -> Response:
        kcm = self.klantcontactmomenten.get(request.path_params["uuid"])
        if kcm is None:
            raise not_found(request)
        return detail_response(
            request, self.render_klantcontactmoment(kcm, Linker(request)), etag=False
        )

    async def list_objectcontactmomenten(self, request: Request) -> Response:
        reject_unknown_params(request, {"object", "contactmoment", "objectType", "page"})
        _require_urls(request, ("object", "contactmoment"))
        q = request.query_params
        if "objectType" in q and q["objectType"] != "zaak":
            raise validation_error(request, [invalid_choice("objectType", q["objectType"])])
        link = Linker(request)
        items = [
            o
            for o in self.objectcontactmomenten.values()
            if ("object" not in q or link.url(urls.zaak(o.zaak_uuid)) == q["object"])
            and (
                "contactmoment" not in q
                or link.url(urls.contactmoment(o.contactmoment.uuid)) == q["contactmoment"]
            )
        ]
        items.sort(key=lambda o: o.contactmoment.registratiedatum, reverse=True)
        body = paginate(
            request,
            items,
            lambda o: self.render_objectcontactmoment(o, link),
            page_size_param=False,
        )
        return JSONResponse(body)

    async def objectcontactmoment(self, request: Request) -> Response:
        ocm = self.objectcontactmomenten.get(request.path_params["uuid"])
        if ocm is None:
            raise not_found(request)
        return detail_response(
            request, self.render_objectcontactmoment(ocm, Linker(request)), etag=False
        )


def create_contactmomenten_app(data: DemoData, register: Register) -> Starlette:
    h = ContactmomentenHandlers(data)
    app = Starlette(
        routes=[
            register.route("/contactmomenten", "list", h.list_contactmomenten),
            register.route("/contactmomenten/{uuid}", "contactmoment", h.contactmoment),
            register.route(
                "/klantcontactmomenten", "klantcontactmomenten", h.list_klantcontactmomenten
            ),
            register.route(
                "/klantcontactmomenten/{uuid}", "klantcontactmoment", h.klantcontactmoment
            ),
            register.route(
                "/objectcontactmomenten", "objectcontactmomenten", h.list_objectcontactmomenten
            ),
            register.route(
                "/objectcontactmomenten/{uuid}", "objectcontactmoment", h.objectcontactmoment
            ),
        ],
        middleware=[Middleware(ApiVersion, version=API_VERSION)],
    )
    app.router.redirect_slashes = False
    return app
