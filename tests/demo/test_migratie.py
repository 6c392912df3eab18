"""The data of a municipality mid-migration: who the new systems know, what exists twice."""

from __future__ import annotations

from klantbeeld_demo.registers import (
    BSN_ALLEEN_KLANTINTERACTIES,
    BSN_BUITENLAND,
    BSN_GEHEIM,
    BSN_HOOFDPERSOON,
    demo_data,
    is_valid_bsn,
)
from klantbeeld_demo.registers.catalogus_zaaksysteem2 import BRONORGANISATIE_BELASTINGEN
from klantbeeld_demo.registers.model import BRONORGANISATIE


def test_every_new_bsn_is_a_test_bsn_passing_the_elfproef() -> None:
    data = demo_data()
    bsns = {BSN_ALLEEN_KLANTINTERACTIES}
    bsns |= {p.bsn for p in data.personen if p.partij is not None or p.klantcontacten}
    bsns |= {r.bsn for z in data.zaaksysteem2.zaken.values() for r in z.rollen}
    assert BSN_ALLEEN_KLANTINTERACTIES in data.by_bsn
    for bsn in bsns:
        assert bsn.startswith("999") and is_valid_bsn(bsn), bsn


def test_both_bronorganisaties_are_valid_rsins() -> None:
    # An RSIN follows the same 11-proef as a BSN.
    assert is_valid_bsn(BRONORGANISATIE) and is_valid_bsn(BRONORGANISATIE_BELASTINGEN)


def test_only_some_persons_are_known_to_klantinteracties() -> None:
    data = demo_data()
    met_partij = {p.bsn for p in data.personen if p.partij is not None}
    assert met_partij == {BSN_HOOFDPERSOON, BSN_GEHEIM, BSN_ALLEEN_KLANTINTERACTIES}


def test_person_only_in_klantinteracties_is_in_the_brp_but_not_in_klanten() -> None:
    persoon = demo_data().by_bsn[BSN_ALLEEN_KLANTINTERACTIES]
    assert persoon.brp is not None and persoon.klant is None
    assert not persoon.contactmomenten and not persoon.zaken
    assert len(persoon.klantcontacten) == 1


def test_main_person_shares_one_email_with_klanten_and_not_her_phone() -> None:
    hoofd = demo_data().by_bsn[BSN_HOOFDPERSOON]
    assert hoofd.klant is not None and hoofd.partij is not None
    adressen = {a.adres for a in hoofd.partij.digitale_adressen}
    assert hoofd.klant.emailadres in adressen
    assert hoofd.klant.telefoonnummer not in adressen


def test_exactly_one_zaak_exists_in_both_zaaksystemen() -> None:
    data = demo_data()
    eerste, tweede = (
        {(z.identificatie, z.bronorganisatie) for z in systeem.zaken.values()}
        for systeem in (data.zaaksysteem1, data.zaaksysteem2)
    )
    assert len(eerste & tweede) == 1


def test_second_zaaksysteem_holds_zaken_of_two_persons() -> None:
    data = demo_data()
    bsns = {r.bsn for z in data.zaaksysteem2.zaken.values() for r in z.rollen}
    assert bsns == {BSN_HOOFDPERSOON, BSN_BUITENLAND}
