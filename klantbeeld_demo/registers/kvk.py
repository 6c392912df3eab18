"""Simulated KvK API Basisprofiel 1.x and Vestigingsprofiel 1.x under /kvk/api.

GET /kvk/api/v1/basisprofielen/{kvkNummer} (HAL, `_embedded` hoofdvestiging and
eigenaar), …/{kvkNummer}/hoofdvestiging, …/vestigingen, …/eigenaar, and
GET /kvk/api/v1/vestigingsprofielen/{vestigingsnummer}. Like the KvK: the
`apikey` header is required (401), a malformed number is a 400 and an unknown
one a 404, each with a `fout` body (`{"fout": [{"code", "omschrijving"}]}`),
as application/hal+json.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from klantbeeld_demo.registers.endpoint import ApiError, Register
from klantbeeld_demo.registers.ondernemers import (
    DemoOnderneming,
    DemoVestiging,
    onderneming,
    vestiging,
)

HAL_JSON = "application/hal+json"
KVK_BASE = "/kvk/api"
DEMO_KVK_API_KEY = "demo-kvk-sleutel"
_KVK = re.compile(r"[0-9]{8}")
_VESTIGING = re.compile(r"[0-9]{12}")


def fout(status: int, code: str, omschrijving: str) -> ApiError:
    body = {"fout": [{"code": code, "omschrijving": omschrijving}]}
    return ApiError(JSONResponse(body, status_code=status, media_type=HAL_JSON))


def api_key_guard(key: str | None) -> Any:
    def guard(request: Request) -> None:
        given = request.headers.get("apikey", "")
        if key is not None and not secrets.compare_digest(given.encode(), key.encode()):
            raise fout(401, "IPD0001", "Geen of onjuiste apikey aangeleverd")

    return guard


def _hal(body: dict[str, Any]) -> Response:
    return JSONResponse(body, media_type=HAL_JSON)


def _sbi(pairs: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    return [
        {"sbiCode": c, "sbiOmschrijving": o, "indHoofdactiviteit": "Ja" if i == 0 else "Nee"}
        for i, (c, o) in enumerate(pairs)
    ]


def render_vestiging(
    o: DemoOnderneming, v: DemoVestiging, base: str, *, profiel: bool
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "vestigingsnummer": v.vestigingsnummer,
        "kvkNummer": o.kvk_nummer,
        "indNonMailing": "Nee",
        "formeleRegistratiedatum": o.registratiedatum,
        "materieleRegistratie": {"datumAanvang": o.registratiedatum},
        "eersteHandelsnaam": v.eerste_handelsnaam,
        "indHoofdvestiging": "Ja" if v.hoofdvestiging else "Nee",
        "indCommercieleVestiging": "Ja",
        "voltijdWerkzamePersonen": v.werkzame_personen,
        "totaalWerkzamePersonen": v.werkzame_personen,
        "deeltijdWerkzamePersonen": 0,
        "adressen": [dict(a) for a in v.adressen],
        "websites": list(v.websites),
        "sbiActiviteiten": _sbi(v.sbi),
        "links": [
            {"rel": "self", "href": f"{base}/v1/vestigingsprofielen/{v.vestigingsnummer}"},
            {"rel": "basisprofiel", "href": f"{base}/v1/basisprofielen/{o.kvk_nummer}"},
        ],
    }
    if o.rsin:
        body["rsin"] = o.rsin
    if profiel:  # not in the Basisprofiel's embedded hoofdvestiging (the spec says so)
        body["handelsnamen"] = [{"naam": v.eerste_handelsnaam, "volgorde": 0}]
    return body


def render_eigenaar(o: DemoOnderneming, base: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "rechtsvorm": o.rechtsvorm,
        "uitgebreideRechtsvorm": o.uitgebreide_rechtsvorm,
        "websites": list(o.websites),
        "links": [{"rel": "self", "href": f"{base}/v1/basisprofielen/{o.kvk_nummer}/eigenaar"}],
    }
    if o.rsin:
        body["rsin"] = o.rsin
    return body


def render_basisprofiel(o: DemoOnderneming, base: str) -> dict[str, Any]:
    hoofd = next(v for v in o.vestigingen if v.hoofdvestiging)
    body: dict[str, Any] = {
        "kvkNummer": o.kvk_nummer,
        "indNonMailing": "Nee",
        "naam": o.naam,
        "formeleRegistratiedatum": o.registratiedatum,
        "materieleRegistratie": {"datumAanvang": o.registratiedatum},
        "totaalWerkzamePersonen": o.werkzame_personen,
        "handelsnamen": [{"naam": n, "volgorde": i} for i, n in enumerate(o.handelsnamen)],
        "sbiActiviteiten": _sbi(o.sbi),
        "links": [{"rel": "self", "href": f"{base}/v1/basisprofielen/{o.kvk_nummer}"}],
        "_embedded": {
            "hoofdvestiging": render_vestiging(o, hoofd, base, profiel=False),
            "eigenaar": render_eigenaar(o, base),
        },
    }
    if o.statutaire_naam:
        body["statutaireNaam"] = o.statutaire_naam
    return body


def _base(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}{KVK_BASE}"


def _onderneming(request: Request) -> DemoOnderneming:
    kvk = request.path_params["kvk"]
    if not _KVK.fullmatch(kvk):
        raise fout(400, "IPD1999", "Het kvkNummer moet uit 8 cijfers bestaan")
    found = onderneming(kvk)
    if found is None:
        raise fout(404, "IPD0004", "Het kvkNummer is niet gevonden")
    return found


async def basisprofiel(request: Request) -> Response:
    return _hal(render_basisprofiel(_onderneming(request), _base(request)))


async def hoofdvestiging(request: Request) -> Response:
    o = _onderneming(request)
    hoofd = next(v for v in o.vestigingen if v.hoofdvestiging)
    return _hal(render_vestiging(o, hoofd, _base(request), profiel=False))


async def eigenaar(request: Request) -> Response:
    return _hal(render_eigenaar(_onderneming(request), _base(request)))


async def vestigingen(request: Request) -> Response:
    o = _onderneming(request)
    lijst = [
        {
            "vestigingsnummer": v.vestigingsnummer,
            "eersteHandelsnaam": v.eerste_handelsnaam,
            "indHoofdvestiging": "Ja" if v.hoofdvestiging else "Nee",
        }
        for v in o.vestigingen
    ]
    return _hal(
        {
            "kvkNummer": o.kvk_nummer,
            "aantalCommercieleVestigingen": len(lijst),
            "aantalNietCommercieleVestigingen": 0,
            "totaalAantalVestigingen": len(lijst),
            "vestigingen": lijst,
        }
    )


async def vestigingsprofiel(request: Request) -> Response:
    nummer = request.path_params["nummer"]
    if not _VESTIGING.fullmatch(nummer):
        raise fout(400, "IPD1999", "Het vestigingsnummer moet uit 12 cijfers bestaan")
    found = vestiging(nummer)
    if found is None:
        raise fout(404, "IPD0005", "Het vestigingsnummer is niet gevonden")
    o, v = found
    return _hal(render_vestiging(o, v, _base(request), profiel=True))


def create_kvk_app(register: Register) -> Starlette:
    app = Starlette(
        routes=[
            register.route("/v1/basisprofielen/{kvk}", "basisprofiel", basisprofiel),
            register.route(
                "/v1/basisprofielen/{kvk}/hoofdvestiging", "hoofdvestiging", hoofdvestiging
            ),
            register.route("/v1/basisprofielen/{kvk}/vestigingen", "vestigingen", vestigingen),
            register.route("/v1/basisprofielen/{kvk}/eigenaar", "eigenaar", eigenaar),
            register.route(
                "/v1/vestigingsprofielen/{nummer}", "vestigingsprofiel", vestigingsprofiel
            ),
        ]
    )
    app.router.redirect_slashes = False
    return app
