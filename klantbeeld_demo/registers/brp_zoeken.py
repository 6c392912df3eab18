"""The BRP Personen 2.x search types of the simulated BRP (`brp-personen-2.x.yaml`).

Each `ZoekMet…` type: its required and optional parameters, validated with the
spec's patterns (all problems in one 400 `paramsValidation`, as the real API);
text is matched case-insensitively, a `*` wildcard only where the spec allows it.
Deceased persons are left out unless `inclusiefOverledenPersonen` is true. A search
answers with `PersoonBeperkt`: only its fields may be asked.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

_L = "a-zA-Z0-9\u00c0-\u017e"
GESLACHTSNAAM = re.compile(rf"^[{_L} \.\-\']{{1,200}}$|^[{_L} \.\-\']{{3,199}}\*{{1}}$")
VOORNAMEN_OPTIONEEL = re.compile(rf"^[{_L} \.\-\']{{1,199}}\*{{0,1}}$")
VOORNAMEN_VERPLICHT = GESLACHTSNAAM
VOORVOEGSEL = re.compile(r"^[a-zA-Z \']{1,10}$")
GESLACHT = re.compile(r"^([Mm]|[Vv]|[Oo])$")
POSTCODE = re.compile(r"^[1-9]{1}[0-9]{3}[ ]?[A-Za-z]{2}$")
HUISLETTER = re.compile(r"^[a-zA-Z]{1}$")
TOEVOEGING = re.compile(r"^[a-zA-Z0-9 \-]{1,4}$")
STRAAT = re.compile(
    rf"^[{_L} \-\'\.]{{1,80}}$|^[{_L} \-\'\.]{{7,79}}\*{{1}}$|^\*{{1}}[{_L} \-\'\.]{{7,79}}$"
)
GEMEENTE = re.compile(r"^[0-9]{4}$")
BAG_ID = re.compile(r"^(?!0{16})[0-9]{16}$")

# Parameter → its kind: a pattern, "date", "integer" or "boolean".
Spec = re.Pattern[str] | str
_COMMON: dict[str, Spec] = {
    "inclusiefOverledenPersonen": "boolean",
    "gemeenteVanInschrijving": GEMEENTE,
}
SEARCH_TYPES: Mapping[str, tuple[tuple[str, ...], dict[str, Spec]]] = {
    "ZoekMetGeslachtsnaamEnGeboortedatum": (
        ("geslachtsnaam", "geboortedatum"),
        {"geslachtsnaam": GESLACHTSNAAM, "geboortedatum": "date", "geslacht": GESLACHT,
         "voorvoegsel": VOORVOEGSEL, "voornamen": VOORNAMEN_OPTIONEEL},
    ),
    "ZoekMetNaamEnGemeenteVanInschrijving": (
        ("geslachtsnaam", "voornamen", "gemeenteVanInschrijving"),
        {"geslachtsnaam": GESLACHTSNAAM, "voornamen": VOORNAMEN_VERPLICHT, "geslacht": GESLACHT,
         "voorvoegsel": VOORVOEGSEL},
    ),
    "ZoekMetPostcodeEnHuisnummer": (
        ("postcode", "huisnummer"),
        {"postcode": POSTCODE, "huisnummer": "integer", "huisletter": HUISLETTER,
         "huisnummertoevoeging": TOEVOEGING, "geboortedatum": "date",
         "geslachtsnaam": GESLACHTSNAAM},
    ),
    "ZoekMetStraatHuisnummerEnGemeenteVanInschrijving": (
        ("straat", "huisnummer", "gemeenteVanInschrijving"),
        {"straat": STRAAT, "huisnummer": "integer", "huisletter": HUISLETTER,
         "huisnummertoevoeging": TOEVOEGING},
    ),
    "ZoekMetNummeraanduidingIdentificatie": (
        ("nummeraanduidingIdentificatie",), {"nummeraanduidingIdentificatie": BAG_ID}
    ),
    "ZoekMetAdresseerbaarObjectIdentificatie": (
        ("adresseerbaarObjectIdentificatie",), {"adresseerbaarObjectIdentificatie": BAG_ID}
    ),
}  # fmt: skip

# PersoonBeperkt: the top-level fields of a search answer (the automatic ones included).
PERSOON_BEPERKT = frozenset(
    {
        "burgerservicenummer",
        "geboorte",
        "geheimhoudingPersoonsgegevens",
        "geslacht",
        "inOnderzoek",
        "leeftijd",
        "naam",
        "opschortingBijhouding",
        "adressering",
        "rni",
        "verificatie",
    }
)
_NAAM_BEPERKT = frozenset(
    {"voornamen", "adellijkeTitelPredicaat", "voorvoegsel", "geslachtsnaam", "voorletters",
     "volledigeNaam"}
)  # fmt: skip
_ADRESSERING_BEPERKT = frozenset({"adresregel1", "adresregel2", "adresregel3", "land"})

Param = dict[str, str]


def _param(name: str, code: str, reason: str) -> Param:
    return {"name": name, "code": code, "reason": reason}


def parameter_problems(zoektype: str, body: Mapping[str, Any]) -> list[Param]:
    """The parameters of one search type, as the spec declares them (not `fields`)."""
    required, specs = SEARCH_TYPES[zoektype]
    specs = {**_COMMON, **specs}
    problems = [
        _param(k, "unknownParam", "Parameter is niet verwacht.")
        for k in body
        if k not in specs and k not in ("type", "fields")
    ]
    for name in required:
        if name not in body:
            problems.append(_param(name, "required", "Parameter is verplicht."))
    for name, spec in specs.items():
        if name in body:
            problem = _value_problem(name, body[name], spec)
            if problem:
                problems.append(problem)
    return problems


def _value_problem(name: str, value: Any, spec: Spec) -> Param | None:
    if spec == "boolean":
        return (
            None if isinstance(value, bool) else _param(name, "boolean", "Waarde is geen boolean.")
        )
    if spec == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            return _param(name, "integer", "Waarde is geen geldig getal.")
        if value < 1:
            return _param(name, "minimum", "Waarde is lager dan minimum 1.")
        if value > 99999:
            return _param(name, "maximum", "Waarde is hoger dan maximum 99999.")
        return None
    if not isinstance(value, str):
        return _param(name, "string", "Waarde is geen string.")
    if spec == "date":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return _param(name, "date", "Waarde is geen geldige datum.")
        return None if len(value) == 10 else _param(name, "date", "Waarde is geen geldige datum.")
    assert isinstance(spec, re.Pattern)
    if not spec.match(value) or "\n" in value:
        return _param(name, "pattern", f"Waarde voldoet niet aan patroon {spec.pattern}.")
    return None


def field_allowed(path: str) -> bool:
    """Whether a `fields` path lies inside PersoonBeperkt."""
    head, _, rest = path.partition(".")
    if head not in PERSOON_BEPERKT:
        return False
    if head == "naam" and rest:
        return rest.split(".")[0] in _NAAM_BEPERKT
    if head == "adressering" and rest:
        return rest.split(".")[0] in _ADRESSERING_BEPERKT
    return True


def _text(pattern: str) -> Callable[[Any], bool]:
    """A case-insensitive matcher; `*` at the end or start is the spec's wildcard."""
    wanted = pattern.casefold()

    def matches(value: Any) -> bool:
        if not isinstance(value, str):
            return False
        have = value.casefold()
        if wanted.endswith("*"):
            return have.startswith(wanted[:-1])
        if wanted.startswith("*"):
            return have.endswith(wanted[1:])
        return have == wanted

    return matches


def _adres(record: Mapping[str, Any]) -> Mapping[str, Any]:
    verblijfplaats = record.get("verblijfplaats") or {}
    if verblijfplaats.get("type") != "Adres":
        return {}
    return verblijfplaats.get("verblijfadres") or {}


def _criteria(body: Mapping[str, Any]) -> list[Callable[[Mapping[str, Any]], bool]]:
    tests: list[Callable[[Mapping[str, Any]], bool]] = []
    naam = lambda r: r.get("naam") or {}  # noqa: E731
    if "geslachtsnaam" in body:
        same = _text(body["geslachtsnaam"])
        tests.append(lambda r: same(naam(r).get("geslachtsnaam")))
    if "voornamen" in body:
        same_voornamen = _text(body["voornamen"])
        tests.append(lambda r: same_voornamen(naam(r).get("voornamen")))
    if "voorvoegsel" in body:
        same_voorvoegsel = _text(body["voorvoegsel"])
        tests.append(lambda r: same_voorvoegsel(naam(r).get("voorvoegsel")))
    if "geslacht" in body:
        code = body["geslacht"].upper()
        tests.append(lambda r: (r.get("geslacht") or {}).get("code") == code)
    if "geboortedatum" in body:
        datum = body["geboortedatum"]
        tests.append(lambda r: ((r.get("geboorte") or {}).get("datum") or {}).get("datum") == datum)
    if "gemeenteVanInschrijving" in body:
        gemeente = body["gemeenteVanInschrijving"]
        tests.append(lambda r: (r.get("gemeenteVanInschrijving") or {}).get("code") == gemeente)
    if "postcode" in body:
        postcode = body["postcode"].replace(" ", "").upper()
        tests.append(lambda r: str(_adres(r).get("postcode", "")).upper() == postcode)
    if "huisnummer" in body:
        nummer = body["huisnummer"]
        tests.append(lambda r: _adres(r).get("huisnummer") == nummer)
    if "huisletter" in body:
        same_letter = _text(body["huisletter"])
        tests.append(lambda r: same_letter(_adres(r).get("huisletter")))
    if "huisnummertoevoeging" in body:
        same_toevoeging = _text(body["huisnummertoevoeging"])
        tests.append(lambda r: same_toevoeging(_adres(r).get("huisnummertoevoeging")))
    if "straat" in body:
        same_straat = _text(body["straat"])
        tests.append(
            lambda r: (
                same_straat(_adres(r).get("officieleStraatnaam"))
                or same_straat(_adres(r).get("korteStraatnaam"))
            )
        )
    for key in ("nummeraanduidingIdentificatie", "adresseerbaarObjectIdentificatie"):
        if key in body:
            wanted = body[key]
            tests.append(
                lambda r, key=key, wanted=wanted: (r.get("verblijfplaats") or {}).get(key) == wanted
            )
    return tests


def search(
    records: Iterable[Mapping[str, Any]], body: Mapping[str, Any]
) -> list[Mapping[str, Any]]:
    """The BRP records the search finds, in the data's order."""
    tests = _criteria(body)
    levend = not body.get("inclusiefOverledenPersonen", False)
    return [
        record
        for record in records
        if all(test(record) for test in tests) and not (levend and "overlijden" in record)
    ]


def beperkt(persoon: Mapping[str, Any]) -> dict[str, Any]:
    """A projected persoon cut to PersoonBeperkt (a search never shows more)."""
    return {k: v for k, v in persoon.items() if k in PERSOON_BEPERKT}
