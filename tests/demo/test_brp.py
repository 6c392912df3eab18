"""BRP Personen: body validation, field selection and auto-delivered fields."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from klantbeeld_demo.registers import (
    BSN_BUITENLAND,
    BSN_GEHEIM,
    BSN_HOOFDPERSOON,
    BSN_ONBEKEND_IN_BRP,
    BSN_OVERLEDEN,
    DEMO_BRP_API_KEY,
)
from tests.harness import demo_registers

PERSONEN = "/haalcentraal/api/brp/personen"


def query(*bsns: str, fields: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "type": "RaadpleegMetBurgerservicenummer",
        "burgerservicenummer": list(bsns),
        "fields": fields if fields is not None else ["naam"],
        **extra,
    }


async def personen(client: httpx.AsyncClient, body: Any) -> httpx.Response:
    return await client.post(PERSONEN, json=body)


@pytest.mark.asyncio
async def test_returns_only_the_requested_leaf_fields(client: httpx.AsyncClient) -> None:
    body = query(
        BSN_HOOFDPERSOON, fields=["naam.voornamen", "verblijfplaats.verblijfadres.postcode"]
    )
    response = await personen(client, body)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "type": "RaadpleegMetBurgerservicenummer",
        "personen": [
            {
                "naam": {"voornamen": "Saskia Johanna"},
                "verblijfplaats": {"type": "Adres", "verblijfadres": {"postcode": "1998AB"}},
            }
        ],
    }


@pytest.mark.asyncio
async def test_a_group_name_returns_the_whole_group(client: httpx.AsyncClient) -> None:
    response = await personen(client, query(BSN_HOOFDPERSOON, fields=["naam", "partners"]))
    persoon = response.json()["personen"][0]
    assert set(persoon) == {"naam", "partners"}
    assert persoon["naam"]["volledigeNaam"] == "Saskia Johanna van den Berg"
    assert persoon["naam"]["geslachtsnaam"] == "Berg"
    assert persoon["partners"][0]["burgerservicenummer"] == "999990093"


@pytest.mark.asyncio
async def test_unknown_bsn_is_an_empty_list_not_a_404(client: httpx.AsyncClient) -> None:
    response = await personen(client, query(BSN_ONBEKEND_IN_BRP))
    assert response.status_code == 200
    assert response.json() == {"type": "RaadpleegMetBurgerservicenummer", "personen": []}


@pytest.mark.asyncio
async def test_geheimhouding_is_delivered_without_being_asked(client: httpx.AsyncClient) -> None:
    response = await personen(client, query(BSN_GEHEIM, BSN_HOOFDPERSOON, fields=["geslacht"]))
    geheim, hoofd = response.json()["personen"]
    assert geheim["geheimhoudingPersoonsgegevens"] is True
    # Sent only when true: the main person gets no such key at all.
    assert "geheimhoudingPersoonsgegevens" not in hoofd


@pytest.mark.asyncio
async def test_deceased_person_gets_opschorting_and_no_leeftijd(client: httpx.AsyncClient) -> None:
    fields = ["overlijden.datum", "leeftijd"]
    persoon = (await personen(client, query(BSN_OVERLEDEN, fields=fields))).json()["personen"][0]
    assert persoon["opschortingBijhouding"]["reden"]["code"] == "O"
    assert persoon["overlijden"]["datum"]["datum"] == "2024-11-02"
    assert "leeftijd" not in persoon


@pytest.mark.asyncio
async def test_person_abroad_has_verblijfplaats_buitenland(client: httpx.AsyncClient) -> None:
    persoon = (await personen(client, query(BSN_BUITENLAND, fields=["verblijfplaats"]))).json()
    verblijfplaats = persoon["personen"][0]["verblijfplaats"]
    assert verblijfplaats["type"] == "VerblijfplaatsBuitenland"
    assert verblijfplaats["verblijfadres"]["land"]["code"] == "5010"


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("body", "name", "code"),
    [
        ({"burgerservicenummer": [BSN_HOOFDPERSOON], "fields": ["naam"]}, "type", "required"),
        (
            query(fields=None) | {"burgerservicenummer": BSN_HOOFDPERSOON},
            "burgerservicenummer",
            "array",
        ),
        (query(), "burgerservicenummer", "minItems"),
        (query(*[BSN_HOOFDPERSOON] * 21), "burgerservicenummer", "maxItems"),
        (query("12345678"), "burgerservicenummer[0]", "pattern"),
        (query(BSN_HOOFDPERSOON, fields=[]), "fields", "minItems"),
        (query(BSN_HOOFDPERSOON, fields=["naam"] * 131), "fields", "maxItems"),
        (query(BSN_HOOFDPERSOON, fields=["naam", "bestaatNiet"]), "fields[1]", "field"),
        (query(BSN_HOOFDPERSOON, foo=1), "foo", "unknownParam"),
    ],
)
async def test_invalid_bodies_are_a_400_problem_with_invalid_params(
    client: httpx.AsyncClient, body: dict[str, Any], name: str, code: str
) -> None:
    response = await personen(client, body)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "paramsValidation"
    assert {"name": name, "code": code} in [
        {"name": p["name"], "code": p["code"]} for p in problem["invalidParams"]
    ]


@pytest.mark.asyncio
async def test_missing_fields_is_a_400(client: httpx.AsyncClient) -> None:
    body = {"type": "RaadpleegMetBurgerservicenummer", "burgerservicenummer": [BSN_HOOFDPERSOON]}
    response = await personen(client, body)
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "fields"


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "field",
    [
        "geheimhoudingPersoonsgegevens",
        "inOnderzoek",
        "opschortingBijhouding",
        "rni",
        "verificatie",
        "indicatieVastgesteldVerblijftNietOpAdres",
        "verblijfplaats.inOnderzoek",
    ],
)
async def test_asking_for_an_auto_delivered_field_is_a_400(
    client: httpx.AsyncClient, field: str
) -> None:
    response = await personen(client, query(BSN_HOOFDPERSOON, fields=["naam", field]))
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "fields[1]"


@pytest.mark.asyncio
async def test_non_json_body_is_a_415(client: httpx.AsyncClient) -> None:
    response = await client.post(
        PERSONEN,
        content=b"bsn=999993653",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 415
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.asyncio
async def test_api_key_is_required_when_configured() -> None:
    app = demo_registers(brp_api_key=DEMO_BRP_API_KEY)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://registers"
    ) as client:
        refused = await client.post(PERSONEN, json=query(BSN_HOOFDPERSOON))
        accepted = await client.post(
            PERSONEN, json=query(BSN_HOOFDPERSOON), headers={"X-API-KEY": DEMO_BRP_API_KEY}
        )
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"
    assert accepted.status_code == 200


@pytest.mark.asyncio
async def test_binnenland_fields_deliver_a_residents_address_under_its_own_name(
    client: httpx.AsyncClient,
) -> None:
    body = query(BSN_HOOFDPERSOON, fields=["verblijfplaatsBinnenland.verblijfadres.postcode"])
    persoon = (await personen(client, body)).json()["personen"][0]
    assert persoon == {"verblijfplaats": {"type": "Adres", "verblijfadres": {"postcode": "1998AB"}}}


@pytest.mark.asyncio
async def test_binnenland_fields_deliver_nothing_for_someone_living_abroad(
    client: httpx.AsyncClient,
) -> None:
    body = query(
        BSN_BUITENLAND,
        fields=["naam.voornamen", "verblijfplaatsBinnenland", "adresseringBinnenland"],
    )
    persoon = (await personen(client, body)).json()["personen"][0]
    assert set(persoon) == {"naam"}


# ---- the search types (brp-personen-2.x.yaml, ZoekMet…) ---------------------------------


def zoek(zoektype: str, fields: list[str] | None = None, **parameters: Any) -> dict[str, Any]:
    return {"type": zoektype, "fields": fields or ["burgerservicenummer"], **parameters}


def bsns(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [p["burgerservicenummer"] for p in response.json()["personen"]]


@pytest.mark.asyncio
async def test_a_name_search_is_case_insensitive_and_takes_a_wildcard_after_3_letters(
    client: httpx.AsyncClient,
) -> None:
    for naam in ("Berg", "berg", "BER*"):
        body = zoek("ZoekMetGeslachtsnaamEnGeboortedatum", geslachtsnaam=naam,
                    geboortedatum="1983-05-26")  # fmt: skip
        assert bsns(await personen(client, body)) == [BSN_HOOFDPERSOON]
    body = zoek("ZoekMetGeslachtsnaamEnGeboortedatum", geslachtsnaam="Be*",
                geboortedatum="1983-05-26")  # fmt: skip
    response = await personen(client, body)
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["code"] == "pattern"


@pytest.mark.asyncio
async def test_the_deceased_are_found_only_with_inclusief_overleden_personen(
    client: httpx.AsyncClient,
) -> None:
    body = zoek("ZoekMetPostcodeEnHuisnummer", postcode="1998GH", huisnummer=40)
    assert bsns(await personen(client, body)) == []
    body["inclusiefOverledenPersonen"] = True
    assert bsns(await personen(client, body)) == [BSN_OVERLEDEN]


@pytest.mark.asyncio
async def test_a_search_answers_with_persoon_beperkt_only(client: httpx.AsyncClient) -> None:
    fields = ["naam.volledigeNaam", "adressering.adresregel1", "burgerservicenummer"]
    body = zoek("ZoekMetStraatHuisnummerEnGemeenteVanInschrijving", fields, straat="kastanjelaan",
                huisnummer=12, gemeenteVanInschrijving="1998", huisletter="a")  # fmt: skip
    response = await personen(client, body)
    assert response.status_code == 200
    assert response.json()["personen"][0] == {
        "burgerservicenummer": BSN_HOOFDPERSOON,
        "naam": {"volledigeNaam": "Saskia Johanna van den Berg"},
        "adressering": {"adresregel1": "Kastanjelaan 12 A"},
    }
    for outside in ("verblijfplaats", "partners", "naam.aanduidingNaamgebruik"):
        body["fields"] = [outside]
        refused = await personen(client, body)
        assert refused.status_code == 400, outside
        assert refused.json()["invalidParams"][0]["name"] == "fields[0]"
