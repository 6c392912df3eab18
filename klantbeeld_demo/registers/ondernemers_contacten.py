"""The contact records of the demo's ondernemers: Klanten 1.0, Contactmomenten, Klantinteracties.

The BV is a klant by its RSIN and a partij by its kvk_nummer; its branch
"Voorbeeld Renovatie" is a klant and a partij of its own, by vestigingsnummer, so a
branch's klantbeeld shows the branch's contacts and the business's shows the
business's. The eenmanszaak (no RSIN, so Klanten 1.0 cannot know it) is only a
partij in Klantinteracties. Dates are as seen on calendar.AUTHORED_ON.
"""

from __future__ import annotations

from klantbeeld_demo.registers import builders as b
from klantbeeld_demo.registers import builders_klantinteracties as ki
from klantbeeld_demo.registers.model import Identificatie, Klant, Ondernemerscontacten, stable_uuid
from klantbeeld_demo.registers.ondernemers import (
    BV_KVK,
    BV_NEVENVESTIGING,
    BV_RSIN,
    EENMANSZAAK_KVK,
)

KCC = ki.medewerker("kcc-017", "M. Dijkstra", "KCC-medewerker")
VERGUNNINGEN = ki.medewerker("vth-011", "L. de Groot", "Vergunningverlener")


def business_identificatie(kvk_nummer: str) -> Identificatie:
    # An eenmanszaak is asked for the same way as a BV (Sleutel.of in the connector).
    return Identificatie("niet_natuurlijk_persoon", "kvk_nummer", kvk_nummer, "hr")


def vestiging_identificatie(vestigingsnummer: str) -> Identificatie:
    return Identificatie("vestiging", "vestigingsnummer", vestigingsnummer, "hr")


def bedrijfsklant(key: str, naam: str, klantnummer: str, *, email: str, telefoon: str) -> Klant:
    return Klant(
        uuid=stable_uuid("klant", key),
        klantnummer=klantnummer,
        voornaam="",
        voorvoegsel_achternaam="",
        achternaam="",
        emailadres=email,
        telefoonnummer=telefoon,
        bedrijfsnaam=naam,
    )


def _bv() -> Ondernemerscontacten:
    naam = "Voorbeeld Bouw B.V."
    adressen = (
        ki.digitaal_adres(BV_KVK, "email", "info@voorbeeldbouw.example", standaard=True),
        ki.digitaal_adres(BV_KVK, "telefoonnummer", "0201234500", omschrijving="receptie"),
    )
    return Ondernemerscontacten(
        identificatie=business_identificatie(BV_KVK),
        naam=naam,
        rsin=BV_RSIN,
        rechtsvorm="besloten_vennootschap",
        klant=bedrijfsklant(
            BV_RSIN, naam, "K-900001", email="info@voorbeeldbouw.example", telefoon="0201234500"
        ),
        contactmomenten=(
            b.contactmoment(
                "bv/telefoon-vergunning",
                "2025-06-12T09:40:00Z",
                "telefoon",
                "Vraag naar de termijn van de omgevingsvergunning voor de bedrijfshal.",
            ),
        ),
        partij=ki.organisatie(BV_KVK, naam, "0000000201", adressen),
        klantcontacten=(
            ki.klantcontact(
                "bv/email-vergunning",
                "0000000470",
                "2025-06-30T13:20:00Z",
                "e-mail",
                "Omgevingsvergunning bedrijfshal",
                "Aanvullende tekeningen van de bedrijfshal ontvangen en doorgezet.",
                VERGUNNINGEN,
            ),
        ),
    )


def _bv_renovatie() -> Ondernemerscontacten:
    naam = "Voorbeeld Renovatie"
    adressen = (
        ki.digitaal_adres(BV_NEVENVESTIGING, "email", "renovatie@voorbeeldbouw.example",
                          standaard=True),
        ki.digitaal_adres(BV_NEVENVESTIGING, "telefoonnummer", "0201234577"),
    )  # fmt: skip
    return Ondernemerscontacten(
        identificatie=vestiging_identificatie(BV_NEVENVESTIGING),
        naam=naam,
        klant=bedrijfsklant(
            BV_NEVENVESTIGING,
            naam,
            "K-900002",
            email="renovatie@voorbeeldbouw.example",
            telefoon="0201234577",
        ),
        contactmomenten=(
            b.contactmoment(
                "bv-renovatie/balie-container",
                "2025-06-02T10:05:00Z",
                "balie",
                "Melding container op de stoep Havenkade 5 toegelicht.",
            ),
        ),
        partij=ki.organisatie(
            BV_NEVENVESTIGING, naam, "0000000202", adressen, vestiging_van=BV_KVK
        ),
        klantcontacten=(
            ki.klantcontact(
                "bv-renovatie/telefoon-container",
                "0000000475",
                "2025-07-03T08:50:00Z",
                "telefoon",
                "Container Havenkade 5",
                "Gebeld: de container is weggehaald, de melding mag dicht.",
                KCC,
                initiator=False,
            ),
        ),
    )


def _eenmanszaak() -> Ondernemerscontacten:
    naam = "Bakkerij De Korenbloem"
    adressen = (
        ki.digitaal_adres(EENMANSZAAK_KVK, "email", "bakker@korenbloem.example", standaard=True),
    )
    return Ondernemerscontacten(
        identificatie=business_identificatie(EENMANSZAAK_KVK),
        naam=naam,
        partij=ki.organisatie(EENMANSZAAK_KVK, naam, "0000000203", adressen),
    )


def ondernemers_contacten() -> tuple[Ondernemerscontacten, ...]:
    return (_bv(), _bv_renovatie(), _eenmanszaak())
