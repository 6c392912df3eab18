"""The demo's ondernemers: what the simulated KvK Handelsregister knows about them.

One eenmanszaak (its owner a natural person: the KvK number is personal data,
its bezoekadres at home shielded, `indAfgeschermd`) and one BV with two
vestigingen. The numbers are fictitious; the BV's RSIN passes the 11-proef like
every RSIN (and like a BSN: the BSN guards must not fire on it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

EENMANSZAAK_KVK = "69599084"
EENMANSZAAK_VESTIGING = "000038509504"
BV_KVK = "68750110"
BV_RSIN = "857587973"
BV_HOOFDVESTIGING = "000037178598"
BV_NEVENVESTIGING = "000037178601"


@dataclass(frozen=True)
class DemoVestiging:
    vestigingsnummer: str
    eerste_handelsnaam: str
    hoofdvestiging: bool
    werkzame_personen: int
    adressen: tuple[dict[str, Any], ...]
    sbi: tuple[tuple[str, str], ...]
    websites: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoOnderneming:
    kvk_nummer: str
    naam: str
    rechtsvorm: str
    uitgebreide_rechtsvorm: str
    registratiedatum: str  # yyyymmdd, as the KvK writes it
    handelsnamen: tuple[str, ...]
    sbi: tuple[tuple[str, str], ...]
    vestigingen: tuple[DemoVestiging, ...]
    rsin: str | None = None
    statutaire_naam: str | None = None
    websites: tuple[str, ...] = field(default=())

    @property
    def werkzame_personen(self) -> int:
        return sum(v.werkzame_personen for v in self.vestigingen)


def _adres(
    soort: str, straat: str, nr: int, postcode: str, plaats: str, *, afgeschermd: bool = False
) -> dict[str, Any]:
    return {
        "type": soort,
        "indAfgeschermd": "Ja" if afgeschermd else "Nee",
        "volledigAdres": f"{straat} {nr} {postcode} {plaats}",
        "straatnaam": straat,
        "huisnummer": nr,
        "postcode": postcode,
        "plaats": plaats,
        "land": "Nederland",
    }


ONDERNEMINGEN: tuple[DemoOnderneming, ...] = (
    DemoOnderneming(
        kvk_nummer=EENMANSZAAK_KVK,
        naam="Bakkerij De Korenbloem",
        rechtsvorm="Eenmanszaak",
        uitgebreide_rechtsvorm="Eenmanszaak",
        registratiedatum="20150401",
        handelsnamen=("Bakkerij De Korenbloem", "De Korenbloem Taart & Brood"),
        sbi=(("1071", "Vervaardiging van brood en banket"),),
        vestigingen=(
            DemoVestiging(
                EENMANSZAAK_VESTIGING,
                "Bakkerij De Korenbloem",
                True,
                3,
                (
                    # The baker works from home: that address is shielded.
                    _adres(
                        "bezoekadres", "Lindelaan", 12, "1234AB", "Voorbeeldstad", afgeschermd=True
                    ),
                    _adres("correspondentieadres", "Marktplein", 3, "1234CD", "Voorbeeldstad"),
                ),
                (("1071", "Vervaardiging van brood en banket"),),
            ),
        ),
    ),
    DemoOnderneming(
        kvk_nummer=BV_KVK,
        naam="Voorbeeld Bouw B.V.",
        rechtsvorm="BeslotenVennootschap",
        uitgebreide_rechtsvorm="Besloten Vennootschap",
        registratiedatum="20090915",
        handelsnamen=("Voorbeeld Bouw", "Voorbeeld Renovatie"),
        sbi=(
            ("4120", "Algemene burgerlijke en utiliteitsbouw"),
            ("4332", "Bouwtimmeren"),
        ),
        rsin=BV_RSIN,
        statutaire_naam="Voorbeeld Bouw B.V.",
        websites=("www.voorbeeldbouw.example",),
        vestigingen=(
            DemoVestiging(
                BV_HOOFDVESTIGING,
                "Voorbeeld Bouw",
                True,
                24,
                (
                    _adres("bezoekadres", "Industrieweg", 40, "1235EF", "Voorbeeldstad"),
                    _adres("correspondentieadres", "Industrieweg", 40, "1235EF", "Voorbeeldstad"),
                ),
                (("4120", "Algemene burgerlijke en utiliteitsbouw"),),
                ("www.voorbeeldbouw.example",),
            ),
            DemoVestiging(
                BV_NEVENVESTIGING,
                "Voorbeeld Renovatie",
                False,
                7,
                (_adres("bezoekadres", "Havenkade", 5, "1236GH", "Voorbeeldstad"),),
                (("4332", "Bouwtimmeren"),),
            ),
        ),
    ),
)


def onderneming(kvk_nummer: str) -> DemoOnderneming | None:
    return next((o for o in ONDERNEMINGEN if o.kvk_nummer == kvk_nummer), None)


def vestiging(vestigingsnummer: str) -> tuple[DemoOnderneming, DemoVestiging] | None:
    for o in ONDERNEMINGEN:
        for v in o.vestigingen:
            if v.vestigingsnummer == vestigingsnummer:
                return o, v
    return None
