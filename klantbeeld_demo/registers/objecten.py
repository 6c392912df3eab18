"""A simulated Objects API 2.x holding the demo's `toestemming` objects.

Only what the façade uses, as the spec (`objects-api-2.x.yaml`) says a real
server answers: `POST /objects/search` (objecttype `type` and `data_attrs` in
the JSON body, `Content-Crs` required, `page`/`pageSize` paging) and
`GET /objects/{uuid}`. Auth is `Authorization: Token …` like Open Objecten.

The consents are authored relative to the demo's today, like all demo data: the
main person (Saskia) let the balie burgerzaken see her Wmo zaken, valid from
yesterday until tomorrow; her partner's consent for the same uitbreiding ended
yesterday. `app.state.toestemmingen` (a list of `DemoToestemming`) may be
changed while the app runs: a test adds, expires or withdraws a consent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from facade.clock import AMSTERDAM, Clock
from klantbeeld_demo.registers.endpoint import ApiError, Register
from klantbeeld_demo.registers.personen import BSN_HOOFDPERSOON, BSN_PARTNER
from klantbeeld_demo.registers.urls import Linker
from klantbeeld_demo.registers.zgw import fout

OBJECTEN_BASE = "/objecten/api/v2"
DEMO_OBJECTEN_TOKEN = "demo-objecten-token-alleen-voor-de-demo"
# The objecttype lives in an Objecttypes API the demo does not run: the façade never
# fetches it, it only names it in a search (and the schema is `docs/toestemming.schema.json`).
TOESTEMMING_OBJECTTYPE = (
    "https://objecttypen.demo.klantbeeld.example/api/v2/objecttypes/"
    "5c1a3b2e-7d4f-4e6a-9b8c-0d1e2f3a4b5c"
)
_OPERATORS: dict[str, Callable[[Any, str], bool]] = {
    "exact": lambda have, want: str(have) == want,
    "icontains": lambda have, want: want.lower() in str(have).lower(),
}
MAX_PAGE_SIZE = 500


@dataclass
class DemoToestemming:
    uuid: str
    bsn: str
    doel: str
    uitbreiding: str
    geldig_vanaf: dt.datetime
    geldig_tot: dt.datetime
    kanaal: str = "balie"

    def data(self) -> dict[str, str]:
        return {
            "bsn": self.bsn,
            "doel": self.doel,
            "uitbreiding": self.uitbreiding,
            "geldigVanaf": self.geldig_vanaf.isoformat(),
            "geldigTot": self.geldig_tot.isoformat(),
            "kanaal": self.kanaal,
        }


def demo_toestemmingen(today: dt.date) -> list[DemoToestemming]:
    """The demo's consents as they stand on `today` (Amsterdam midnight boundaries)."""

    def midnight(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(0, 0), tzinfo=AMSTERDAM)

    yesterday, tomorrow = today - dt.timedelta(days=1), today + dt.timedelta(days=1)
    return [
        DemoToestemming(
            "0b6f3c1e-2a4d-4f5b-8c6d-7e8f9a0b1c2d",
            BSN_HOOFDPERSOON,
            "burgerzaken-balie",
            "wmo-zaken",
            midnight(yesterday),
            midnight(tomorrow),
        ),
        DemoToestemming(
            "1c7a4d2f-3b5e-4a6c-9d7e-8f9a0b1c2d3e",
            BSN_PARTNER,
            "burgerzaken-balie",
            "wmo-zaken",
            midnight(today - dt.timedelta(days=8)),
            midnight(yesterday),
        ),
    ]


def token_guard(token: str) -> Callable[[Request], None]:
    def guard(request: Request) -> None:
        parts = request.headers.get("authorization", "").split()
        if len(parts) != 2 or parts[0].lower() != "token" or parts[1] != token:
            detail = "Authenticatiegegevens zijn niet opgegeven of onjuist."
            response = fout(request, 401, "not_authenticated", detail, detail)
            response.headers["WWW-Authenticate"] = "Token"
            raise ApiError(response)

    return guard


def create_objecten_app(register: Register, today: Clock) -> Starlette:
    state: dict[str, list[DemoToestemming]] = {"toestemmingen": demo_toestemmingen(today())}

    def rendered(request: Request, item: DemoToestemming) -> dict[str, Any]:
        link = Linker(request)
        return {
            "url": link.url(f"{OBJECTEN_BASE}/objects/{item.uuid}"),
            "uuid": item.uuid,
            "type": TOESTEMMING_OBJECTTYPE,
            "record": {
                "index": 1,
                "typeVersion": 1,
                "data": item.data(),
                "geometry": None,
                "startAt": item.geldig_vanaf.date().isoformat(),
                "endAt": None,
                "registrationAt": item.geldig_vanaf.date().isoformat(),
                "correctionFor": None,
                "correctedBy": None,
            },
        }

    async def search(request: Request) -> Response:
        if request.headers.get("content-crs") != "EPSG:4326":
            raise ApiError(
                fout(request, 412, "precondition_failed", "'Content-Crs' header ontbreekt")
            )
        try:
            body = await request.json()
        except ValueError:
            raise ApiError(fout(request, 400, "parse_error", "Ongeldige JSON.")) from None
        if not isinstance(body, dict):
            raise ApiError(fout(request, 400, "invalid", "Verwacht een object."))
        try:
            page = int(request.query_params.get("page", "1"))
            size = min(int(request.query_params.get("pageSize", "100")), MAX_PAGE_SIZE)
        except ValueError:
            raise ApiError(fout(request, 400, "invalid", "Ongeldige paginering.")) from None
        filters = _data_attrs(request, body.get("data_attrs"))
        found = [
            t
            for t in state["toestemmingen"]
            if body.get("type") in (None, TOESTEMMING_OBJECTTYPE)
            and all(_OPERATORS[op](t.data().get(key), value) for key, op, value in filters)
        ]
        start = (page - 1) * size
        if page < 1 or (start >= len(found) and page != 1):
            raise ApiError(fout(request, 404, "not_found", "Ongeldige pagina."))
        chunk = found[start : start + size]
        here = str(request.url).split("?", 1)[0]
        more = start + size < len(found)
        return JSONResponse(
            {
                "count": len(found),
                "next": f"{here}?page={page + 1}&pageSize={size}" if more else None,
                "previous": f"{here}?page={page - 1}&pageSize={size}" if page > 1 else None,
                "results": [rendered(request, t) for t in chunk],
            }
        )

    async def one(request: Request) -> Response:
        uuid = request.path_params["uuid"]
        for item in state["toestemmingen"]:
            if item.uuid == uuid:
                return JSONResponse(rendered(request, item))
        raise ApiError(fout(request, 404, "not_found", "Niet gevonden."))

    app = Starlette(
        routes=[
            register.route("/objects/search", "search", search, methods=("POST",)),
            register.route("/objects/{uuid}", "object", one),
        ]
    )
    app.router.redirect_slashes = False
    app.state.toestemmingen = state["toestemmingen"]
    return app


def _data_attrs(request: Request, raw: Any) -> list[tuple[str, str, str]]:
    """`key__operator__value`, comma-separated (the spec's `data_attrs`)."""
    if raw is None or raw == "":
        return []
    if not isinstance(raw, str):
        raise ApiError(fout(request, 400, "invalid", "data_attrs moet een tekst zijn."))
    found = []
    for part in raw.split(","):
        pieces = part.split("__")
        if len(pieces) < 3 or pieces[-2] not in _OPERATORS:
            raise ApiError(
                fout(
                    request,
                    400,
                    "invalid",
                    "Ongeldige data_attrs.",
                    invalid_params=[
                        {"name": "data_attrs", "code": "invalid", "reason": "key__op__value"}
                    ],
                )
            )
        found.append(("__".join(pieces[:-2]), pieces[-2], pieces[-1]))
    return found
