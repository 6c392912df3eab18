"""GET /api/v1/mijn-verwerkingen against a respx Verwerkingenlogging inzage API.

The routes check what the real inzage API needs: the path, every required query
parameter, a ZGW HS256 JWT of the configured client. The façade runs on the harness
(demo registers, an in-memory protocollering sink, the calendar pinned to DEMO_TODAY).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import httpx
import jwt
import pytest
import respx

from facade.protocollering.pseudonym import Pseudonymizer, PseudonymKey
from facade.settings import PseudonymKeySettings, Settings
from tests.harness import DEMO_TODAY, Facade, caller_token, demo_settings, make_facade

INZAGE = "http://registers/verwerkingenlogging/api/v1/verwerkte-objecten"
BSN = "999993653"
OTHER_BSN = "999990019"
SECRET = "demo-geheim-alleen-voor-de-demo-niet-voor-productie"
KCC = "https://verwerkingsregister.voorbeeldgemeente.nl/api/v1/verwerkingsactiviteiten/8f3a2c1e-4b6d-4e0a-9c7f-1d2e3f4a5b6c"
KCC_NAAM = "KCC: algemene vraag van een inwoner"
OLD_KEY = PseudonymKeySettings(
    key_id="demo-2025", secret="een-vorige-sleutel-van-de-demo-0123456789"
)


CURRENT_KEY = PseudonymKeySettings(
    key_id="demo-2026", secret="demo-pseudoniemsleutel-alleen-voor-de-demo-niet-voor-productie"
)


def zelf(bsn: str = BSN) -> str:
    return caller_token("klantbeeld.zelfbediening", bsn=bsn, sub="digid-burger")


def pseudonym(key: PseudonymKeySettings, bsn: str = BSN) -> str:
    return Pseudonymizer(PseudonymKey(key.key_id, key.secret.encode())).pseudonym(bsn)[:32]


def record(
    tijdstip: str,
    *,
    actie_id: str = "a1",
    activiteit: str = KCC,
    naam: str = KCC_NAAM,
    afnemer: str = "Klantcontactcentrum (KCC)",
    key: PseudonymKeySettings = CURRENT_KEY,
    bsn: str = BSN,
) -> dict[str, Any]:
    """A VerwerktObjectUitgebreid as the inzage API returns it (verwerkingsactie beperkt),
    about `bsn` under `key`."""
    return {
        "url": f"http://registers/verwerkingenlogging/api/v1/verwerkte-objecten/{actie_id}",
        "verwerktObjectId": actie_id,
        "objecttype": "persoon",
        "soortObjectId": f"BSN-pseudoniem:{key.key_id}",
        "objectId": pseudonym(key, bsn),
        "verwerkteSoortenGegevens": [{"soortGegeven": "persoonsgegevens"}],
        "verwerkingsactie": {
            "actieId": actie_id,
            "actieNaam": "Klantbeeld opvragen",
            "handelingNaam": afnemer,
            "verwerkingNaam": naam,
            "verwerkingsactiviteitId": activiteit.rsplit("/", 1)[-1],
            "verwerkingsactiviteitUrl": activiteit,
            "vertrouwelijkheid": "normaal",
            "tijdstip": tijdstip,
            "tijdstipRegistratie": tijdstip,
        },
    }


def page(results: list[dict[str, Any]], next_url: str | None = None) -> httpx.Response:
    body = {"count": len(results), "next": next_url, "previous": None, "results": results}
    return httpx.Response(200, json=body, headers={"API-version": "0.9.0"})


def zgw_claims(request: httpx.Request) -> dict[str, Any]:
    scheme, token = request.headers["Authorization"].split(" ", 1)
    assert scheme == "Bearer"
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    return jwt.decode(token, SECRET, algorithms=["HS256"])


@pytest.fixture
def logboek() -> Any:
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as router:
        yield router


def with_previous_key(settings: Settings) -> Settings:
    protocollering = replace(settings.protocollering, previous_pseudonyms=(OLD_KEY,))
    return replace(settings, protocollering=protocollering)


@pytest.fixture
async def facade() -> AsyncIterator[Facade]:
    async for facade in make_facade(with_previous_key(demo_settings())):
        yield facade


async def inzage(facade: Facade, token: str | None = None, **params: Any) -> httpx.Response:
    return await facade.client.get(
        "/api/v1/mijn-verwerkingen",
        params=params,
        headers={"Authorization": f"Bearer {token or zelf()}"},
    )


def inzage_records(facade: Facade) -> list[dict[str, Any]]:
    return [
        r
        for r in facade.sink.records()
        if r["record"] == "dataverwerking" and r["attributes"].get("klantbeeld.doel")
    ]


# --- only the token's own subject -----------------------------------------------------


async def test_another_bsn_in_the_query_is_403_and_the_logboek_is_never_asked(
    facade: Facade, logboek: Any
) -> None:
    route = logboek.get(INZAGE).mock(return_value=page([]))

    response = await inzage(facade, burgerservicenummer=OTHER_BSN)

    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert "eigen verwerkingen" in response.json()["detail"]
    assert route.call_count == 0
    assert OTHER_BSN not in response.text


async def test_even_her_own_bsn_in_the_query_is_403_a_bsn_never_goes_in_a_url(
    facade: Facade, logboek: Any
) -> None:
    route = logboek.get(INZAGE).mock(return_value=page([]))

    response = await inzage(facade, burgerservicenummer=BSN)

    assert response.status_code == 403
    assert "laat burgerservicenummer weg" in response.json()["detail"]
    assert BSN not in response.text
    assert route.call_count == 0


async def test_a_kvk_nummer_in_a_residents_inzage_is_403(facade: Facade, logboek: Any) -> None:
    route = logboek.get(INZAGE).mock(return_value=page([]))

    response = await inzage(facade, kvkNummer="12345678")

    assert response.status_code == 403
    assert route.call_count == 0


async def test_a_staff_token_is_403_not_a_zelfbediening_token(facade: Facade, logboek: Any) -> None:
    route = logboek.get(INZAGE).mock(return_value=page([]))

    response = await inzage(facade, caller_token("klantbeeld.kcc", bsn=BSN))

    assert response.status_code == 403
    assert "zelfbediening" in response.json()["detail"]
    assert route.call_count == 0


async def test_a_zelfbediening_scope_without_a_bsn_claim_is_403(
    facade: Facade, logboek: Any
) -> None:
    route = logboek.get(INZAGE).mock(return_value=page([]))

    response = await inzage(facade, caller_token("klantbeeld.zelfbediening"))

    assert response.status_code == 403
    assert route.call_count == 0


async def test_no_token_is_401(facade: Facade) -> None:
    response = await facade.client.get("/api/v1/mijn-verwerkingen")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


# --- what the logboek is asked ----------------------------------------------------------


async def test_asks_the_inzage_api_once_per_pseudonym_key_with_the_zgw_jwt(
    facade: Facade, logboek: Any
) -> None:
    route = logboek.get(INZAGE).mock(return_value=page([]))

    assert (await inzage(facade)).status_code == 200

    current = PseudonymKeySettings(
        key_id="demo-2026", secret="demo-pseudoniemsleutel-alleen-voor-de-demo-niet-voor-productie"
    )
    asked = [dict(call.request.url.params) for call in route.calls]
    assert [(q["soortObjectId"], q["objectId"]) for q in asked] == [
        ("BSN-pseudoniem:demo-2026", pseudonym(current)),
        ("BSN-pseudoniem:demo-2025", pseudonym(OLD_KEY)),
    ]
    for query in asked:
        assert set(query) == {"objecttype", "soortObjectId", "objectId", "beginDatum", "eindDatum"}
        assert query["objecttype"] == "persoon"
        assert BSN not in str(query)
    claims = zgw_claims(route.calls.last.request)
    assert claims["client_id"] == "klantbeeld-demo"
    assert claims["user_id"] == "BurgerZelf"  # never the BSN of the token


async def test_the_default_period_is_the_last_twelve_months_of_the_apps_calendar(
    facade: Facade, logboek: Any
) -> None:
    route = logboek.get(INZAGE).mock(return_value=page([]))

    await inzage(facade)

    query = route.calls.last.request.url.params
    # A day of margin either side: the register counts UTC days, the resident Amsterdam's.
    year_before = DEMO_TODAY.replace(year=DEMO_TODAY.year - 1)
    assert query["beginDatum"] == (year_before - timedelta(days=1)).isoformat()
    assert query["eindDatum"] == (DEMO_TODAY + timedelta(days=2)).isoformat()


async def test_records_under_a_previous_pseudonym_key_are_found(
    facade: Facade, logboek: Any
) -> None:
    def by_key(request: httpx.Request) -> httpx.Response:
        if request.url.params["soortObjectId"] == "BSN-pseudoniem:demo-2025":
            assert request.url.params["objectId"] == pseudonym(OLD_KEY)
            return page([record("2025-03-01T10:00:00Z", actie_id="oud", key=OLD_KEY)])
        return page([record("2025-07-01T10:00:00Z", actie_id="nieuw")])

    logboek.get(INZAGE).mock(side_effect=by_key)

    answer = (await inzage(facade)).json()

    assert [v["tijdstip"] for v in answer["verwerkingen"]] == [
        "2025-07-01T10:00:00Z",
        "2025-03-01T10:00:00Z",
    ]


async def test_follows_the_registers_next_links(facade: Facade, logboek: Any) -> None:
    second = f"{INZAGE}?page=2"

    def pages(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("page") == "2":
            return page([record("2025-06-02T09:00:00Z", actie_id="b")])
        if request.url.params["soortObjectId"].endswith("demo-2026"):
            return page([record("2025-06-01T09:00:00Z", actie_id="a")], second)
        return page([])

    logboek.get(INZAGE).mock(side_effect=pages)

    answer = (await inzage(facade)).json()

    assert [v["tijdstip"] for v in answer["verwerkingen"]] == [
        "2025-06-02T09:00:00Z",
        "2025-06-01T09:00:00Z",
    ]


# --- the answer -----------------------------------------------------------------------


async def test_each_processing_names_its_doel_afnemer_categories_and_grondslag(
    facade: Facade, logboek: Any
) -> None:
    logboek.get(INZAGE).mock(return_value=page([record("2025-07-01T10:00:00Z")]))

    answer = (await inzage(facade)).json()

    [verwerking] = answer["verwerkingen"]
    assert verwerking["doel"]["naam"] == KCC_NAAM
    assert verwerking["doel"]["omschrijving"]
    assert verwerking["afnemer"] == "Klantcontactcentrum (KCC)"
    assert verwerking["categorieen"] == ["persoonsgegevens"]
    assert verwerking["grondslag"]
    assert set(verwerking) == {"tijdstip", "doel", "afnemer", "categorieen", "grondslag"}
    assert (answer["pagina"], answer["paginaGrootte"], answer["afgekapt"]) == (1, 20, False)


async def test_a_doel_no_longer_in_the_policies_keeps_its_recorded_name(
    facade: Facade, logboek: Any
) -> None:
    gone = "https://register.example/va/0b0b0b0b-0000-4000-8000-000000000000"
    logboek.get(INZAGE).mock(
        return_value=page([record("2025-07-01T10:00:00Z", activiteit=gone, naam="Oud doel")])
    )

    [verwerking] = (await inzage(facade)).json()["verwerkingen"]

    assert verwerking["doel"] == {"naam": "Oud doel", "omschrijving": None}
    assert verwerking["grondslag"] is None


async def test_pages_newest_first_with_pagina_and_pagina_grootte(
    facade: Facade, logboek: Any
) -> None:
    days = [f"2025-06-{day:02d}T12:00:00Z" for day in (3, 1, 5, 2, 4)]
    results = [record(t, actie_id=t) for t in days]

    def current_key_only(request: httpx.Request) -> httpx.Response:
        return page(results if request.url.params["soortObjectId"].endswith("2026") else [])

    logboek.get(INZAGE).mock(side_effect=current_key_only)

    second = (await inzage(facade, pagina=2, paginaGrootte=2)).json()

    assert [v["tijdstip"][:10] for v in second["verwerkingen"]] == ["2025-06-03", "2025-06-02"]
    assert (second["pagina"], second["paginaGrootte"]) == (2, 2)
    past_the_end = (await inzage(facade, pagina=9, paginaGrootte=2)).json()
    assert past_the_end["verwerkingen"] == []


async def test_only_the_period_asked_for_is_listed(facade: Facade, logboek: Any) -> None:
    results = [
        record("2025-05-31T21:59:59Z", actie_id="voor"),  # 23:59:59 on 31 May in Amsterdam
        record("2025-05-31T22:00:00Z", actie_id="eerste"),  # 00:00 on 1 June in Amsterdam
        record("2025-06-30T21:00:00Z", actie_id="laatste"),
        record("2025-07-01T08:00:00Z", actie_id="na"),
    ]
    route = logboek.get(INZAGE).mock(return_value=page(results))

    answer = (await inzage(facade, vanaf="2025-06-01", tot="2025-06-30")).json()

    assert [v["tijdstip"] for v in answer["verwerkingen"]] == [
        "2025-06-30T21:00:00Z",
        "2025-05-31T22:00:00Z",
    ]
    assert route.calls.last.request.url.params["beginDatum"] == "2025-05-31"
    assert route.calls.last.request.url.params["eindDatum"] == "2025-07-02"


async def test_one_processing_found_twice_is_listed_once(facade: Facade, logboek: Any) -> None:
    logboek.get(INZAGE).mock(return_value=page([record("2025-07-01T10:00:00Z", actie_id="x")]))

    answer = (await inzage(facade)).json()  # both keys answer the same actie

    assert len(answer["verwerkingen"]) == 1


async def test_more_records_than_the_cap_say_afgekapt(logboek: Any) -> None:
    settings = demo_settings()
    settings = replace(settings, inzage=replace(settings.inzage, max_records=3))
    logboek.get(INZAGE).mock(
        return_value=page([record(f"2025-06-0{d}T10:00:00Z", actie_id=str(d)) for d in range(1, 6)])
    )
    async for facade in make_facade(settings):
        answer = (await inzage(facade)).json()
    assert answer["afgekapt"] is True
    assert len(answer["verwerkingen"]) == 3


# --- validation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"vanaf": "1-6-2025"}, "vanaf"),
        ({"tot": "2025-02-30"}, "tot"),
        ({"vanaf": "2025-07-01", "tot": "2025-06-01"}, "vanaf"),
        ({"pagina": "0"}, "pagina"),
        ({"pagina": "een"}, "pagina"),
        ({"paginaGrootte": "101"}, "paginaGrootte"),
        ({"paginaGrootte": "0"}, "paginaGrootte"),
        ({"sortering": "oud"}, "sortering"),
    ],
)
async def test_a_bad_parameter_is_400_naming_it_and_the_logboek_is_not_asked(
    facade: Facade, logboek: Any, params: dict[str, str], name: str
) -> None:
    route = logboek.get(INZAGE).mock(return_value=page([]))

    response = await inzage(facade, **params)

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert name in [p["name"] for p in response.json()["invalidParams"]]
    assert route.call_count == 0


# --- the inzage is a processing ----------------------------------------------------------


async def test_the_inzage_is_recorded_under_the_zelfbediening_doel(
    facade: Facade, logboek: Any
) -> None:
    logboek.get(INZAGE).mock(return_value=page([]))

    assert (await inzage(facade)).status_code == 200

    [processing] = inzage_records(facade)
    attributes = processing["attributes"]
    assert attributes["klantbeeld.doel"] == "mijn-gegevens"
    assert attributes["klantbeeld.afnemer"] == "Mijn gemeente (portaal)"
    assert attributes["klantbeeld.categorieen"] == ["verwerkingen"]
    assert attributes["dpl.core.processing_activity_id"].endswith(
        "1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9"
    )
    assert attributes["dpl.core.data_subject_id"] != BSN
    assert BSN not in str(facade.sink.records())


async def test_a_refused_inzage_is_recorded_too_without_the_other_persons_pseudonym(
    facade: Facade, logboek: Any
) -> None:
    await inzage(facade, burgerservicenummer=OTHER_BSN)

    [processing] = inzage_records(facade)
    assert processing["status_code"] == "ERROR"
    assert "dpl.core.data_subject_id" not in processing["attributes"]


# --- without a queryable logboek, or with a failing one -----------------------------------


@pytest.mark.parametrize("sink", ["file", "stdout", "otlp"])
async def test_a_sink_that_cannot_be_read_back_gives_the_documented_503(sink: str) -> None:
    settings = demo_settings()
    settings = replace(settings, protocollering=replace(settings.protocollering, sink=sink))
    async for facade in make_facade(settings):
        response = await inzage(facade)
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "inzage-niet-ingericht"
    assert "doorzoekbaar logboek" in problem["detail"]
    assert "Verwerkingenlogging" in problem["detail"]


async def test_a_failing_logboek_is_503_naming_no_url_and_no_pseudonym(
    facade: Facade, logboek: Any
) -> None:
    logboek.get(INZAGE).mock(return_value=httpx.Response(500, json={"detail": "kapot"}))

    response = await inzage(facade)

    assert response.status_code == 503
    problem = response.json()
    assert problem["code"] == "logboek-onbeschikbaar"
    assert "registers" not in response.text and "verwerkte-objecten" not in response.text
    assert "BSN-pseudoniem" not in response.text and "kapot" not in response.text


async def test_an_unreachable_logboek_is_503(facade: Facade, logboek: Any) -> None:
    logboek.get(INZAGE).mock(side_effect=httpx.ConnectError("geen verbinding"))

    response = await inzage(facade)

    assert response.status_code == 503
    assert response.json()["code"] == "logboek-onbeschikbaar"


async def test_a_logboek_that_times_out_is_504(facade: Facade, logboek: Any) -> None:
    logboek.get(INZAGE).mock(side_effect=httpx.ReadTimeout("te laat"))

    response = await inzage(facade)

    assert response.status_code == 504
    assert response.json()["code"] == "logboek-timeout"


async def test_a_logboek_slower_than_the_deadline_is_504(logboek: Any) -> None:
    settings = demo_settings()
    settings = replace(settings, inzage=replace(settings.inzage, deadline_ms=50))

    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(1)
        return page([])

    logboek.get(INZAGE).mock(side_effect=slow)
    async for facade in make_facade(settings):
        response = await inzage(facade)
    assert response.status_code == 504


async def test_a_next_link_to_another_host_is_not_followed(facade: Facade, logboek: Any) -> None:
    logboek.get(INZAGE).mock(return_value=page([], "https://elders.example/verwerkte-objecten"))
    elders = logboek.get("https://elders.example/verwerkte-objecten").mock(return_value=page([]))

    response = await inzage(facade)

    assert response.status_code == 503
    assert elders.call_count == 0


async def test_no_bsn_in_any_log_line_or_upstream_url(
    facade: Facade, logboek: Any, caplog: pytest.LogCaptureFixture
) -> None:
    route = logboek.get(INZAGE).mock(return_value=page([record("2025-07-01T10:00:00Z")]))
    caplog.set_level(logging.DEBUG)

    ok = await inzage(facade)
    refused = await inzage(facade, burgerservicenummer=OTHER_BSN)

    assert ok.status_code == 200 and refused.status_code == 403
    for call in route.calls:
        assert BSN not in str(call.request.url)
    for text in (caplog.text, ok.text, refused.text):
        assert BSN not in text and OTHER_BSN not in text


# --- an ondernemer ------------------------------------------------------------------------


async def test_an_ondernemers_inzage_asks_for_the_business_under_its_kvk_pseudonym(
    facade: Facade, logboek: Any
) -> None:
    route = logboek.get(INZAGE).mock(return_value=page([]))
    token = caller_token("klantbeeld.zelfbediening-ondernemer", kvkNummer="12345678")

    response = await inzage(facade, token)

    assert response.status_code == 200, response.text
    asked = [dict(call.request.url.params) for call in route.calls]
    assert [q["soortObjectId"] for q in asked] == [
        "KvK-nummer-pseudoniem:demo-2026",
        "KvK-nummer-pseudoniem:demo-2025",
    ]
    assert {q["objecttype"] for q in asked} == {"persoon"}  # the spec's only value
    assert "12345678" not in str(asked)
    assert zgw_claims(route.calls.last.request)["user_id"] == "BedrijfZelf"
    [processing] = inzage_records(facade)
    assert processing["attributes"]["klantbeeld.doel"] == "mijn-onderneming"


async def test_an_ondernemer_asking_for_another_kvk_nummer_is_403(
    facade: Facade, logboek: Any
) -> None:
    route = logboek.get(INZAGE).mock(return_value=page([]))
    token = caller_token("klantbeeld.zelfbediening-ondernemer", kvkNummer="12345678")

    response = await inzage(facade, token, kvkNummer="87654321")

    assert response.status_code == 403
    assert route.call_count == 0


async def test_a_record_about_someone_else_is_never_shown_whatever_the_register_sends(
    facade: Facade, logboek: Any
) -> None:
    # A register (or a proxy) that ignores the objectId filter: the façade checks each record.
    logboek.get(INZAGE).mock(
        return_value=page(
            [
                record("2025-07-01T10:00:00Z", actie_id="hare"),
                record("2025-07-02T10:00:00Z", actie_id="andere", bsn=OTHER_BSN),
            ]
        )
    )
    answer = (await inzage(facade, vanaf="2025-06-01", tot="2025-07-10")).json()
    assert [v["tijdstip"][:10] for v in answer["verwerkingen"]] == ["2025-07-01"]
