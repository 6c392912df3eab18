"""The fictional persons of the demo: one table shared by every register.

All names, addresses and texts are invented. BSNs are in the 999xxxxxx test range
and pass the 11-proef. Each constant names the situation the person exists for.
"""

from __future__ import annotations

from klantbeeld_demo.registers import builders as b
from klantbeeld_demo.registers import migratie
from klantbeeld_demo.registers.catalogus import (
    BEZWAAR_WOZ,
    MELDING_OPENBARE_RUIMTE,
    OMGEVINGSVERGUNNING,
    PARKEERVERGUNNING,
    SCHULDHULP,
    WMO_MELDING,
)
from klantbeeld_demo.registers.generator import generate_person_with_zaken
from klantbeeld_demo.registers.model import DemoData, Persoon

BSN_HOOFDPERSOON = "999993653"
"""Everything: partner, kinderen, gezag; open and closed zaken of six zaaktypen and
five vertrouwelijkheidaanduidingen; a zaak without status; a zaak where she is only
belanghebbende; klant with e-mail and telefoon; four contactmomenten, one linked
to a zaak. In the newer systems (migratie.py): a partij with three digitale adressen
(one e-mail equal to her klant's), four klantcontacten (one migrated from
Contactmomenten, one vertrouwelijk, one not gelukt, one about a zaak), two interne
taken, and three zaken in zaaksysteem 2, one a copy of her Wmo-zaak."""
BSN_VEEL_ZAKEN = "999990019"
"""130 zaken: two pages at the default page size of 100."""
AANTAL_ZAKEN_VEEL_ZAKEN = 130
BSN_ONBEKEND_IN_BRP = "999990032"
"""Not in the BRP (`personen: []`), but has a klant, a zaak and a contactmoment."""
BSN_GEHEIM = "999990044"
"""`geheimhoudingPersoonsgegevens: true` in the BRP; has a Wmo-zaak and a klant, and a
partij with `indicatieGeheimhouding: true` in Klantinteracties."""
BSN_OVERLEDEN = "999990056"
"""Deceased: `overlijden` filled, `opschortingBijhouding.reden.code` "O"."""
BSN_ALLEEN_BRP = "999990068"
"""Known only to the BRP: no zaken, no klant, no contactmomenten."""
BSN_BUITENLAND = "999990081"
"""Lives abroad (VerblijfplaatsBuitenland, Belgium); has a klant and a closed zaak, and
two belasting-zaken in zaaksysteem 2."""
BSN_PARTNER = "999990093"
"""The main person's husband: in the BRP, with partner and kinderen; nothing else."""
BSN_BUURMAN = "999990135"
"""Neighbour: initiator of the zaak in which the main person is only belanghebbende."""
BSN_ALLEEN_KLANTINTERACTIES = "999990172"
"""In the BRP and in Klantinteracties only (partij, one klantcontact): no klant in
Klanten 1.0, no contactmomenten, no zaken."""
BSN_KIND_1 = "999990111"
BSN_KIND_2 = "999990123"
"""The children appear only inside their parents' BRP records (kinderen, gezag)."""

_SASKIA = b.Naam("Saskia Johanna", "Berg", "van den")
_PIETER = b.Naam("Pieter Willem", "Jansen")
_LOTTE = b.Naam("Lotte", "Jansen")
_DAAN = b.Naam("Daan Pieter", "Jansen")
_HENDRIK = b.Naam("Hendrik", "Bakker")
_ANOUK = b.Naam("Anouk", "Visser")
_THOMAS = b.Naam("Thomas", "Meijer")
_MARLOES = b.Naam("Marloes Anna", "Kuipers")

_ADRES_KASTANJELAAN = b.adres(
    "Kastanjelaan", 12, "1998AB", "Klaverdam", huisletter="A", sinds="2014-09-01"
)


def _hoofdpersoon() -> Persoon:
    bsn = BSN_HOOFDPERSOON

    def initiator(identificatie: str) -> list:
        return [b.rol(identificatie, bsn, _SASKIA, "initiator")]

    parkeren_oud = b.zaak(
        "ZAAK-2022-0000033",
        PARKEERVERGUNNING,
        "Parkeervergunning Kastanjelaan 12 A (2022)",
        "2022-01-10",
        initiator("ZAAK-2022-0000033"),
        statussen_bereikt=3,
        vertrouwelijkheidaanduiding="intern",
    )
    schuldhulp = b.zaak(
        "ZAAK-2023-0000077",
        SCHULDHULP,
        "Aanmelding schuldhulpverlening",
        "2023-03-14",
        initiator("ZAAK-2023-0000077"),
        statussen_bereikt=3,
    )
    parkeren = b.zaak(
        "ZAAK-2025-0000371",
        PARKEERVERGUNNING,
        "Parkeervergunning Kastanjelaan 12 A",
        "2025-05-12",
        initiator("ZAAK-2025-0000371"),
        statussen_bereikt=3,
        toelichting="Vergunning voor kenteken XX-123-Y.",
    )
    wmo = b.zaak(
        "ZAAK-2025-0000214",
        WMO_MELDING,
        "Melding huishoudelijke ondersteuning",
        "2025-03-10",
        initiator("ZAAK-2025-0000214"),
        statussen_bereikt=2,
    )
    woz = b.zaak(
        "ZAAK-2025-0000342",
        BEZWAAR_WOZ,
        "Bezwaar WOZ-beschikking 2025 Kastanjelaan 12 A",
        "2025-04-02",
        initiator("ZAAK-2025-0000342"),
        statussen_bereikt=1,
    )
    stoeptegel = b.zaak(
        "ZAAK-2025-0000399",
        MELDING_OPENBARE_RUIMTE,
        "Losliggende stoeptegel Kastanjelaan",
        "2025-06-18",
        initiator("ZAAK-2025-0000399"),
        statussen_bereikt=0,
    )
    dakkapel = b.zaak(
        "ZAAK-2025-0000410",
        OMGEVINGSVERGUNNING,
        "Dakkapel Kastanjelaan 14",
        "2025-05-06",
        [
            b.rol("ZAAK-2025-0000410", BSN_BUURMAN, _HENDRIK, "initiator"),
            b.rol("ZAAK-2025-0000410", bsn, _SASKIA, "belanghebbende"),
        ],
        statussen_bereikt=2,
    )
    contactmomenten = (
        b.contactmoment(
            "hoofd/balie-parkeren",
            "2024-02-01T09:05:00Z",
            "balie",
            "Aanvraag parkeervergunning besproken, formulier meegegeven.",
        ),
        b.contactmoment(
            "hoofd/telefoon-wmo",
            "2025-03-08T10:15:00Z",
            "telefoon",
            "Vraag over hulp in het huishouden; doorverwezen naar het Wmo-loket.",
            voorkeurskanaal="telefoon",
        ),
        b.contactmoment(
            "hoofd/email-wmo",
            "2025-03-20T14:00:00Z",
            "e-mail",
            "Bevestiging afspraak keukentafelgesprek op 27 maart om 10.00 uur.",
            initiatiefnemer="gemeente",
            medewerker=("wmo-004", "Hoekstra", "A.B."),
            zaak=wmo,
        ),
        b.contactmoment(
            "hoofd/website-woz",
            "2025-04-03T11:30:00Z",
            "website",
            "Vraag over de voortgang van het bezwaar tegen de WOZ-waarde.",
        ),
    )
    persoon = Persoon(
        bsn=bsn,
        brp=b.brp_persoon(
            bsn,
            _SASKIA,
            "V",
            "1983-05-26",
            _ADRES_KASTANJELAAN,
            partners=[b.partner(BSN_PARTNER, _PIETER, "M", "1981-11-03", "2012-06-15")],
            kinderen=[
                b.kind(BSN_KIND_1, _LOTTE, "2015-02-17"),
                b.kind(BSN_KIND_2, _DAAN, "2018-09-30"),
            ],
            ouders=[
                b.ouder("999990147", b.Naam("Johanna", "Berg", "van den"), "V", "1"),
                b.ouder("999990159", b.Naam("Willem", "Berg", "van den"), "M", "2"),
            ],
            gezag=[
                b.gezamenlijk_ouderlijk_gezag((k, n), [(bsn, _SASKIA), (BSN_PARTNER, _PIETER)])
                for k, n in ((BSN_KIND_1, _LOTTE), (BSN_KIND_2, _DAAN))
            ],
        ),
        zaken=(parkeren_oud, schuldhulp, parkeren, wmo, woz, stoeptegel, dakkapel),
        klant=b.klant(
            bsn,
            _SASKIA,
            "K-000101",
            emailadres="s.vandenberg@example.nl",
            telefoonnummer="0612345678",
            geslacht="V",
            geboortedatum="1983-05-26",
            adres=b.klant_adres("Kastanjelaan", 12, "1998AB", "Klaverdam", huisletter="A"),
        ),
        contactmomenten=contactmomenten,
    )
    return migratie.hoofdpersoon(persoon, _SASKIA)


def _partner() -> Persoon:
    return Persoon(
        bsn=BSN_PARTNER,
        brp=b.brp_persoon(
            BSN_PARTNER,
            _PIETER,
            "M",
            "1981-11-03",
            _ADRES_KASTANJELAAN,
            partners=[b.partner(BSN_HOOFDPERSOON, _SASKIA, "V", "1983-05-26", "2012-06-15")],
            kinderen=[
                b.kind(BSN_KIND_1, _LOTTE, "2015-02-17"),
                b.kind(BSN_KIND_2, _DAAN, "2018-09-30"),
            ],
        ),
    )


def _buurman() -> Persoon:
    # Shares the dakkapel zaak with the main person; DemoData keeps one copy.
    dakkapel = next(z for z in _hoofdpersoon().zaken if z.identificatie == "ZAAK-2025-0000410")
    return Persoon(
        bsn=BSN_BUURMAN,
        brp=b.brp_persoon(
            BSN_BUURMAN,
            _HENDRIK,
            "M",
            "1969-04-12",
            b.adres("Kastanjelaan", 14, "1998AB", "Klaverdam", sinds="2001-03-01"),
        ),
        zaken=(dakkapel,),
    )


def _veel_zaken() -> Persoon:
    persoon = generate_person_with_zaken(AANTAL_ZAKEN_VEEL_ZAKEN, bsn=BSN_VEEL_ZAKEN, index=1)
    gerrit = b.Naam("Gerrit Jan", "Hendriks")
    verblijf = b.adres("Molenweg", 3, "1998CD", "Klaverdam", sinds="1995-05-01")
    return Persoon(
        bsn=persoon.bsn,
        brp=b.brp_persoon(BSN_VEEL_ZAKEN, gerrit, "M", "1958-08-08", verblijf),
        zaken=persoon.zaken,
        klant=b.klant(BSN_VEEL_ZAKEN, gerrit, "K-000202", emailadres="gj.hendriks@example.nl"),
        contactmomenten=persoon.contactmomenten,
    )


def _onbekend_in_brp() -> Persoon:
    bsn = BSN_ONBEKEND_IN_BRP
    femke = b.Naam("Femke", "Smit")
    melding = b.zaak(
        "ZAAK-2025-0000455",
        MELDING_OPENBARE_RUIMTE,
        "Overvolle afvalbak Stationsplein",
        "2025-07-01",
        [b.rol("ZAAK-2025-0000455", bsn, femke, "initiator")],
        statussen_bereikt=1,
    )
    return Persoon(
        bsn=bsn,
        brp=None,
        zaken=(melding,),
        klant=b.klant(
            bsn,
            femke,
            "K-000303",
            emailadres="femke.smit@example.nl",
            telefoonnummer="0687654321",
            aanmaakkanaal="telefoon",
        ),
        contactmomenten=(
            b.contactmoment(
                "onbekend/telefoon",
                "2025-07-01T08:45:00Z",
                "telefoon",
                "Melding overvolle afvalbak doorgezet naar buitendienst.",
                zaak=melding,
            ),
        ),
    )


def _geheim() -> Persoon:
    bsn = BSN_GEHEIM
    anouk = _ANOUK
    wmo = b.zaak(
        "ZAAK-2025-0000501",
        WMO_MELDING,
        "Melding begeleiding",
        "2025-02-11",
        [b.rol("ZAAK-2025-0000501", bsn, anouk, "initiator")],
        statussen_bereikt=3,
    )
    persoon = Persoon(
        bsn=bsn,
        brp=b.brp_persoon(
            bsn,
            anouk,
            "V",
            "1990-12-01",
            b.adres("Lindehof", 7, "1998EF", "Klaverdam", sinds="2019-01-15"),
            geheim=True,
        ),
        zaken=(wmo,),
        klant=b.klant(bsn, anouk, "K-000404", emailadres="a.visser@example.nl"),
        contactmomenten=(
            b.contactmoment(
                "geheim/balie",
                "2025-02-10T13:20:00Z",
                "balie",
                "Wil graag begeleiding aanvragen; melding ingeschoten.",
            ),
        ),
    )
    return migratie.geheim(persoon, anouk)


def _overleden() -> Persoon:
    bsn = BSN_OVERLEDEN
    kees = b.Naam("Cornelis", "Mulder")
    parkeren = b.zaak(
        "ZAAK-2021-0000012",
        PARKEERVERGUNNING,
        "Parkeervergunning Dorpsstraat 40",
        "2021-04-06",
        [b.rol("ZAAK-2021-0000012", bsn, kees, "initiator")],
        statussen_bereikt=3,
    )
    return Persoon(
        bsn=bsn,
        brp=b.brp_persoon(
            bsn,
            kees,
            "M",
            "1938-03-21",
            b.adres("Dorpsstraat", 40, "1998GH", "Klaverdam", sinds="1970-01-01"),
            overleden_op="2024-11-02",
        ),
        zaken=(parkeren,),
        klant=b.klant(bsn, kees, "K-000505", telefoonnummer="0201112233"),
    )


def _alleen_brp() -> Persoon:
    ingrid = b.Naam("Ingrid", "Boer", "de")
    return Persoon(
        bsn=BSN_ALLEEN_BRP,
        brp=b.brp_persoon(
            BSN_ALLEEN_BRP,
            ingrid,
            "V",
            "1975-07-19",
            b.adres("Beukenstraat", 88, "1998JK", "Klaverdam", sinds="2010-10-10"),
        ),
    )


def _buitenland() -> Persoon:
    bsn = BSN_BUITENLAND
    thomas = _THOMAS
    belgie = {"code": "5010", "omschrijving": "België"}
    woz = b.zaak(
        "ZAAK-2024-0000188",
        BEZWAAR_WOZ,
        "Bezwaar WOZ-beschikking 2024 Havenkade 5",
        "2024-03-01",
        [b.rol("ZAAK-2024-0000188", bsn, thomas, "initiator")],
        statussen_bereikt=3,
    )
    persoon = Persoon(
        bsn=bsn,
        brp=b.brp_persoon(
            bsn,
            thomas,
            "M",
            "1987-01-30",
            b.verblijf_buitenland(["Rue des Tilleuls 16", "1000 Bruxelles"], belgie, "2021-09-01"),
        ),
        zaken=(woz,),
        klant=b.klant(
            bsn,
            thomas,
            "K-000606",
            emailadres="thomas.meijer@example.be",
            adres=b.klant_adres("Rue des Tilleuls", 16, "1000", "Bruxelles", landcode="5010"),
        ),
    )
    return migratie.buitenland(persoon, thomas)


def _alleen_klantinteracties() -> Persoon:
    persoon = Persoon(
        bsn=BSN_ALLEEN_KLANTINTERACTIES,
        brp=b.brp_persoon(
            BSN_ALLEEN_KLANTINTERACTIES,
            _MARLOES,
            "V",
            "1992-08-14",
            b.adres("Wilgenlaan", 3, "1998LM", "Klaverdam", sinds="2024-11-01"),
        ),
    )
    return migratie.alleen_klantinteracties(persoon, _MARLOES)


def demo_personen() -> list[Persoon]:
    return [
        _hoofdpersoon(),
        _veel_zaken(),
        _onbekend_in_brp(),
        _geheim(),
        _overleden(),
        _alleen_brp(),
        _buitenland(),
        _partner(),
        _buurman(),
        _alleen_klantinteracties(),
    ]


def demo_data() -> DemoData:
    """The standard demo data set (a new object each call; records are immutable)."""
    from klantbeeld_demo.registers.ondernemers_contacten import ondernemers_contacten
    from klantbeeld_demo.registers.ondernemers_zaken import ondernemers_zaken

    return DemoData(demo_personen(), ondernemers_zaken(), ondernemers_contacten())
