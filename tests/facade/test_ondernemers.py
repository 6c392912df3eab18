"""An ondernemer's klantbeeld: a kvkNummer (and a branch) under the same doelbinding.

Against the simulated KvK Handelsregister and the demo doelen: `kcc-algemene-vraag`
shows ondernemers (`[velden.ondernemer]`), `kcc-zaakstatus` does not (403), and
`mijn-onderneming` is the business's own self-service (the token's `kvkNummer`).
"""

from __future__ import annotations

import pytest

from facade.protocollering.pseudonym import Pseudonymizer, PseudonymKey
from klantbeeld_demo.registers.ondernemers import (
    BV_HOOFDVESTIGING,
    BV_KVK,
    BV_NEVENVESTIGING,
    BV_RSIN,
    EENMANSZAAK_KVK,
    EENMANSZAAK_VESTIGING,
)
from tests.harness import Facade, caller_token

DEMO_KEY = PseudonymKey(
    "demo-2026", b"demo-pseudoniemsleutel-alleen-voor-de-demo-niet-voor-productie"
)


def processing_records(facade: Facade) -> list[dict]:
    return [r for r in facade.sink.records() if r["record"] == "dataverwerking"]


def bron(view: dict, soort: str) -> list[str]:
    return [b["status"] for b in view["bronnen"] if b["soort"] == soort]


async def test_the_bv_is_shown_from_the_handelsregister_and_the_brp_is_never_asked(
    facade: Facade,
) -> None:
    response = await facade.klantbeeld(body={"kvkNummer": BV_KVK})
    assert response.status_code == 200, response.text
    view = response.json()
    klant = view["klant"]
    assert klant["kvkNummer"] == BV_KVK
    assert klant["naam"] == "Voorbeeld Bouw B.V."
    assert klant["rechtsvorm"] == "BeslotenVennootschap"
    assert klant["vestiging"]["vestigingsnummer"] == BV_HOOFDVESTIGING
    assert klant["vestiging"]["bezoekadres"] == {
        "volledigAdres": "Industrieweg 40 1235EF Voorbeeldstad"
    }
    # Not in the doel's [velden.ondernemer]: deny by default.
    assert "rsin" not in klant and "statutaireNaam" not in klant
    assert bron(view, "handelsregister") == ["ok"]
    assert bron(view, "brp") == ["niet-gevraagd"]
    assert not [c for c in facade.calls if "/personen" in c.path]
    kvk_calls = [c for c in facade.calls if c.path.startswith("/kvk/")]
    assert [c.path for c in kvk_calls] == [f"/kvk/api/v1/basisprofielen/{BV_KVK}"]
    assert kvk_calls[0].headers["apikey"] == "demo-kvk-sleutel"


async def test_a_branch_shows_that_vestiging(facade: Facade) -> None:
    response = await facade.klantbeeld(
        body={"kvkNummer": BV_KVK, "vestigingsnummer": BV_NEVENVESTIGING}
    )
    assert response.status_code == 200, response.text
    vestiging = response.json()["klant"]["vestiging"]
    assert vestiging["vestigingsnummer"] == BV_NEVENVESTIGING
    assert vestiging["eersteHandelsnaam"] == "Voorbeeld Renovatie"
    assert vestiging["bezoekadres"]["volledigAdres"].startswith("Havenkade 5")
    assert f"/kvk/api/v1/vestigingsprofielen/{BV_NEVENVESTIGING}" in facade.paths()


async def test_a_branch_of_another_business_is_niet_gevonden(facade: Facade) -> None:
    response = await facade.klantbeeld(
        body={"kvkNummer": BV_KVK, "vestigingsnummer": EENMANSZAAK_VESTIGING}
    )
    assert response.status_code == 200
    view = response.json()
    assert view["klant"] is None
    assert bron(view, "handelsregister") == ["niet-gevonden"]


async def test_the_eenmanszaak_home_address_is_shielded(facade: Facade) -> None:
    response = await facade.klantbeeld(body={"kvkNummer": EENMANSZAAK_KVK})
    klant = response.json()["klant"]
    assert klant["rechtsvorm"] == "Eenmanszaak"
    assert "bezoekadres" not in klant["vestiging"]
    assert klant["vestiging"]["postadres"]["volledigAdres"].startswith("Marktplein 3")
    assert "Lindelaan" not in response.text


async def test_a_doel_without_ondernemer_paths_is_403_and_asks_no_register(
    facade: Facade,
) -> None:
    response = await facade.klantbeeld(body={"kvkNummer": BV_KVK}, doel="kcc-zaakstatus")
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "niet bedoeld voor ondernemers" in response.json()["detail"]
    assert facade.calls == []


async def test_the_business_is_the_data_subject_also_for_a_branch(facade: Facade) -> None:
    await facade.klantbeeld(body={"kvkNummer": BV_KVK})
    await facade.klantbeeld(body={"kvkNummer": BV_KVK, "vestigingsnummer": BV_NEVENVESTIGING})
    expected = Pseudonymizer(DEMO_KEY).pseudonym_kvk(BV_KVK)
    records = processing_records(facade)
    assert len(records) == 2
    for record in records:
        attributes = record["attributes"]
        assert attributes["dpl.core.data_subject_id_type"] == "KvK-nummer"
        assert attributes["dpl.core.data_subject_id"] == expected
        assert BV_KVK not in str(record) and BV_NEVENVESTIGING not in str(record)
    # Not the pseudonym a BSN with the same digits would get.
    assert expected != Pseudonymizer(DEMO_KEY).pseudonym(BV_KVK)


async def test_self_service_shows_the_business_of_the_token(facade: Facade) -> None:
    token = caller_token("klantbeeld.zelfbediening-ondernemer", kvkNummer=BV_KVK)
    response = await facade.klantbeeld(
        body={"kvkNummer": BV_KVK}, doel="mijn-onderneming", token=token
    )
    assert response.status_code == 200, response.text
    assert response.json()["klant"]["naam"] == "Voorbeeld Bouw B.V."


@pytest.mark.parametrize("claims", [{"kvkNummer": EENMANSZAAK_KVK}, {}])
async def test_self_service_for_another_business_is_403_with_no_upstream_call(
    facade: Facade, claims: dict[str, str]
) -> None:
    token = caller_token("klantbeeld.zelfbediening-ondernemer", **claims)
    response = await facade.klantbeeld(
        body={"kvkNummer": BV_KVK}, doel="mijn-onderneming", token=token
    )
    assert response.status_code == 403
    assert "eigen onderneming" in response.json()["detail"]
    assert facade.calls == []


@pytest.mark.parametrize(
    ("body", "name", "code"),
    [
        ({"kvkNummer": "1234567"}, "kvkNummer", "ongeldig"),
        ({"kvkNummer": 68750110}, "kvkNummer", "ongeldig"),
        ({"kvkNummer": BV_KVK, "vestigingsnummer": "37178601"}, "vestigingsnummer", "ongeldig"),
        ({"vestigingsnummer": BV_NEVENVESTIGING}, "vestigingsnummer", "zonder-kvknummer"),
        ({"kvkNummer": BV_KVK, "burgerservicenummer": "999993653"}, "body", "een-van"),
    ],
)
async def test_a_bad_subject_is_400_naming_the_field_never_its_value(
    facade: Facade, body: dict, name: str, code: str
) -> None:
    response = await facade.klantbeeld(body=body)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert {"name": name, "code": code} in [
        {"name": p["name"], "code": p["code"]} for p in problem["invalidParams"]
    ]
    assert BV_KVK not in response.text and BV_NEVENVESTIGING not in response.text
    assert facade.calls == []


async def test_fields_of_an_ondernemer_are_the_ondernemer_paths(facade: Facade) -> None:
    response = await facade.klantbeeld(body={"kvkNummer": BV_KVK, "fields": ["klant.naam"]})
    assert response.status_code == 200, response.text
    # The kvkNummer always travels with an ondernemer's klant: it tells it from a person's.
    assert response.json()["klant"] == {"kvkNummer": BV_KVK, "naam": "Voorbeeld Bouw B.V."}
    person_path = await facade.klantbeeld(
        body={"kvkNummer": BV_KVK, "fields": ["klant.geboorte.datum"]}
    )
    assert person_path.status_code == 400


async def test_the_zaken_of_the_bv_both_its_own_and_its_branchs(facade: Facade) -> None:
    response = await facade.klantbeeld(body={"kvkNummer": BV_KVK})
    view = response.json()
    assert sorted(z["identificatie"] for z in view["zaken"]) == [
        "ZAAK-2025-0000901",
        "ZAAK-2025-0000902",
    ]
    # Open Zaak 1.30 (ondernemer_filter = "kvkNummer") by kvkNummer; the second
    # zaaksysteem by the RSIN the Handelsregister gave, after it answered.
    openzaak = [c.params for c in facade.calls if c.path == "/zaken/api/v1/zaken"]
    assert {k for p in openzaak for k in p if k.startswith("rol__")} == {
        "rol__betrokkeneIdentificatie__nietNatuurlijkPersoon__kvkNummer",
        "rol__betrokkeneIdentificatie__vestiging__kvkNummer",
    }
    tweede = [c.params for c in facade.calls if c.path == "/zaaksysteem2/zaken/api/v1/zaken"]
    assert tweede == [
        {
            "rol__betrokkeneIdentificatie__nietNatuurlijkPersoon__innNnpId": BV_RSIN,
            "ordering": "-startdatum",
            "maximaleVertrouwelijkheidaanduiding": "beperkt_openbaar",
        }
    ]
    assert not [c for c in facade.calls if "/personen" in c.path]


async def test_a_branch_has_only_its_own_zaken(facade: Facade) -> None:
    response = await facade.klantbeeld(
        body={"kvkNummer": BV_KVK, "vestigingsnummer": BV_NEVENVESTIGING}
    )
    assert [z["identificatie"] for z in response.json()["zaken"]] == ["ZAAK-2025-0000902"]
    filters = {k for c in facade.calls if "/zaken/api/v1/zaken" in c.path for k in c.params}
    assert "rol__betrokkeneIdentificatie__vestiging__vestigingsNummer" in filters
    assert not any("kvkNummer" in f or "innNnpId" in f for f in filters)


async def test_an_eenmanszaak_has_no_rsin_so_the_rsin_register_is_not_asked(
    facade: Facade,
) -> None:
    response = await facade.klantbeeld(body={"kvkNummer": EENMANSZAAK_KVK})
    view = response.json()
    assert [z["identificatie"] for z in view["zaken"]] == ["ZAAK-2025-0000903"]
    assert bron(view, "zaken") == ["ok", "niet-gevonden"]
    assert not [c for c in facade.calls if c.path.startswith("/zaaksysteem2/")]


async def test_contact_registers_are_asked_by_rsin_and_kvk_nummer_never_by_bsn(
    facade: Facade,
) -> None:
    response = await facade.klantbeeld(body={"kvkNummer": BV_KVK})
    assert response.status_code == 200
    klanten = [c.params for c in facade.calls if c.path == "/klanten/api/v1/klanten"]
    assert klanten and all(
        p.get("subjectNietNatuurlijkPersoon__innNnpId") == BV_RSIN for p in klanten
    )
    partijen = [c.params for c in facade.calls if c.path.endswith("/partijen")]
    assert partijen[0]["partijIdentificator__codeSoortObjectId"] == "kvk_nummer"
    assert partijen[0]["partijIdentificator__objectId"] == BV_KVK
    assert not [c for c in facade.calls for v in c.params.values() if v == "bsn"]


def test_a_business_self_service_is_bedrijfzelf_to_the_registers() -> None:
    from facade.callers import Caller
    from facade.routes import _call_context
    from facade.validation import KlantbeeldRequest
    from policies.model import Doel

    doel = Doel("d", "n", "o", "va", "g", frozenset(), (), zelfbediening=True)
    caller = Caller("sub", "client", "iss", frozenset(), frozenset(), kvk_nummer=BV_KVK)
    verzoek = KlantbeeldRequest(None, doel, None, None, None, kvk_nummer=BV_KVK)
    ctx = _call_context(caller, verzoek)
    assert ctx.gebruiker == ctx.gebruiker_weergave == "BedrijfZelf"


async def test_a_doel_only_for_ondernemers_refuses_a_person_with_no_upstream_call(
    facade: Facade,
) -> None:
    token = caller_token("klantbeeld.zelfbediening-ondernemer", kvkNummer=BV_KVK, bsn="999993653")
    response = await facade.klantbeeld("999993653", doel="mijn-onderneming", token=token)
    assert response.status_code == 403
    assert "alleen voor ondernemers" in response.json()["detail"]
    assert facade.calls == []
