"""What one register's connector answers: the view's records plus what the register said.

The records themselves are the view's one model (vocabulary/records.py); the
results here add what the façade needs to report the register in `bronnen`.
"""

from __future__ import annotations

from dataclasses import dataclass

from connectors.errors import UpstreamError
from vocabulary.enums import VERTROUWELIJKHEIDAANDUIDINGEN
from vocabulary.records import (
    Contactmoment,
    Emailadres,
    Klant,
    OpenstaandeVraag,
    Partij,
    Persoon,
    Telefoonnummer,
    Zaak,
    ZaakStatus,
    Zaaktype,
)

__all__ = [
    "VERTROUWELIJKHEIDAANDUIDINGEN",
    "Contactmoment",
    "ContactmomentenResult",
    "Emailadres",
    "Klant",
    "KlantenResult",
    "OpenstaandeVraag",
    "Partij",
    "PartijResult",
    "Persoon",
    "Telefoonnummer",
    "Zaak",
    "ZaakStatus",
    "Zaaktype",
    "ZakenResult",
]


@dataclass
class ZakenResult:
    """A person's zaken from one Zaken register, newest first.

    `afgekapt`: a page cap cut the zaken or rollen list, or the lookup stopped
    before its deadline with what was complete, so zaken may be missing.
    `catalogi_fout`: a Catalogi lookup failed (the first failure; an
    `UpstreamTimeout` when it was a timeout). The zaken are still there, with
    the zaaktype/status fields that needed Catalogi left None: report a
    `catalogi` bron as `fout`/`timeout`, the zaken bron stays `ok`.
    `catalogi_geraadpleegd`: at least one Catalogi lookup was made (a cache hit
    counts). False when no zaak needed one (none found, everything expanded,
    zaaktype and status not asked): report a `catalogi` bron as `niet-gevraagd`.
    """

    zaken: list[Zaak]
    afgekapt: bool = False
    catalogi_fout: UpstreamError | None = None
    catalogi_geraadpleegd: bool = False


@dataclass
class KlantenResult:
    """The person's klanten from one Klanten register."""

    klanten: list[Klant]
    afgekapt: bool = False


@dataclass
class ContactmomentenResult:
    """The contactmomenten of the person's klanten, newest first."""

    contactmomenten: list[Contactmoment]
    afgekapt: bool = False


@dataclass
class PartijResult:
    """The person's partijen from one Klantinteracties register."""

    partijen: list[Partij]
    afgekapt: bool = False
