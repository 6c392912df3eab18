"""What the municipality's newer systems know about the fixed demo persons.

Klaverdam is mid-migration: Klantinteracties (Open Klant 2) runs beside Klanten
and Contactmomenten 1.0, and zaken move to the region's zaaksysteem. So some
records exist twice on purpose, for the façade's de-duplication:
- her e-mail address in Klanten 1.0 and in Klantinteracties;
- one contact migrated from Contactmomenten 1.0 (same moment, kanaal and text);
- one Wmo-zaak in both zaaksystemen (same identificatie and bronorganisatie).
Only some persons are known to the new systems (DESIGN.md, "Demo data").
"""

from __future__ import annotations

from dataclasses import replace

from klantbeeld_demo.registers import builders as b
from klantbeeld_demo.registers import builders_klantinteracties as ki
from klantbeeld_demo.registers import catalogus_zaaksysteem2 as zs2
from klantbeeld_demo.registers.catalogus import Zaaktype
from klantbeeld_demo.registers.model import Contactmoment, Persoon, Zaak

KCC = ki.medewerker("kcc-017", "M. Dijkstra", "KCC-medewerker")
WMO_CONSULENT = ki.medewerker("wmo-004", "A.B. Hoekstra", "Wmo-consulent")
TAXATEUR = ki.medewerker("woz-002", "R. Smits", "Taxateur WOZ")

# The hoofdpersoon's records that the new systems refer to or duplicate.
GEKOPPELDE_ZAAK = "ZAAK-2025-0000342"  # WOZ-bezwaar, first zaaksysteem only
GEDUPLICEERDE_ZAAK = "ZAAK-2025-0000214"  # Wmo-melding, migrated to zaaksysteem 2
GEMIGREERD_CONTACT = "2025-03-08T10:15:00Z"  # registratiedatum of the Wmo phone call


def _zaak(persoon: Persoon, identificatie: str) -> Zaak:
    return next(z for z in persoon.zaken if z.identificatie == identificatie)


def _contactmoment(persoon: Persoon, registratiedatum: str) -> Contactmoment:
    return next(c for c in persoon.contactmomenten if c.registratiedatum == registratiedatum)


def _zaak2(
    identificatie: str,
    zaaktype: Zaaktype,
    omschrijving: str,
    startdatum: str,
    bsn: str,
    naam: b.Naam,
    *,
    statussen_bereikt: int,
    bronorganisatie: str = b.BRONORGANISATIE,
) -> Zaak:
    sleutel = f"{zs2.SYSTEEM}/{identificatie}"
    return b.zaak(
        identificatie,
        zaaktype,
        omschrijving,
        startdatum,
        [b.rol(sleutel, bsn, naam, "initiator")],
        statussen_bereikt=statussen_bereikt,
        bronorganisatie=bronorganisatie,
        sleutel=sleutel,
    )


def hoofdpersoon(persoon: Persoon, naam: b.Naam) -> Persoon:
    """Partij with overlapping contact details, four klantcontacten, two interne taken,
    and three zaken in zaaksysteem 2 (one of them a copy of a zaak in the first)."""
    bsn = persoon.bsn
    adressen = (
        # Identical to her Klanten 1.0 e-mail address.
        ki.digitaal_adres(bsn, "email", "s.vandenberg@example.nl", standaard=True,
                          omschrijving="Privé"),
        ki.digitaal_adres(bsn, "email", "saskia.vandenberg@werk.example.nl",
                          omschrijving="Werk"),
        # Differs from her Klanten 1.0 telefoonnummer (0612345678).
        ki.digitaal_adres(bsn, "telefoonnummer", "0687001122", standaard=True,
                          omschrijving="Mobiel"),
    )  # fmt: skip
    gemigreerd = _contactmoment(persoon, GEMIGREERD_CONTACT)
    woz = _zaak(persoon, GEKOPPELDE_ZAAK)
    contacten = (
        ki.klantcontact(
            "hoofd/gemigreerd-wmo",
            "0000000401",
            gemigreerd.registratiedatum,
            gemigreerd.kanaal,
            "Hulp in het huishouden",
            gemigreerd.tekst,
            KCC,
        ),
        ki.klantcontact(
            "hoofd/schuldhulp",
            "0000000417",
            "2025-04-22T09:40:00Z",
            "balie",
            "Betalingsachterstand",
            "Gesprek over een betalingsachterstand; informatie over schuldhulp meegegeven.",
            KCC,
            vertrouwelijk=True,
        ),
        ki.klantcontact(
            "hoofd/terugbellen-wmo",
            "0000000432",
            "2025-05-02T15:10:00Z",
            "telefoon",
            "Terugbelverzoek Wmo",
            "Teruggebeld over de keukentafelafspraak; geen gehoor.",
            WMO_CONSULENT,
            initiator=False,
            gelukt=False,
            taken=(
                ki.internetaak(
                    "hoofd/opnieuw-bellen",
                    "0000000051",
                    "Opnieuw terugbellen over het keukentafelgesprek",
                    WMO_CONSULENT,
                    "2025-05-02T15:12:00Z",
                    toelichting="Geen gehoor; morgen na 14.00 uur opnieuw proberen.",
                    afgehandeld_op="2025-05-03T14:20:00Z",
                ),
            ),
        ),
        ki.klantcontact(
            "hoofd/woz-taxateur",
            "0000000446",
            "2025-05-12T13:25:00Z",
            "telefoon",
            "Bezwaar WOZ-waarde",
            "Vraagt wanneer de taxateur langskomt voor het bezwaar tegen de WOZ-waarde.",
            KCC,
            zaken=(woz,),
            taken=(
                ki.internetaak(
                    "hoofd/taxateur-bellen",
                    "0000000058",
                    "Terugbellen over de afspraak met de taxateur",
                    TAXATEUR,
                    "2025-05-12T13:30:00Z",
                    toelichting="Mevrouw is op werkdagen na 16.00 uur bereikbaar.",
                ),
            ),
        ),
    )
    wmo = _zaak(persoon, GEDUPLICEERDE_ZAAK)
    zaken2 = (
        # The migrated copy: same identificatie, bronorganisatie and progress.
        _zaak2(wmo.identificatie, zs2.WMO_MELDING, wmo.omschrijving, wmo.startdatum, bsn, naam,
               statussen_bereikt=len(wmo.statussen)),
        _zaak2("WMO-2025-000187", zs2.WMO_HULPMIDDEL, "Aanvraag scootmobiel", "2025-06-02",
               bsn, naam, statussen_bereikt=1),
        _zaak2("BLS-2025-004711", zs2.KWIJTSCHELDING, "Kwijtschelding afvalstoffenheffing 2025",
               "2025-02-17", bsn, naam, statussen_bereikt=3,
               bronorganisatie=zs2.BRONORGANISATIE_BELASTINGEN),
    )  # fmt: skip
    return replace(
        persoon,
        partij=ki.partij(bsn, naam, "0000000101", adressen),
        klantcontacten=contacten,
        zaken_zaaksysteem2=zaken2,
    )


def geheim(persoon: Persoon, naam: b.Naam) -> Persoon:
    """A partij marked secret (`indicatieGeheimhouding`), registered at the balie:
    no digitale adressen and no klantcontacten."""
    partij = ki.partij(persoon.bsn, naam, "0000000102", [], geheimhouding=True)
    return replace(persoon, partij=partij)


def buitenland(persoon: Persoon, naam: b.Naam) -> Persoon:
    """Two belasting-zaken in zaaksysteem 2, of the belastingsamenwerking."""
    belastingen = zs2.BRONORGANISATIE_BELASTINGEN
    zaken2 = (
        _zaak2("BLS-2024-002318", zs2.BEZWAAR_AANSLAG,
               "Bezwaar aanslag gemeentelijke belastingen 2024 Havenkade 5", "2024-03-15",
               persoon.bsn, naam, statussen_bereikt=3, bronorganisatie=belastingen),
        _zaak2("BLS-2025-003902", zs2.BEZWAAR_AANSLAG,
               "Bezwaar aanslag gemeentelijke belastingen 2025 Havenkade 5", "2025-03-20",
               persoon.bsn, naam, statussen_bereikt=1, bronorganisatie=belastingen),
    )  # fmt: skip
    return replace(persoon, zaken_zaaksysteem2=zaken2)


def alleen_klantinteracties(persoon: Persoon, naam: b.Naam) -> Persoon:
    """A newcomer registered only in Klantinteracties: partij and one contact."""
    bsn = persoon.bsn
    adressen = (
        ki.digitaal_adres(bsn, "email", "marloes.kuipers@example.nl", standaard=True),
        ki.digitaal_adres(bsn, "telefoonnummer", "0611223344"),
    )
    contact = ki.klantcontact(
        "alleen-ki/paspoort",
        "0000000459",
        "2025-06-03T10:05:00Z",
        "e-mail",
        "Paspoort aanvragen",
        "Vraagt welke documenten zij moet meenemen voor een nieuw paspoort; informatie gemaild.",
        KCC,
    )
    partij = ki.partij(bsn, naam, "0000000103", adressen)
    return replace(persoon, partij=partij, klantcontacten=(contact,))
