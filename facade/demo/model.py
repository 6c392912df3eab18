"""The data model behind the simulated registers.

One table of persons; each person carries what every register knows about them.
Registers never store URLs: a record holds UUIDs and the register renders absolute
URLs per request, so one data set serves any host, port or mount point.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

# Stable UUIDs: the same name yields the same UUID in every run, so tests and
# contract tests can hard-code URLs.
_NAMESPACE = uuid.UUID("6f1c2b7e-5d0a-4c1e-9a47-3b2d8e6f9c10")

VERTROUWELIJKHEIDAANDUIDINGEN: tuple[str, ...] = (
    "openbaar",
    "beperkt_openbaar",
    "intern",
    "zaakvertrouwelijk",
    "vertrouwelijk",
    "confidentieel",
    "geheim",
    "zeer_geheim",
)


def stable_uuid(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


def is_valid_bsn(bsn: str) -> bool:
    """The 11-proef: d1*9 + d2*8 + ... + d8*2 - d9*1 must be divisible by 11."""
    if len(bsn) != 9 or not bsn.isdigit():
        return False
    digits = [int(c) for c in bsn]
    total = sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - digits[8]
    return total % 11 == 0


@dataclass(frozen=True)
class Rol:
    """A natural person's role in a zaak; `/zaken` filters match per rol."""

    uuid: str
    bsn: str
    omschrijving_generiek: str  # initiator, belanghebbende, ...
    geslachtsnaam: str = ""
    voorvoegsel_geslachtsnaam: str = ""
    voornamen: str = ""
    voorletters: str = ""


@dataclass(frozen=True)
class Status:
    uuid: str
    statustype_uuid: str
    datum_status_gezet: str  # ISO 8601 date-time, UTC
    statustoelichting: str = ""


@dataclass(frozen=True)
class Zaak:
    uuid: str
    identificatie: str
    omschrijving: str
    zaaktype_uuid: str
    registratiedatum: str
    startdatum: str
    vertrouwelijkheidaanduiding: str
    rollen: tuple[Rol, ...]
    # Oldest first; the last one is the zaak's current status. Empty: no status yet.
    statussen: tuple[Status, ...] = ()
    einddatum: str | None = None
    einddatum_gepland: str | None = None
    uiterlijke_einddatum_afdoening: str | None = None
    toelichting: str = ""

    @property
    def status(self) -> Status | None:
        return self.statussen[-1] if self.statussen else None


@dataclass(frozen=True)
class Klant:
    uuid: str
    klantnummer: str
    voornaam: str
    voorvoegsel_achternaam: str
    achternaam: str
    emailadres: str = ""
    telefoonnummer: str = ""
    adres: Mapping[str, Any] | None = None  # KlantAdres, as the API spells it
    aanmaakkanaal: str = "website"
    geverifieerd: bool = False
    geslachtsaanduiding: str = ""
    geboortedatum: str | None = None


@dataclass(frozen=True)
class Contactmoment:
    uuid: str
    registratiedatum: str  # ISO 8601 date-time, UTC
    kanaal: str
    tekst: str
    initiatiefnemer: str  # gemeente | klant
    medewerker_identificatie: Mapping[str, str] = field(default_factory=dict)
    voorkeurskanaal: str = ""
    voorkeurstaal: str = "nld"
    klant_rol: str = "belanghebbende"  # rol in the klantcontactmoment
    zaak_uuid: str | None = None  # linked through an objectcontactmoment


@dataclass(frozen=True)
class Persoon:
    """Everything the registers know about one BSN.

    `brp` is the full BRP Persoon (API shape, without `leeftijd`, which is computed
    per request); None means the BRP does not know the person.
    """

    bsn: str
    brp: Mapping[str, Any] | None = None
    zaken: tuple[Zaak, ...] = ()
    klant: Klant | None = None
    contactmomenten: tuple[Contactmoment, ...] = ()


class DemoData:
    """Indexed, read-only view over a list of persons, as the registers query it."""

    def __init__(self, personen: Iterable[Persoon]) -> None:
        self.personen: tuple[Persoon, ...] = tuple(personen)
        by_bsn: dict[str, Persoon] = {}
        zaken: dict[str, Zaak] = {}
        klanten: dict[str, tuple[Klant, Persoon]] = {}
        contactmomenten: dict[str, tuple[Contactmoment, Klant | None]] = {}
        for persoon in self.personen:
            if persoon.bsn in by_bsn:
                raise ValueError(f"dubbel burgerservicenummer in demodata: {persoon.bsn}")
            by_bsn[persoon.bsn] = persoon
            # A zaak with several persons in it may be listed by each of them.
            for zaak in persoon.zaken:
                zaken.setdefault(zaak.uuid, zaak)
            if persoon.klant is not None:
                klanten[persoon.klant.uuid] = (persoon.klant, persoon)
            for contactmoment in persoon.contactmomenten:
                contactmomenten[contactmoment.uuid] = (contactmoment, persoon.klant)
        self.by_bsn: Mapping[str, Persoon] = MappingProxyType(by_bsn)
        self.zaken: Mapping[str, Zaak] = MappingProxyType(zaken)
        self.klanten: Mapping[str, tuple[Klant, Persoon]] = MappingProxyType(klanten)
        self.contactmomenten: Mapping[str, tuple[Contactmoment, Klant | None]] = MappingProxyType(
            contactmomenten
        )
        self.statussen: Mapping[str, tuple[Status, Zaak]] = MappingProxyType(
            {s.uuid: (s, z) for z in zaken.values() for s in z.statussen}
        )
        self.rollen: Mapping[str, tuple[Rol, Zaak]] = MappingProxyType(
            {r.uuid: (r, z) for z in zaken.values() for r in z.rollen}
        )

    def __len__(self) -> int:
        return len(self.personen)

    def with_personen(self, extra: Iterable[Persoon]) -> DemoData:
        """A new data set: these persons plus `extra` (e.g. synthetic ones)."""
        return DemoData([*self.personen, *extra])
