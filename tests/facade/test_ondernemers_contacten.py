"""An ondernemer's contact details and contact history, end to end against the demo.

The demo registers know the BV as a klant (by RSIN) and a partij (by kvk_nummer),
its branch "Voorbeeld Renovatie" as a klant and partij of its own (by
vestigingsnummer), and the eenmanszaak as a partij only. The whole-business view
shows the business's own records, the branch view the branch's.
"""

from __future__ import annotations

from klantbeeld_demo.registers.ondernemers import BV_KVK, BV_NEVENVESTIGING, EENMANSZAAK_KVK
from tests.harness import Facade


def adressen(klant: dict) -> set[str]:
    return {e["adres"] for e in klant.get("emailadressen", [])}


def contacten(view: dict) -> set[tuple[str, str, str | None]]:
    # Kanaal and onderwerp, not the date: the demo's dates move with today.
    return {(c["bron"], c["kanaal"], c["onderwerp"]) for c in view["contactmomenten"]}


def status(view: dict, soort: str) -> list[str]:
    return [b["status"] for b in view["bronnen"] if b["soort"] == soort]


KI = "openklant2-klantinteracties"
CM = "openklant-contactmomenten"


async def test_the_bv_shows_its_contact_details_and_history(facade: Facade) -> None:
    response = await facade.klantbeeld(body={"kvkNummer": BV_KVK})
    assert response.status_code == 200, response.text
    view = response.json()
    assert adressen(view["klant"]) == {"info@voorbeeldbouw.example"}
    assert {t["nummer"] for t in view["klant"]["telefoonnummers"]} == {"0201234500"}
    assert contacten(view) == {
        (KI, "e-mail", "Omgevingsvergunning bedrijfshal"),
        (CM, "telefoon", None),  # Contactmomenten 1.0 has no onderwerp
    }
    assert status(view, "klanten") == ["ok"]
    assert status(view, "contactmomenten") == ["ok"]


async def test_the_branch_shows_its_own_contacts_not_the_businesss(facade: Facade) -> None:
    response = await facade.klantbeeld(
        body={"kvkNummer": BV_KVK, "vestigingsnummer": BV_NEVENVESTIGING}
    )
    assert response.status_code == 200, response.text
    view = response.json()
    assert adressen(view["klant"]) == {"renovatie@voorbeeldbouw.example"}
    assert contacten(view) == {
        (KI, "telefoon", "Container Havenkade 5"),
        (CM, "balie", None),
    }


async def test_the_eenmanszaak_shows_its_klantinteracties_address(facade: Facade) -> None:
    response = await facade.klantbeeld(body={"kvkNummer": EENMANSZAAK_KVK})
    assert response.status_code == 200, response.text
    view = response.json()
    assert adressen(view["klant"]) == {"bakker@korenbloem.example"}
    assert view["contactmomenten"] == []
