"""The demo's calendar: its data is written as seen on one day and moves with today.

Every date and date-time in the demo persons is authored as it looks on
`AUTHORED_ON`. At start the whole data set moves by (today − AUTHORED_ON) days, so
a zaak closed "three weeks ago" stays three weeks ago, a contact of last month
stays inside `periodeDagen`, and a child stays a child, whatever the machine's
calendar says. The move is deterministic: the same today gives the same data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from klantbeeld_demo.registers import builders
from klantbeeld_demo.registers.model import DemoData

AUTHORED_ON = dt.date(2025, 7, 15)

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_TIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)"
)


def as_of(data: DemoData, today: dt.date) -> DemoData:
    """`data` (authored on AUTHORED_ON) as it looks on `today`."""
    days = (today - AUTHORED_ON).days
    if days == 0:
        return data
    return DemoData(
        (_moved(persoon, days) for persoon in data.personen),
        (_moved(zaak, days) for zaak in data.ondernemers_zaken),
        (_moved(houder, days) for houder in data.ondernemers),
    )


def moved_date(iso: str, days: int) -> str:
    return (dt.date.fromisoformat(iso) + dt.timedelta(days=days)).isoformat()


def _moved(value: Any, days: int) -> Any:
    if isinstance(value, str):
        return _moved_text(value, days)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _moved(getattr(value, f.name), days) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    if isinstance(value, Mapping):
        if value.get("type") == "Datum" and isinstance(value.get("datum"), str):
            return builders.datum(moved_date(value["datum"], days))  # langFormaat follows
        moved = {key: _moved(item, days) for key, item in value.items()}
        return MappingProxyType(moved) if isinstance(value, MappingProxyType) else moved
    if isinstance(value, tuple | list):
        return type(value)(_moved(item, days) for item in value)
    return value


def _moved_text(text: str, days: int) -> str:
    if _DATE.fullmatch(text):
        return moved_date(text, days)
    match = _DATE_TIME.fullmatch(text)
    if match:
        return moved_date(match[1], days) + match[2]
    return text
