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

BRONORGANISATIE = "002220647"  # a fictional municipality's RSIN (passes the 11-proef)


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
    """A natural person's role in a zaak (or a business's); `/zaken` filters match per rol.

    `betrokkene_type` "niet_natuurlijk_persoon" (a business by kvkNummer and RSIN) or
    "vestiging" (one branch, by vestigingsnummer and kvkNummer): `bsn` is then "".
    """

    uuid: str
    bsn: str
    omschrijving_generiek: str  # initiator, belanghebbende, ...
    geslachtsnaam: str = ""
    voorvoegsel_geslachtsnaam: str = ""
    voornamen: str = ""
    voorletters: str = ""
    betrokkene_type: str = "natuurlijk_persoon"
    kvk_nummer: str = ""
    rsin: str = ""
    vestigingsnummer: str = ""
    naam: str = ""  # statutaireNaam / handelsnaam of a business


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
    # With `identificatie` the key that identifies a zaak across zaaksystemen: a
    # migrated zaak keeps both, but gets a new uuid in its new system.
    bronorganisatie: str = BRONORGANISATIE

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
    bedrijfsnaam: str = ""  # a business or branch klant has this instead of person names


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


# --- Klantinteracties (Open Klant 2.x) -------------------------------------------


@dataclass(frozen=True)
class Identificatie:
    """Whose a klant or partij is, in the terms of a partijIdentificator.

    A person by BSN in the BRP; a business by kvk_nummer and a branch by
    vestigingsnummer in the HR (UPSTREAMS.md §5 lists the code soorten).
    """

    code_objecttype: str  # natuurlijk_persoon | niet_natuurlijk_persoon | vestiging
    code_soort_object_id: str  # bsn | kvk_nummer | vestigingsnummer
    object_id: str
    code_register: str  # brp | hr


@dataclass(frozen=True)
class DigitaalAdres:
    uuid: str
    adres: str
    soort: str  # email | telefoonnummer | overig
    is_standaard: bool = False
    omschrijving: str = ""
    verificatiedatum: str | None = None


@dataclass(frozen=True)
class Partij:
    """A person or organisation as Klantinteracties knows it.

    Identified by its holder's Identificatie (a Persoon's BSN, an Ondernemerscontacten'
    kvk_nummer or vestigingsnummer). An organisatie has a `naam` and no person names.
    """

    uuid: str
    nummer: str
    identificator_uuid: str
    voorletters: str
    voornaam: str
    voorvoegsel_achternaam: str
    achternaam: str
    digitale_adressen: tuple[DigitaalAdres, ...] = ()
    voorkeurs_digitaal_adres: str | None = None  # uuid of one of `digitale_adressen`
    voorkeurstaal: str = ""
    indicatie_geheimhouding: bool | None = None
    indicatie_actief: bool = True
    soort_partij: str = "persoon"  # persoon | organisatie
    naam: str = ""  # an organisatie's partijIdentificatie.naam
    # A branch's vestigingsnummer is a sub-identificator of its business's kvk_nummer.
    sub_identificator_van: str | None = None  # uuid of that partij-identificator

    @property
    def volledige_naam(self) -> str:
        delen = (self.voornaam, self.voorvoegsel_achternaam, self.achternaam)
        return " ".join(d for d in delen if d)


@dataclass(frozen=True)
class Actor:
    """A municipal employee (soortActor `medewerker`) handling contacts and tasks."""

    uuid: str
    naam: str
    gebruikersnaam: str
    functie: str


@dataclass(frozen=True)
class Onderwerpobject:
    """What a klantcontact was about; free strings, e.g. zaak/openzaak/uuid/<zaak-uuid>."""

    uuid: str
    code_objecttype: str
    code_register: str
    code_soort_object_id: str
    object_id: str


@dataclass(frozen=True)
class Internetaak:
    uuid: str
    nummer: str
    gevraagde_handeling: str
    toegewezen_aan: Actor
    toegewezen_op: str  # ISO 8601 date-time, UTC
    status: str = "te_verwerken"  # te_verwerken | verwerkt
    toelichting: str = ""
    afgehandeld_op: str | None = None


@dataclass(frozen=True)
class Klantcontact:
    """One contact with its one betrokkene: the Persoon's partij, in role `rol`."""

    uuid: str
    nummer: str
    kanaal: str
    onderwerp: str
    inhoud: str
    plaatsgevonden_op: str  # ISO 8601 date-time, UTC
    betrokkene_uuid: str
    actor: Actor
    initiator: bool = True  # the person started the contact
    rol: str = "klant"
    indicatie_contact_gelukt: bool | None = True
    taal: str = "nld"
    vertrouwelijk: bool = False
    reactie: str = ""
    onderwerpobjecten: tuple[Onderwerpobject, ...] = ()
    internetaken: tuple[Internetaak, ...] = ()


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
    # Newer systems of a municipality mid-migration (see migratie.py).
    partij: Partij | None = None
    klantcontacten: tuple[Klantcontact, ...] = ()
    zaken_zaaksysteem2: tuple[Zaak, ...] = ()

    @property
    def identificatie(self) -> Identificatie:
        return Identificatie("natuurlijk_persoon", "bsn", self.bsn, "brp")


@dataclass(frozen=True)
class Ondernemerscontacten:
    """What the contact registers know about one business or one of its branches.

    The business and a branch are separate klanten and partijen, as a municipality
    registers them: the branch view shows the branch's own records, the business
    view the business's. `rsin` is how Klanten 1.0 knows a business (innNnpId).
    """

    identificatie: Identificatie
    naam: str  # statutaireNaam of a business, handelsnaam of a branch
    rsin: str = ""
    rechtsvorm: str = ""  # Klanten 1.0's innRechtsvorm, e.g. besloten_vennootschap
    klant: Klant | None = None
    contactmomenten: tuple[Contactmoment, ...] = ()
    partij: Partij | None = None
    klantcontacten: tuple[Klantcontact, ...] = ()


# Whom the contact registers' records are of.
Contacthouder = Persoon | Ondernemerscontacten


@dataclass(frozen=True)
class Zaakregister:
    """The zaken of one zaaksysteem, indexed the way its Zaken API looks them up."""

    zaken: Mapping[str, Zaak]
    statussen: Mapping[str, tuple[Status, Zaak]]
    rollen: Mapping[str, tuple[Rol, Zaak]]

    @classmethod
    def of(cls, zaken: Iterable[Zaak]) -> Zaakregister:
        # A zaak with several persons in it may be listed by each of them.
        by_uuid: dict[str, Zaak] = {}
        for zaak in zaken:
            by_uuid.setdefault(zaak.uuid, zaak)
        return cls(
            zaken=MappingProxyType(by_uuid),
            statussen=MappingProxyType(
                {s.uuid: (s, z) for z in by_uuid.values() for s in z.statussen}
            ),
            rollen=MappingProxyType({r.uuid: (r, z) for z in by_uuid.values() for r in z.rollen}),
        )


class DemoData:
    """Indexed, read-only view over a list of persons, as the registers query it."""

    def __init__(
        self,
        personen: Iterable[Persoon],
        ondernemers_zaken: Iterable[Zaak] = (),
        ondernemers: Iterable[Ondernemerscontacten] = (),
    ) -> None:
        self.personen: tuple[Persoon, ...] = tuple(personen)
        # The contact records of the demo's ondernemers (ondernemers_contacten.py).
        self.ondernemers: tuple[Ondernemerscontacten, ...] = tuple(ondernemers)
        # The zaken of the demo's ondernemers (ondernemers_data.py), in the first zaaksysteem.
        self.ondernemers_zaken: tuple[Zaak, ...] = tuple(ondernemers_zaken)
        persons_zaken = {z.uuid for p in self.personen for z in p.zaken}
        if any(z.uuid in persons_zaken for z in self.ondernemers_zaken):
            raise ValueError("een zaak van een ondernemer heeft de uuid van een andere zaak")
        by_bsn: dict[str, Persoon] = {}
        for persoon in self.personen:
            if persoon.bsn in by_bsn:
                raise ValueError(f"dubbel burgerservicenummer in demodata: {persoon.bsn}")
            by_bsn[persoon.bsn] = persoon
        klanten: dict[str, tuple[Klant, Contacthouder]] = {}
        contactmomenten: dict[str, tuple[Contactmoment, Klant | None]] = {}
        for houder in self.contacthouders:
            if houder.klant is not None:
                klanten[houder.klant.uuid] = (houder.klant, houder)
            for contactmoment in houder.contactmomenten:
                contactmomenten[contactmoment.uuid] = (contactmoment, houder.klant)
        self.by_bsn: Mapping[str, Persoon] = MappingProxyType(by_bsn)
        self.zaaksysteem1 = Zaakregister.of(
            (*(z for p in self.personen for z in p.zaken), *self.ondernemers_zaken)
        )
        self.zaaksysteem2 = Zaakregister.of(z for p in self.personen for z in p.zaken_zaaksysteem2)
        self.zaken: Mapping[str, Zaak] = self.zaaksysteem1.zaken
        self.statussen: Mapping[str, tuple[Status, Zaak]] = self.zaaksysteem1.statussen
        self.rollen: Mapping[str, tuple[Rol, Zaak]] = self.zaaksysteem1.rollen
        self.klanten: Mapping[str, tuple[Klant, Contacthouder]] = MappingProxyType(klanten)
        self.contactmomenten: Mapping[str, tuple[Contactmoment, Klant | None]] = MappingProxyType(
            contactmomenten
        )
        self._index_klantinteracties()

    @property
    def contacthouders(self) -> tuple[Contacthouder, ...]:
        return (*self.personen, *self.ondernemers)

    def _index_klantinteracties(self) -> None:
        partijen: dict[str, tuple[Partij, Contacthouder]] = {}
        adressen: dict[str, tuple[DigitaalAdres, Partij, Contacthouder]] = {}
        klantcontacten: dict[str, tuple[Klantcontact, Partij, Contacthouder]] = {}
        onderwerpobjecten: dict[str, tuple[Onderwerpobject, Klantcontact]] = {}
        internetaken: dict[str, tuple[Internetaak, Klantcontact]] = {}
        actoren: dict[str, Actor] = {}
        for persoon in self.contacthouders:
            partij = persoon.partij
            if partij is None:
                if persoon.klantcontacten:
                    # The object id, not the BSN itself, is what a test failure may show.
                    raise ValueError(
                        f"klantcontacten zonder partij: {persoon.identificatie.object_id}"
                    )
                continue
            partijen[partij.uuid] = (partij, persoon)
            for adres in partij.digitale_adressen:
                adressen[adres.uuid] = (adres, partij, persoon)
            for contact in persoon.klantcontacten:
                klantcontacten[contact.uuid] = (contact, partij, persoon)
                actoren[contact.actor.uuid] = contact.actor
                for onderwerp in contact.onderwerpobjecten:
                    onderwerpobjecten[onderwerp.uuid] = (onderwerp, contact)
                for taak in contact.internetaken:
                    internetaken[taak.uuid] = (taak, contact)
                    actoren[taak.toegewezen_aan.uuid] = taak.toegewezen_aan
        self.partijen: Mapping[str, tuple[Partij, Contacthouder]] = MappingProxyType(partijen)
        self.digitale_adressen: Mapping[str, tuple[DigitaalAdres, Partij, Contacthouder]] = (
            MappingProxyType(adressen)
        )
        self.klantcontacten: Mapping[str, tuple[Klantcontact, Partij, Contacthouder]] = (
            MappingProxyType(klantcontacten)
        )
        # One betrokkene per klantcontact, keyed by its own uuid.
        self.betrokkenen: Mapping[str, tuple[Klantcontact, Partij, Contacthouder]] = (
            MappingProxyType({c.betrokkene_uuid: (c, p, h) for c, p, h in klantcontacten.values()})
        )
        self.onderwerpobjecten: Mapping[str, tuple[Onderwerpobject, Klantcontact]] = (
            MappingProxyType(onderwerpobjecten)
        )
        self.internetaken: Mapping[str, tuple[Internetaak, Klantcontact]] = MappingProxyType(
            internetaken
        )
        self.actoren: Mapping[str, Actor] = MappingProxyType(actoren)

    def __len__(self) -> int:
        return len(self.personen)

    def with_personen(self, extra: Iterable[Persoon]) -> DemoData:
        """A new data set: these persons plus `extra` (e.g. synthetic ones)."""
        return DemoData([*self.personen, *extra], self.ondernemers_zaken, self.ondernemers)
