"""The query of GET /api/v1/mijn-verwerkingen: the period and the page, validated.

Dates are Amsterdam calendar days, both ends inclusive; without them the period is
the last 12 months up to today (the app's injectable clock).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from starlette.datastructures import QueryParams

from facade.problems import InvalidParam, bad_request, invalid

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_PAGE = 1000
# Named here so that a subject parameter is never rejected as unknown before it is compared.
SUBJECT_PARAMETERS = ("burgerservicenummer", "kvkNummer")
KNOWN = frozenset({"vanaf", "tot", "pagina", "paginaGrootte", *SUBJECT_PARAMETERS})


@dataclass(frozen=True)
class InzageVraag:
    vanaf: date
    tot: date
    pagina: int
    pagina_grootte: int


def parse_inzage(query: QueryParams, today: date) -> InzageVraag:
    """The period and page, or a 400 naming every bad parameter."""
    params: list[InvalidParam] = []
    for name in sorted(set(query) - KNOWN):
        params.append(invalid(name, "onbekend", "Deze parameter bestaat niet."))
    for name in KNOWN & set(query):
        if len(query.getlist(name)) > 1:
            params.append(invalid(name, "meervoudig", "Geef deze parameter hoogstens één keer."))
    tot = _date(query, "tot", params) or today
    vanaf = _date(query, "vanaf", params) or _a_year_before(tot)
    if vanaf > tot and not params:
        params.append(invalid("vanaf", "na-tot", "vanaf ligt na tot (zonder tot: na vandaag)."))
    pagina = _number(query, "pagina", 1, 1, MAX_PAGE, params)
    grootte = _number(query, "paginaGrootte", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE, params)
    if params:
        raise bad_request(params)
    return InzageVraag(vanaf=vanaf, tot=tot, pagina=pagina, pagina_grootte=grootte)


def _date(query: QueryParams, name: str, params: list[InvalidParam]) -> date | None:
    text = query.get(name)
    if text is None:
        return None
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        params.append(invalid(name, "ongeldige-datum", "Een datum als JJJJ-MM-DD."))
        return None


def _number(
    query: QueryParams, name: str, default: int, low: int, high: int, params: list[InvalidParam]
) -> int:
    text = query.get(name)
    if text is None:
        return default
    if not (text.isascii() and text.isdigit() and low <= int(text) <= high):
        reason = f"Een geheel getal van {low} tot en met {high}."
        params.append(invalid(name, "buiten-bereik", reason))
        return default
    return int(text)


def _a_year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)
