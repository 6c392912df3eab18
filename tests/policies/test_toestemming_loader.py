"""`[toestemming.<naam>]`: a consented uitbreiding is a superset of its doel, checked at start."""

from __future__ import annotations

from pathlib import Path

from facade.sources import KINDS
from policies.loader import load_policies
from policies.plan import forbidden_paths, make_plan
from tests.policies.test_loader import refusal, write_policy

BASE = """
id = "test-doel"
naam = "Test"
omschrijving = "Een doel voor tests."
verwerkingsactiviteit = "https://register.example/va/1"
grondslag = "AVG art. 6 lid 1 sub e"
bronnen = ["brp"]

[velden]
klant = ["naam.volledigeNaam"]
"""

UITBREIDING = """
[toestemming.eigen-zaken]
omschrijving = "De inwoner laat de medewerker de eigen zaken zien."
bronnen = ["zaken"]

[toestemming.eigen-zaken.velden]
klant = ["geboorte"]
zaken = ["identificatie", "omschrijving"]

[toestemming.eigen-zaken.filters.zaken]
rol = "initiator"
"""


def test_an_uitbreiding_is_the_base_doel_plus_its_bronnen_velden_and_new_filters(
    tmp_path: Path,
) -> None:
    doel = load_policies(*write_policy(tmp_path, BASE + UITBREIDING), KINDS).doelen["test-doel"]
    assert doel.velden == ("klant.naam.volledigeNaam",)
    assert doel.bronnen == frozenset({"brp"})
    [uitbreiding] = doel.toestemmingen
    assert uitbreiding.naam == "eigen-zaken"
    assert "eigen zaken" in uitbreiding.omschrijving
    widened = uitbreiding.doel
    assert set(widened.velden) == {
        "klant.naam.volledigeNaam", "klant.geboorte", "zaken.identificatie", "zaken.omschrijving",
    }  # fmt: skip
    assert widened.bronnen == frozenset({"brp", "zaken"})
    assert widened.zaken.rol == "initiator"
    # Same grondslag, verwerkingsactiviteit and id: it is the same doel, wider.
    assert (widened.id, widened.grondslag) == (doel.id, doel.grondslag)


def test_the_plan_without_consent_asks_only_the_base_doel(tmp_path: Path) -> None:
    doel = load_policies(*write_policy(tmp_path, BASE + UITBREIDING), KINDS).doelen["test-doel"]
    plan = make_plan(doel, KINDS)
    assert set(plan.kinds) == {"brp"}
    assert set(plan.toestemmingen["eigen-zaken"].kinds) == {"brp", "zaken"}
    # A caller may ask for what only a consent allows; without one it gets nothing of it.
    assert forbidden_paths(doel, ["zaken.identificatie", "zaken.toelichting"]) == [
        "zaken.toelichting"
    ]


def test_an_uitbreiding_may_not_change_the_filters_of_a_section_the_base_shows(
    tmp_path: Path,
) -> None:
    doel = (
        BASE.replace('bronnen = ["brp"]', 'bronnen = ["brp", "zaken"]')
        + """
zaken = ["identificatie"]

[filters.zaken]
rol = "initiator"

[toestemming.alle-zaken]
omschrijving = "Alle zaken."
[toestemming.alle-zaken.velden]
zaken = ["omschrijving"]
[toestemming.alle-zaken.filters.zaken]
maximaleVertrouwelijkheidaanduiding = "geheim"
"""
    )
    message = refusal(tmp_path, doel)
    assert "toestemming.alle-zaken.filters.zaken" in message
    assert "never changes the base doel's own filters" in message


def test_an_uitbreiding_that_adds_nothing_is_refused(tmp_path: Path) -> None:
    message = refusal(
        tmp_path,
        BASE
        + """
[toestemming.niets]
omschrijving = "Niets erbij."
[toestemming.niets.velden]
klant = ["naam.volledigeNaam"]
""",
    )
    assert "toestemming.niets.velden: adds no field to the base doel" in message


def test_an_uitbreiding_is_checked_like_a_doel_and_names_itself(tmp_path: Path) -> None:
    message = refusal(
        tmp_path,
        BASE
        + """
[toestemming.eigen-zaken]
omschrijving = "Zaken, zonder de Zaken API te noemen."
[toestemming.eigen-zaken.velden]
zaken = ["identificatie"]
""",
    )
    assert "toestemming 'eigen-zaken'" in message
    assert "needs one of the bronnen ['zaken']" in message


def test_unknown_keys_and_a_missing_omschrijving_are_refused(tmp_path: Path) -> None:
    message = refusal(
        tmp_path,
        BASE
        + """
[toestemming.eigen-zaken]
grondslag = "Eigen grondslag"
bronnen = ["zaken"]
[toestemming.eigen-zaken.velden]
zaken = ["identificatie"]
""",
    )
    assert "toestemming.eigen-zaken.grondslag: unknown key" in message
    assert "toestemming.eigen-zaken.omschrijving: is required" in message


def test_a_self_service_doel_has_no_uitbreidingen(tmp_path: Path) -> None:
    doel = BASE.replace('bronnen = ["brp"]', 'bronnen = ["brp"]\nzelfbediening = true')
    message = refusal(tmp_path, doel + UITBREIDING)
    assert "a consent widens what an employee sees" in message


def test_a_doel_lists_the_persons_own_consents_only_through_the_consent_register(
    tmp_path: Path,
) -> None:
    doel = BASE.replace('klant = ["naam.volledigeNaam"]', 'klant = ["toestemmingen"]')
    message = refusal(tmp_path, doel)
    assert "'toestemmingen' needs one of the bronnen ['toestemming']" in message


def test_the_review_says_per_doel_what_a_consent_adds() -> None:
    from policies.describe import doel_details, review_document
    from tests.policies.test_loader import CONFIG

    policies = load_policies(CONFIG / "doelen", CONFIG / "toegang.toml", KINDS)
    [added] = doel_details(policies.doelen["burgerzaken-balie"], policies)["toestemmingen"]
    assert added["uitbreiding"] == "wmo-zaken"
    assert added["extraBronnen"] == ["zaken"]
    assert "zaken.identificatie" in added["extraVelden"]
    assert not [p for p in added["extraVelden"] if p.startswith("klant.")]
    assert added["filters"]["zaken"]["zaaktypen"] == ["ZT-WMO-HULPMIDDEL", "ZT-WMO-MELDING"]
    document = review_document(policies)
    assert "uitbreiding `wmo-zaken`" in document
    assert document.count("**Met toestemming van de betrokkene:** geen uitbreiding.") == (
        len(policies.doelen) - 1
    )


def test_the_published_consent_schema_names_the_fields_the_connector_reads() -> None:
    import json

    from tests.policies.test_loader import CONFIG

    schema = json.loads((CONFIG.parent / "docs" / "toestemming.schema.json").read_text())
    assert set(schema["required"]) == {
        "bsn", "doel", "uitbreiding", "geldigVanaf", "geldigTot", "kanaal",
    }  # fmt: skip
    assert schema["properties"]["geldigTot"]["format"] == "date-time"


def test_a_doel_for_ondernemers_too_may_have_an_uitbreiding_for_persons(tmp_path: Path) -> None:
    doel = (
        BASE.replace('bronnen = ["brp"]', 'bronnen = ["brp", "handelsregister"]')
        + """
[velden.ondernemer]
klant = ["naam"]
"""
        + UITBREIDING
    )
    loaded = load_policies(*write_policy(tmp_path, doel), KINDS).doelen["test-doel"]
    assert loaded.ondernemer is not None
    [uitbreiding] = loaded.toestemmingen
    assert uitbreiding.doel.ondernemer is None
    assert "zaken.identificatie" in uitbreiding.doel.velden
