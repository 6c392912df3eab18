"""Simulated Klantinteracties API as Open Klant 2.x serves it under /klantinteracties/api/v1.

Endpoints: GET /partijen[/{uuid}], /digitaleadressen[/{uuid}], /klantcontacten[/{uuid}],
/betrokkenen/{uuid}, /onderwerpobjecten/{uuid}, /internetaken[/{uuid}], /actoren/{uuid}.
Behaviour follows UPSTREAMS.md §5 (live Open Klant 2.18): `Authorization: Token …`
(401, never 403); ZGW pagination; unknown query parameters → 400, which makes
`ordering` and `plaatsgevondenOp__gte` a 400 too; filter values exact and
case-sensitive (`codeSoortObjectId=BSN` finds nothing); lists newest first.

Filters simulated are listed per endpoint below. Other filters the spec offers are
answered as unknown parameters (400), so a test relying on one fails loudly
instead of getting unfiltered data.
"""

from __future__ import annotations

import asyncio
import hmac
import uuid as uuid_module
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from klantbeeld_demo.registers.endpoint import ApiError, Guard, Register
from klantbeeld_demo.registers.klantinteracties_render import (
    BETROKKENE_EXPAND,
    DIGITAAL_ADRES_EXPAND,
    KLANTCONTACT_EXPAND,
    PARTIJ_EXPAND,
    Renderer,
    with_expand,
)
from klantbeeld_demo.registers.model import (
    Contacthouder,
    DemoData,
    DigitaalAdres,
    Identificatie,
    Klantcontact,
    Partij,
)
from klantbeeld_demo.registers.urls import Linker
from klantbeeld_demo.registers.zgw import (
    ApiVersion,
    comma_list,
    fout,
    invalid_choice,
    not_found,
    paginate,
    reject_unknown_params,
    validation_error,
)

API_VERSION = "0.9.0"
DEMO_KLANTINTERACTIES_TOKEN = "demo-klantinteracties-token-alleen-voor-de-demo"

# UPSTREAMS.md §8: `expand` costs Open Klant about 30 ms on /partijen and 120 ms on
# /klantcontacten. These latency names add that cost when a list request expands.
PARTIJEN_EXPAND_LATENCY = "klantinteracties.partijen.expand"
KLANTCONTACTEN_EXPAND_LATENCY = "klantinteracties.klantcontacten.expand"
EXPAND_LATENCY_NAMES = (PARTIJEN_EXPAND_LATENCY, KLANTCONTACTEN_EXPAND_LATENCY)

T = TypeVar("T")

# --- auth -----------------------------------------------------------------------


def token_guard(tokens: Collection[str]) -> Guard:
    """DRF TokenAuthentication: 401 with `WWW-Authenticate: Token`, never 403."""

    def deny(request: Request, code: str, fout_type: str, title: str, detail: str) -> ApiError:
        response = fout(request, 401, code, title, detail, fout_type=fout_type)
        response.headers["WWW-Authenticate"] = "Token"
        return ApiError(response)

    def guard(request: Request) -> None:
        parts = request.headers.get("authorization", "").split()
        if not parts or parts[0].lower() != "token":
            # Another scheme (Bearer) is not this authenticator's business: no credentials.
            detail = "Authenticatiegegevens zijn niet opgegeven."
            raise deny(request, "not_authenticated", "NotAuthenticated", detail, detail)
        title = "Incorrecte authenticatiegegevens."
        if len(parts) != 2:
            detail = "Ongeldige token header."
            raise deny(request, "authentication_failed", "AuthenticationFailed", title, detail)
        given = parts[1].encode()  # bytes: compare_digest refuses non-ASCII str
        if not any(hmac.compare_digest(given, token.encode()) for token in tokens):
            detail = "Ongeldige token."
            raise deny(request, "authentication_failed", "AuthenticationFailed", title, detail)

    return guard


# --- filters --------------------------------------------------------------------

FilterKind = Literal["text", "uuid", "bool", "choice"]


@dataclass(frozen=True)
class Filter(Generic[T]):
    """One query filter: how to validate its value and whether an item matches it.

    Bool filters get "true"/"false"; a value django-filter cannot read as a boolean
    is ignored, like its BooleanWidget does.
    """

    matches: Callable[[T, str], bool]
    kind: FilterKind = "text"
    choices: tuple[str, ...] = ()


_BOOLEANS = {"true": "true", "1": "true", "false": "false", "0": "false"}


def _is_uuid(value: str) -> bool:
    try:
        uuid_module.UUID(value)
    except ValueError:
        return False
    return True


def select(
    request: Request,
    items: Sequence[T],
    filters: Mapping[str, Filter[T]],
    expand_choices: Collection[str] | None,
) -> tuple[list[T], frozenset[str]]:
    """Items passing the query's filters, and the expand names; 400 on bad input."""
    allowed = {*filters, "page", "pageSize", *(["expand"] if expand_choices is not None else [])}
    reject_unknown_params(request, allowed)
    invalid: list[dict[str, str]] = []
    expand = frozenset(comma_list(request, "expand", expand_choices or (), invalid))
    active: list[tuple[Filter[T], str]] = []
    for name, spec in filters.items():
        value = request.query_params.get(name)
        if value is None:
            continue
        if spec.kind == "uuid" and not _is_uuid(value):
            invalid.append({"name": name, "code": "invalid", "reason": "Voer een geldige UUID in."})
        elif spec.kind == "choice" and value not in spec.choices:
            invalid.append(invalid_choice(name, value))
        elif spec.kind == "bool":
            if value.lower() in _BOOLEANS:
                active.append((spec, _BOOLEANS[value.lower()]))
        else:
            active.append((spec, value))
    if invalid:
        raise validation_error(request, invalid)
    return [item for item in items if all(f.matches(item, v) for f, v in active)], expand


def _identificator_filters(
    prefix: str, identificatie_of: Callable[[T], Identificatie]
) -> dict[str, Filter[T]]:
    """`<prefix>partijIdentificator__*`: exact, case-sensitive, unchecked values.

    Each matches the partij's one identificator: a person's BSN, a business's
    kvk_nummer or a branch's vestigingsnummer.
    """
    fields: Mapping[str, Callable[[Identificatie], str]] = {
        "codeObjecttype": lambda i: i.code_objecttype,
        "codeSoortObjectId": lambda i: i.code_soort_object_id,
        "objectId": lambda i: i.object_id,
        "codeRegister": lambda i: i.code_register,
    }
    return {
        f"{prefix}partijIdentificator__{name}": Filter(
            lambda item, v, get=get: get(identificatie_of(item)) == v
        )
        for name, get in fields.items()
    }


# Rows as the handlers see them.
PartijRij = tuple[Partij, Contacthouder]
AdresRij = tuple[DigitaalAdres, Partij, Contacthouder]
ContactRij = tuple[Klantcontact, Partij, Contacthouder]


def _truthy(value: str) -> bool:
    return value == "true"


PARTIJ_FILTERS: Mapping[str, Filter[PartijRij]] = {
    **_identificator_filters("", lambda r: r[1].identificatie),
    "soortPartij": Filter(
        lambda r, v: r[0].soort_partij == v, "choice", ("contactpersoon", "organisatie", "persoon")
    ),
    "indicatieGeheimhouding": Filter(
        lambda r, v: r[0].indicatie_geheimhouding is _truthy(v), "bool"
    ),
    "indicatieActief": Filter(lambda r, v: r[0].indicatie_actief is _truthy(v), "bool"),
}
ADRES_FILTERS: Mapping[str, Filter[AdresRij]] = {
    **_identificator_filters("verstrektDoorPartij__", lambda r: r[2].identificatie),
    "verstrektDoorPartij__uuid": Filter(lambda r, v: r[1].uuid == v, "uuid"),
    "soortDigitaalAdres": Filter(
        lambda r, v: r[0].soort == v, "choice", ("email", "overig", "telefoonnummer")
    ),
    "isStandaardAdres": Filter(lambda r, v: r[0].is_standaard is _truthy(v), "bool"),
    "adres": Filter(lambda r, v: r[0].adres == v),
    # django-filter's icontains: a case-insensitive substring.
    "adres__icontains": Filter(lambda r, v: v.casefold() in r[0].adres.casefold()),
}


def _onderwerp_filter(attribute: str) -> Filter[ContactRij]:
    return Filter(lambda r, v: any(getattr(o, attribute) == v for o in r[0].onderwerpobjecten))


KLANTCONTACT_FILTERS: Mapping[str, Filter[ContactRij]] = {
    **_identificator_filters("hadBetrokkene__wasPartij__", lambda r: r[2].identificatie),
    "hadBetrokkene__wasPartij__uuid": Filter(lambda r, v: r[1].uuid == v, "uuid"),
    "hadBetrokkene__uuid": Filter(lambda r, v: r[0].betrokkene_uuid == v, "uuid"),
    "onderwerpobject__uuid": Filter(
        lambda r, v: any(o.uuid == v for o in r[0].onderwerpobjecten), "uuid"
    ),
    "onderwerpobject__onderwerpobjectidentificatorObjectId": _onderwerp_filter("object_id"),
    "onderwerpobject__onderwerpobjectidentificatorCodeObjecttype": _onderwerp_filter(
        "code_objecttype"
    ),
    "onderwerpobject__onderwerpobjectidentificatorCodeRegister": _onderwerp_filter("code_register"),
    "onderwerpobject__onderwerpobjectidentificatorCodeSoortObjectId": _onderwerp_filter(
        "code_soort_object_id"
    ),
    "kanaal": Filter(lambda r, v: r[0].kanaal == v),
    "plaatsgevondenOp": Filter(lambda r, v: r[0].plaatsgevonden_op == v),
    "vertrouwelijk": Filter(lambda r, v: r[0].vertrouwelijk is _truthy(v), "bool"),
    "indicatieContactGelukt": Filter(
        lambda r, v: r[0].indicatie_contact_gelukt is _truthy(v), "bool"
    ),
    "leiddeTotInterneTaken": Filter(lambda r, v: bool(r[0].internetaken) is _truthy(v), "bool"),
}


# --- handlers -------------------------------------------------------------------


class KlantinteractiesHandlers:
    def __init__(self, data: DemoData, latency: Mapping[str, float]) -> None:
        self.data = data
        self.latency = latency
        # Server order is newest first; the demo's nummers grow with creation time.
        self._partijen = sorted(data.partijen.values(), key=lambda r: r[0].nummer, reverse=True)
        self._adressen = list(reversed(data.digitale_adressen.values()))
        self._klantcontacten = sorted(
            data.klantcontacten.values(),
            key=lambda r: (r[0].plaatsgevonden_op, r[0].nummer),
            reverse=True,
        )
        self._internetaken = sorted(
            data.internetaken.values(), key=lambda r: r[0].toegewezen_op, reverse=True
        )

    async def _expand_cost(self, name: str, expand: frozenset[str]) -> None:
        delay = self.latency.get(name, 0.0)
        if expand and delay > 0:
            await asyncio.sleep(delay)

    @staticmethod
    def _expand(request: Request, choices: Collection[str]) -> frozenset[str]:
        invalid: list[dict[str, str]] = []
        names = frozenset(comma_list(request, "expand", choices, invalid))
        if invalid:
            raise validation_error(request, invalid)
        return names

    @staticmethod
    def _found(table: Mapping[str, T], request: Request) -> T:
        found = table.get(request.path_params["uuid"])
        if found is None:
            raise not_found(request)
        return found

    # --- partijen ---------------------------------------------------------------

    async def partijen(self, request: Request) -> Response:
        rows, expand = select(request, self._partijen, PARTIJ_FILTERS, PARTIJ_EXPAND)
        r = Renderer(self.data, Linker(request))
        body = paginate(
            request,
            rows,
            lambda row: with_expand(r.partij(*row), r.expand_partij(*row, expand), in_list=True),
        )
        await self._expand_cost(PARTIJEN_EXPAND_LATENCY, expand)
        return JSONResponse(body)

    async def partij(self, request: Request) -> Response:
        expand = self._expand(request, PARTIJ_EXPAND)
        row = self._found(self.data.partijen, request)
        r = Renderer(self.data, Linker(request))
        return JSONResponse(
            with_expand(r.partij(*row), r.expand_partij(*row, expand), in_list=False)
        )

    # --- digitale adressen ------------------------------------------------------

    async def digitale_adressen(self, request: Request) -> Response:
        rows, expand = select(request, self._adressen, ADRES_FILTERS, DIGITAAL_ADRES_EXPAND)
        r = Renderer(self.data, Linker(request))
        body = paginate(
            request,
            rows,
            lambda row: with_expand(
                r.digitaal_adres(row[0], row[1]), r.expand_digitaal_adres(expand), in_list=True
            ),
        )
        return JSONResponse(body)

    async def digitaal_adres(self, request: Request) -> Response:
        expand = self._expand(request, DIGITAAL_ADRES_EXPAND)
        adres, partij, _ = self._found(self.data.digitale_adressen, request)
        r = Renderer(self.data, Linker(request))
        body = r.digitaal_adres(adres, partij)
        return JSONResponse(with_expand(body, r.expand_digitaal_adres(expand), in_list=False))

    # --- klantcontacten ---------------------------------------------------------

    async def klantcontacten(self, request: Request) -> Response:
        rows, expand = select(
            request, self._klantcontacten, KLANTCONTACT_FILTERS, KLANTCONTACT_EXPAND
        )
        r = Renderer(self.data, Linker(request))
        body = paginate(
            request,
            rows,
            lambda row: with_expand(
                r.klantcontact(row[0]),
                r.expand_klantcontact(row[0], row[1], expand),
                in_list=True,
            ),
        )
        await self._expand_cost(KLANTCONTACTEN_EXPAND_LATENCY, expand)
        return JSONResponse(body)

    async def klantcontact(self, request: Request) -> Response:
        expand = self._expand(request, KLANTCONTACT_EXPAND)
        contact, partij, _ = self._found(self.data.klantcontacten, request)
        r = Renderer(self.data, Linker(request))
        expanded = r.expand_klantcontact(contact, partij, expand)
        return JSONResponse(with_expand(r.klantcontact(contact), expanded, in_list=False))

    # --- the rest ---------------------------------------------------------------

    async def betrokkene(self, request: Request) -> Response:
        expand = self._expand(request, BETROKKENE_EXPAND)
        contact, partij, _ = self._found(self.data.betrokkenen, request)
        r = Renderer(self.data, Linker(request))
        body = r.betrokkene(contact, partij)
        return JSONResponse(with_expand(body, r.expand_betrokkene(expand), in_list=False))

    async def onderwerpobject(self, request: Request) -> Response:
        onderwerp, contact = self._found(self.data.onderwerpobjecten, request)
        return JSONResponse(
            Renderer(self.data, Linker(request)).onderwerpobject(onderwerp, contact)
        )

    async def internetaken(self, request: Request) -> Response:
        filters: Mapping[str, Filter[tuple[Any, Klantcontact]]] = {
            "aanleidinggevendKlantcontact__uuid": Filter(lambda r, v: r[1].uuid == v, "uuid"),
            "klantcontact__uuid": Filter(lambda r, v: r[1].uuid == v, "uuid"),
            "status": Filter(lambda r, v: r[0].status == v, "choice", ("te_verwerken", "verwerkt")),
        }
        rows, _ = select(request, self._internetaken, filters, None)
        r = Renderer(self.data, Linker(request))
        return JSONResponse(paginate(request, rows, lambda row: r.internetaak(*row)))

    async def internetaak(self, request: Request) -> Response:
        taak, contact = self._found(self.data.internetaken, request)
        return JSONResponse(Renderer(self.data, Linker(request)).internetaak(taak, contact))

    async def actor(self, request: Request) -> Response:
        actor = self._found(self.data.actoren, request)
        return JSONResponse(Renderer(self.data, Linker(request)).actor(actor))


def create_klantinteracties_app(data: DemoData, register: Register) -> Starlette:
    h = KlantinteractiesHandlers(data, register.behaviour.latency)
    app = Starlette(
        routes=[
            register.route("/partijen", "partijen", h.partijen),
            register.route("/partijen/{uuid}", "partij", h.partij),
            register.route("/digitaleadressen", "digitaleadressen", h.digitale_adressen),
            register.route("/digitaleadressen/{uuid}", "digitaaladres", h.digitaal_adres),
            register.route("/klantcontacten", "klantcontacten", h.klantcontacten),
            register.route("/klantcontacten/{uuid}", "klantcontact", h.klantcontact),
            register.route("/betrokkenen/{uuid}", "betrokkene", h.betrokkene),
            register.route("/onderwerpobjecten/{uuid}", "onderwerpobject", h.onderwerpobject),
            register.route("/internetaken", "internetaken", h.internetaken),
            register.route("/internetaken/{uuid}", "internetaak", h.internetaak),
            register.route("/actoren/{uuid}", "actor", h.actor),
        ],
        middleware=[Middleware(ApiVersion, version=API_VERSION)],
    )
    app.router.redirect_slashes = False
    return app
