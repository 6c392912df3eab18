"""Searching for a person: the query shapes, the candidate and what the BRP may give for it.

Shared by the policies (which shapes and candidate fields a doel may use) and the
connectors (how a shape becomes a BRP search type, which BRP fields a candidate
needs). A search answers with `PersoonBeperkt` (BRP Personen 2.x): only the fields
of that schema can fill a candidate.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

Zoekvorm = Literal[
    "naam-geboortedatum",
    "postcode-huisnummer",
    "straat-huisnummer-gemeente",
    "telefoonnummer",
    "emailadres",
]

# Query shape → the BRP search type it is (the Klantinteracties shapes end in a
# RaadpleegMetBurgerservicenummer of the partijen found).
BRP_ZOEKTYPE: Mapping[str, str] = {
    "naam-geboortedatum": "ZoekMetGeslachtsnaamEnGeboortedatum",
    "postcode-huisnummer": "ZoekMetPostcodeEnHuisnummer",
    "straat-huisnummer-gemeente": "ZoekMetStraatHuisnummerEnGemeenteVanInschrijving",
    "telefoonnummer": "RaadpleegMetBurgerservicenummer",
    "emailadres": "RaadpleegMetBurgerservicenummer",
}
ZOEKVORMEN: tuple[str, ...] = tuple(BRP_ZOEKTYPE)
# Shapes that find the person through a digitaal adres in Klantinteracties.
VIA_KLANTINTERACTIES = frozenset({"telefoonnummer", "emailadres"})

# The body keys of each shape: required, then optional.
ZOEKVELDEN: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "naam-geboortedatum": (("geslachtsnaam", "geboortedatum"), ("voornamen", "voorvoegsel")),
    "postcode-huisnummer": (("postcode", "huisnummer"), ("huisletter", "huisnummertoevoeging")),
    "straat-huisnummer-gemeente": (
        ("straat", "huisnummer", "gemeenteVanInschrijving"),
        ("huisletter", "huisnummertoevoeging"),
    ),
    "telefoonnummer": (("telefoonnummer",), ()),
    "emailadres": (("emailadres",), ()),
}

# Candidate field → the BRP fields that fill it. `geheimhoudingPersoonsgegevens`
# is delivered by the BRP unasked and always travels with the candidate.
KANDIDAAT_VELDEN: Mapping[str, tuple[str, ...]] = {
    "naam.volledigeNaam": ("naam.volledigeNaam",),
    "geboorte.datum": ("geboorte.datum",),
    "adresregel": ("adressering.adresregel1", "adressering.adresregel2"),
}
ALTIJD_BIJ_KANDIDAAT = ("geheimhoudingPersoonsgegevens",)

# BRP Personen 2.x `PersoonBeperkt`, the persoon of every search answer: the
# fields a search can be asked for (the automatic ones are delivered unasked).
PERSOON_BEPERKT: frozenset[str] = frozenset(
    {
        "burgerservicenummer",
        "geboorte",
        "geboorte.datum",
        "geboorte.plaats",
        "geboorte.land",
        "geslacht",
        "leeftijd",
        "naam",
        "naam.voornamen",
        "naam.adellijkeTitelPredicaat",
        "naam.voorvoegsel",
        "naam.geslachtsnaam",
        "naam.voorletters",
        "naam.volledigeNaam",
        "adressering",
        "adressering.adresregel1",
        "adressering.adresregel2",
        "adressering.adresregel3",
        "adressering.land",
    }
)

# The most BSNs one RaadpleegMetBurgerservicenummer takes; a doel's maximum cannot exceed it.
MAX_KANDIDATEN = 20


def brp_fields(
    kandidaat_velden: tuple[str, ...] | frozenset[str], *, alleen_binnenland: bool = False
) -> tuple[str, ...]:
    """The BRP `fields` of a search for these candidate fields, with the key asked back.

    `alleen_binnenland` (a doel that never shows an address abroad): the address's
    `land` too, so an address line abroad can be left out (`PersoonBeperkt` has no
    `adresseringBinnenland`).
    """
    fields = {"burgerservicenummer"}
    for veld in kandidaat_velden:
        fields.update(KANDIDAAT_VELDEN[veld])
    if alleen_binnenland and "adresregel" in kandidaat_velden:
        fields.add("adressering.land")
    return tuple(sorted(fields))


def normalised_phone(text: str) -> str | None:
    """A phone number in E.164 (`+31612345678`), however it was written; None: not one.

    Accepts `+31 6 1234 5678`, `0031-6-12345678`, `+31 (0)6 12345678`, `+31 06 12345678`,
    `06-12345678`,
    `06 1234 5678`, `(010) 123 4567`. A national number (leading 0) is Dutch.
    """
    cleaned = text.strip().replace("(0)", "")
    for separator in " -./()\u00a0":
        cleaned = cleaned.replace(separator, "")
    if cleaned.startswith("+"):
        digits = cleaned[1:]
    elif cleaned.startswith("00"):
        digits = cleaned[2:]
    elif cleaned.startswith("0"):
        digits = "31" + cleaned[1:]
    else:
        return None
    if digits.startswith("310"):
        digits = "31" + digits[3:]  # `+31 06 …`: the trunk 0 written after the country code
    if not digits.isascii() or not digits.isdigit() or not 8 <= len(digits) <= 15:
        return None
    if digits.startswith("31") and len(digits) != 11:
        return None  # a Dutch number has nine digits after the 0
    return "+" + digits


def normalised_email(text: str) -> str:
    return text.strip().casefold()
