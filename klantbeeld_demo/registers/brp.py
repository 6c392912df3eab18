"""Simulated BRP API Personen 2.x: POST /haalcentraal/api/brp/personen (UPSTREAMS.md §1).

`RaadpleegMetBurgerservicenummer` and every `ZoekMet…` search type (brp_zoeken.py)
are simulated. The body is validated like the real API (all problems in one 400
`paramsValidation`), only the requested `fields` are returned plus the
auto-delivered ones, and an unknown BSN gives `personen: []`.
Errors are application/problem+json. With an API key configured, `X-API-KEY` is
required (401 otherwise), as in the RvIG proefomgeving.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from klantbeeld_demo.registers import brp_fields, brp_zoeken
from klantbeeld_demo.registers.endpoint import ApiError, Register
from klantbeeld_demo.registers.model import DemoData

PROBLEM_JSON = "application/problem+json"
QUERY_TYPE = "RaadpleegMetBurgerservicenummer"
_BSN = re.compile(r"^[0-9]{9}$")
_FIELD = re.compile(r"^[a-zA-Z0-9._]{1,200}$")
_KNOWN_PROPERTIES = {
    "type",
    "burgerservicenummer",
    "fields",
    "gemeenteVanInschrijving",
    "inclusiefOverledenPersonen",
}
_AUTO_TOP_LEVEL = (
    "geheimhoudingPersoonsgegevens",
    "opschortingBijhouding",
    "inOnderzoek",
    "rni",
    "verificatie",
)
_TYPES = {
    400: "https://datatracker.ietf.org/doc/html/rfc7231#section-6.5.1",
    401: "https://datatracker.ietf.org/doc/html/rfc7235#section-3.1",
    415: "https://datatracker.ietf.org/doc/html/rfc7231#section-6.5.13",
}


def problem(
    request: Request,
    status: int,
    code: str,
    title: str,
    detail: str = "",
    invalid_params: list[dict[str, str]] | None = None,
) -> ApiError:
    body: dict[str, Any] = {
        "type": _TYPES.get(status, "https://datatracker.ietf.org/doc/html/rfc7231"),
        "title": title,
        "status": status,
        "instance": request.url.path,
        "code": code,
    }
    if detail:
        body["detail"] = detail
    if invalid_params is not None:
        body["invalidParams"] = invalid_params
    return ApiError(JSONResponse(body, status_code=status, media_type=PROBLEM_JSON))


def _param(name: str, code: str, reason: str) -> dict[str, str]:
    return {"name": name, "code": code, "reason": reason}


def _array_problems(
    name: str,
    value: Any,
    maximum: int,
    item: re.Pattern[str],
) -> list[dict[str, str]]:
    if value is None:
        return [_param(name, "required", "Parameter is verplicht.")]
    if not isinstance(value, list):
        return [_param(name, "array", "Parameter is geen array.")]
    if not value:
        return [_param(name, "minItems", "Array bevat minder dan 1 items.")]
    if len(value) > maximum:
        return [_param(name, "maxItems", f"Array bevat meer dan {maximum} items.")]
    return [
        _param(f"{name}[{i}]", "pattern", f"Waarde voldoet niet aan patroon {item.pattern}.")
        for i, v in enumerate(value)
        if not isinstance(v, str) or not item.match(v)
    ]


def validate(body: Any) -> list[dict[str, str]]:
    if not isinstance(body, dict):
        return [_param("body", "object", "Body is geen object.")]
    zoektype = body.get("type")
    searching = zoektype in brp_zoeken.SEARCH_TYPES
    if searching:
        problems = brp_zoeken.parameter_problems(zoektype, body)
    else:
        problems = [
            _param(k, "unknownParam", "Parameter is niet verwacht.")
            for k in body
            if k not in _KNOWN_PROPERTIES
        ]
    if "type" not in body:
        problems.append(_param("type", "required", "Parameter is verplicht."))
    elif body["type"] != QUERY_TYPE and not searching:
        problems.append(_param("type", "value", "Waarde is geen geldig zoek type."))
    if not searching:
        problems += _array_problems(
            "burgerservicenummer", body.get("burgerservicenummer"), 20, _BSN
        )
    field_problems = _array_problems("fields", body.get("fields"), 130, _FIELD)
    if not field_problems:
        for i, path in enumerate(body["fields"]):
            verdict = brp_fields.classify(path)
            if verdict is None and searching and not brp_zoeken.field_allowed(path):
                verdict = "unknown"  # a search answers with PersoonBeperkt
            if verdict == "auto":
                field_problems.append(
                    _param(f"fields[{i}]", "field", "Parameter bevat een niet toegestane veldnaam.")
                )
            elif verdict == "unknown":
                field_problems.append(
                    _param(f"fields[{i}]", "field", "Parameter bevat een niet bestaande veldnaam.")
                )
    return problems + field_problems


def _leeftijd(record: dict[str, Any], today: dt.date) -> int | None:
    if "overlijden" in record:
        return None  # the BRP gives no age for the deceased
    born = dt.date.fromisoformat(record["geboorte"]["datum"]["datum"])
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


# Verblijfplaats types that lie in the Netherlands (VerblijfplaatsBuitenland does not).
_DOMESTIC_TYPES = {"Adres", "Locatie"}


def answer_persoon(record: dict[str, Any], fields: list[str], today: dt.date) -> dict[str, Any]:
    full = dict(record)
    leeftijd = _leeftijd(record, today)
    if leeftijd is not None:
        full["leeftijd"] = leeftijd
    domestic = record.get("verblijfplaats", {}).get("type") in _DOMESTIC_TYPES
    paths = []
    for field in fields:
        path, domestic_only = brp_fields.unalias(field)
        if domestic or not domestic_only:
            paths.append(path)
    persoon = brp_fields.project(full, brp_fields.selection(paths))
    # Delivered whether asked for or not; the data only holds them when they apply
    # (geheimhouding only when true, opschorting for the deceased).
    for key in _AUTO_TOP_LEVEL:
        if key in record:
            persoon[key] = record[key]
    return persoon


def create_brp_app(
    data: DemoData,
    register: Register,
    api_key: str | None = None,
    today: Callable[[], dt.date] = dt.date.today,
) -> Starlette:
    async def personen(request: Request) -> Response:
        if api_key is not None and not secrets.compare_digest(
            request.headers.get("x-api-key", ""), api_key
        ):
            raise problem(request, 401, "authentication", "Niet correct geauthenticeerd.")
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            raise problem(
                request, 415, "unsupportedMediaType", "Media Type wordt niet ondersteund."
            )
        try:
            body = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError):
            raise problem(
                request, 400, "paramsValidation", "Request body is geen geldige JSON."
            ) from None
        invalid = validate(body)
        if invalid:
            names = ", ".join(p["name"] for p in invalid)
            raise problem(
                request,
                400,
                "paramsValidation",
                "Een of meerdere parameters zijn niet correct.",
                f"De foutieve parameter(s) zijn: {names}.",
                invalid,
            )
        today_ = today()
        if body["type"] in brp_zoeken.SEARCH_TYPES:
            records = [p.brp for p in data.personen if p.brp is not None]
            personen = [
                brp_zoeken.beperkt(answer_persoon(dict(record), body["fields"], today_))
                for record in brp_zoeken.search(records, body)
            ]
            return JSONResponse({"type": body["type"], "personen": personen})
        found = []
        for bsn in dict.fromkeys(body["burgerservicenummer"]):
            persoon = data.by_bsn.get(bsn)
            if persoon is not None and persoon.brp is not None:
                found.append(answer_persoon(dict(persoon.brp), body["fields"], today_))
        return JSONResponse({"type": QUERY_TYPE, "personen": found})

    app = Starlette(routes=[register.route("/personen", "personen", personen, methods=["POST"])])
    app.router.redirect_slashes = False
    return app
