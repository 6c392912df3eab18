"""Which `fields` paths BRP API Personen 2.x accepts, and how they cut a Persoon down.

The tree mirrors the Persoon schema of `brp-personen-2.x.yaml` (all polymorphic
variants merged). Auto-delivered fields are left out on purpose: asking for them
is a 400 in the real API.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

AUTO_DELIVERED = frozenset(
    {
        "geheimhoudingPersoonsgegevens",
        "inOnderzoek",
        "opschortingBijhouding",
        "rni",
        "verificatie",
        "indicatieVastgesteldVerblijftNietOpAdres",
    }
)

Tree = Mapping[str, "Tree | None"]  # None: a leaf

_WAARDE: Tree = {"code": None, "omschrijving": None}
_DATUM: Tree = {"datum": None, "jaar": None, "maand": None, "langFormaat": None, "onbekend": None}
_GEBOORTE: Tree = {"datum": _DATUM, "land": _WAARDE, "plaats": _WAARDE}
_NAAM_GERELATEERDE: Tree = {
    "voornamen": None,
    "voorvoegsel": None,
    "geslachtsnaam": None,
    "voorletters": None,
    "adellijkeTitelPredicaat": {**_WAARDE, "soort": None},
}
_GEZAG_PERSOON: Tree = {"burgerservicenummer": None, "naam": {"volledigeNaam": None}}

PERSOON_FIELDS: Tree = {
    "aNummer": None,
    "burgerservicenummer": None,
    "datumEersteInschrijvingGBA": _DATUM,
    "geslacht": _WAARDE,
    "leeftijd": None,
    "naam": {**_NAAM_GERELATEERDE, "volledigeNaam": None, "aanduidingNaamgebruik": _WAARDE},
    "geboorte": _GEBOORTE,
    "overlijden": _GEBOORTE,
    "nationaliteiten": {"nationaliteit": _WAARDE, "redenOpname": _WAARDE,
                        "datumIngangGeldigheid": _DATUM},
    "verblijfplaats": {
        "verblijfadres": {
            "officieleStraatnaam": None, "korteStraatnaam": None, "huisnummer": None,
            "huisletter": None, "huisnummertoevoeging": None, "aanduidingBijHuisnummer": _WAARDE,
            "postcode": None, "woonplaats": None, "locatiebeschrijving": None,
            "regel1": None, "regel2": None, "regel3": None, "land": _WAARDE,
        },
        "functieAdres": _WAARDE, "adresseerbaarObjectIdentificatie": None,
        "nummeraanduidingIdentificatie": None, "datumVan": _DATUM,
        "datumIngangGeldigheid": _DATUM,
    },
    "adressering": {
        "adresregel1": None, "adresregel2": None, "adresregel3": None, "land": _WAARDE,
        "aanhef": None, "aanschrijfwijze": {"naam": None, "aanspreekvorm": None},
        "gebruikInLopendeTekst": None,
    },
    "immigratie": {"landVanwaarIngeschreven": _WAARDE, "datumVestigingInNederland": _DATUM,
                   "vanuitVerblijfplaatsOnbekend": None,
                   "indicatieVestigingVanuitBuitenland": None},
    "gemeenteVanInschrijving": _WAARDE,
    "datumInschrijvingInGemeente": _DATUM,
    "indicatieCurateleRegister": None,
    "indicatieGezagMinderjarige": _WAARDE,
    "gezag": {"minderjarige": {**_GEZAG_PERSOON, "leeftijd": None}, "ouders": _GEZAG_PERSOON,
              "ouder": _GEZAG_PERSOON, "derde": _GEZAG_PERSOON, "derden": _GEZAG_PERSOON,
              "toelichting": None},
    "verblijfstitel": {"aanduiding": _WAARDE, "datumIngang": _DATUM, "datumEinde": _DATUM},
    "uitsluitingKiesrecht": {"uitgeslotenVanKiesrecht": None, "einddatum": _DATUM},
    "europeesKiesrecht": {"aanduiding": _WAARDE, "einddatumUitsluiting": _DATUM},
    "partners": {
        "burgerservicenummer": None, "geslacht": _WAARDE, "soortVerbintenis": _WAARDE,
        "naam": _NAAM_GERELATEERDE, "geboorte": _GEBOORTE,
        "aangaanHuwelijkPartnerschap": _GEBOORTE,
        "ontbindingHuwelijkPartnerschap": {"datum": _DATUM},
    },
    "kinderen": {"burgerservicenummer": None, "naam": _NAAM_GERELATEERDE, "geboorte": _GEBOORTE},
    "ouders": {"burgerservicenummer": None, "geslacht": _WAARDE, "ouderAanduiding": None,
               "naam": _NAAM_GERELATEERDE, "geboorte": _GEBOORTE,
               "datumIngangFamilierechtelijkeBetrekking": _DATUM},
}  # fmt: skip


# Request-only aliases: the same group, delivered only when the address lies in
# the Netherlands (for clients authorised for domestic addresses only).
DOMESTIC_ALIASES = {
    "verblijfplaatsBinnenland": "verblijfplaats",
    "adresseringBinnenland": "adressering",
}


def unalias(path: str) -> tuple[str, bool]:
    """The response path for a requested path, and whether it is domestic-only."""
    head, dot, rest = path.partition(".")
    if head in DOMESTIC_ALIASES:
        return DOMESTIC_ALIASES[head] + dot + rest, True
    return path, False


def classify(path: str) -> str | None:
    """None for a valid path; otherwise "auto" (auto-delivered) or "unknown"."""
    segments = unalias(path)[0].split(".")
    if AUTO_DELIVERED.intersection(segments):
        return "auto"
    node: Tree | None = PERSOON_FIELDS
    for segment in segments:
        if node is None or segment not in node:
            return "unknown"
        node = node[segment]
    return None


def selection(paths: Sequence[str]) -> dict[str, Any]:
    """Merge field paths into one tree; `True` marks "this whole group"."""
    tree: dict[str, Any] = {}
    for path in paths:
        node = tree
        *parents, leaf = path.split(".")
        for segment in parents:
            child = node.get(segment)
            if child is True:
                break  # an ancestor already selects everything
            node = node.setdefault(segment, {})
        else:
            node[leaf] = True
    return tree


def project(value: Any, tree: Mapping[str, Any]) -> Any:
    """Keep only the selected parts of `value`; empty results disappear entirely."""
    if isinstance(value, list):
        items = [project(item, tree) for item in value]
        return [item for item in items if item not in (None, {}, [])]
    if not isinstance(value, dict):
        return None
    result: dict[str, Any] = {}
    for key, sub in tree.items():
        if key not in value:
            continue
        kept = value[key] if sub is True else project(value[key], sub)
        if kept not in (None, {}, []):
            result[key] = kept
    # Polymorphic groups (verblijfplaats, gezag, datum, …) keep their discriminator.
    if result and "type" in value:
        result = {"type": value["type"], **result}
    return result
