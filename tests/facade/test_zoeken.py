"""Finding the caller: POST /api/v1/personen/zoeken, and the klantbeeld by its handle.

The façade runs on the simulated registers, which validate every request as the
BRP Personen 2.x and Open Klant 2.x specs do; each test states the exact upstream
request a search makes and the candidate it shows.
"""

from __future__ import annotations

import base64
import json
import shutil
import time
from dataclasses import replace
from pathlib import Path

import pytest
from httpx import ASGITransport, AsyncClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from facade.handles import PREFIX
from facade.protocollering.setup import build_pseudonymizer
from klantbeeld_demo.registers import BSN_HOOFDPERSOON, BSN_PARTNER, Fault
from tests.harness import CONFIG, Facade, caller_token, demo_settings, make_facade

SASKIA = {
    "naam": {"volledigeNaam": "Saskia Johanna van den Berg"},
    "geboorte": {"datum": {"type": "Datum", "datum": "1983-05-26", "langFormaat": "26 mei 1983"}},
    "adresregel": "Kastanjelaan 12 A, 1998 AB KLAVERDAM",
    "geheimhoudingPersoonsgegevens": False,
}
# kcc-algemene-vraag shows no address abroad: the address's land is asked too.
SEARCH_FIELDS = [
    "adressering.adresregel1",
    "adressering.adresregel2",
    "adressering.land",
    "burgerservicenummer",
    "geboorte.datum",
    "naam.volledigeNaam",
]


@pytest.fixture
async def facade():
    async for f in make_facade(demo_settings()):
        yield f


def kandidaten(response) -> list[dict]:
    assert response.status_code == 200, response.text
    return response.json()["kandidaten"]


def without_handle(kandidaat: dict) -> dict:
    assert kandidaat["zoekresultaat"].startswith(PREFIX)
    return {k: v for k, v in kandidaat.items() if k != "zoekresultaat"}


def brp_bodies(facade: Facade) -> list[dict]:
    return [json.loads(c.body) for c in facade.calls if c.path.endswith("/personen")]


async def test_by_name_and_birth_date_the_brp_gets_its_search_type_doelbinding_and_fields(facade):
    response = await facade.zoeken(
        {"geslachtsnaam": "Berg", "voorvoegsel": "van den", "geboortedatum": "1983-05-26"}
    )

    assert [without_handle(k) for k in kandidaten(response)] == [SASKIA]
    assert facade.paths() == ["/haalcentraal/api/brp/personen"]  # nothing else asked
    call = facade.calls[0]
    assert call.params == {}
    assert json.loads(call.body) == {
        "type": "ZoekMetGeslachtsnaamEnGeboortedatum",
        "geslachtsnaam": "Berg",
        "voorvoegsel": "van den",
        "geboortedatum": "1983-05-26",
        "fields": SEARCH_FIELDS,
    }
    assert call.headers["x-doelbinding"] == "BRPACT-KCC-Algemeen"
    assert call.headers["x-gebruiker"] == "kcc-medewerker-1"
    assert call.headers["x-api-key"]


async def test_by_postcode_and_huisnummer_everyone_at_the_address_is_a_candidate(facade):
    response = await facade.zoeken({"postcode": "1998 ab", "huisnummer": 12, "huisletter": "A"})

    found = kandidaten(response)
    assert [k["naam"]["volledigeNaam"] for k in found] == [
        "Saskia Johanna van den Berg",
        "Pieter Willem Jansen",
    ]
    assert json.loads(facade.calls[0].body) == {
        "type": "ZoekMetPostcodeEnHuisnummer",
        "postcode": "1998AB",
        "huisnummer": 12,
        "huisletter": "A",
        "fields": SEARCH_FIELDS,
    }
    assert BSN_HOOFDPERSOON not in response.text and BSN_PARTNER not in response.text


async def test_by_street_huisnummer_and_the_4_digit_gemeente_code(facade):
    response = await facade.zoeken(
        {"straat": "Kastanjelaan", "huisnummer": 14, "gemeenteVanInschrijving": "1998"}
    )

    assert [k["naam"]["volledigeNaam"] for k in kandidaten(response)] == ["Hendrik Bakker"]
    assert json.loads(facade.calls[0].body) == {
        "type": "ZoekMetStraatHuisnummerEnGemeenteVanInschrijving",
        "straat": "Kastanjelaan",
        "huisnummer": 14,
        "gemeenteVanInschrijving": "1998",
        "fields": SEARCH_FIELDS,
    }


@pytest.mark.parametrize("nummer", ["06-87001122", "+31 6 8700 1122", "0031687001122"])
async def test_a_phone_number_in_any_notation_finds_the_same_partij(facade, nummer):
    response = await facade.zoeken({"telefoonnummer": nummer})

    assert [without_handle(k) for k in kandidaten(response)] == [SASKIA]
    paths = facade.paths()
    assert paths[0] == "/klantinteracties/api/v1/digitaleadressen"
    assert facade.calls[0].params == {
        "adres__icontains": "87001122",
        "soortDigitaalAdres": "telefoonnummer",
    }
    assert facade.calls[0].headers["authorization"].startswith("Token ")
    assert paths[1].startswith("/klantinteracties/api/v1/partijen/")
    assert paths[2:] == ["/haalcentraal/api/brp/personen"]
    assert brp_bodies(facade) == [
        {
            "type": "RaadpleegMetBurgerservicenummer",
            "burgerservicenummer": [BSN_HOOFDPERSOON],
            "fields": SEARCH_FIELDS,
        }
    ]


async def test_an_email_address_is_compared_without_case(facade):
    response = await facade.zoeken({"emailadres": "S.vandenBerg@Example.NL"})

    assert [without_handle(k) for k in kandidaten(response)] == [SASKIA]
    assert facade.calls[0].params == {
        "adres__icontains": "s.vandenberg@example.nl",
        "soortDigitaalAdres": "email",
    }


async def test_nobody_found_is_an_empty_list_and_the_brp_is_not_asked_for_no_bsn(facade):
    response = await facade.zoeken({"telefoonnummer": "0699999999"})

    assert kandidaten(response) == []
    assert facade.paths() == ["/klantinteracties/api/v1/digitaleadressen"]
    brp = next(b for b in response.json()["bronnen"] if b["bron"] == "brp")
    assert brp["status"] == "niet-gevraagd"


async def test_the_handle_gets_her_klantbeeld_and_is_recorded_as_her(facade):
    found = kandidaten(
        await facade.zoeken({"geslachtsnaam": "Berg", "geboortedatum": "1983-05-26"})
    )

    response = await facade.klantbeeld(body={"zoekresultaat": found[0]["zoekresultaat"]})

    assert response.status_code == 200, response.text
    assert response.json()["klant"]["burgerservicenummer"] == BSN_HOOFDPERSOON
    by_bsn = await facade.klantbeeld(BSN_HOOFDPERSOON)
    subjects = [
        r["attributes"]["dpl.core.data_subject_id"]
        for r in facade.sink.records()
        if r["name"] == "klantbeeld opvragen" and "dpl.core.data_subject_id" in r["attributes"]
    ]
    assert by_bsn.status_code == 200
    assert len(subjects) == 2 and subjects[0] == subjects[1]


async def test_a_doel_without_zoeken_is_refused_before_any_register_is_asked(facade):
    token = caller_token("klantbeeld.burgerzaken")
    response = await facade.zoeken(
        {"geslachtsnaam": "Berg", "geboortedatum": "1983-05-26"},
        doel="burgerzaken-balie",
        token=token,
    )

    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert "zoeken" in response.json()["detail"]
    assert facade.calls == []


async def test_a_shape_the_doel_does_not_list_is_refused_before_any_register_is_asked(facade):
    response = await facade.zoeken({"telefoonnummer": "06-87001122"}, doel="kcc-zaakstatus")

    assert response.status_code == 403
    assert facade.calls == []


async def test_a_doel_the_caller_may_not_use_is_refused(facade):
    response = await facade.zoeken(
        {"postcode": "1998AB", "huisnummer": 12}, doel="kcc-algemene-vraag", token=caller_token("x")
    )
    assert response.status_code == 403
    assert facade.calls == []


@pytest.mark.parametrize(
    ("body", "names"),
    [
        ({"geslachtsnaam": "Be*", "geboortedatum": "1983-05-26"}, ["geslachtsnaam"]),
        ({"geslachtsnaam": "Berg"}, ["geboortedatum"]),
        ({"geslachtsnaam": "Berg", "geboortedatum": "26-05-1983"}, ["geboortedatum"]),
        ({"postcode": "0998AB", "huisnummer": 0}, ["postcode", "huisnummer"]),
        ({"postcode": "1998AB", "huisnummer": 12, "huisletter": "AB"}, ["huisletter"]),
        ({"straat": "Kast*", "huisnummer": 12, "gemeenteVanInschrijving": "1998"}, ["straat"]),
        ({"straat": "Kastanjelaan", "huisnummer": 12, "gemeenteVanInschrijving": "Klaverdam"},
         ["gemeenteVanInschrijving"]),
        ({"telefoonnummer": "bel me"}, ["telefoonnummer"]),
        ({"emailadres": "geen-adres"}, ["emailadres"]),
        ({"postcode": "1998AB", "huisnummer": 12, "telefoonnummer": "0612345678"}, ["body"]),
        ({"postcode": "1998AB", "huisnummer": 12, "bsn": BSN_HOOFDPERSOON}, ["body"]),
        ({}, ["body"]),
    ],
)  # fmt: skip
async def test_invalid_searches_are_400_with_every_problem_and_no_value(facade, body, names):
    response = await facade.zoeken(body)

    assert response.status_code == 400
    problem = response.json()
    assert sorted(p["name"] for p in problem["invalidParams"]) == sorted(names)
    for value in body.values():
        if isinstance(value, str) and len(value) > 2:
            assert value not in response.text
    assert facade.calls == []


async def test_the_simulated_brp_refuses_what_the_spec_refuses(facade):
    async with AsyncClient(transport=ASGITransport(app=facade.registers), base_url="http://r") as c:
        headers = {"X-API-KEY": "demo-brp-sleutel"}
        url = "/haalcentraal/api/brp/personen"
        cases = [
            ({"type": "ZoekMetGeslachtsnaamEnGeboortedatum", "geslachtsnaam": "Be*",
              "fields": ["naam"]}, {"geslachtsnaam", "geboortedatum"}),
            ({"type": "ZoekMetPostcodeEnHuisnummer", "postcode": "1998AB", "huisnummer": 12,
              "fields": ["verblijfplaats"]}, {"fields[0]"}),
            ({"type": "ZoekMetStraatHuisnummerEnGemeenteVanInschrijving", "straat": "K",
              "huisnummer": 1, "fields": ["naam"]}, {"gemeenteVanInschrijving"}),
            ({"type": "ZoekMetPostcodeEnHuisnummer", "postcode": "1998AB", "huisnummer": 12,
              "burgerservicenummer": ["999993653"], "fields": ["naam"]}, {"burgerservicenummer"}),
        ]  # fmt: skip
        for body, names in cases:
            response = await c.post(url, json=body, headers=headers)
            assert response.status_code == 400, body
            assert response.headers["content-type"] == "application/problem+json"
            assert {p["name"] for p in response.json()["invalidParams"]} == names, body


async def te_veel_facade(tmp_path: Path):
    doelen = tmp_path / "doelen"
    shutil.copytree(CONFIG / "doelen", doelen)
    bestand = doelen / "kcc-zaakstatus.toml"
    bestand.write_text(
        bestand.read_text(encoding="utf-8").replace("maximumAantal = 5", "maximumAantal = 1"),
        encoding="utf-8",
    )
    settings = replace(demo_settings(), doelen_dir=doelen)
    async for f in make_facade(settings):
        yield f


async def test_more_persons_than_the_doel_allows_is_400_and_all_are_recorded_undelivered(tmp_path):
    async for facade in te_veel_facade(tmp_path):
        response = await facade.zoeken(
            {"postcode": "1998AB", "huisnummer": 12}, doel="kcc-zaakstatus"
        )

        assert response.status_code == 400
        problem = response.json()
        assert problem["code"] == "te-veel-resultaten"
        assert "verfijn de zoekvraag" in problem["detail"].lower()
        assert "Saskia" not in response.text
        persons = [r for r in facade.sink.records() if r["name"] == "klantbeeld persoon"]
        assert len(persons) == 2
        assert {p["attributes"]["klantbeeld.geleverd"] for p in persons} == {False}
        audit = next(r for r in facade.sink.records() if r["record"] == "audit")
        assert audit["attributes"]["klantbeeld.uitkomst"] == "te-veel-resultaten"
        assert "klantbeeld.velden" not in audit["attributes"]


async def test_a_failed_search_register_is_503(facade):
    facade.registers.state.faults.set("brp", Fault.http_status(503))
    response = await facade.zoeken({"postcode": "1998AB", "huisnummer": 12})

    assert response.status_code == 503
    assert response.json()["code"] == "zoekbron-onbeschikbaar"
    assert "haalcentraal" not in response.text


async def test_the_record_names_every_person_returned_by_pseudonym_never_a_search_value(facade):
    response = await facade.zoeken(
        {"postcode": "1998AB", "huisnummer": 12},
        headers={"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"},
    )
    assert len(kandidaten(response)) == 2

    records = facade.sink.records()
    processing = next(r for r in records if r["name"] == "klantbeeld opvragen")
    audit = next(r for r in records if r["record"] == "audit")
    persons = [r for r in records if r["name"] == "klantbeeld persoon"]
    pseudonymizer = facade_pseudonym(facade)
    assert sorted(p["attributes"]["dpl.core.data_subject_id"] for p in persons) == sorted(
        [pseudonymizer(BSN_HOOFDPERSOON), pseudonymizer(BSN_PARTNER)]
    )
    for person in persons:
        assert person["parent_span_id"] == processing["span_id"]
        assert person["trace_id"] == "0af7651916cd43dd8448eb211c80319c"
        attributes = person["attributes"]
        assert attributes["dpl.core.data_subject_id_type"] == "BSN"
        assert attributes["klantbeeld.geleverd"] is True
        assert (
            attributes["dpl.core.processing_activity_id"]
            == (processing["attributes"]["dpl.core.processing_activity_id"])
        )
    assert "dpl.core.data_subject_id" not in processing["attributes"]
    assert audit["attributes"]["klantbeeld.handeling"] == "zoeken"
    assert audit["attributes"]["klantbeeld.zoekvorm"] == "postcode-huisnummer"
    assert audit["attributes"]["klantbeeld.aantal_personen"] == 2
    assert audit["attributes"]["klantbeeld.velden"] == [
        "kandidaten.adresregel",
        "kandidaten.geboorte.datum",
        "kandidaten.geheimhoudingPersoonsgegevens",
        "kandidaten.naam.volledigeNaam",
        "kandidaten.zoekresultaat",
    ]
    written = json.dumps(records)
    for value in ("1998AB", "Kastanjelaan", BSN_HOOFDPERSOON, BSN_PARTNER):
        assert value not in written


def facade_pseudonym(facade: Facade):
    return build_pseudonymizer(demo_settings()).pseudonym


# ---- the handle --------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


async def test_the_handle_is_refused_for_another_caller_another_doel_and_after_expiry():
    clock = Clock()
    async for facade in make_facade(demo_settings(), wall_clock=clock):
        found = kandidaten(
            await facade.zoeken({"geslachtsnaam": "Berg", "geboortedatum": "1983-05-26"})
        )
        handle = {"zoekresultaat": found[0]["zoekresultaat"]}
        facade.calls.clear()

        other_caller = await facade.klantbeeld(
            body=handle, token=caller_token(sub="kcc-medewerker-2")
        )
        other_doel = await facade.klantbeeld(body=handle, doel="kcc-zaakstatus")
        refused_calls = list(facade.calls)
        clock.now += 9 * 60
        in_time = await facade.klantbeeld(body=handle)
        clock.now += 61
        expired = await facade.klantbeeld(body=handle)

    for refused in (other_caller, other_doel):
        assert refused.status_code == 403
        assert "andere aanvrager of een ander doel" in refused.json()["detail"]
    assert refused_calls == []  # refused before any register is asked
    assert in_time.status_code == 200
    assert expired.status_code == 400
    assert expired.json()["invalidParams"] == [
        {
            "name": "zoekresultaat",
            "code": "verlopen",
            "reason": "Dit zoekresultaat is verlopen; zoek de persoon opnieuw.",
        }
    ]


@pytest.mark.parametrize(
    "handle",
    ["zr1.bm9nLWVlbg", "zr1.", "geen-handle", BSN_HOOFDPERSOON, 12, None],
)
async def test_a_malformed_handle_is_400(facade, handle):
    response = await facade.klantbeeld(body={"zoekresultaat": handle})

    assert response.status_code == 400
    assert [p["name"] for p in response.json()["invalidParams"]] == ["zoekresultaat"]


async def test_an_altered_handle_is_400(facade):
    found = kandidaten(
        await facade.zoeken({"geslachtsnaam": "Berg", "geboortedatum": "1983-05-26"})
    )
    handle = found[0]["zoekresultaat"]
    altered = handle[:-2] + ("AA" if handle[-2:] != "AA" else "BB")

    response = await facade.klantbeeld(body={"zoekresultaat": altered})

    assert response.status_code == 400


async def test_a_bsn_and_a_handle_together_are_400(facade):
    found = kandidaten(
        await facade.zoeken({"geslachtsnaam": "Berg", "geboortedatum": "1983-05-26"})
    )
    body = {"burgerservicenummer": BSN_HOOFDPERSOON, "zoekresultaat": found[0]["zoekresultaat"]}

    response = await facade.klantbeeld(body=body)

    assert response.status_code == 400
    assert [p["name"] for p in response.json()["invalidParams"]] == ["body"]


async def test_the_handle_holds_no_readable_bsn(facade):
    found = kandidaten(await facade.zoeken({"postcode": "1998AB", "huisnummer": 12}))
    for kandidaat in found:
        raw = kandidaat["zoekresultaat"][len(PREFIX) :]
        decoded = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
        assert BSN_HOOFDPERSOON.encode() not in decoded
        assert BSN_PARTNER.encode() not in decoded


async def test_addresses_cut_by_the_page_cap_are_too_many_never_a_cut_list() -> None:
    base = "http://registers/klantinteracties/api/v1"
    partij = "a0000000-0000-4000-8000-00000000000a"

    async def digitale_adressen(request: Request) -> JSONResponse:
        # Every page has a next one: more addresses than the façade reads.
        page = int(request.query_params.get("page", "1"))
        adres = {
            "uuid": "d0000000-0000-4000-8000-000000000001",
            "url": f"{base}/digitaleadressen/d0000000-0000-4000-8000-000000000001",
            "verstrektDoorBetrokkene": None,
            "verstrektDoorPartij": {"uuid": partij, "url": f"{base}/partijen/{partij}"},
            "adres": "0687001122",
            "soortDigitaalAdres": "telefoonnummer",
            "isStandaardAdres": True,
            "omschrijving": "",
            "referentie": "",
            "verificatieDatum": None,
        }
        query = "adres__icontains=87001122&soortDigitaalAdres=telefoonnummer"
        return JSONResponse(
            {
                "count": 5000,
                "next": f"{base}/digitaleadressen?{query}&page={page + 1}",
                "previous": None,
                "results": [adres],
            }
        )

    async def partij_van(request: Request) -> JSONResponse:
        identificator = {"codeObjecttype": "natuurlijk_persoon", "codeSoortObjectId": "bsn",
                         "objectId": BSN_HOOFDPERSOON, "codeRegister": "brp"}  # fmt: skip
        return JSONResponse(
            {
                "uuid": partij,
                "url": f"{base}/partijen/{partij}",
                "indicatieActief": True,
                "partijIdentificatoren": [{"partijIdentificator": identificator}],
            }
        )

    registers = Starlette(
        routes=[
            Route("/klantinteracties/api/v1/digitaleadressen", digitale_adressen),
            Route("/klantinteracties/api/v1/partijen/{uuid}", partij_van),
        ]
    )
    async for facade in make_facade(demo_settings(), registers=registers):
        response = await facade.zoeken({"telefoonnummer": "06-87001122"})

        assert response.status_code == 400
        assert response.json()["code"] == "te-veel-resultaten"
        assert "/haalcentraal/api/brp/personen" not in facade.paths()
        persons = [r for r in facade.sink.records() if r["name"] == "klantbeeld persoon"]
        assert [p["attributes"]["klantbeeld.geleverd"] for p in persons] == [False]


async def test_a_doel_that_shows_no_address_abroad_leaves_it_out_of_the_candidate_too(facade):
    vraag = {"geslachtsnaam": "Meijer", "geboortedatum": "1987-01-30"}

    # kcc-algemene-vraag: alleenBinnenlandsAdres, as in its klantbeeld; kcc-zaakstatus: not.
    (binnenland,) = kandidaten(await facade.zoeken(vraag))
    (elders,) = kandidaten(await facade.zoeken(vraag, doel="kcc-zaakstatus"))

    assert binnenland["naam"]["volledigeNaam"] == "Thomas Meijer"
    assert "adresregel" not in binnenland
    assert elders["adresregel"] == "Rue des Tilleuls 16, 1000 Bruxelles"


async def test_persons_the_brp_was_asked_about_are_recorded_when_it_fails(facade):
    # Klantinteracties named her; the BRP was asked about her and failed: processed all the same.
    facade.registers.state.faults.set("brp", Fault.http_status(503))

    response = await facade.zoeken({"telefoonnummer": "06-87001122"})

    assert response.status_code == 503
    persons = [r for r in facade.sink.records() if r["name"] == "klantbeeld persoon"]
    assert [p["attributes"]["dpl.core.data_subject_id"] for p in persons] == [
        facade_pseudonym(facade)(BSN_HOOFDPERSOON)
    ]
    assert persons[0]["attributes"]["klantbeeld.geleverd"] is False


async def test_a_phone_search_without_a_klantinteracties_register_is_503_not_nobody() -> None:
    settings = demo_settings()
    settings = replace(
        settings, registers=tuple(r for r in settings.registers if r.soort != "klantinteracties")
    )
    async for facade in make_facade(settings):
        response = await facade.zoeken({"telefoonnummer": "06-87001122"})

        assert response.status_code == 503
        assert response.json()["code"] == "zoekbron-onbeschikbaar"
        assert facade.calls == []


async def test_a_search_with_query_parameters_is_refused_and_asks_no_register(facade):
    response = await facade.client.post(
        "/api/v1/personen/zoeken?geslachtsnaam=Berg",
        json={"geslachtsnaam": "Berg", "geboortedatum": "1983-05-26"},
        headers={
            "Authorization": f"Bearer {caller_token()}",
            "X-Doelbinding": "kcc-algemene-vraag",
        },
    )

    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["code"] == "geen-queryparameters"
    assert "Berg" not in response.text
    assert facade.calls == []
