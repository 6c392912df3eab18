"""Every field a register can deliver has a plain-Dutch name, and the bron column is per field."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from facade.sources import KINDS
from policies import viewpaths
from policies.describe import source_of
from policies.labels import PADEN, label


def _paths(tree: viewpaths.Tree, prefix: str = "") -> Iterator[str]:
    for name, sub in tree.items():
        path = f"{prefix}.{name}" if prefix else name
        yield path
        if isinstance(sub, dict):
            yield from _paths(sub, path)


FILLABLE = sorted(
    path
    for tree in (viewpaths.VIEW, viewpaths.ONDERNEMER_VIEW)
    for path in set(_paths(tree))
    if KINDS.filling(path)
)


def test_every_path_a_kind_can_fill_has_a_label() -> None:
    assert len(FILLABLE) > 500  # the whole BRP tree is in it, not just the doelen's paths
    missing = []
    for path in FILLABLE:
        try:
            name = label(path)
        except KeyError:
            missing.append(path)
            continue
        assert name.strip() and name != path
    assert not missing, f"paths without a label (policies/labels.py): {missing}"


def test_a_path_with_an_unknown_segment_has_no_label() -> None:
    with pytest.raises(KeyError):
        label("klant.naam.nieuwVeldZonderNaam")


def test_labels_read_as_the_fg_expects() -> None:
    assert label("klant.naam.volledigeNaam") == "Volledige naam"
    assert label("zaken.status.statustekst") == "Status van de zaak (tekst)"
    assert label("klant.partners.naam.voornamen") == "Partners › Naam › Voornamen"
    assert label("klant.datumInschrijvingInGemeente") == "Datum inschrijving in de gemeente"


def test_every_written_out_label_names_a_real_path() -> None:
    fillable = set(FILLABLE)
    assert not [p for p in PADEN if p not in fillable]


@pytest.mark.parametrize(
    ("path", "bron"),
    [
        ("contactmomenten.onderwerp", "Klantinteracties"),
        ("contactmomenten.gelukt", "Klantinteracties"),
        ("contactmomenten.openstaandeVragen.status", "Klantinteracties"),
        ("contactmomenten.datum", "Contactmomenten / Klantinteracties"),
        ("klant.naam.volledigeNaam", "BRP"),
        ("klant.emailadressen.adres", "Klanten / Klantinteracties"),
    ],
)
def test_the_bron_of_a_field_comes_from_the_kinds_that_can_fill_it(path: str, bron: str) -> None:
    assert source_of(path, KINDS) == bron


def test_an_ondernemer_name_comes_from_the_handelsregister() -> None:
    assert "BRP" not in source_of("klant.naam", KINDS, ondernemer=True)
    assert "BRP" in source_of("klant.naam", KINDS)
