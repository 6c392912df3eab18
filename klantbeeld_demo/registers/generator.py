"""Synthetic persons for benchmarks and load tests: any number of zaken, a few contacts.

Everything is derived from the index, so the same call gives the same person in
every run (no randomness to seed, no flaky benchmarks).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from klantbeeld_demo.registers import builders as b
from klantbeeld_demo.registers.catalogus import (
    BEZWAAR_WOZ,
    MELDING_OPENBARE_RUIMTE,
    PARKEERVERGUNNING,
    WMO_MELDING,
)
from klantbeeld_demo.registers.model import DemoData, Persoon, is_valid_bsn

# Synthetic BSNs come from 999500000 upwards, clear of the fixed demo persons (99999xxxx).
_SYNTHETISCH_VANAF = 999_500_000
_ZAAKTYPEN = (PARKEERVERGUNNING, MELDING_OPENBARE_RUIMTE, BEZWAAR_WOZ, WMO_MELDING)
_VOORNAMEN = ("Anna", "Bram", "Carla", "Dirk", "Eva", "Frank", "Greet", "Hugo", "Iris", "Joost")
_ACHTERNAMEN = ("Bos", "Kramer", "Peters", "Vos", "Dekker", "Brouwer", "Kok", "Prins")
_KANALEN = ("telefoon", "e-mail", "balie")


def synthetic_bsns(start: int = _SYNTHETISCH_VANAF) -> Iterator[str]:
    """Valid test BSNs (11-proef) in the 9995xxxxx range, in ascending order."""
    for nummer in range(start, 1_000_000_000):
        bsn = f"{nummer:09d}"
        if is_valid_bsn(bsn):
            yield bsn


def _nth_bsn(index: int) -> str:
    for i, bsn in enumerate(synthetic_bsns()):
        if i == index:
            return bsn
    raise ValueError(f"geen synthetisch burgerservicenummer voor index {index}")


def generate_person_with_zaken(
    n: int, *, index: int = 0, bsn: str | None = None, contactmomenten: int = 3
) -> Persoon:
    """A person known to every register, with `n` zaken and a few contactmomenten.

    Persons with different `index` get different BSNs and do not share zaken, so
    several can live in one DemoData. Zaken alternate between open and closed and
    start on different dates so ordering and pagination are observable.
    """
    if n < 0:
        raise ValueError("n moet 0 of groter zijn")
    bsn = bsn or _nth_bsn(index)
    naam = b.Naam(_VOORNAMEN[index % len(_VOORNAMEN)], _ACHTERNAMEN[index % len(_ACHTERNAMEN)])
    geslacht = "V" if index % 2 == 0 else "M"
    huisnummer = index % 200 + 1
    verblijf = b.adres("Synthetische Laan", huisnummer, "1998ZZ", "Klaverdam")
    zaken = []
    for i in range(n):
        zaaktype = _ZAAKTYPEN[i % len(_ZAAKTYPEN)]
        start = dt.date(2019, 1, 7) + dt.timedelta(days=(i * 13) % 2400)
        identificatie = f"ZAAK-S{bsn}-{i + 1:05d}"
        zaken.append(
            b.zaak(
                identificatie,
                zaaktype,
                f"{zaaktype.omschrijving} ({i + 1})",
                start.isoformat(),
                [b.rol(identificatie, bsn, naam, "initiator")],
                # Every other zaak is closed; the rest stop somewhere before the end.
                statussen_bereikt=len(zaaktype.statustypen)
                if i % 2
                else 1 + (i // 2) % (len(zaaktype.statustypen) - 1),
            )
        )
    contacten = tuple(
        b.contactmoment(
            f"synthetisch/{bsn}/{i}",
            f"2025-0{1 + i % 9}-1{i % 10}T1{i % 8}:00:00Z",
            _KANALEN[i % len(_KANALEN)],
            f"Synthetisch contact {i + 1} over een lopende vraag.",
            initiatiefnemer="klant" if i % 2 == 0 else "gemeente",
            zaak=zaken[i] if i < len(zaken) else None,
        )
        for i in range(contactmomenten)
    )
    return Persoon(
        bsn=bsn,
        brp=b.brp_persoon(
            bsn, naam, geslacht, f"19{60 + index % 40}-0{1 + index % 9}-15", verblijf
        ),
        zaken=tuple(zaken),
        klant=b.klant(
            bsn,
            naam,
            f"S-{bsn}",
            emailadres=f"synthetisch.{bsn}@example.nl",
            telefoonnummer="0201234567",
        ),
        contactmomenten=contacten,
    )


def build_demo_data(personen: list[Persoon]) -> DemoData:
    """A data set holding exactly these persons (e.g. for a benchmark)."""
    return DemoData(personen)
