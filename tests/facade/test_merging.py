"""Merging several registers into one section: copies once, across registers only."""

from __future__ import annotations

from typing import Any

from facade.view import merge_contacten, merge_zaken
from tests.harness import caller_token

BSN = "999993653"


def zaak(bron: str, status_gezet: str | None, **extra: Any) -> dict[str, Any]:
    return {
        "bron": bron,
        "identificatie": "ZAAK-1",
        "bronorganisatie": "002220647",
        "startdatum": "2026-10-01",
        "registratiedatum": "2026-10-01",
        "status": {"datumStatusGezet": status_gezet} if status_gezet else None,
        **extra,
    }


def contact(bron: str, url: str, **extra: Any) -> dict[str, Any]:
    return {
        "bron": bron,
        "url": url,
        "datum": "2026-11-20T09:30:00+01:00",
        "kanaal": "telefoon",
        "tekst": "Vraag over de aanvraag.",
        **extra,
    }


def test_of_a_migrated_zaak_the_copy_with_the_latest_status_wins() -> None:
    old = zaak("oud-zaaksysteem", "2026-10-02T10:00:00Z", omschrijving="oud")
    new = zaak("openzaak", "2026-11-15T10:00:00Z", omschrijving="nieuw")
    assert [z["omschrijving"] for z in merge_zaken([old, new])] == ["nieuw"]
    assert [z["omschrijving"] for z in merge_zaken([new, old])] == ["nieuw"]


def test_with_equal_status_times_the_register_listed_first_wins() -> None:
    first = zaak("openzaak", "2026-11-15T10:00:00Z", omschrijving="eerste")
    second = zaak("zaaksysteem-2", "2026-11-15T10:00:00Z", omschrijving="tweede")
    assert [z["omschrijving"] for z in merge_zaken([first, second])] == ["eerste"]


def test_two_records_of_one_register_with_one_identificatie_are_two_zaken() -> None:
    records = [zaak("openzaak", None, url="u1"), zaak("openzaak", None, url="u2")]
    assert len(merge_zaken(records)) == 2


def test_two_contacts_of_one_register_at_one_moment_are_both_kept() -> None:
    one = contact("openklant", "k1", gelukt=False)
    two = contact("openklant", "k2", gelukt=True)
    assert [c["gelukt"] for c in merge_contacten([one, two])] == [False, True]


def test_a_contact_seen_in_two_registers_is_kept_once_the_first_given_copy() -> None:
    klantinteracties = contact("openklant", "k1", onderwerp="Aanvraag")
    contactmomenten = contact("openklant-1", "c1", onderwerp=None)
    merged = merge_contacten([klantinteracties, contactmomenten])
    assert [(c["bron"], c["onderwerp"]) for c in merged] == [("openklant", "Aanvraag")]


async def test_a_contact_names_no_zaak_when_the_view_may_not_show_zaak_identificaties(
    facade,
) -> None:
    token = caller_token("klantbeeld.zelfbediening", bsn=BSN)

    async def contacts(fields: list[str]) -> list[dict[str, Any]]:
        body = {"burgerservicenummer": BSN, "fields": fields}
        response = await facade.klantbeeld(body=body, doel="mijn-gegevens", token=token)
        assert response.status_code == 200
        return response.json()["contactmomenten"]

    assert any(c["zaken"] for c in await contacts(["contactmomenten", "zaken"]))
    narrowed = await contacts(["contactmomenten", "zaken.omschrijving"])
    assert all(c["zaken"] == [] for c in narrowed)
