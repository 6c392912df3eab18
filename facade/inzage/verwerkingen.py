"""From the logboek's records to the resident's list: one entry per processing, in words.

The doel is found from the record's verwerkingsactiviteit through the current policies
(the loader allows one doel per activity); a record whose activity no doel names any
more keeps the name it was written with (`verwerkingNaam`) and has no omschrijving.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from facade.clock import AMSTERDAM
from facade.protocollering.verwerkingenlogging import TOESTEMMING_ACTIE_NAAM
from policies.loader import PolicySet, activity_key
from policies.model import Doel


def verwerkingen(
    records: Iterable[Mapping[str, Any]], policies: PolicySet, vanaf: date, tot: date
) -> list[dict[str, Any]]:
    """The processings of the period (Amsterdam dates, both inclusive), newest first."""
    by_activity = {activity_key(d.verwerkingsactiviteit): d for d in policies.doelen.values()}
    seen: set[str] = set()
    found: list[tuple[datetime, dict[str, Any]]] = []
    for record in records:
        actie = record.get("verwerkingsactie")
        if not isinstance(actie, Mapping):
            continue
        moment = _moment(actie.get("tijdstip"))
        if moment is None or not vanaf <= moment.astimezone(AMSTERDAM).date() <= tot:
            continue
        # One processing, however many of its objects name this person (or keys found it).
        key = str(actie.get("actieId") or actie.get("url") or id(actie))
        if key in seen:
            continue
        seen.add(key)
        found.append((moment, _entry(actie, record, _doel(actie, by_activity))))
    found.sort(key=lambda item: item[0], reverse=True)
    return [entry for _, entry in found]


def _entry(
    actie: Mapping[str, Any], record: Mapping[str, Any], doel: Doel | None
) -> dict[str, Any]:
    soorten = record.get("verwerkteSoortenGegevens")
    categorieen = [
        s["soortGegeven"]
        for s in (soorten if isinstance(soorten, list) else [])
        if isinstance(s, Mapping) and isinstance(s.get("soortGegeven"), str)
    ]
    naam = actie.get("verwerkingNaam")
    afnemer = actie.get("handelingNaam")
    return {
        "tijdstip": actie["tijdstip"],
        "doel": {
            "naam": doel.naam if doel else (naam if isinstance(naam, str) else None),
            "omschrijving": doel.omschrijving if doel else None,
        },
        "afnemer": afnemer if isinstance(afnemer, str) and afnemer else None,
        "categorieen": categorieen,
        "grondslag": _grondslag(actie, doel),
    }


def _grondslag(actie: Mapping[str, Any], doel: Doel | None) -> str | None:
    """The doel's grondslag, and the person's consent where one widened the view."""
    if doel is None:
        return None
    if actie.get("actieNaam") == TOESTEMMING_ACTIE_NAAM:
        return f"{doel.grondslag}; en uw toestemming"
    return doel.grondslag


def _doel(actie: Mapping[str, Any], by_activity: Mapping[str, Doel]) -> Doel | None:
    for field in ("verwerkingsactiviteitId", "verwerkingsactiviteitUrl"):
        value = actie.get(field)
        if isinstance(value, str) and value:
            doel = by_activity.get(activity_key(value))
            if doel is not None:
                return doel
    return None


def _moment(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=AMSTERDAM)
