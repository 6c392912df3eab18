"""The plan: which registers are called and which BRP fields are asked, per doel."""

from __future__ import annotations

from pathlib import Path

import pytest

from policies.loader import PolicySet, load_policies
from policies.plan import forbidden_paths, make_plan, unknown_paths

CONFIG = Path(__file__).resolve().parents[2] / "config"


@pytest.fixture(scope="module")
def policies() -> PolicySet:
    return load_policies(CONFIG / "doelen", CONFIG / "toegang.toml")


def test_brp_fields_are_the_doels_klant_paths_without_the_automatic_fields(
    policies: PolicySet,
) -> None:
    plan = make_plan(policies.doelen["belastingen"])
    assert plan.brp_fields == (
        "adressering",
        "burgerservicenummer",
        "naam.volledigeNaam",
        "overlijden.datum",
        "verblijfplaats.verblijfadres",
    )
    assert "opschortingBijhouding" not in plan.brp_fields


def test_a_domestic_only_doel_asks_for_the_binnenland_variants(policies: PolicySet) -> None:
    plan = make_plan(policies.doelen["kcc-algemene-vraag"])
    assert "verblijfplaatsBinnenland.verblijfadres" in plan.brp_fields
    assert "adresseringBinnenland.aanhef" in plan.brp_fields
    assert not any(f.startswith(("verblijfplaats.", "adressering.")) for f in plan.brp_fields)


@pytest.mark.parametrize(
    ("doel", "brp", "zaken", "klanten", "contactmomenten"),
    [
        ("kcc-algemene-vraag", True, True, True, True),
        ("kcc-zaakstatus", True, True, False, False),
        ("wmo-consulent", True, True, True, True),
        ("belastingen", True, True, False, False),
        ("burgerzaken-balie", True, False, False, False),
        ("mijn-gegevens", True, True, True, True),
    ],
)
def test_each_doel_calls_exactly_the_registers_it_needs(
    policies: PolicySet, doel: str, brp: bool, zaken: bool, klanten: bool, contactmomenten: bool
) -> None:
    plan = make_plan(policies.doelen[doel])
    assert (plan.call_brp, plan.call_zaken, plan.call_klanten, plan.call_contactmomenten) == (
        brp,
        zaken,
        klanten,
        contactmomenten,
    )


def test_caller_fields_narrow_the_plan_and_skip_registers_no_longer_needed(
    policies: PolicySet,
) -> None:
    plan = make_plan(policies.doelen["kcc-algemene-vraag"], ["zaken.identificatie", "klant.naam"])
    assert plan.velden == {
        "zaken.identificatie",
        "klant.naam.volledigeNaam",
        "klant.naam.voorletters",
        "klant.naam.geslachtsnaam",
        "klant.naam.voorvoegsel",
    }
    assert plan.call_zaken and plan.call_brp
    assert not plan.call_klanten and not plan.call_contactmomenten
    assert plan.brp_fields == (
        "naam.geslachtsnaam",
        "naam.volledigeNaam",
        "naam.voorletters",
        "naam.voorvoegsel",
    )


def test_caller_fields_never_widen_the_doel(policies: PolicySet) -> None:
    doel = policies.doelen["kcc-zaakstatus"]
    assert forbidden_paths(doel, ["klant.verblijfplaats", "zaken.status"]) == [
        "klant.verblijfplaats"
    ]


def test_unknown_paths_are_recognised() -> None:
    assert unknown_paths(["klant.naam", "klant.schoenmaat", "zaken"]) == ["klant.schoenmaat"]
