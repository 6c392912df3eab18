"""The inzage end to end, on the in-process kit with the simulated Verwerkingenlogging:
the records three KCC lookups wrote come back to the resident, in plain words."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from klantbeeld_demo.registers import BSN_HOOFDPERSOON
from klantbeeld_demo.testkit import RunningFacade, run_facade

KCC_NAAM = "KCC: algemene vraag van een inwoner"


@pytest.fixture(scope="module")
def kit() -> Iterator[RunningFacade]:
    with run_facade(logboek="verwerkingenlogging") as facade:
        yield facade


def zelf(kit: RunningFacade, bsn: str = BSN_HOOFDPERSOON) -> str:
    return kit.token("klantbeeld.zelfbediening", bsn=bsn, sub="digid-burger")


def test_three_kcc_lookups_are_listed_to_her_newest_first_in_plain_words(
    kit: RunningFacade,
) -> None:
    for _ in range(3):
        assert kit.klantbeeld(BSN_HOOFDPERSOON).status_code == 200
    before = len(kit.verwerkingsacties())

    response = kit.mijn_verwerkingen(zelf(kit))

    assert response.status_code == 200, response.text
    answer = response.json()
    kcc = [v for v in answer["verwerkingen"] if v["afnemer"] == "Klantcontactcentrum (KCC)"]
    assert len(kcc) == 3
    assert {v["doel"]["naam"] for v in kcc} == {KCC_NAAM}
    assert all(v["doel"]["omschrijving"] and v["grondslag"] for v in kcc)
    assert kcc[0]["categorieen"] == [
        "persoonsgegevens",
        "contactgegevens",
        "zaken",
        "contacthistorie",
    ]
    tijdstippen = [v["tijdstip"] for v in answer["verwerkingen"]]
    assert tijdstippen == sorted(tijdstippen, reverse=True)
    assert (answer["pagina"], answer["paginaGrootte"], answer["afgekapt"]) == (1, 20, False)
    # The inzage itself was recorded in the same logboek.
    assert len(kit.verwerkingsacties()) == before + 1
    assert BSN_HOOFDPERSOON not in response.text


def test_the_inzage_itself_is_listed_by_the_next_inzage(kit: RunningFacade) -> None:
    token = zelf(kit)
    assert kit.mijn_verwerkingen(token).status_code == 200

    answer = kit.mijn_verwerkingen(token).json()

    newest = answer["verwerkingen"][0]
    assert newest["afnemer"] == "Mijn gemeente (portaal)"
    assert newest["doel"]["naam"].startswith("Mijn gemeente")
    assert newest["categorieen"] == ["verwerkingen"]


def test_the_register_holds_pseudonyms_afnemer_and_categories_never_the_bsn(
    kit: RunningFacade,
) -> None:
    assert kit.klantbeeld(BSN_HOOFDPERSOON).status_code == 200

    actie = kit.verwerkingsacties()[-1]

    assert actie["verwerkingNaam"] == KCC_NAAM
    assert actie["handelingNaam"] == "Klantcontactcentrum (KCC)"
    verwerkt = actie["verwerkteObjecten"][0]
    assert verwerkt["soortObjectId"].startswith("BSN-pseudoniem:")
    assert {"soortGegeven": "zaken"} in verwerkt["verwerkteSoortenGegevens"]
    assert BSN_HOOFDPERSOON not in str(kit.verwerkingsacties())


def test_another_residents_lookups_are_not_hers(kit: RunningFacade) -> None:
    answer = kit.mijn_verwerkingen(zelf(kit, "999990019")).json()
    assert all(v["doel"]["naam"] != KCC_NAAM for v in answer["verwerkingen"])


def test_a_balie_lookup_under_her_consent_is_listed_with_the_zaken_it_showed(
    kit: RunningFacade,
) -> None:
    balie = kit.token("klantbeeld.burgerzaken", sub="balie-medewerker-7")
    view = kit.klantbeeld(BSN_HOOFDPERSOON, doel="burgerzaken-balie", token=balie).json()
    assert view["zaken"], "her consent (demo) widens the balie doel"

    newest = kit.mijn_verwerkingen(zelf(kit)).json()["verwerkingen"]
    balie_entry = next(v for v in newest if v["doel"]["naam"].startswith("Burgerzaken"))
    assert balie_entry["afnemer"] == "Burgerzaken (balie)"
    assert balie_entry["categorieen"] == ["persoonsgegevens", "zaken"]
    assert balie_entry["grondslag"].endswith("; en uw toestemming")
    assert kit.verwerkingsacties()[-2]["actieNaam"] == (
        "Klantbeeld opvragen met toestemming van de betrokkene"
    )
