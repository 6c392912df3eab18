"""`[velden.ondernemer]`: what a doel shows of a kvkNummer, beside the person `[velden]`."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from facade.sources import KINDS
from policies.loader import PolicyError, load_policies
from policies.plan import make_plan
from vocabulary.identifiers import BURGERSERVICENUMMER, KVK_NUMMER

DOEL = """
id = "test-doel"
naam = "Test"
omschrijving = "Een doel voor tests."
verwerkingsactiviteit = "https://register.example/va/1"
grondslag = "AVG art. 6 lid 1 sub e"
bronnen = ["brp", "zaken", "handelsregister"]

[velden]
klant = ["naam.volledigeNaam"]
zaken = ["identificatie"]

[velden.ondernemer]
klant = ["naam", "vestiging.bezoekadres"]
zaken = ["identificatie"]
"""
TOEGANG = '[[toegang]]\nscope = "test"\nafnemer = "Test"\ndoelen = ["test-doel"]\n'


def load(tmp_path: Path, doel: str):  # type: ignore[no-untyped-def]
    doelen = tmp_path / "doelen"
    doelen.mkdir()
    (doelen / "test-doel.toml").write_text(textwrap.dedent(doel), encoding="utf-8")
    (tmp_path / "toegang.toml").write_text(TOEGANG, encoding="utf-8")
    return load_policies(doelen, tmp_path / "toegang.toml", KINDS)


def test_a_doel_gets_an_ondernemer_twin_with_its_own_paths(tmp_path: Path) -> None:
    doel = load(tmp_path, DOEL).doelen["test-doel"]
    assert doel.subject_type == BURGERSERVICENUMMER
    assert doel.velden == ("klant.naam.volledigeNaam", "zaken.identificatie")
    assert doel.ondernemer is not None
    assert doel.ondernemer.subject_type == KVK_NUMMER
    assert doel.ondernemer.velden == (
        "klant.naam",
        "klant.vestiging.bezoekadres",
        "zaken.identificatie",
    )


def test_the_brp_is_planned_for_a_person_and_the_kvk_for_an_ondernemer(tmp_path: Path) -> None:
    doel = load(tmp_path, DOEL).doelen["test-doel"]
    assert doel.ondernemer is not None
    assert set(make_plan(doel, KINDS).kinds) == {"brp", "zaken"}
    assert set(make_plan(doel.ondernemer, KINDS).kinds) == {"handelsregister", "zaken"}


def test_a_doel_without_ondernemer_paths_has_no_twin(tmp_path: Path) -> None:
    without = DOEL.split("[velden.ondernemer]")[0]
    assert load(tmp_path, without).doelen["test-doel"].ondernemer is None


@pytest.mark.parametrize(
    ("change", "key", "reason"),
    [
        ('klant = ["naam", "vestiging.bezoekadres"]', "velden.ondernemer.klant[0]",
         "'geboorte.datum' is not a path of the view"),
        ('zaken = ["identificatie"]\n', "velden.ondernemer.telefoonboek",
         "unknown key"),
    ],
)  # fmt: skip
def test_a_wrong_ondernemer_path_is_refused_naming_the_key(
    tmp_path: Path, change: str, key: str, reason: str
) -> None:
    if key.endswith("[0]"):
        doel = DOEL.replace(change, 'klant = ["geboorte.datum"]')
    else:
        doel = DOEL + 'telefoonboek = ["x"]\n'
    with pytest.raises(PolicyError) as info:
        load(tmp_path, doel)
    message = str(info.value)
    assert f"test-doel.toml: doel 'test-doel': {key}" in message
    assert reason in message
