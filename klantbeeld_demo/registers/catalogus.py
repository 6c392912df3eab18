"""The fictional zaaktypecatalogus that every zaak of the first zaaksysteem refers to.

Fixed (not part of DemoData): zaaktypen are configuration of a municipality, the
same for every person, and policies name them by identificatie. The second
zaaksysteem has a catalogus of its own (catalogus_zaaksysteem2.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from klantbeeld_demo.registers.model import stable_uuid

CATALOGUS_UUID = stable_uuid("catalogus", "demo")
BEGIN_GELDIGHEID = "2020-01-01"


@dataclass(frozen=True)
class Statustype:
    uuid: str
    zaaktype_uuid: str
    zaaktype_identificatie: str
    volgnummer: int
    omschrijving: str
    statustekst: str
    is_eindstatus: bool


@dataclass(frozen=True)
class Roltype:
    uuid: str
    zaaktype_uuid: str
    zaaktype_identificatie: str
    omschrijving: str
    omschrijving_generiek: str


@dataclass(frozen=True)
class Zaaktype:
    uuid: str
    identificatie: str
    omschrijving: str
    vertrouwelijkheidaanduiding: str
    doel: str
    doorlooptijd: str
    statustypen: tuple[Statustype, ...]
    roltypen: tuple[Roltype, ...]

    def statustype(self, volgnummer: int) -> Statustype:
        return next(s for s in self.statustypen if s.volgnummer == volgnummer)

    def roltype(self, omschrijving_generiek: str) -> Roltype:
        return next(r for r in self.roltypen if r.omschrijving_generiek == omschrijving_generiek)


@dataclass(frozen=True)
class Catalogus:
    """One Catalogi API's content: its zaaktypen and everything they own."""

    uuid: str
    verantwoordelijke: str
    zaaktypen: Mapping[str, Zaaktype]
    statustypen: Mapping[str, Statustype]
    roltypen: Mapping[str, Roltype]

    @classmethod
    def of(cls, uuid: str, verantwoordelijke: str, zaaktypen: Iterable[Zaaktype]) -> Catalogus:
        by_uuid = {z.uuid: z for z in zaaktypen}
        return cls(
            uuid=uuid,
            verantwoordelijke=verantwoordelijke,
            zaaktypen=MappingProxyType(by_uuid),
            statustypen=MappingProxyType(
                {s.uuid: s for z in by_uuid.values() for s in z.statustypen}
            ),
            roltypen=MappingProxyType({r.uuid: r for z in by_uuid.values() for r in z.roltypen}),
        )


_ROLLEN = (("Aanvrager", "initiator"), ("Belanghebbende", "belanghebbende"))


def maak_zaaktype(
    identificatie: str,
    omschrijving: str,
    vertrouwelijkheidaanduiding: str,
    doel: str,
    doorlooptijd: str,
    statussen: tuple[tuple[str, str], ...],
    *,
    systeem: str = "",
) -> Zaaktype:
    """A zaaktype with its statustypen and the roltypen initiator and belanghebbende.

    `systeem` keeps uuids apart when another catalogus has a zaaktype with the
    same identificatie (a migrated zaaktype keeps its identificatie).
    """

    def key(*parts: str) -> str:
        return stable_uuid(systeem, *parts) if systeem else stable_uuid(*parts)

    uuid = key("zaaktype", identificatie)
    laatste = len(statussen)
    return Zaaktype(
        uuid=uuid,
        identificatie=identificatie,
        omschrijving=omschrijving,
        vertrouwelijkheidaanduiding=vertrouwelijkheidaanduiding,
        doel=doel,
        doorlooptijd=doorlooptijd,
        statustypen=tuple(
            Statustype(
                uuid=key("statustype", identificatie, str(nr)),
                zaaktype_uuid=uuid,
                zaaktype_identificatie=identificatie,
                volgnummer=nr,
                omschrijving=naam,
                statustekst=tekst,
                is_eindstatus=nr == laatste,
            )
            for nr, (naam, tekst) in enumerate(statussen, start=1)
        ),
        roltypen=tuple(
            Roltype(
                uuid=key("roltype", identificatie, generiek),
                zaaktype_uuid=uuid,
                zaaktype_identificatie=identificatie,
                omschrijving=naam,
                omschrijving_generiek=generiek,
            )
            for naam, generiek in _ROLLEN
        ),
    )


PARKEERVERGUNNING = maak_zaaktype(
    "ZT-PARKEERVERGUNNING",
    "Parkeervergunning bewoners",
    "openbaar",
    "Een bewoner een parkeervergunning verlenen.",
    "P8W",
    (
        ("Ontvangen", "Uw aanvraag is ontvangen."),
        ("In behandeling", "Uw aanvraag wordt beoordeeld."),
        ("Afgehandeld", "Uw aanvraag is afgehandeld."),
    ),
)
WMO_MELDING = maak_zaaktype(
    "ZT-WMO-MELDING",
    "Melding Wmo-ondersteuning",
    "vertrouwelijk",
    "Onderzoeken welke ondersteuning een inwoner nodig heeft.",
    "P6W",
    (
        ("Melding ontvangen", "Wij hebben uw melding ontvangen."),
        ("Keukentafelgesprek gepland", "Wij komen graag met u in gesprek."),
        ("Onderzoek afgerond", "Het onderzoek is afgerond."),
        ("Besluit genomen", "Er is een besluit genomen over uw melding."),
    ),
)
BEZWAAR_WOZ = maak_zaaktype(
    "ZT-BEZWAAR-WOZ",
    "Bezwaar WOZ-beschikking",
    "zaakvertrouwelijk",
    "Een bezwaar tegen de WOZ-waarde behandelen.",
    "P12W",
    (
        ("Bezwaar ontvangen", "Uw bezwaar is ontvangen."),
        ("Taxatie heroverwogen", "De taxateur bekijkt de waarde opnieuw."),
        ("Uitspraak gedaan", "Er is uitspraak gedaan op uw bezwaar."),
    ),
)
MELDING_OPENBARE_RUIMTE = maak_zaaktype(
    "ZT-MOR",
    "Melding openbare ruimte",
    "openbaar",
    "Een melding over de openbare ruimte afhandelen.",
    "P2W",
    (
        ("Gemeld", "Uw melding is geregistreerd."),
        ("Opgelost", "De melding is opgelost."),
    ),
)
OMGEVINGSVERGUNNING = maak_zaaktype(
    "ZT-OMGEVINGSVERGUNNING",
    "Omgevingsvergunning bouwen",
    "beperkt_openbaar",
    "Een aanvraag omgevingsvergunning voor bouwen behandelen.",
    "P8W",
    (
        ("Aanvraag ontvangen", "De aanvraag is ontvangen."),
        ("Zienswijzetermijn", "Belanghebbenden kunnen een zienswijze indienen."),
        ("Besluit genomen", "Er is een besluit genomen."),
    ),
)
SCHULDHULP = maak_zaaktype(
    "ZT-SCHULDHULP",
    "Aanvraag schuldhulpverlening",
    "geheim",
    "Een inwoner met problematische schulden helpen.",
    "P8W",
    (
        ("Aanmelding ontvangen", "Uw aanmelding is ontvangen."),
        ("Plan van aanpak", "Samen maken wij een plan van aanpak."),
        ("Traject afgerond", "Het traject is afgerond."),
    ),
)

CATALOGUS = Catalogus.of(
    CATALOGUS_UUID,
    "Gemeente Klaverdam",
    (
        PARKEERVERGUNNING,
        WMO_MELDING,
        BEZWAAR_WOZ,
        MELDING_OPENBARE_RUIMTE,
        OMGEVINGSVERGUNNING,
        SCHULDHULP,
    ),
)
ZAAKTYPEN: Mapping[str, Zaaktype] = CATALOGUS.zaaktypen
STATUSTYPEN: Mapping[str, Statustype] = CATALOGUS.statustypen
ROLTYPEN: Mapping[str, Roltype] = CATALOGUS.roltypen
