"""`[zoeken]` in a doel file: deny by default, and every wrong setting refuses start-up."""

from __future__ import annotations

from pathlib import Path

import pytest

from facade.sources import KINDS
from policies.loader import load_policies
from tests.policies.test_loader import GOOD_DOEL, refusal, write_policy

ZOEKEN = """
[zoeken]
vormen = ["naam-geboortedatum", "postcode-huisnummer"]
velden = ["naam.volledigeNaam", "adresregel"]
maximumAantal = 5
"""


def test_a_doel_without_zoeken_may_not_search(tmp_path: Path) -> None:
    doel = load_policies(*write_policy(tmp_path, GOOD_DOEL), KINDS).doelen["test-doel"]
    assert doel.zoeken is None


def test_zoeken_loads_its_shapes_candidate_fields_and_maximum(tmp_path: Path) -> None:
    doel = load_policies(*write_policy(tmp_path, GOOD_DOEL + ZOEKEN), KINDS).doelen["test-doel"]
    assert doel.zoeken is not None
    assert doel.zoeken.vormen == {"naam-geboortedatum", "postcode-huisnummer"}
    assert doel.zoeken.velden == ("adresregel", "naam.volledigeNaam")
    assert doel.zoeken.maximum == 5


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (('"postcode-huisnummer"]', '"postcode"]'), "zoeken.vormen: unknown ['postcode']"),
        (('"adresregel"]', '"burgerservicenummer"]'), "zoeken.velden: unknown"),
        (("maximumAantal = 5", "maximumAantal = 21"), "zoeken.maximumAantal: must be at most 20"),
        (("maximumAantal = 5", ""), "zoeken.maximumAantal: is required"),
        (("maximumAantal = 5", "maximumAantal = 5\nmaximum = 3"), "zoeken.maximum: unknown key"),
        (('"postcode-huisnummer"]', '"telefoonnummer"]'),
         "['telefoonnummer'] search Klantinteracties, so 'klantinteracties' must be in bronnen"),
        (("vormen = [\"naam-geboortedatum\", \"postcode-huisnummer\"]", "vormen = []"),
         "zoeken.vormen: must name at least one query shape"),
    ],
)  # fmt: skip
def test_a_wrong_zoeken_refuses_start_up_naming_the_key(
    tmp_path: Path, change: tuple[str, str], problem: str
) -> None:
    text = GOOD_DOEL + ZOEKEN.replace(*change)
    assert problem in refusal(tmp_path, text)


def test_a_self_service_doel_may_not_search(tmp_path: Path) -> None:
    text = GOOD_DOEL.replace('bronnen = ["brp", "zaken"]', 'bronnen = ["brp", "zaken"]\n'
                             "zelfbediening = true") + ZOEKEN  # fmt: skip
    assert "zoeken: a self-service doel answers for the token's own BSN only" in refusal(
        tmp_path, text
    )


def test_the_demo_doelen_that_may_search() -> None:
    config = Path(__file__).resolve().parents[2] / "config"
    doelen = load_policies(config / "doelen", config / "toegang.toml", KINDS).doelen
    assert {d.id for d in doelen.values() if d.zoeken} == {"kcc-algemene-vraag", "kcc-zaakstatus"}
