"""Property: whatever the registers send and whatever the doel, nothing outside the doel leaves.

Hypothesis generates a doel (a random allow-list and random record filters) and
a world of register answers shaped like the specs but salted with fields the
façade does not know, nested extras, records of other people and records that
fail the filters. The registers are respx routes; the app is the real one.
Every answer must hold only allowed paths, and only records that pass the
doel's filters and belong to the person.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from typing import Any

import httpx
import respx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.httpx_transport import HttpxTransport
from connectors.records import VERTROUWELIJKHEIDAANDUIDINGEN
from facade.app import create_app
from facade.clock import AMSTERDAM, fixed
from facade.protocollering.setup import build_trail
from facade.sources import KINDS
from policies.access import AccessRule
from policies.filters import contact_allowed, zaak_allowed
from policies.loader import PolicySet
from policies.model import (
    ContactFilters,
    Doel,
    KlantFilters,
    Toestemming,
    ZaakFilters,
)
from policies.projection import delivered_paths
from policies.viewpaths import ALWAYS_WITH_RECORD
from tests.harness import DEMO_TODAY, MemorySink, caller_token, demo_settings
from vocabulary.paths import covers, minimal

BSN = "999993653"
OTHER_BSN = "999990068"
R = "http://registers"
ZAKEN, CATALOGI = f"{R}/zaken/api/v1", f"{R}/catalogi/api/v1"
KLANTEN, CM = f"{R}/klanten/api/v1", f"{R}/contactmomenten/api/v1"
TODAY = DEMO_TODAY  # the façade below runs on the same pinned calendar
ZAAKTYPEN = ("ZT-A", "ZT-B", "ZT-C")
KANALEN = ("telefoon", "e-mail", "balie")

KLANT_PATHS = [
    "klant.burgerservicenummer", "klant.naam", "klant.naam.volledigeNaam", "klant.geboorte",
    "klant.verblijfplaats.verblijfadres.postcode", "klant.partners.naam", "klant.emailadressen",
    "klant.telefoonnummers.nummer", "klant.overlijden",
]  # fmt: skip
ZAAK_PATHS = [
    "zaken.omschrijving", "zaken.toelichting", "zaken.zaaktype", "zaken.zaaktype.omschrijving",
    "zaken.status", "zaken.status.statustekst", "zaken.startdatum", "zaken.einddatum",
]  # fmt: skip
CONTACT_PATHS = ["contactmomenten.tekst", "contactmomenten.initiatiefnemer"]

EXTRA = st.dictionaries(
    st.sampled_from(
        ["stiekem", "bsn", "_intern", "naam", "omschrijving", "volledigeNaam", "postcode", "extra"]
    ),
    st.text(max_size=4) | st.integers() | st.dictionaries(st.just("diep"), st.text(max_size=3)),
    max_size=3,
)


@st.composite
def doelen(draw: st.DrawFn) -> Doel:
    velden = set(draw(st.lists(st.sampled_from(KLANT_PATHS), max_size=5)))
    if draw(st.booleans()):
        # Identity of each record is needed to check the filters from outside.
        velden |= {"zaken.identificatie", *draw(st.lists(st.sampled_from(ZAAK_PATHS), max_size=4))}
    if draw(st.booleans()):
        velden |= {"contactmomenten.datum", "contactmomenten.kanaal"}
        velden |= set(draw(st.lists(st.sampled_from(CONTACT_PATHS), max_size=2)))
    if not velden:
        velden = {"klant.naam"}
    optional = st.none()
    return Doel(
        id="eigenschap",
        naam="Eigenschap",
        omschrijving="Gegenereerd doel",
        verwerkingsactiviteit="https://register.example/va/1",
        grondslag="AVG art. 6 lid 1 sub e",
        bronnen=frozenset({"brp", "zaken", "klanten", "contactmomenten"}),
        velden=tuple(sorted(velden)),
        zaken=ZaakFilters(
            zaaktypen=draw(optional | st.frozensets(st.sampled_from(ZAAKTYPEN), min_size=1)),
            maximale_vertrouwelijkheid=draw(
                optional | st.sampled_from(VERTROUWELIJKHEIDAANDUIDINGEN)
            ),
            afgerond_binnen_dagen=draw(optional | st.integers(1, 400)),
        ),
        contactmomenten=ContactFilters(
            vertrouwelijke_uitsluiten=draw(st.booleans()),
            kanalen=draw(optional | st.frozensets(st.sampled_from(KANALEN), min_size=1)),
            periode_dagen=draw(optional | st.integers(1, 400)),
        ),
        klant=KlantFilters(),
    )


@dataclass
class World:
    persoon: dict[str, Any]
    zaken: list[dict[str, Any]]
    rollen: list[dict[str, Any]]
    klanten: list[dict[str, Any]]
    contactmomenten: list[dict[str, Any]]


def day(offset: int) -> str:
    return (TODAY - timedelta(days=offset)).isoformat()


@st.composite
def worlds(draw: st.DrawFn) -> World:
    persoon = {
        "burgerservicenummer": BSN,
        "naam": {"volledigeNaam": "Jan Jansen", "voornamen": "Jan", **draw(EXTRA)},
        "geboorte": {"datum": {"type": "Datum", "datum": "1980-01-01"}, **draw(EXTRA)},
        "verblijfplaats": {"type": "Adres", "verblijfadres": {"postcode": "1234AB", **draw(EXTRA)}},
        "partners": [{"naam": {"voornamen": "Piet"}, "burgerservicenummer": OTHER_BSN}],
        "geheimhoudingPersoonsgegevens": draw(st.booleans()),
        **draw(EXTRA),
    }
    zaken, rollen = [], []
    for i in range(draw(st.integers(0, 6))):
        url = f"{ZAKEN}/zaken/z{i}"
        mine = draw(st.booleans()) or i == 0
        zaken.append(
            {
                "url": url,
                "uuid": f"z{i}",
                "identificatie": f"ZAAK-{i}",
                "bronorganisatie": "002220647",
                "omschrijving": f"zaak {i}",
                "toelichting": "interne notitie",
                "zaaktype": f"{CATALOGI}/zaaktypen/{draw(st.sampled_from(ZAAKTYPEN))}",
                "status": f"{ZAKEN}/statussen/s{i}",
                "startdatum": day(draw(st.integers(0, 900))),
                "einddatum": draw(st.none() | st.integers(0, 900).map(day)),
                "vertrouwelijkheidaanduiding": draw(st.sampled_from(VERTROUWELIJKHEIDAANDUIDINGEN)),
                "_expand": {},
                **draw(EXTRA),
            }
        )
        rollen.append(
            {
                "zaak": url,
                "omschrijvingGeneriek": "initiator",
                "betrokkeneIdentificatie": {"inpBsn": BSN if mine else OTHER_BSN},
            }
        )
    klanten = [
        {
            "url": f"{KLANTEN}/klanten/k1",
            "emailadres": "jan@example.nl",
            "telefoonnummer": "0612345678",
            "subjectIdentificatie": {"inpBsn": BSN},
            **draw(EXTRA),
        },
        {
            "url": f"{KLANTEN}/klanten/k2",
            "emailadres": "ander@example.nl",
            "subjectIdentificatie": {"inpBsn": OTHER_BSN},
        },
    ]
    contactmomenten = [
        {
            "url": f"{CM}/contactmomenten/c{i}",
            "registratiedatum": f"{day(draw(st.integers(0, 900)))}T10:00:00Z",
            "kanaal": draw(st.sampled_from(KANALEN)),
            "tekst": "gespreksnotitie",
            "initiatiefnemer": "klant",
            "objectcontactmomenten": [],
            **draw(EXTRA),
        }
        for i in range(draw(st.integers(0, 4)))
    ]
    return World(persoon, zaken, rollen, klanten, contactmomenten)


def page(results: list[dict[str, Any]]) -> httpx.Response:
    return httpx.Response(
        200, json={"count": len(results), "next": None, "previous": None, "results": results}
    )


def router_for(world: World) -> respx.Router:
    router = respx.Router(assert_all_called=False)
    brp = f"{R}/haalcentraal/api/brp/personen"
    router.post(brp).mock(return_value=httpx.Response(200, json={"personen": [world.persoon]}))
    router.get(f"{ZAKEN}/zaken").mock(return_value=page(world.zaken))
    router.get(f"{ZAKEN}/rollen").mock(return_value=page(world.rollen))
    router.get(url__regex=rf"{ZAKEN}/statussen/.+").mock(
        return_value=httpx.Response(
            200,
            json={
                "statustype": f"{CATALOGI}/statustypen/st",
                "datumStatusGezet": "2025-01-01",
                "stiekem": "x",
            },
        )
    )
    router.get(f"{CATALOGI}/statustypen/st").mock(
        return_value=httpx.Response(
            200,
            json={
                "omschrijving": "Open",
                "statustekst": "Loopt",
                "isEindstatus": False,
                "extra": {"x": 1},
            },
        )
    )
    for zaaktype in ZAAKTYPEN:
        router.get(f"{CATALOGI}/zaaktypen/{zaaktype}").mock(
            return_value=httpx.Response(
                200,
                json={
                    "identificatie": zaaktype,
                    "omschrijving": f"type {zaaktype}",
                    "stiekem": "x",
                },
            )
        )
    router.get(f"{KLANTEN}/klanten").mock(return_value=page(world.klanten))
    links = [
        {
            "url": f"{CM}/klantcontactmomenten/l{i}",
            "klant": f"{KLANTEN}/klanten/k1",
            "contactmoment": c["url"],
            "rol": "gesprekspartner",
        }
        for i, c in enumerate(world.contactmomenten)
    ]
    router.get(f"{CM}/klantcontactmomenten").mock(return_value=page(links))
    for contact in world.contactmomenten:
        router.get(contact["url"]).mock(return_value=httpx.Response(200, json=contact))
    return router


async def klantbeeld(
    doel: Doel, world: World, router: respx.Router | None = None
) -> dict[str, Any]:
    policies = PolicySet(
        doelen={doel.id: doel},
        toegang=(AccessRule(scope="eigenschap", rol=None, doelen=frozenset({doel.id})),),
        versie="sha256:test",
        kinds=KINDS,
    )
    router = router or router_for(world)

    def transport_factory(_: Any) -> HttpxTransport:
        return HttpxTransport(
            httpx.AsyncClient(transport=httpx.MockTransport(router.async_handler))
        )

    settings = demo_settings()
    app = create_app(
        settings,
        policies=policies,
        transport_factory=transport_factory,
        trail=build_trail(settings, MemorySink()),
        today=fixed(TODAY),
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://facade"
    ) as client:
        response = await client.post(
            "/api/v1/klantbeeld",
            json={"burgerservicenummer": BSN},
            headers={
                "Authorization": f"Bearer {caller_token('eigenschap')}",
                "X-Doelbinding": doel.id,
            },
        )
    assert response.status_code == 200, response.text
    return response.json()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doel=doelen(), world=worlds())
def test_no_path_outside_the_doel_and_no_record_outside_its_filters_ever_leaves(
    doel: Doel, world: World
) -> None:
    view = asyncio.run(klantbeeld(doel, world))
    data = {k: view[k] for k in ("klant", "zaken", "contactmomenten") if k in view}

    allowed = set(doel.velden) | ALWAYS_WITH_RECORD
    for path in delivered_paths(data):
        if path in ("zaken", "contactmomenten"):
            continue  # an empty section
        assert any(covers(a, path) for a in allowed), path

    text = json.dumps(view)
    for secret in (
        "interne notitie" if "zaken.toelichting" not in doel.velden else None,
        "ander@example.nl",
        OTHER_BSN,
        '"stiekem"',
        '"diep"',
        "_intern",
    ):
        if secret:
            assert secret not in text, secret

    by_id = {z["identificatie"]: z for z in world.zaken}
    mine = {r["zaak"] for r in world.rollen if r["betrokkeneIdentificatie"]["inpBsn"] == BSN}
    for shown in view.get("zaken", []):
        raw = by_id[shown["identificatie"]]
        assert raw["url"] in mine
        zaaktype = raw["zaaktype"].rsplit("/", 1)[1]
        as_view = {**raw, "zaaktype": {"identificatie": zaaktype}}
        assert zaak_allowed(as_view, doel.zaken, TODAY)
    for shown in view.get("contactmomenten", []):
        as_view = {"datum": shown["datum"], "kanaal": shown["kanaal"], "vertrouwelijk": False}
        assert contact_allowed(as_view, doel.contactmomenten, TODAY)


OBJECTS = f"{R}/objecten/api/v2"
CONSENT_URL = f"{OBJECTS}/objects/3e9c6f4b-5d7a-4c8e-9fa0-b1c2d3e4f5a6"
CONSENT_STATES = ("geldig", "verlopen", "ander-doel", "ander-persoon", "geen", "register-fout")


def midnight(offset: int) -> str:
    return datetime.combine(TODAY + timedelta(days=offset), time(0), AMSTERDAM).isoformat()


def consent_answer(state: str, doel_id: str) -> httpx.Response:
    if state == "register-fout":
        return httpx.Response(503, json={"detail": "onderhoud"})
    data = {"bsn": BSN, "doel": doel_id, "uitbreiding": "meer", "kanaal": "balie",
            "geldigVanaf": midnight(-1), "geldigTot": midnight(2)}  # fmt: skip
    if state == "verlopen":
        data |= {"geldigVanaf": midnight(-5), "geldigTot": midnight(-1)}
    elif state == "ander-doel":
        data["doel"] = "iets-anders"
    elif state == "ander-persoon":
        data["bsn"] = OTHER_BSN
    objects = [] if state == "geen" else [
        {"url": CONSENT_URL, "type": "t", "record": {"typeVersion": 1, "data": data,
                                                     "startAt": TODAY.isoformat()}}
    ]  # fmt: skip
    return httpx.Response(
        200, json={"count": len(objects), "next": None, "previous": None, "results": objects}
    )


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    base=doelen(),
    extra=st.lists(st.sampled_from(KLANT_PATHS + ZAAK_PATHS + CONTACT_PATHS), min_size=1),
    state=st.sampled_from(CONSENT_STATES),
    world=worlds(),
)
def test_no_field_beyond_the_base_doel_leaves_without_a_valid_consent(
    base: Doel, extra: list[str], state: str, world: World
) -> None:
    wider = set(base.velden) | set(extra)
    if any(p.startswith("zaken.") for p in wider):
        wider.add("zaken.identificatie")  # to tell the records apart from outside
    if any(p.startswith("contactmomenten.") for p in wider):
        wider |= {"contactmomenten.datum", "contactmomenten.kanaal"}
    widened = replace(base, velden=tuple(sorted(minimal(wider))))
    # The base doel names only the registers its own paths need: what a consent adds comes
    # from registers the base never asks.
    base = replace(base, bronnen=frozenset(_needed(base.velden)))
    doel = replace(base, toestemmingen=(Toestemming("meer", "Meer met toestemming.", widened),))
    router = router_for(world)
    search = router.post(f"{OBJECTS}/objects/search").mock(
        return_value=consent_answer(state, doel.id)
    )
    view = asyncio.run(klantbeeld(doel, world, router))

    assert search.called
    used = widened if state == "geldig" else base
    allowed = set(used.velden) | ALWAYS_WITH_RECORD
    data = {k: view[k] for k in ("klant", "zaken", "contactmomenten") if k in view}
    for path in delivered_paths(data):
        if path in ("zaken", "contactmomenten"):
            continue
        assert any(covers(a, path) for a in allowed), (state, path)
    if state != "geldig":
        # Never fetched either: a register only the consent needs is not asked.
        sections = {p.split(".", 1)[0] for p in base.velden}
        asked = {c.request.url.path for c in router.calls}
        if "zaken" not in sections:
            assert not [p for p in asked if p.startswith("/zaken/")], state
        if "contactmomenten" not in sections:
            assert not [p for p in asked if p.startswith("/contactmomenten/")], state
        if "klanten" not in base.bronnen:
            assert not [p for p in asked if p.startswith("/klanten/")], state
    toestemming = [b["status"] for b in view["bronnen"] if b["soort"] == "toestemming"]
    expected = {"geldig": "ok", "register-fout": "fout"}.get(state, "niet-gevonden")
    assert toestemming == [expected]


def _needed(velden: tuple[str, ...]) -> set[str]:
    sections = {p.split(".", 1)[0] for p in velden}
    needed = {"brp"}
    if "zaken" in sections:
        needed.add("zaken")
    if "contactmomenten" in sections or any(
        p.startswith(("klant.emailadressen", "klant.telefoonnummers")) for p in velden
    ):
        needed |= {"klanten", "contactmomenten"}
    return needed
