"""Simulated Zaken API 1.5.1 as Open Zaak 1.30 serves it under /zaken/api/v1.

One app per zaaksysteem (`zaaksystemen.py`): the same behaviour over another
selection of zaken, another catalogus and another base path.

Endpoints: GET /zaken, /zaken/{uuid}, /statussen, /statussen/{uuid}, /rollen,
/rollen/{uuid}. Behaviour follows UPSTREAMS.md §0 and §2: checks in the order
auth (403) → Accept-Crs (412/406) → parameters (400); `rol__*` filters must hold
for the SAME rol; `expand` fills `_expand` (null relations leave no key; a child
is only expanded when its parent is listed too).

Filters simulated on /zaken: the `rol__` filters below, `maximaleVertrouwelijkheid-
aanduiding`, `identificatie`, `bronorganisatie`, `zaaktype` and the date filters in
`_DATE_FILTERS`. Other Open Zaak filters are answered as unknown parameters (400),
so a test relying on one fails loudly instead of getting unfiltered data.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from connectors.records import VERTROUWELIJKHEIDAANDUIDINGEN
from klantbeeld_demo.registers.catalogi import render_roltype, render_statustype, render_zaaktype
from klantbeeld_demo.registers.endpoint import Register
from klantbeeld_demo.registers.model import DemoData, Rol, Status, Zaak
from klantbeeld_demo.registers.urls import Linker
from klantbeeld_demo.registers.zaaksystemen import ZAAKSYSTEEM1, Zaaksysteem
from klantbeeld_demo.registers.zgw import (
    ApiVersion,
    comma_list,
    detail_response,
    invalid_choice,
    not_found,
    paginate,
    reject_unknown_params,
    require_accept_crs,
    validation_error,
)

API_VERSION = "1.5.1"
CRS = {"Content-Crs": "EPSG:4326"}

EXPAND_CHOICES = frozenset(
    {
        "zaaktype", "status", "status.statustype", "resultaat", "resultaat.resultaattype",
        "rollen", "rollen.roltype", "eigenschappen", "eigenschappen.eigenschap",
        "zaakinformatieobjecten", "zaakobjecten",
        *(f"{parent}{child}" for parent in ("hoofdzaak", "deelzaken") for child in (
            "", ".resultaat", ".resultaat.resultaattype", ".rollen", ".rollen.roltype",
            ".status", ".status.statustype", ".zaakinformatieobjecten", ".zaakobjecten",
            ".zaaktype",
        )),
    }
)  # fmt: skip
_ORDER_FIELDS: Mapping[str, Callable[[Zaak], str | None]] = {
    "startdatum": lambda z: z.startdatum,
    "einddatum": lambda z: z.einddatum,
    "registratiedatum": lambda z: z.registratiedatum,
    "identificatie": lambda z: z.identificatie,
    "archiefactiedatum": lambda z: None,
    "publicatiedatum": lambda z: None,
}
ORDERING_CHOICES = frozenset({*_ORDER_FIELDS, *(f"-{f}" for f in _ORDER_FIELDS)})

ROL_OMSCHRIJVINGEN_GENERIEK = (
    "adviseur", "behandelaar", "belanghebbende", "beslisser", "initiator", "klantcontacter",
    "mede_initiator", "zaakcoordinator",
)  # fmt: skip
BETROKKENE_TYPEN = (
    "natuurlijk_persoon", "niet_natuurlijk_persoon", "vestiging", "organisatorische_eenheid",
    "medewerker",
)  # fmt: skip

# Query name (without the `rol__` prefix on /zaken) → does this rol match the value.
_ROL_FILTERS: Mapping[str, Callable[[Rol, str], bool]] = {
    "betrokkeneIdentificatie__natuurlijkPersoon__inpBsn": lambda r, v: r.bsn == v,
    # The demo has no A-nummers; the filter exists (unlike `…__inpANummer`, a 400).
    "betrokkeneIdentificatie__natuurlijkPersoon__inpA_nummer": lambda r, v: False,
    "omschrijvingGeneriek": lambda r, v: r.omschrijving_generiek == v,
    "betrokkeneType": lambda r, v: r.betrokkene_type == v,
    # A business (Open Zaak 1.30): by kvkNummer, RSIN, or one branch's vestigingsNummer.
    "betrokkeneIdentificatie__nietNatuurlijkPersoon__kvkNummer": lambda r, v: (
        r.betrokkene_type == "niet_natuurlijk_persoon" and r.kvk_nummer == v
    ),
    "betrokkeneIdentificatie__nietNatuurlijkPersoon__innNnpId": lambda r, v: (
        r.betrokkene_type == "niet_natuurlijk_persoon" and r.rsin == v
    ),
    "betrokkeneIdentificatie__vestiging__kvkNummer": lambda r, v: (
        r.betrokkene_type == "vestiging" and r.kvk_nummer == v
    ),
    "betrokkeneIdentificatie__vestiging__vestigingsNummer": lambda r, v: (
        r.betrokkene_type == "vestiging" and r.vestigingsnummer == v
    ),
}
_DATE_FILTERS = {
    "startdatum": ("startdatum", ("", "__gt", "__gte", "__lt", "__lte")),
    "einddatum": ("einddatum", ("", "__gt", "__lt")),
    "registratiedatum": ("registratiedatum", ("", "__gt", "__lt")),
}
_COMPARE: Mapping[str, Callable[[str, str], bool]] = {
    "": lambda a, b: a == b,
    "__gt": lambda a, b: a > b,
    "__gte": lambda a, b: a >= b,
    "__lt": lambda a, b: a < b,
    "__lte": lambda a, b: a <= b,
}
_DATE_PARAMS = {
    f"{name}{lookup}": (attr, lookup)
    for name, (attr, lookups) in _DATE_FILTERS.items()
    for lookup in lookups
}
ZAKEN_PARAMS = frozenset(
    {
        *(f"rol__{name}" for name in _ROL_FILTERS),
        *_DATE_PARAMS,
        "einddatum__isnull", "maximaleVertrouwelijkheidaanduiding", "identificatie",
        "bronorganisatie", "zaaktype", "ordering", "expand", "page", "pageSize",
    }
)  # fmt: skip


# --- rendering ------------------------------------------------------------------


def render_zaak(zaak: Zaak, link: Linker, systeem: Zaaksysteem = ZAAKSYSTEEM1) -> dict[str, Any]:
    paden = systeem.paden
    return {
        "url": link.url(paden.zaak(zaak.uuid)),
        "uuid": zaak.uuid,
        "identificatie": zaak.identificatie,
        "bronorganisatie": zaak.bronorganisatie,
        "omschrijving": zaak.omschrijving,
        "toelichting": zaak.toelichting,
        "zaaktype": link.url(paden.zaaktype(zaak.zaaktype_uuid)),
        "registratiedatum": zaak.registratiedatum,
        "verantwoordelijkeOrganisatie": zaak.bronorganisatie,
        "startdatum": zaak.startdatum,
        "einddatum": zaak.einddatum,
        "einddatumGepland": zaak.einddatum_gepland,
        "uiterlijkeEinddatumAfdoening": zaak.uiterlijke_einddatum_afdoening,
        "publicatiedatum": None,
        "laatstGemuteerd": zaak.status.datum_status_gezet
        if zaak.status
        else f"{zaak.registratiedatum}T08:00:00Z",
        "laatstGeopend": None,
        "communicatiekanaal": "",
        "communicatiekanaalNaam": "",
        "productenOfDiensten": [],
        "vertrouwelijkheidaanduiding": zaak.vertrouwelijkheidaanduiding,
        "betalingsindicatie": "",
        "betalingsindicatieWeergave": "",
        "laatsteBetaaldatum": None,
        "zaakgeometrie": None,
        "verlenging": None,
        "opschorting": {"indicatie": False, "eerdereOpschorting": False, "reden": ""},
        "selectielijstklasse": "",
        "hoofdzaak": None,
        "deelzaken": [],
        "relevanteAndereZaken": [],
        "gerelateerdeZaken": [],
        "eigenschappen": [],
        "rollen": [link.url(paden.rol(r.uuid)) for r in zaak.rollen],
        "status": link(paden.status(zaak.status.uuid) if zaak.status else None),
        "zaakinformatieobjecten": [],
        "zaakobjecten": [],
        "kenmerken": [],
        "archiefnominatie": None,
        "archiefstatus": "nog_te_archiveren",
        "archiefactiedatum": None,
        # The demo has no resultaten: closed zaken end in their eindstatus only.
        "resultaat": None,
        "opdrachtgevendeOrganisatie": "",
        "processobjectaard": "",
        "startdatumBewaartermijn": None,
        "processobject": None,
    }


def render_status(
    status: Status, zaak: Zaak, link: Linker, systeem: Zaaksysteem = ZAAKSYSTEEM1
) -> dict[str, Any]:
    paden = systeem.paden
    return {
        "url": link.url(paden.status(status.uuid)),
        "uuid": status.uuid,
        "zaak": link.url(paden.zaak(zaak.uuid)),
        "statustype": link.url(paden.statustype(status.statustype_uuid)),
        "datumStatusGezet": status.datum_status_gezet,
        "statustoelichting": status.statustoelichting,
        "indicatieLaatstGezetteStatus": status is zaak.status,
        "gezetdoor": None,
        "zaakinformatieobjecten": [],
    }


def render_rol(
    rol: Rol, zaak: Zaak, link: Linker, systeem: Zaaksysteem = ZAAKSYSTEEM1
) -> dict[str, Any]:
    paden = systeem.paden
    roltype = systeem.catalogus.zaaktypen[zaak.zaaktype_uuid].roltype(rol.omschrijving_generiek)
    return {
        "url": link.url(paden.rol(rol.uuid)),
        "uuid": rol.uuid,
        "zaak": link.url(paden.zaak(zaak.uuid)),
        "betrokkene": "",
        "betrokkeneType": rol.betrokkene_type,
        "afwijkendeNaamBetrokkene": "",
        "roltype": link.url(paden.roltype(roltype.uuid)),
        "omschrijving": roltype.omschrijving,
        "omschrijvingGeneriek": rol.omschrijving_generiek,
        "roltoelichting": roltype.omschrijving,
        "registratiedatum": f"{zaak.registratiedatum}T08:00:00Z",
        "indicatieMachtiging": "",
        "contactpersoonRol": None,
        "statussen": [],
        "beginGeldigheid": None,
        "eindeGeldigheid": None,
        "betrokkeneIdentificatie": _betrokkene_identificatie(rol),
        "authenticatieContext": None,
    }


def _betrokkene_identificatie(rol: Rol) -> dict[str, Any]:
    """As Open Zaak 1.30 renders RolNietNatuurlijkPersoon / RolVestiging / RolNatuurlijkPersoon."""
    if rol.betrokkene_type == "niet_natuurlijk_persoon":
        return {
            "innNnpId": rol.rsin,
            "annIdentificatie": "",
            "kvkNummer": rol.kvk_nummer,
            "vestigingsNummer": "",
            "statutaireNaam": rol.naam,
            "innRechtsvorm": "",
            "bezoekadres": "",
            "subVerblijfBuitenland": None,
        }
    if rol.betrokkene_type == "vestiging":
        return {
            "vestigingsNummer": rol.vestigingsnummer,
            "handelsnaam": [rol.naam],
            "verblijfsadres": None,
            "subVerblijfBuitenland": None,
            "kvkNummer": rol.kvk_nummer,
        }
    return {
        "inpBsn": rol.bsn,
        "anpIdentificatie": "",
        "inpA_nummer": "",
        "geslachtsnaam": rol.geslachtsnaam,
        "voorvoegselGeslachtsnaam": rol.voorvoegsel_geslachtsnaam,
        "voorletters": rol.voorletters,
        "voornamen": rol.voornamen,
        "geslachtsaanduiding": "",
        "geboortedatum": "",
        "verblijfsadres": None,
        "subVerblijfBuitenland": None,
    }


def _nested(body: dict[str, Any], children: dict[str, Any]) -> dict[str, Any]:
    # An expanded object only gets its own `_expand` when a child was asked for.
    return {**body, "_expand": children} if children else body


def expand_zaak(
    zaak: Zaak, names: frozenset[str], link: Linker, systeem: Zaaksysteem = ZAAKSYSTEEM1
) -> dict[str, Any]:
    """The `_expand` object. Null relations (status, resultaat, hoofdzaak) leave no key."""
    result: dict[str, Any] = {}
    zaaktype = systeem.catalogus.zaaktypen[zaak.zaaktype_uuid]
    if "zaaktype" in names:
        result["zaaktype"] = render_zaaktype(zaaktype, link, systeem)
    if "status" in names and zaak.status is not None:
        children = {}
        if "status.statustype" in names:
            children["statustype"] = render_statustype(
                systeem.catalogus.statustypen[zaak.status.statustype_uuid], link, systeem
            )
        result["status"] = _nested(render_status(zaak.status, zaak, link, systeem), children)
    if "rollen" in names:
        result["rollen"] = [
            _nested(
                render_rol(r, zaak, link, systeem),
                {
                    "roltype": render_roltype(
                        zaaktype.roltype(r.omschrijving_generiek), link, systeem
                    )
                }
                if "rollen.roltype" in names
                else {},
            )
            for r in zaak.rollen
        ]
    for empty in ("eigenschappen", "zaakinformatieobjecten", "zaakobjecten", "deelzaken"):
        if empty in names:
            result[empty] = []
    return result


def render_expanded_zaak(
    zaak: Zaak, names: frozenset[str], link: Linker, systeem: Zaaksysteem = ZAAKSYSTEEM1
) -> dict[str, Any]:
    # `_expand` is always present on a zaak, `{}` when nothing was (or could be) expanded.
    return {
        **render_zaak(zaak, link, systeem),
        "_expand": expand_zaak(zaak, names, link, systeem),
    }


# --- /zaken filtering -----------------------------------------------------------


def _valid_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _zaken_filters(
    request: Request, link: Linker, systeem: Zaaksysteem
) -> list[Callable[[Zaak], bool]]:
    """Predicates for the query; collects every bad parameter into one 400."""
    q = request.query_params
    invalid: list[dict[str, str]] = []
    predicates: list[Callable[[Zaak], bool]] = []

    bsn = q.get("rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn")
    if bsn is not None and len(bsn) > 9:
        invalid.append(
            {
                "name": "rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn",
                "code": "max_length",
                "reason": "Zorg ervoor dat dit veld niet meer dan 9 karakters bevat.",
            }
        )
    for name, choices in (
        ("rol__omschrijvingGeneriek", ROL_OMSCHRIJVINGEN_GENERIEK),
        ("rol__betrokkeneType", BETROKKENE_TYPEN),
        ("maximaleVertrouwelijkheidaanduiding", VERTROUWELIJKHEIDAANDUIDINGEN),
    ):
        if name in q and q[name] not in choices:
            invalid.append(invalid_choice(name, q[name]))

    rol_checks = [
        (check, q[f"rol__{name}"]) for name, check in _ROL_FILTERS.items() if f"rol__{name}" in q
    ]
    if rol_checks:
        # All rol filters must hold for one and the same rol (live Open Zaak behaviour).
        predicates.append(
            lambda z: any(all(check(r, v) for check, v in rol_checks) for r in z.rollen)
        )
    if "maximaleVertrouwelijkheidaanduiding" in q and not invalid:
        limit = VERTROUWELIJKHEIDAANDUIDINGEN.index(q["maximaleVertrouwelijkheidaanduiding"])
        predicates.append(
            lambda z: VERTROUWELIJKHEIDAANDUIDINGEN.index(z.vertrouwelijkheidaanduiding) <= limit
        )
    if "identificatie" in q:
        predicates.append(lambda z, v=q["identificatie"]: z.identificatie == v)
    if "bronorganisatie" in q:
        predicates.append(lambda z, v=q["bronorganisatie"]: z.bronorganisatie == v)
    if "zaaktype" in q:
        path = link.path_of(q["zaaktype"])
        predicates.append(lambda z, p=path: systeem.paden.zaaktype(z.zaaktype_uuid) == p)
    for param, (attr, lookup) in _DATE_PARAMS.items():
        if param not in q:
            continue
        if not _valid_date(q[param]):
            invalid.append(
                {"name": param, "code": "invalid", "reason": "Voer een geldige datum in."}
            )
            continue
        compare = _COMPARE[lookup]
        # SQL semantics: a null date matches no comparison.
        predicates.append(
            lambda z, a=attr, v=q[param], c=compare: (
                getattr(z, a) is not None and c(getattr(z, a), v)
            )
        )
    if "einddatum__isnull" in q:
        raw = q["einddatum__isnull"].lower()
        if raw not in ("true", "false", "1", "0"):
            invalid.append(
                {
                    "name": "einddatum__isnull",
                    "code": "invalid",
                    "reason": "Kies een geldige optie.",
                }
            )
        else:
            want_null = raw in ("true", "1")
            predicates.append(lambda z: (z.einddatum is None) == want_null)
    if invalid:
        raise validation_error(request, invalid)
    return predicates


def _order(zaken: list[Zaak], ordering: list[str]) -> list[Zaak]:
    if not ordering:
        # Open Zaak's default order is not by date; callers must send `ordering`.
        return sorted(zaken, key=lambda z: z.uuid)
    result = list(zaken)
    for term in reversed(ordering):  # stable sorts, least significant key first
        descending = term.startswith("-")
        get = _ORDER_FIELDS[term.lstrip("-")]
        # PostgreSQL puts NULLs last ascending and first descending.
        result.sort(key=lambda z, g=get: (g(z) is None, g(z) or ""), reverse=descending)
    return result


# --- handlers -------------------------------------------------------------------


# Open Zaak 1.30 spends about 90 ms per zaak on `expand` (UPSTREAMS.md §8); this
# latency name models that cost, per zaak on the page, when expand is asked.
EXPAND_PER_ZAAK_SUFFIX = "list.expand_per_zaak"
EXPAND_PER_ZAAK = f"zaken.{EXPAND_PER_ZAAK_SUFFIX}"


def expand_per_zaak_name(systeem: Zaaksysteem) -> str:
    return f"{systeem.zaken_register}.{EXPAND_PER_ZAAK_SUFFIX}"


class ZakenHandlers:
    def __init__(
        self,
        data: DemoData,
        latency: dict[str, float] | None = None,
        systeem: Zaaksysteem = ZAAKSYSTEEM1,
    ) -> None:
        self.data = systeem.zaken_van(data)
        self.systeem = systeem
        self.latency = latency if latency is not None else {}

    async def zaken(self, request: Request) -> Response:
        require_accept_crs(request)
        reject_unknown_params(request, ZAKEN_PARAMS)
        invalid: list[dict[str, str]] = []
        expand = frozenset(comma_list(request, "expand", EXPAND_CHOICES, invalid))
        ordering = comma_list(request, "ordering", ORDERING_CHOICES, invalid)
        if invalid:
            raise validation_error(request, invalid)
        link, systeem = Linker(request), self.systeem
        predicates = _zaken_filters(request, link, systeem)
        zaken = [z for z in self.data.zaken.values() if all(p(z) for p in predicates)]
        body = paginate(
            request,
            _order(zaken, ordering),
            lambda z: render_expanded_zaak(z, expand, link, systeem),
        )
        per_zaak = self.latency.get(expand_per_zaak_name(systeem), 0.0)
        if expand and per_zaak > 0:
            await asyncio.sleep(per_zaak * len(body["results"]))
        return JSONResponse(body, headers=CRS)

    async def zaak(self, request: Request) -> Response:
        require_accept_crs(request)
        invalid: list[dict[str, str]] = []
        expand = frozenset(comma_list(request, "expand", EXPAND_CHOICES, invalid))
        if invalid:
            raise validation_error(request, invalid)
        zaak = self.data.zaken.get(request.path_params["uuid"])
        if zaak is None:
            raise not_found(request)
        body = render_expanded_zaak(zaak, expand, Linker(request), self.systeem)
        return detail_response(request, body, etag=True, headers=CRS)

    async def statussen(self, request: Request) -> Response:
        reject_unknown_params(
            request, {"zaak", "statustype", "indicatieLaatstGezetteStatus", "page", "pageSize"}
        )
        link, paden = Linker(request), self.systeem.paden
        q = request.query_params
        items = [
            (s, z)
            for s, z in self.data.statussen.values()
            if ("zaak" not in q or link.url(paden.zaak(z.uuid)) == q["zaak"])
            and (
                "statustype" not in q
                or link.url(paden.statustype(s.statustype_uuid)) == q["statustype"]
            )
            and (
                "indicatieLaatstGezetteStatus" not in q
                or (s is z.status) == (q["indicatieLaatstGezetteStatus"] in ("true", "1"))
            )
        ]
        return JSONResponse(
            paginate(request, items, lambda sz: render_status(*sz, link, self.systeem))
        )

    async def status(self, request: Request) -> Response:
        found = self.data.statussen.get(request.path_params["uuid"])
        if found is None:
            raise not_found(request)
        body = render_status(*found, Linker(request), self.systeem)
        return detail_response(request, body, etag=True)

    async def rollen(self, request: Request) -> Response:
        reject_unknown_params(request, {*_ROL_FILTERS, "zaak", "page", "pageSize"})
        link = Linker(request)
        q = request.query_params
        items = [
            (r, z)
            for r, z in self.data.rollen.values()
            if all(check(r, q[name]) for name, check in _ROL_FILTERS.items() if name in q)
            and ("zaak" not in q or link.url(self.systeem.paden.zaak(z.uuid)) == q["zaak"])
        ]
        return JSONResponse(
            paginate(request, items, lambda rz: render_rol(*rz, link, self.systeem))
        )

    async def rol(self, request: Request) -> Response:
        found = self.data.rollen.get(request.path_params["uuid"])
        if found is None:
            raise not_found(request)
        body = render_rol(*found, Linker(request), self.systeem)
        return detail_response(request, body, etag=True)


def create_zaken_app(
    data: DemoData, register: Register, systeem: Zaaksysteem = ZAAKSYSTEEM1
) -> Starlette:
    h = ZakenHandlers(data, register.behaviour.latency, systeem)
    app = Starlette(
        routes=[
            register.route("/zaken", "list", h.zaken),
            register.route("/zaken/{uuid}", "zaak", h.zaak),
            register.route("/statussen", "statussen", h.statussen),
            register.route("/statussen/{uuid}", "status", h.status),
            register.route("/rollen", "rollen", h.rollen),
            register.route("/rollen/{uuid}", "rol", h.rol),
        ],
        middleware=[Middleware(ApiVersion, version=API_VERSION)],
    )
    app.router.redirect_slashes = False
    return app
