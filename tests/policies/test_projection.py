"""The projection: nothing leaves that the doel does not allow and the view does not know."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from policies import viewpaths
from policies.projection import allowed_tree, delivered_paths, project
from vocabulary.paths import covers


def test_only_allowed_paths_survive_and_secrecy_flags_travel_with_the_record() -> None:
    klant = {
        "burgerservicenummer": "999993653",
        "naam": {"volledigeNaam": "Jan Jansen", "voornamen": "Jan"},
        "geheimhoudingPersoonsgegevens": True,
        "verblijfplaats": {"verblijfadres": {"postcode": "1234AB"}},
    }
    tree = allowed_tree(["klant.naam.volledigeNaam"])
    assert project(klant, tree["klant"]) == {
        "naam": {"volledigeNaam": "Jan Jansen"},
        "geheimhoudingPersoonsgegevens": True,
    }


def test_an_allowed_group_passes_its_known_fields_but_not_unknown_extras() -> None:
    naam = {"volledigeNaam": "Jan Jansen", "voornamen": "Jan", "bijnaam": "Jantje"}
    tree = allowed_tree(["klant.naam"])
    assert project({"naam": naam}, tree["klant"]) == {
        "naam": {"volledigeNaam": "Jan Jansen", "voornamen": "Jan"}
    }


def test_lists_are_projected_item_by_item() -> None:
    zaken = [
        {"identificatie": "Z1", "toelichting": "geheim", "vertrouwelijkheidaanduiding": "openbaar"},
        {"identificatie": "Z2", "toelichting": "ook geheim"},
    ]
    tree = allowed_tree(["zaken.identificatie"])
    assert project(zaken, tree["zaken"]) == [
        {"identificatie": "Z1", "vertrouwelijkheidaanduiding": "openbaar"},
        {"identificatie": "Z2"},
    ]


def test_an_object_hiding_under_a_leaf_name_is_dropped() -> None:
    tree = allowed_tree(["zaken.omschrijving"])
    projected = project([{"omschrijving": {"stiekem": "bsn 999993653"}}], tree["zaken"])
    assert projected == []


def test_delivered_paths_lists_leaves_not_values() -> None:
    view = {
        "klant": {"naam": {"volledigeNaam": "Jan"}},
        "zaken": [{"identificatie": "Z1", "status": {"omschrijving": "Open"}}],
        "contactmomenten": [{"zaken": ["Z1"]}],
    }
    assert delivered_paths(view) == {
        "klant.naam.volledigeNaam",
        "zaken.identificatie",
        "zaken.status.omschrijving",
        "contactmomenten.zaken",
    }


def _all_paths(tree: dict[str, Any], prefix: str = "", depth: int = 0) -> list[str]:
    paths: list[str] = []
    for key, sub in tree.items():
        path = f"{prefix}.{key}" if prefix else key
        paths.append(path)
        if isinstance(sub, dict) and depth < 3:
            paths.extend(_all_paths(sub, path, depth + 1))
    return paths


VIEW_PATHS = [p for p in _all_paths(viewpaths.VIEW) if "." in p]
KEYS = st.sampled_from(
    [*sorted({p.rsplit(".", 1)[-1] for p in VIEW_PATHS}), "onbekend", "extra", "bsn"]
)
JSON_LEAF = st.none() | st.booleans() | st.integers() | st.text(max_size=5)
JSON = st.recursive(
    JSON_LEAF,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(KEYS, children, max_size=5),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(
    allowed=st.lists(st.sampled_from(VIEW_PATHS), min_size=1, max_size=8),
    section=st.sampled_from(viewpaths.SECTIONS),
    value=st.dictionaries(KEYS, JSON, max_size=6) | st.lists(st.dictionaries(KEYS, JSON)),
)
def test_property_no_path_outside_the_allow_list_ever_survives(
    allowed: list[str], section: str, value: Any
) -> None:
    tree = allowed_tree(allowed)
    if section not in tree:
        return
    projected = project(value, tree[section])
    permitted = set(allowed) | viewpaths.ALWAYS_WITH_RECORD
    for path in delivered_paths(projected, section):
        assert any(covers(p, path) for p in permitted), path
        assert viewpaths.exists(path), path
