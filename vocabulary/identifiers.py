"""Whom a klantbeeld is about: the identifier types a source can look a subject up by."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

IdentifierType = Literal["burgerservicenummer", "kvkNummer"]

BURGERSERVICENUMMER: IdentifierType = "burgerservicenummer"
KVK_NUMMER: IdentifierType = "kvkNummer"


@dataclass(frozen=True)
class Subject:
    """The data subject of one processing.

    The value is personal data (a BSN; the KvK number of an eenmanszaak names a
    person too): it is left out of `repr`, so it cannot reach a log line or an
    exception message by accident. `vestigingsnummer` narrows an ondernemer to
    one of its branches; the data subject stays the business (its kvkNummer).
    """

    type: IdentifierType
    value: str = field(repr=False)
    vestigingsnummer: str | None = field(default=None, repr=False)

    @property
    def is_ondernemer(self) -> bool:
        return self.type == KVK_NUMMER
