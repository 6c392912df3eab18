"""The plan: which kinds of register are called, and what each is asked, per doel."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.brp import fields_for
from facade.sources import KINDS
from policies.loader import PolicySet, load_policies
from policies.plan import Plan, Plans, forbidden_paths, make_plan, unknown_paths
from policies.projection import allowed_tree

CONFIG = Path(__file__).resolve().parents[2] / "config"


@pytest.fixture(scope="module")
def policies() -> PolicySet:
    return load_policies(CONFIG / "doelen", CONFIG / "toegang.toml", KINDS)


def brp_fields(plan: Plan) -> tuple[str, ...]:
    """The `fields` the BRP source sends for this plan."""
    brp = plan.kinds["brp"]
    return fields_for(brp.velden, brp.filters.get("klant", {}))


def test_brp_fields_are_the_doels_klant_paths_without_the_automatic_fields(
    policies: PolicySet,
) -> None:
    plan = make_plan(policies.doelen["belastingen"], KINDS)
    assert brp_fields(plan) == (
        "adressering",
        "burgerservicenummer",
        "naam.volledigeNaam",
        "overlijden.datum",
        "verblijfplaats.verblijfadres",
    )
    assert "opschortingBijhouding" not in brp_fields(plan)


def test_a_domestic_only_doel_asks_for_the_binnenland_variants(policies: PolicySet) -> None:
    plan = make_plan(policies.doelen["kcc-algemene-vraag"], KINDS)
    assert "verblijfplaatsBinnenland.verblijfadres" in brp_fields(plan)
    assert "adresseringBinnenland.aanhef" in brp_fields(plan)
    assert not any(f.startswith(("verblijfplaats.", "adressering.")) for f in brp_fields(plan))


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
    plan = make_plan(policies.doelen[doel], KINDS)
    assert tuple(plan.calls(s) for s in ("brp", "zaken", "klanten", "contactmomenten")) == (
        brp,
        zaken,
        klanten,
        contactmomenten,
    )


def test_caller_fields_narrow_the_plan_and_skip_registers_no_longer_needed(
    policies: PolicySet,
) -> None:
    plan = make_plan(
        policies.doelen["kcc-algemene-vraag"], KINDS, ["zaken.identificatie", "klant.naam"]
    )
    assert plan.velden == {
        "zaken.identificatie",
        "klant.naam.volledigeNaam",
        "klant.naam.voorletters",
        "klant.naam.geslachtsnaam",
        "klant.naam.voorvoegsel",
    }
    assert plan.calls("zaken") and plan.calls("brp")
    assert not plan.calls("klanten") and not plan.calls("contactmomenten")
    assert brp_fields(plan) == (
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


def test_a_plan_is_made_once_per_doel_and_requested_paths(policies: PolicySet) -> None:
    plans = Plans(KINDS)
    doel = policies.doelen["kcc-algemene-vraag"]

    assert plans.plan(doel) is plans.plan(doel)
    assert plans.plan(doel, ("zaken",)) is plans.plan(doel, ("zaken",))
    assert plans.plan(doel, ("zaken",)) is not plans.plan(doel)
    assert plans.plan(doel, ("zaken",)) == make_plan(doel, KINDS, ("zaken",))


def test_a_plan_is_never_shared_between_doelen(policies: PolicySet) -> None:
    plans = Plans(KINDS)
    kcc, belastingen = policies.doelen["kcc-algemene-vraag"], policies.doelen["belastingen"]

    assert plans.plan(kcc).doel is kcc
    assert plans.plan(belastingen).doel is belastingen


def test_the_plans_allow_list_is_the_tree_of_its_paths(policies: PolicySet) -> None:
    plan = make_plan(policies.doelen["kcc-algemene-vraag"], KINDS)

    assert plan.tree == allowed_tree(plan.velden)
    assert plan.tree is plan.tree
