"""A search result as the doel may show it: enough to pick the right person, and a handle.

`{"zoekresultaat", "naam": {"volledigeNaam"}, "geboorte": {"datum"}, "adresregel",
"geheimhoudingPersoonsgegevens"}`, each field only when the doel's `[zoeken] velden`
name it (deny by default) and the BRP gave it. `geheimhoudingPersoonsgegevens`
always travels with the candidate, `false` when the BRP left it out (it sends it
only when true). Never the BSN: the handle stands for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from connectors.records import Persoon

# Every path a candidate can have, for the record of what was delivered.
KANDIDAAT_PADEN = (
    "zoekresultaat",
    "naam.volledigeNaam",
    "geboorte.datum",
    "adresregel",
    "geheimhoudingPersoonsgegevens",
)


def kandidaat(
    persoon: Persoon, velden: Iterable[str], zoekresultaat: str, *, alleen_binnenland: bool = False
) -> dict[str, Any]:
    """`alleen_binnenland`: the doel shows no address abroad, here as in its klantbeeld."""
    allowed = set(velden)
    view: dict[str, Any] = {"zoekresultaat": zoekresultaat}
    naam = _get(persoon, "naam", "volledigeNaam")
    if "naam.volledigeNaam" in allowed and isinstance(naam, str):
        view["naam"] = {"volledigeNaam": naam}
    datum = _get(persoon, "geboorte", "datum")
    if "geboorte.datum" in allowed and isinstance(datum, dict):
        view["geboorte"] = {"datum": _datum(datum)}
    regel = _adresregel(persoon)
    if alleen_binnenland and not _in_nederland(persoon):
        regel = None
    if "adresregel" in allowed and regel:
        view["adresregel"] = regel
    view["geheimhoudingPersoonsgegevens"] = persoon.get("geheimhoudingPersoonsgegevens") is True
    return view


def delivered_paths(kandidaten: list[dict[str, Any]]) -> list[str]:
    """The field paths the answer holds (`kandidaten.naam.volledigeNaam`, …), never values."""
    paths: set[str] = set()
    for view in kandidaten:
        for path in KANDIDAAT_PADEN:
            head, _, rest = path.partition(".")
            if head in view and (not rest or rest in (view[head] or {})):
                paths.add(f"kandidaten.{path}")
    return sorted(paths)


def _get(persoon: Persoon, group: str, key: str) -> Any:
    value = persoon.get(group)
    return value.get(key) if isinstance(value, dict) else None


def _datum(datum: dict[str, Any]) -> dict[str, Any]:
    # The BRP's date types (Datum, JaarDatum, DatumOnbekend, …) as they are, without extras.
    keep = ("type", "datum", "jaar", "maand", "onbekend", "langFormaat")
    return {k: datum[k] for k in keep if k in datum}


NEDERLAND = "6030"  # Tabel 34 Landen


def _in_nederland(persoon: Persoon) -> bool:
    """The BRP names an address's `land` for an address abroad; none, or 6030: here."""
    land = _get(persoon, "adressering", "land")
    return land is None or (isinstance(land, dict) and land.get("code") == NEDERLAND)


def _adresregel(persoon: Persoon) -> str | None:
    """One line: `adresregel1, adresregel2` from the BRP `adressering` (blanks folded)."""
    adressering = persoon.get("adressering")
    if not isinstance(adressering, dict):
        return None
    regels = [
        " ".join(str(adressering[k]).split())
        for k in ("adresregel1", "adresregel2")
        if isinstance(adressering.get(k), str) and adressering[k].strip()
    ]
    return ", ".join(regels) or None
