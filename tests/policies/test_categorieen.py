"""The categories a doel may deliver, in the words the resident reads in the inzage."""

from __future__ import annotations

from pathlib import Path

from facade.sources import KINDS
from policies.categorieen import categorieen
from policies.loader import load_policies

CONFIG = Path(__file__).resolve().parents[2] / "config"
POLICIES = load_policies(CONFIG / "doelen", CONFIG / "toegang.toml", KINDS)


def test_a_kcc_doel_lists_persoonsgegevens_contactgegevens_zaken_and_contacthistorie() -> None:
    assert categorieen(POLICIES.doelen["kcc-algemene-vraag"]) == (
        "persoonsgegevens",
        "contactgegevens",
        "zaken",
        "contacthistorie",
    )


def test_an_ondernemer_is_listed_with_bedrijfsgegevens_not_persoonsgegevens() -> None:
    found = categorieen(POLICIES.doelen["mijn-onderneming"], ondernemer=True)
    assert "bedrijfsgegevens" in found
    assert "persoonsgegevens" not in found


def test_a_category_is_listed_only_when_the_doel_has_a_path_in_it() -> None:
    doel = POLICIES.doelen["kcc-zaakstatus"]
    sections = {path.split(".")[0] for path in doel.velden}
    assert ("contacthistorie" in categorieen(doel)) == ("contactmomenten" in sections)
