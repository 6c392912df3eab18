"""Real responses of the façade, checked against its OpenAPI document.

Every response here goes through `Contract.check`: its status must be
documented for its operation, its content type too, `API-Version` must be
there, and its body must validate against the documented schema. The view
schemas say `additionalProperties: false`, so a field outside the view tree
fails this test.
"""

from __future__ import annotations

import json
from dataclasses import replace

import httpx
import pytest
import respx

from klantbeeld_demo.registers import Fault
from tests.harness import Facade, caller_token, demo_settings, make_facade
from tests.openapi.contract import Contract

# The demo persons (README, "Demo persons").
PERSONS = {
    "hoofdpersoon": "999993653",
    "veel-zaken": "999990019",
    "onbekend-in-brp": "999990032",
    "geheim": "999990044",
    "overleden": "999990056",
    "alleen-brp": "999990068",
    "buitenland": "999990081",
    "onbekend": "999990111",
    "brp-en-klantinteracties": "999990172",
}
TOKENS = {
    "kcc-algemene-vraag": lambda bsn: caller_token("klantbeeld.kcc"),
    "kcc-zaakstatus": lambda bsn: caller_token("klantbeeld.kcc"),
    "wmo-consulent": lambda bsn: caller_token(None, roles=["wmo-consulent"]),
    "belastingen": lambda bsn: caller_token("klantbeeld.belastingen"),
    "burgerzaken-balie": lambda bsn: caller_token("klantbeeld.burgerzaken"),
    "mijn-gegevens": lambda bsn: caller_token("klantbeeld.zelfbediening", bsn=bsn),
}
KLANTBEELD = "/api/v1/klantbeeld"


@pytest.fixture(scope="module")
def contract() -> Contract:
    return Contract()


def auth(token: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token or caller_token()}"}


@pytest.mark.parametrize("doel", TOKENS)
async def test_every_doel_for_every_demo_person_answers_as_documented(
    facade: Facade, contract: Contract, doel: str
) -> None:
    for bsn in PERSONS.values():
        response = await facade.klantbeeld(bsn, doel=doel, token=TOKENS[doel](bsn))
        assert response.status_code == 200, response.text
        contract.check(response)


async def test_the_optional_headers_and_fields_are_accepted_as_documented(
    facade: Facade, contract: Contract
) -> None:
    response = await facade.klantbeeld(
        PERSONS["hoofdpersoon"],
        body={
            "burgerservicenummer": PERSONS["hoofdpersoon"],
            "fields": ["klant.naam", "zaken.status", "contactmomenten.tekst"],
        },
        doel="wmo-consulent",
        token=TOKENS["wmo-consulent"](None),
        headers={
            "X-Verwerking": "Wmo-aanvraag beoordelen",
            "X-Gebruiker": "Consulent J. de Vries",
            "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        },
    )
    assert response.status_code == 200, response.text
    contract.check(response)
    assert response.json()["verwerking"]["traceId"] == "0af7651916cd43dd8448eb211c80319c"


@pytest.mark.parametrize(
    ("target", "fault"),
    [
        ("zaken", Fault.http_status(503)),
        ("brp", Fault.invalid_json()),
        ("klanten", Fault.server_error()),
        ("catalogi", Fault.server_error()),
        ("klantinteracties", Fault.server_error(502)),
    ],
)
async def test_failing_registers_give_a_documented_partial_view(
    facade: Facade, contract: Contract, target: str, fault: Fault
) -> None:
    facade.registers.state.faults.set(target, fault)
    response = await facade.klantbeeld(PERSONS["hoofdpersoon"])
    assert response.status_code == 200
    contract.check(response)
    assert any(b["status"] == "fout" and "probleem" in b for b in response.json()["bronnen"])


async def test_a_timeout_is_a_documented_bronnen_entry(contract: Contract) -> None:
    async for facade in make_facade(demo_settings(deadline_ms=200)):
        facade.registers.state.faults.set("contactmomenten", Fault.hang())
        response = await facade.klantbeeld(PERSONS["hoofdpersoon"])
        facade.registers.state.faults.clear()
        assert response.status_code == 200
        contract.check(response)
        assert "timeout" in {b["status"] for b in response.json()["bronnen"]}


async def test_every_documented_status_of_klantbeeld_is_produced_and_documented(
    facade: Facade, contract: Contract
) -> None:
    bsn = PERSONS["hoofdpersoon"]
    kcc = auth()
    json_kcc = {**kcc, "X-Doelbinding": "kcc-algemene-vraag", "Content-Type": "application/json"}
    body = json.dumps({"burgerservicenummer": bsn})
    responses: dict[str, httpx.Response] = {
        "ok": await facade.klantbeeld(bsn),
        "401 geen token": await facade.client.post(
            KLANTBEELD, json={"burgerservicenummer": bsn}, headers={"X-Doelbinding": "kcc"}
        ),
        "401 ongeldig token": await facade.klantbeeld(bsn, token="geen.geldig.token"),
        "401 verlopen": await facade.klantbeeld(bsn, token=caller_token(exp=1)),
        "400 bsn": await facade.klantbeeld("123456789"),
        "400 geen doel": await facade.klantbeeld(bsn, doel=None),
        "400 onbekend doel": await facade.klantbeeld(bsn, doel="bestaat-niet"),
        "400 alles tegelijk": await facade.klantbeeld(
            body={"burgerservicenummer": "12", "fields": ["klant.bestaatNiet"], "extra": 1},
            doel=None,
            headers={"X-Gebruiker": "999993653"},
        ),
        "400 geen json": await facade.client.post(KLANTBEELD, content=b"{", headers=json_kcc),
        "400 geen object": await facade.klantbeeld(body=[bsn]),
        "403 doel": await facade.klantbeeld(bsn, doel="wmo-consulent"),
        "403 zelfbediening": await facade.klantbeeld(
            bsn, doel="mijn-gegevens", token=TOKENS["mijn-gegevens"]("999990019")
        ),
        "403 fields": await facade.klantbeeld(
            body={"burgerservicenummer": bsn, "fields": ["contactmomenten.tekst"]},
            doel="kcc-zaakstatus",
        ),
        "404 slash": await facade.client.post(KLANTBEELD + "/", content=body, headers=json_kcc),
        "404 pad": await facade.client.post("/api/v1/klantbeelden", content=body, headers=json_kcc),
        "405 get": await facade.client.get(KLANTBEELD, headers=kcc),
        "405 put": await facade.client.put(KLANTBEELD, content=body, headers=json_kcc),
        "413": await facade.client.post(
            KLANTBEELD, content=b"{" + b" " * 2_000_000 + b"}", headers=json_kcc
        ),
        "415": await facade.client.post(
            KLANTBEELD, content=body, headers={**json_kcc, "Content-Type": "text/plain"}
        ),
    }
    facade.sink.fail = OSError("schijf vol")
    responses["503 protocollering"] = await facade.klantbeeld(bsn)
    facade.sink.fail = None
    facade.registers.state.faults.set("brp", Fault.server_error())
    responses["503 verplichte bron"] = await facade.klantbeeld(
        bsn, doel="burgerzaken-balie", token=TOKENS["burgerzaken-balie"](bsn)
    )
    facade.registers.state.faults.clear()

    for name, response in responses.items():
        expected = 200 if name == "ok" else int(name.split()[0])
        assert response.status_code == expected, (name, response.status_code, response.text)
        contract.check(response)
    assert responses["503 protocollering"].headers["retry-after"] == "5"
    assert len(responses["400 alles tegelijk"].json()["invalidParams"]) >= 4

    documented = set(contract.doc["paths"]["/klantbeeld"]["post"]["responses"]) - {"500"}
    produced = {str(r.status_code) for r in responses.values()}
    assert documented == produced


async def test_overload_is_a_documented_503_with_retry_after(contract: Contract) -> None:
    settings = demo_settings()
    settings = replace(settings, server=replace(settings.server, max_in_flight=0))
    async for facade in make_facade(settings):
        response = await facade.klantbeeld(PERSONS["hoofdpersoon"])
        assert response.status_code == 503
        assert response.json()["code"] == "overbelast"
        contract.check(response)


async def test_the_doelen_endpoints_answer_as_documented(
    facade: Facade, contract: Contract
) -> None:
    responses = [
        await facade.client.get("/api/v1/doelen", headers=auth()),
        await facade.client.get("/api/v1/doelen"),
        await facade.client.get(
            "/api/v1/doelen", headers=auth(caller_token(None, roles=["wmo-consulent"]))
        ),
        await facade.client.get("/api/v1/doelen/bestaat-niet", headers=auth()),
        await facade.client.get("/api/v1/doelen/kcc-zaakstatus"),
        await facade.client.post("/api/v1/doelen", headers=auth()),
        await facade.client.get("/api/v1/doelen/", headers=auth()),
    ]
    for doel in TOKENS:
        responses.append(await facade.client.get(f"/api/v1/doelen/{doel}", headers=auth()))
    statuses = [r.status_code for r in responses]
    assert statuses[:7] == [200, 401, 200, 404, 401, 405, 404]
    assert set(statuses[7:]) == {200}
    for response in responses:
        contract.check(response)


async def test_the_platform_endpoints_answer_as_documented(
    facade: Facade, contract: Contract
) -> None:
    responses = [
        await facade.client.get("/healthz"),
        await facade.client.get("/readyz"),
        await facade.client.get("/api/v1/openapi.json"),
        await facade.client.post("/healthz"),
        await facade.client.get("/metrics"),
        await facade.client.get("/"),
    ]
    facade.sink.fail = OSError("schijf vol")
    responses.append(await facade.client.get("/readyz"))
    facade.sink.fail = None
    assert [r.status_code for r in responses] == [200, 200, 200, 405, 200, 200, 503]
    for response in responses:
        contract.check(response)


def test_the_check_fails_on_an_undocumented_status_or_an_unknown_field(
    contract: Contract,
) -> None:
    """The contract has teeth: what the document does not promise is refused."""
    request = httpx.Request("POST", "http://facade" + KLANTBEELD)
    headers = {"API-Version": contract.doc["info"]["version"], "Cache-Control": "no-store"}
    teapot = httpx.Response(418, json={}, headers=headers, request=request)
    with pytest.raises(AssertionError, match="status 418 is not documented"):
        contract.check(teapot)
    view = {
        "klant": {"naam": {"volledigeNaam": "X", "geheimeBijnaam": "Y"}},
        "bronnen": [],
        "verwerking": {
            "doel": "kcc-zaakstatus",
            "beleidsversie": "sha256:ab",
            "traceId": "0" * 32,
            "tijdstip": "2026-01-01T00:00:00.000Z",
        },
    }
    leaking = httpx.Response(200, json=view, headers=headers, request=request)
    with pytest.raises(AssertionError, match="geheimeBijnaam"):
        contract.check(leaking)
    del view["klant"]["naam"]["geheimeBijnaam"]
    view["zaken"] = [{"identificatie": "Z-1", "rollen": []}]
    with pytest.raises(AssertionError, match="rollen"):
        contract.check(httpx.Response(200, json=view, headers=headers, request=request))
    no_version = httpx.Response(200, json=view, headers={"Cache-Control": "no-store"})
    no_version.request = request
    with pytest.raises(AssertionError):
        contract.check(no_version)


async def test_every_status_of_the_search_is_produced_and_documented(
    facade: Facade, contract: Contract
) -> None:
    balie = caller_token("klantbeeld.burgerzaken")
    naam = {"geslachtsnaam": "Berg", "geboortedatum": "1983-05-26"}
    responses = {
        "ok naam": await facade.zoeken(naam),
        "ok postcode": await facade.zoeken({"postcode": "1998AB", "huisnummer": 12}),
        "ok straat": await facade.zoeken(
            {"straat": "Kastanjelaan", "huisnummer": 12, "gemeenteVanInschrijving": "1998"}
        ),
        "ok telefoon": await facade.zoeken({"telefoonnummer": "06-87001122"}),
        "ok niemand": await facade.zoeken({"emailadres": "niemand@example.nl"}),
        "400": await facade.zoeken({"postcode": "0000", "huisnummer": -1}),
        "401": await facade.zoeken(naam, token="geen.geldig.token"),
        "403": await facade.zoeken(naam, doel="burgerzaken-balie", token=balie),
    }
    facade.registers.state.faults.set("brp", Fault.http_status(503))
    responses["503"] = await facade.zoeken(naam)
    facade.registers.state.faults.clear()
    handle = responses["ok naam"].json()["kandidaten"][0]["zoekresultaat"]
    responses["klantbeeld ok"] = await facade.klantbeeld(body={"zoekresultaat": handle})
    responses["klantbeeld 400"] = await facade.klantbeeld(body={"zoekresultaat": "zr1.x"})
    responses["klantbeeld 403"] = await facade.klantbeeld(
        body={"zoekresultaat": handle}, doel="kcc-zaakstatus"
    )
    for name, response in responses.items():
        expected = int(name.split()[-1]) if name[-1].isdigit() else 200
        assert response.status_code == expected, name
        contract.check(response)


@pytest.mark.parametrize(
    "body",
    [
        {"kvkNummer": "68750110"},
        {"kvkNummer": "68750110", "vestigingsnummer": "000037178601"},
        {"kvkNummer": "69599084"},
        {"kvkNummer": "12345678"},
    ],
)
async def test_an_ondernemer_answers_as_documented(
    facade: Facade, contract: Contract, body: dict[str, str]
) -> None:
    response = await facade.klantbeeld(body=body)
    assert response.status_code == 200, response.text
    contract.check(response)
    forbidden = await facade.klantbeeld(body=body, doel="kcc-zaakstatus")
    assert forbidden.status_code == 403
    contract.check(forbidden)
    own = caller_token("klantbeeld.zelfbediening-ondernemer", kvkNummer=body["kvkNummer"])
    mine = await facade.klantbeeld(body=body, doel="mijn-onderneming", token=own)
    assert mine.status_code == 200, mine.text
    contract.check(mine)


async def test_every_status_of_the_inzage_is_produced_and_documented(
    facade: Facade, contract: Contract
) -> None:
    inzage = "http://registers/verwerkingenlogging/api/v1/verwerkte-objecten"
    kcc = "8f3a2c1e-4b6d-4e0a-9c7f-1d2e3f4a5b6c"
    record = {
        "verwerkteSoortenGegevens": [{"soortGegeven": "zaken"}],
        "verwerkingsactie": {
            "actieId": "a1",
            "handelingNaam": "Klantcontactcentrum (KCC)",
            "verwerkingNaam": "KCC",
            "verwerkingsactiviteitId": kcc,
            "tijdstip": "2025-07-01T10:00:00.000Z",
        },
    }
    zelf = auth(caller_token("klantbeeld.zelfbediening", bsn="999993653"))
    path = "/api/v1/mijn-verwerkingen"
    with respx.mock(assert_all_called=False) as logboek:
        route = logboek.get(inzage)

        def about_the_asked_subject(request: httpx.Request) -> httpx.Response:
            # A register that filters: its record is about the subject asked for.
            asked = {k: request.url.params[k] for k in ("objecttype", "soortObjectId", "objectId")}
            return httpx.Response(200, json={"count": 1, "results": [{**record, **asked}]})

        route.mock(side_effect=about_the_asked_subject)
        responses = [
            await facade.client.get(path, headers=zelf),
            await facade.client.get(path, params={"pagina": "0"}, headers=zelf),
            await facade.client.get(path),
            await facade.client.get(path, headers=auth()),
            await facade.client.post(path, headers=zelf),
        ]
        route.mock(side_effect=httpx.ReadTimeout("te laat"))
        responses.append(await facade.client.get(path, headers=zelf))
        route.mock(return_value=httpx.Response(500))
        responses.append(await facade.client.get(path, headers=zelf))
    assert [r.status_code for r in responses] == [200, 400, 401, 403, 405, 504, 503]
    assert responses[0].json()["verwerkingen"][0]["afnemer"] == "Klantcontactcentrum (KCC)"
    for response in responses:
        contract.check(response)
