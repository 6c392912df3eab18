"""Reading one search request: its query shape and values, checked as the BRP would (400).

The body holds exactly one query shape, recognised by its leading key
(`geslachtsnaam`, `postcode`, `straat`, `telefoonnummer`, `emailadres`). Every value
is checked against the BRP Personen 2.x patterns (lengths, where a wildcard may go)
before anything is sent; every problem is reported at once, by name and rule, never
by value: search values are personal data.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request

from facade.callers import Caller
from facade.problems import InvalidParam, bad_request, forbidden, invalid
from facade.validation import json_object, read_headers
from policies.access import allowed_doelen
from policies.loader import PolicySet
from policies.model import Doel
from vocabulary.zoeken import ZOEKVELDEN, normalised_email, normalised_phone

_LETTERS = "a-zA-Z0-9\u00c0-\u017e"
_GESLACHTSNAAM = re.compile(
    rf"[{_LETTERS} .\-']{{1,200}}|[{_LETTERS} .\-']{{3,199}}\*"
)  # fmt: skip
_VOORNAMEN = re.compile(rf"[{_LETTERS} .\-']{{1,199}}\*?")
_VOORVOEGSEL = re.compile(r"[a-zA-Z ']{1,10}")
_POSTCODE = re.compile(r"[1-9][0-9]{3} ?[A-Za-z]{2}")
_HUISLETTER = re.compile(r"[a-zA-Z]")
_TOEVOEGING = re.compile(r"[a-zA-Z0-9 \-]{1,4}")
_STRAAT = re.compile(
    rf"[{_LETTERS} \-'.]{{1,80}}|[{_LETTERS} \-'.]{{7,79}}\*|\*[{_LETTERS} \-'.]{{7,79}}"
)
_GEMEENTE = re.compile(r"[0-9]{4}")
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}")
_DATUM = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# The key that names each shape.
_ANKERS = {
    "geslachtsnaam": "naam-geboortedatum",
    "postcode": "postcode-huisnummer",
    "straat": "straat-huisnummer-gemeente",
    "telefoonnummer": "telefoonnummer",
    "emailadres": "emailadres",
}

# Per key: the pattern and the rule in words (never the value).
_TEXT_RULES: dict[str, tuple[re.Pattern[str], str]] = {
    "geslachtsnaam": (
        _GESLACHTSNAAM,
        "1 tot 200 letters, spaties, punten, koppeltekens of apostrofs; een * alleen aan "
        "het eind, na ten minste 3 tekens.",
    ),
    "voornamen": (_VOORNAMEN, "1 tot 199 letters, spaties, punten, koppeltekens of apostrofs; "
                  "een * alleen aan het eind."),
    "voorvoegsel": (_VOORVOEGSEL, "1 tot 10 letters, spaties of apostrofs (bijv. 'van den')."),
    "postcode": (_POSTCODE, "Vier cijfers (niet beginnend met 0) en twee letters, bijv. 1234AB."),
    "huisletter": (_HUISLETTER, "Eén letter."),
    "huisnummertoevoeging": (_TOEVOEGING, "1 tot 4 letters, cijfers, spaties of koppeltekens."),
    "straat": (
        _STRAAT,
        "1 tot 80 letters, cijfers, spaties, koppeltekens, punten of apostrofs; een * aan "
        "het begin of eind alleen na ten minste 7 tekens.",
    ),
    "gemeenteVanInschrijving": (_GEMEENTE, "De gemeentecode: vier cijfers, bijv. 0363."),
}  # fmt: skip


@dataclass(frozen=True)
class Zoekvraag:
    """One search: its shape and values (personal data: never in a repr or a log)."""

    vorm: str
    waarden: dict[str, Any] = field(repr=False)
    doel: Doel
    verwerking: str | None
    gebruiker: str | None


def parse_zoekvraag(raw: bytes, request: Request, policies: PolicySet) -> Zoekvraag:
    params: list[InvalidParam] = []
    body = json_object(raw, params)
    vorm, waarden = None, None
    if isinstance(body, dict):
        vorm, waarden = _shape(body, params)
    doel, verwerking, gebruiker = read_headers(request, policies, params)
    if params or vorm is None or waarden is None or doel is None:
        raise bad_request(params)
    return Zoekvraag(vorm, waarden, doel, verwerking, gebruiker)


def _shape(body: dict[str, Any], params: list[InvalidParam]) -> tuple[str | None, dict[str, Any]]:
    ankers = [key for key in _ANKERS if key in body]
    if len(ankers) != 1:
        params.append(
            invalid(
                "body",
                "een-zoekvorm",
                "Geef precies één zoekvorm: geslachtsnaam + geboortedatum, postcode + "
                "huisnummer, straat + huisnummer + gemeenteVanInschrijving, telefoonnummer "
                "of emailadres.",
            )
        )
        return None, {}
    vorm = _ANKERS[ankers[0]]
    required, optional = ZOEKVELDEN[vorm]
    if set(body) - {*required, *optional}:
        # Never the key itself: a caller may have put anything there.
        params.append(
            invalid("body", "onbekend-veld", f"Bij deze zoekvorm horen alleen: "
                    f"{', '.join((*required, *optional))}.")
        )  # fmt: skip
    waarden: dict[str, Any] = {}
    for key in (*required, *optional):
        if key not in body:
            if key in required:
                params.append(invalid(key, "verplicht", "Verplicht bij deze zoekvorm."))
            continue
        value = _value(key, body[key], params)
        if value is not None:
            waarden[key] = value
    return vorm, waarden


def _value(key: str, value: Any, params: list[InvalidParam]) -> Any:
    if key == "huisnummer":
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 99999:
            params.append(invalid(key, "ongeldig", "Een geheel getal van 1 tot en met 99999."))
            return None
        return value
    if not isinstance(value, str):
        params.append(invalid(key, "ongeldig", "Moet een tekst zijn."))
        return None
    if key == "geboortedatum":
        try:
            if not _DATUM.fullmatch(value):
                raise ValueError
            dt.date.fromisoformat(value)
        except ValueError:
            params.append(invalid(key, "ongeldig", "Een volledige datum: JJJJ-MM-DD."))
            return None
        return value
    if key == "telefoonnummer":
        phone = normalised_phone(value) if len(value) <= 30 else None
        if phone is None:
            params.append(
                invalid(key, "ongeldig", "Een telefoonnummer, bijv. 06-12345678 of +31612345678.")
            )
        return phone
    if key == "emailadres":
        if len(value) > 254 or not _EMAIL.fullmatch(value.strip()):
            params.append(invalid(key, "ongeldig", "Een e-mailadres, bijv. naam@example.nl."))
            return None
        return normalised_email(value)
    pattern, rule = _TEXT_RULES[key]
    if not pattern.fullmatch(value):
        params.append(invalid(key, "ongeldig", rule))
        return None
    if key == "postcode":
        return value.replace(" ", "").upper()
    return value


def authorize_zoeken(caller: Caller, vraag: Zoekvraag, policies: PolicySet) -> None:
    """403 unless the caller may use the doel and the doel may search in this shape."""
    doel = vraag.doel
    if doel.id not in allowed_doelen(policies.toegang, caller.scopes, caller.rollen):
        raise forbidden(f"U mag het doel '{doel.id}' niet gebruiken.")
    if doel.zoeken is None or doel.zelfbediening:
        raise forbidden(f"Het doel '{doel.id}' staat zoeken naar personen niet toe.")
    if vraag.vorm not in doel.zoeken.vormen:
        raise forbidden(
            f"Het doel '{doel.id}' staat deze zoekvorm niet toe; wel: "
            f"{', '.join(sorted(doel.zoeken.vormen))}."
        )
