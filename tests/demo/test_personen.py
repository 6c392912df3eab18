"""The demo data set: valid BSNs, and every person has what their role promises."""

from __future__ import annotations

from typing import Any

import pytest

from klantbeeld_demo.registers import (
    AANTAL_ZAKEN_VEEL_ZAKEN,
    BSN_ALLEEN_BRP,
    BSN_BUITENLAND,
    BSN_BUURMAN,
    BSN_GEHEIM,
    BSN_HOOFDPERSOON,
    BSN_ONBEKEND_IN_BRP,
    BSN_OVERLEDEN,
    DemoData,
    build_demo_data,
    demo_data,
    demo_personen,
    generate_person_with_zaken,
    is_valid_bsn,
)


def _bsns_in(value: Any) -> list[str]:
    if isinstance(value, dict):
        found = [v for k, v in value.items() if k == "burgerservicenummer"]
        return found + [b for v in value.values() for b in _bsns_in(v)]
    if isinstance(value, list):
        return [b for v in value for b in _bsns_in(v)]
    return []


def test_elfproef_accepts_the_main_person_and_rejects_a_typo() -> None:
    assert is_valid_bsn("999993653")
    assert not is_valid_bsn("999993654")
    assert not is_valid_bsn("99999365")


def test_every_bsn_in_the_data_is_a_test_bsn_passing_the_elfproef() -> None:
    data = demo_data()
    bsns = {p.bsn for p in data.personen}
    bsns |= {b for p in data.personen for b in _bsns_in(p.brp)}
    # A business's rol (an ondernemer's zaak) names no BSN.
    bsns |= {
        r.bsn
        for z in data.zaken.values()
        for r in z.rollen
        if r.betrokkene_type == "natuurlijk_persoon"
    }
    assert not [
        r
        for z in data.zaken.values()
        for r in z.rollen
        if r.bsn == "" and r.betrokkene_type == "natuurlijk_persoon"
    ]
    assert BSN_HOOFDPERSOON in bsns
    for bsn in bsns:
        assert bsn.startswith("999") and is_valid_bsn(bsn), bsn


def test_main_person_has_open_and_closed_zaken_of_several_types_and_secrecy_levels() -> None:
    hoofd = demo_data().by_bsn[BSN_HOOFDPERSOON]
    assert any(z.einddatum is None for z in hoofd.zaken)
    assert any(z.einddatum is not None for z in hoofd.zaken)
    assert len({z.zaaktype_uuid for z in hoofd.zaken}) >= 3
    assert len({z.vertrouwelijkheidaanduiding for z in hoofd.zaken}) >= 4
    assert any(z.status is None for z in hoofd.zaken)
    only_belanghebbende = [
        z
        for z in hoofd.zaken
        if {r.omschrijving_generiek for r in z.rollen if r.bsn == BSN_HOOFDPERSOON}
        == {"belanghebbende"}
    ]
    assert only_belanghebbende


def test_main_person_has_contact_details_and_contacts_one_linked_to_a_zaak() -> None:
    hoofd = demo_data().by_bsn[BSN_HOOFDPERSOON]
    assert hoofd.klant is not None and hoofd.klant.emailadres and hoofd.klant.telefoonnummer
    assert len({c.kanaal for c in hoofd.contactmomenten}) >= 3
    assert any(c.zaak_uuid for c in hoofd.contactmomenten)
    brp = hoofd.brp
    assert brp is not None
    for group in ("partners", "kinderen", "nationaliteiten", "gezag", "adressering"):
        assert brp[group], group
    assert brp["verblijfplaats"]["type"] == "Adres"


def test_special_persons_are_what_their_constants_say() -> None:
    data = demo_data()
    onbekend = data.by_bsn[BSN_ONBEKEND_IN_BRP]
    assert onbekend.brp is None and onbekend.klant is not None and onbekend.zaken
    assert data.by_bsn[BSN_GEHEIM].brp["geheimhoudingPersoonsgegevens"] is True
    overleden = data.by_bsn[BSN_OVERLEDEN].brp
    assert overleden["overlijden"] and overleden["opschortingBijhouding"]["reden"]["code"] == "O"
    alleen = data.by_bsn[BSN_ALLEEN_BRP]
    assert alleen.brp and not alleen.zaken and alleen.klant is None and not alleen.contactmomenten
    assert data.by_bsn[BSN_BUITENLAND].brp["verblijfplaats"]["type"] == "VerblijfplaatsBuitenland"
    assert len(data.by_bsn["999990019"].zaken) == AANTAL_ZAKEN_VEEL_ZAKEN > 100


def test_a_zaak_shared_by_two_persons_is_stored_once() -> None:
    data = demo_data()
    shared = set(z.uuid for z in data.by_bsn[BSN_HOOFDPERSOON].zaken) & set(
        z.uuid for z in data.by_bsn[BSN_BUURMAN].zaken
    )
    assert len(shared) == 1
    persons_zaken = {z.uuid for p in data.personen for z in p.zaken}
    assert len(data.zaken) == len(persons_zaken) + len(data.ondernemers_zaken)


@pytest.mark.parametrize("n", [0, 3, 25, 200])
def test_generated_person_has_n_zaken_contacts_and_a_valid_bsn(n: int) -> None:
    persoon = generate_person_with_zaken(n, index=7)
    assert is_valid_bsn(persoon.bsn)
    assert len(persoon.zaken) == n
    assert len({z.uuid for z in persoon.zaken}) == n
    assert persoon.contactmomenten and persoon.klant is not None and persoon.brp is not None


def test_a_benchmark_can_build_its_own_data_set_from_generated_persons() -> None:
    personen = [generate_person_with_zaken(n, index=i) for i, n in enumerate((0, 3, 25, 200))]
    data = build_demo_data(personen)
    assert len(data) == 4
    assert len(data.zaken) == 228
    assert len(demo_data().with_personen(personen)) == len(demo_personen()) + 4


def test_duplicate_bsns_are_refused() -> None:
    persoon = generate_person_with_zaken(1)
    with pytest.raises(ValueError, match="dubbel"):
        DemoData([persoon, persoon])
