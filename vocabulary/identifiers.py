"""Whom a klantbeeld is about: the identifier types a source can look a subject up by."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

IdentifierType = Literal["burgerservicenummer"]

BURGERSERVICENUMMER: IdentifierType = "burgerservicenummer"


@dataclass(frozen=True)
class Subject:
    """The data subject of one processing.

    The value is personal data: it is left out of `repr`, so it cannot reach a
    log line or an exception message by accident.
    """

    type: IdentifierType
    value: str = field(repr=False)
