"""Start-up validation of the doelen: every bad policy refuses to start, naming file, doel, key."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from facade.sources import KINDS
from policies.loader import PolicyError, load_policies

CONFIG = Path(__file__).resolve().parents[2] / "config"

GOOD_DOEL = """
id = "test-doel"
naam = "Test"
omschrijving = "Een doel voor tests."
verwerkingsactiviteit = "https://register.example/va/1"
grondslag = "AVG art. 6 lid 1 sub e"
bronnen = ["brp", "zaken"]

[velden]
klant = ["naam.volledigeNaam"]
zaken = ["identificatie"]
"""

TOEGANG = """
[[toegang]]
scope = "test"
afnemer = "Test"
doelen = ["test-doel"]
"""


def write_policy(tmp_path: Path, doel: str, toegang: str = TOEGANG) -> tuple[Path, Path]:
    doelen = tmp_path / "doelen"
    doelen.mkdir()
    (doelen / "test-doel.toml").write_text(textwrap.dedent(doel), encoding="utf-8")
    toegang_file = tmp_path / "toegang.toml"
    toegang_file.write_text(textwrap.dedent(toegang), encoding="utf-8")
    return doelen, toegang_file


def refusal(tmp_path: Path, doel: str, toegang: str = TOEGANG) -> str:
    with pytest.raises(PolicyError) as info:
        load_policies(*write_policy(tmp_path, doel, toegang), kinds=KINDS)
    return str(info.value)


def test_the_example_doelen_in_config_are_valid() -> None:
    policies = load_policies(CONFIG / "doelen", CONFIG / "toegang.toml", KINDS)
    assert set(policies.doelen) == {
        "kcc-algemene-vraag",
        "kcc-zaakstatus",
        "wmo-consulent",
        "belastingen",
        "burgerzaken-balie",
        "mijn-gegevens",
        "mijn-onderneming",
    }
    assert policies.versie.startswith("sha256:")


def test_a_valid_doel_loads_with_its_paths_and_a_content_hash_version(tmp_path: Path) -> None:
    policies = load_policies(*write_policy(tmp_path, GOOD_DOEL), KINDS)
    doel = policies.doelen["test-doel"]
    assert doel.velden == ("klant.naam.volledigeNaam", "zaken.identificatie")
    assert doel.bronnen == {"brp", "zaken"}
    again = load_policies(tmp_path / "doelen", tmp_path / "toegang.toml", KINDS)
    assert again.versie == policies.versie


def test_the_policy_version_changes_when_a_doel_changes(tmp_path: Path) -> None:
    before = load_policies(*write_policy(tmp_path, GOOD_DOEL), KINDS).versie
    changed = GOOD_DOEL.replace('zaken = ["identificatie"]', 'zaken = ["omschrijving"]')
    (tmp_path / "doelen" / "test-doel.toml").write_text(changed, encoding="utf-8")
    after = load_policies(tmp_path / "doelen", tmp_path / "toegang.toml", KINDS).versie
    assert before != after


def test_an_unknown_view_path_is_refused_naming_file_doel_and_key(tmp_path: Path) -> None:
    message = refusal(tmp_path, GOOD_DOEL.replace("naam.volledigeNaam", "naam.bijnaam"))
    assert "test-doel.toml: doel 'test-doel': velden.klant[0]" in message
    assert "'naam.bijnaam' is not a path of the view" in message


def test_a_brp_field_outside_the_brp_field_list_is_refused(tmp_path: Path) -> None:
    message = refusal(tmp_path, GOOD_DOEL.replace("naam.volledigeNaam", "verblijfplaats.kamer"))
    assert "velden.klant[0]" in message and "verblijfplaats.kamer" in message


def test_an_unknown_source_is_refused(tmp_path: Path) -> None:
    message = refusal(tmp_path, GOOD_DOEL.replace('["brp", "zaken"]', '["brp", "zaken", "hr"]'))
    assert "doel 'test-doel': bronnen: unknown ['hr']" in message


def test_a_path_whose_source_the_doel_does_not_list_is_refused(tmp_path: Path) -> None:
    message = refusal(tmp_path, GOOD_DOEL.replace('["brp", "zaken"]', '["brp"]'))
    assert "velden.zaken[0]" in message and "needs one of the bronnen ['zaken']" in message


@pytest.mark.parametrize("key", ["grondslag", "verwerkingsactiviteit"])
def test_a_doel_without_grondslag_or_verwerkingsactiviteit_is_refused(
    tmp_path: Path, key: str
) -> None:
    doel = "\n".join(line for line in GOOD_DOEL.splitlines() if not line.startswith(key))
    assert f"doel 'test-doel': {key}: is required" in refusal(tmp_path, doel)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (
            '[filters.zaken]\nmaximaleVertrouwelijkheidaanduiding = "supergeheim"',
            "filters.zaken.maximaleVertrouwelijkheidaanduiding: 'supergeheim' is not one of",
        ),
        (
            '[filters.zaken]\nafgerondBinnenDagen = "een jaar"',
            "filters.zaken.afgerondBinnenDagen: must be a positive whole number",
        ),
        (
            '[filters.zaken]\nzaaktypen = "ZT-1"',
            "filters.zaken.zaaktypen: must be a non-empty list",
        ),
        ('[filters.zaken]\nrol = "buurman"', "filters.zaken.rol: 'buurman' is not one of"),
        (
            '[filters.contactmomenten]\nvertrouwelijkeUitsluiten = "ja"',
            "filters.contactmomenten.vertrouwelijkeUitsluiten: must be true or false",
        ),
        ('[filters.zaken]\nzaaktype = ["ZT-1"]', "filters.zaken.zaaktype: unknown key"),
    ],
)
def test_filters_of_the_wrong_type_are_refused(tmp_path: Path, filters: str, expected: str) -> None:
    assert expected in refusal(tmp_path, GOOD_DOEL + "\n" + filters)


def test_an_unknown_top_level_key_is_refused(tmp_path: Path) -> None:
    assert "doel 'test-doel': velden_extra: unknown key" in refusal(
        tmp_path, 'velden_extra = ["x"]\n' + GOOD_DOEL
    )


def test_contactmomenten_without_klanten_is_refused(tmp_path: Path) -> None:
    doel = GOOD_DOEL.replace('["brp", "zaken"]', '["brp", "zaken", "contactmomenten"]')
    assert "'klanten' must be listed too" in refusal(tmp_path, doel)


def test_access_rules_naming_an_unknown_doel_are_refused(tmp_path: Path) -> None:
    toegang = TOEGANG.replace('["test-doel"]', '["test-doel", "spionage"]')
    assert "toegang[0].doelen: unknown doel 'spionage'" in refusal(tmp_path, GOOD_DOEL, toegang)


def test_invalid_toml_is_refused_with_the_file_name(tmp_path: Path) -> None:
    assert "test-doel.toml: not valid TOML" in refusal(tmp_path, "id = ")


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    doel = GOOD_DOEL.replace("naam.volledigeNaam", "naam.bijnaam").replace(
        '["identificatie"]', '["kleur"]'
    )
    with pytest.raises(PolicyError) as info:
        load_policies(*write_policy(tmp_path, doel), KINDS)
    assert len(info.value.problems) == 2


def test_a_doel_linking_contacts_to_zaken_it_may_not_identify_is_refused(tmp_path: Path) -> None:
    doel = GOOD_DOEL.replace(
        'bronnen = ["brp", "zaken"]', 'bronnen = ["brp", "zaken", "klantinteracties"]'
    )
    doel = doel.replace(
        'zaken = ["identificatie"]', 'zaken = ["omschrijving"]\ncontactmomenten = ["zaken"]'
    )
    assert "'zaken.identificatie' must be allowed too" in refusal(tmp_path, doel)


def test_an_access_rule_without_an_afnemer_label_is_refused(tmp_path: Path) -> None:
    message = refusal(tmp_path, GOOD_DOEL, '[[toegang]]\nscope = "test"\ndoelen = ["test-doel"]\n')
    assert "toegang[0].afnemer: required" in message
    assert "never a person" in message


def test_an_empty_afnemer_label_is_refused(tmp_path: Path) -> None:
    toegang = '[[toegang]]\nscope = "test"\nafnemer = " "\ndoelen = ["test-doel"]\n'
    assert "toegang[0].afnemer: required" in refusal(tmp_path, GOOD_DOEL, toegang)


def test_each_access_rule_keeps_its_afnemer_label() -> None:
    policies = load_policies(CONFIG / "doelen", CONFIG / "toegang.toml", KINDS)
    labels = {rule.scope or rule.rol: rule.afnemer for rule in policies.toegang}
    assert labels["klantbeeld.kcc"] == "Klantcontactcentrum (KCC)"
    assert labels["klantbeeld.zelfbediening"] == "Mijn gemeente (portaal)"


def test_two_doelen_with_one_verwerkingsactiviteit_are_refused_naming_both_files(
    tmp_path: Path,
) -> None:
    doelen, toegang = write_policy(tmp_path, GOOD_DOEL)
    twin = GOOD_DOEL.replace('id = "test-doel"', 'id = "tweeling"')
    (doelen / "tweeling.toml").write_text(twin, encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        load_policies(doelen, toegang, KINDS)
    message = str(info.value)
    assert "verwerkingsactiviteit: the same as doel" in message
    assert "tweeling.toml" in message and "test-doel.toml" in message


def test_an_activity_url_and_its_bare_uuid_are_one_activity(tmp_path: Path) -> None:
    activity = "https://register.example/va/5f0bef4c-f66f-4311-84a5-19e8bf359eaf"
    doel = GOOD_DOEL.replace("https://register.example/va/1", activity)
    doelen, toegang = write_policy(tmp_path, doel)
    twin = doel.replace('id = "test-doel"', 'id = "tweeling"').replace(
        activity, "5f0bef4c-f66f-4311-84a5-19e8bf359eaf"
    )
    (doelen / "tweeling.toml").write_text(twin, encoding="utf-8")
    with pytest.raises(PolicyError, match="verwerkingsactiviteit: the same as doel"):
        load_policies(doelen, toegang, KINDS)
