"""Simulated VNG Verwerkingenlogging: the write API and the inzage (read) API, in memory.

Write (`specs/verwerkingenlogging.yaml`, 0.9.0): `POST /verwerkingsacties` → 201 with
`url`, `actieId` and `tijdstipRegistratie` set by the server and a `Location` header;
`vertrouwelijkheid` "opgeheven" → 403, as UPSTREAMS §6 says.

Inzage (`specs/verwerkingenlogging-inzage.yaml`, 0.9.0): `GET /verwerkte-objecten` with
the required `objecttype`, `soortObjectId`, `objectId`, `beginDatum` and `eindDatum`
(a date ≥ begin and < eind), optional `verwerkingsactiviteitId`; missing ones → 400
`ValidatieFout` (problem+json, as that spec says). Paged like a ZGW list
(`count`/`next`/`previous`/`results`, `page`), each result a `VerwerktObjectUitgebreid`
whose `verwerkingsactie` is the restricted one: no `systeem`, `gebruiker` or
`gegevensbron`, which are not for the resident.

Both check the ZGW JWT like the demo's Open Zaak. Nothing is persisted: the records
live as long as the registers app (`app.state.verwerkingsacties`).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from klantbeeld_demo.registers.endpoint import ApiError, Register
from klantbeeld_demo.registers.urls import Linker
from klantbeeld_demo.registers.zgw import ApiVersion, fout, not_found

API_VERSION = "0.9.0"
VERWERKINGENLOGGING_BASE = "/verwerkingenlogging/api/v1"
PROBLEM_JSON = "application/problem+json"
DEFAULT_PAGE_SIZE = 100
REQUIRED = ("objecttype", "soortObjectId", "objectId", "beginDatum", "eindDatum")
_ALLOWED = frozenset({*REQUIRED, "verwerkingsactiviteitId", "page"})
# Left out of the inzage's `verwerkingsactie` (VerwerkingsactieBeperkt).
_NOT_FOR_THE_RESIDENT = frozenset({"systeem", "gebruiker", "gegevensbron"})
# The specs' enum says "persoon" only (an ondernemer too: `soortObjectId` tells them apart).
_OBJECTTYPEN = frozenset({"persoon"})


class VerwerkingenloggingHandlers:
    def __init__(self, acties: list[dict[str, Any]], page_size: dict[str, int]) -> None:
        self.acties = acties
        self.page_size = page_size

    async def create(self, request: Request) -> Response:
        try:
            body = await request.json()
        except ValueError:
            raise _invalid(
                request, [_param("nonFieldErrors", "parse_error", "Geen JSON.")]
            ) from None
        if not isinstance(body, dict):
            raise _invalid(request, [_param("nonFieldErrors", "invalid", "Geen object.")])
        problems = [
            _param(name, "required", "Dit veld is vereist.")
            for name in ("tijdstip", "vertrouwelijkheid", "verwerkteObjecten")
            if name not in body
        ]
        objecten = body.get("verwerkteObjecten", [])
        if not isinstance(objecten, list) or not all(
            isinstance(o, dict) and o.get("objecttype") in _OBJECTTYPEN and o.get("objectId")
            for o in objecten
        ):
            problems.append(_param("verwerkteObjecten", "invalid", "Ongeldige objecten."))
        if problems:
            raise _invalid(request, problems)
        if body.get("vertrouwelijkheid") == "opgeheven":
            raise ApiError(fout(request, 403, "permission_denied", "Opgeheven is niet toegestaan."))
        link = Linker(request)
        actie_id = str(uuid.uuid4())
        actie = {
            **body,
            "url": link.url(f"{VERWERKINGENLOGGING_BASE}/verwerkingsacties/{actie_id}"),
            "actieId": actie_id,
            "tijdstipRegistratie": _now(),
            "verwerkteObjecten": [
                {**o, "verwerktObjectId": (oid := str(uuid.uuid4())),
                 "url": link.url(f"{VERWERKINGENLOGGING_BASE}/verwerkte-objecten/{oid}")}
                for o in objecten
            ],
        }  # fmt: skip
        self.acties.append(actie)
        return JSONResponse(actie, status_code=201, headers={"Location": actie["url"]})

    async def verwerkte_objecten(self, request: Request) -> Response:
        query = request.query_params
        missing = [name for name in REQUIRED if not query.get(name)]
        problems = [_param(name, "required", "Dit veld is vereist.") for name in missing]
        unknown = sorted(set(query) - _ALLOWED)
        if unknown:
            reason = f"Onbekende query parameters: {', '.join(unknown)}"
            problems.append(_param("nonFieldErrors", "unknown-parameters", reason))
        if query.get("objecttype") and query["objecttype"] not in _OBJECTTYPEN:
            problems.append(_param("objecttype", "invalid_choice", "Geen geldige keuze."))
        begin, eind = _date(query.get("beginDatum")), _date(query.get("eindDatum"))
        for name, value in (("beginDatum", begin), ("eindDatum", eind)):
            if query.get(name) and value is None:
                problems.append(_param(name, "invalid", "Geen geldige datum (JJJJ-MM-DD)."))
        if problems:
            raise _invalid(request, problems)
        assert begin is not None and eind is not None
        activiteit = query.get("verwerkingsactiviteitId")
        found = [
            _uitgebreid(actie, verwerkt)
            for actie in self.acties
            for verwerkt in actie["verwerkteObjecten"]
            if verwerkt.get("objecttype") == query["objecttype"]
            and verwerkt.get("soortObjectId") == query["soortObjectId"]
            and verwerkt.get("objectId") == query["objectId"]
            and begin <= _day(actie["tijdstip"]) < eind
            and (activiteit is None or actie.get("verwerkingsactiviteitId") == activiteit)
        ]
        return JSONResponse(_page(request, found, self.page_size["size"]))


def create_verwerkingenlogging_app(
    register: Register, acties: list[dict[str, Any]], page_size: dict[str, int]
) -> Starlette:
    """`acties` is the store (shared with `app.state`); `page_size["size"]` the page length."""
    h = VerwerkingenloggingHandlers(acties, page_size)
    app = Starlette(
        routes=[
            register.route("/verwerkingsacties", "verwerkingsacties", h.create, ["POST"]),
            register.route("/verwerkte-objecten", "verwerkte_objecten", h.verwerkte_objecten),
        ],
        middleware=[Middleware(ApiVersion, version=API_VERSION)],
    )
    app.router.redirect_slashes = False
    return app


def _uitgebreid(actie: Mapping[str, Any], verwerkt: Mapping[str, Any]) -> dict[str, Any]:
    left_out = {*_NOT_FOR_THE_RESIDENT, "verwerkteObjecten"}
    beperkt = {k: v for k, v in actie.items() if k not in left_out}
    return {**verwerkt, "verwerkingsactie": beperkt}


def _page(request: Request, items: list[dict[str, Any]], size: int) -> dict[str, Any]:
    try:
        page = int(request.query_params.get("page", "1"))
    except ValueError:
        page = 0
    last = max(1, -(-len(items) // size))
    if not 1 <= page <= last:
        raise not_found(request, "Ongeldige pagina.")
    url = str(request.url)
    return {
        "count": len(items),
        "next": _with_page(url, page + 1) if page < last else None,
        "previous": (_with_page(url, None if page == 2 else page - 1) if page > 1 else None),
        "results": items[(page - 1) * size : page * size],
    }


def _with_page(url: str, page: int | None) -> str:
    parts = urlsplit(url)
    query = parse_qs(parts.query, keep_blank_values=True)
    query.pop("page", None)
    if page is not None:
        query["page"] = [str(page)]
    return urlunsplit(parts._replace(query=urlencode(sorted(query.items()), doseq=True)))


def _invalid(request: Request, params: list[dict[str, str]]) -> ApiError:
    response = fout(request, 400, "invalid", "Invalid input.", "", params)
    response.headers["content-type"] = PROBLEM_JSON
    return ApiError(response)


def _param(name: str, code: str, reason: str) -> dict[str, str]:
    return {"name": name, "code": code, "reason": reason}


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _day(tijdstip: str) -> date:
    """The UTC date of an RFC 3339 moment (a bad one: never in any period)."""
    try:
        moment = datetime.fromisoformat(tijdstip.replace("Z", "+00:00"))
    except ValueError:
        return date.min
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).date()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
