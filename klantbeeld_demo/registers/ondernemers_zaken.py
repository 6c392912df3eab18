"""The zaken of the demo's ondernemers, in the first zaaksysteem (Open Zaak 1.30).

The BV has an omgevingsvergunning as a business (a nietNatuurlijkPersoon rol,
by kvkNummer and RSIN) and a melding for its second vestiging (a vestiging rol);
the eenmanszaak (no RSIN) one for its bakery (by kvkNummer).
"""

from __future__ import annotations

from klantbeeld_demo.registers import builders as b
from klantbeeld_demo.registers.catalogus import MELDING_OPENBARE_RUIMTE, OMGEVINGSVERGUNNING
from klantbeeld_demo.registers.model import Rol, Zaak, stable_uuid
from klantbeeld_demo.registers.ondernemers import (
    BV_KVK,
    BV_NEVENVESTIGING,
    BV_RSIN,
    EENMANSZAAK_KVK,
)


def business_rol(zaak_key: str, kvk: str, naam: str, rsin: str = "") -> Rol:
    return Rol(
        uuid=stable_uuid("rol", zaak_key, kvk, "initiator"),
        bsn="",
        omschrijving_generiek="initiator",
        betrokkene_type="niet_natuurlijk_persoon",
        kvk_nummer=kvk,
        rsin=rsin,
        naam=naam,
    )


def vestiging_rol(zaak_key: str, kvk: str, vestigingsnummer: str, naam: str) -> Rol:
    return Rol(
        uuid=stable_uuid("rol", zaak_key, vestigingsnummer, "initiator"),
        bsn="",
        omschrijving_generiek="initiator",
        betrokkene_type="vestiging",
        kvk_nummer=kvk,
        vestigingsnummer=vestigingsnummer,
        naam=naam,
    )


def ondernemers_zaken() -> tuple[Zaak, ...]:
    return (
        b.zaak(
            "ZAAK-2025-0000901",
            OMGEVINGSVERGUNNING,
            "Omgevingsvergunning bedrijfshal Industrieweg 40",
            "2025-05-04",
            [business_rol("ZAAK-2025-0000901", BV_KVK, "Voorbeeld Bouw B.V.", BV_RSIN)],
            statussen_bereikt=2,
        ),
        b.zaak(
            "ZAAK-2025-0000902",
            MELDING_OPENBARE_RUIMTE,
            "Melding: container op de stoep Havenkade 5",
            "2025-06-01",
            [vestiging_rol("ZAAK-2025-0000902", BV_KVK, BV_NEVENVESTIGING, "Voorbeeld Renovatie")],
            statussen_bereikt=1,
        ),
        b.zaak(
            "ZAAK-2025-0000903",
            OMGEVINGSVERGUNNING,
            "Omgevingsvergunning terras Marktplein 3",
            "2025-04-20",
            [business_rol("ZAAK-2025-0000903", EENMANSZAAK_KVK, "Bakkerij De Korenbloem")],
            statussen_bereikt=1,
        ),
    )
