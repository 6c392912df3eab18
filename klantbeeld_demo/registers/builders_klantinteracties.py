"""Builders for Klantinteracties records (partijen, klantcontacten, interne taken).

UUIDs derive from the BSN or a per-contact key, so URLs are stable between runs.
"""

from __future__ import annotations

from collections.abc import Sequence

from klantbeeld_demo.registers.builders import Naam
from klantbeeld_demo.registers.model import (
    Actor,
    DigitaalAdres,
    Internetaak,
    Klantcontact,
    Onderwerpobject,
    Partij,
    Zaak,
    stable_uuid,
)


def digitaal_adres(
    bsn: str, soort: str, adres: str, *, standaard: bool = False, omschrijving: str = ""
) -> DigitaalAdres:
    return DigitaalAdres(
        uuid=stable_uuid("digitaal-adres", bsn, adres),
        adres=adres,
        soort=soort,
        is_standaard=standaard,
        omschrijving=omschrijving,
    )


def partij(
    bsn: str,
    naam: Naam,
    nummer: str,
    adressen: Sequence[DigitaalAdres],
    *,
    voorkeurstaal: str = "nld",
    geheimhouding: bool | None = None,
) -> Partij:
    """A persoon-partij; its preferred address is the standard e-mail address, if any."""
    voorkeur = next((a.uuid for a in adressen if a.is_standaard and a.soort == "email"), None)
    return Partij(
        uuid=stable_uuid("partij", bsn),
        nummer=nummer,
        identificator_uuid=stable_uuid("partij-identificator", bsn),
        voorletters=naam.voorletters,
        voornaam=naam.voornamen.split()[0],
        voorvoegsel_achternaam=naam.voorvoegsel,
        achternaam=naam.geslachtsnaam,
        digitale_adressen=tuple(adressen),
        voorkeurs_digitaal_adres=voorkeur,
        voorkeurstaal=voorkeurstaal,
        indicatie_geheimhouding=geheimhouding,
    )


def organisatie(
    key: str,
    naam: str,
    nummer: str,
    adressen: Sequence[DigitaalAdres],
    *,
    vestiging_van: str | None = None,
) -> Partij:
    """An organisatie-partij (a business or a branch); `key` its kvk- or vestigingsnummer.

    A branch names its business's kvk_nummer in `vestiging_van`: its identificator is
    then a sub-identificator of the business's. Its preferred address is the standard
    e-mail address, as for a persoon.
    """
    voorkeur = next((a.uuid for a in adressen if a.is_standaard and a.soort == "email"), None)
    return Partij(
        uuid=stable_uuid("partij", key),
        nummer=nummer,
        identificator_uuid=stable_uuid("partij-identificator", key),
        voorletters="",
        voornaam="",
        voorvoegsel_achternaam="",
        achternaam="",
        digitale_adressen=tuple(adressen),
        voorkeurs_digitaal_adres=voorkeur,
        voorkeurstaal="nld",
        soort_partij="organisatie",
        naam=naam,
        sub_identificator_van=stable_uuid("partij-identificator", vestiging_van)
        if vestiging_van
        else None,
    )


def medewerker(gebruikersnaam: str, naam: str, functie: str) -> Actor:
    return Actor(
        uuid=stable_uuid("actor", gebruikersnaam),
        naam=naam,
        gebruikersnaam=gebruikersnaam,
        functie=functie,
    )


def zaak_als_onderwerp(key: str, zaak: Zaak) -> Onderwerpobject:
    # One of several conventions in use (UPSTREAMS.md §5); this is Open Zaak by uuid.
    return Onderwerpobject(
        uuid=stable_uuid("onderwerpobject", key, zaak.uuid),
        code_objecttype="zaak",
        code_register="openzaak",
        code_soort_object_id="uuid",
        object_id=zaak.uuid,
    )


def internetaak(
    key: str,
    nummer: str,
    gevraagde_handeling: str,
    toegewezen_aan: Actor,
    toegewezen_op: str,
    *,
    toelichting: str = "",
    afgehandeld_op: str | None = None,
) -> Internetaak:
    """An interne taak; it is `verwerkt` exactly when it has an `afgehandeld_op`."""
    return Internetaak(
        uuid=stable_uuid("internetaak", key),
        nummer=nummer,
        gevraagde_handeling=gevraagde_handeling,
        toegewezen_aan=toegewezen_aan,
        toegewezen_op=toegewezen_op,
        status="verwerkt" if afgehandeld_op else "te_verwerken",
        toelichting=toelichting,
        afgehandeld_op=afgehandeld_op,
    )


def klantcontact(
    key: str,
    nummer: str,
    plaatsgevonden_op: str,
    kanaal: str,
    onderwerp: str,
    inhoud: str,
    actor: Actor,
    *,
    initiator: bool = True,
    gelukt: bool | None = True,
    vertrouwelijk: bool = False,
    zaken: Sequence[Zaak] = (),
    taken: Sequence[Internetaak] = (),
) -> Klantcontact:
    return Klantcontact(
        uuid=stable_uuid("klantcontact", key),
        nummer=nummer,
        kanaal=kanaal,
        onderwerp=onderwerp,
        inhoud=inhoud,
        plaatsgevonden_op=plaatsgevonden_op,
        betrokkene_uuid=stable_uuid("betrokkene", key),
        actor=actor,
        initiator=initiator,
        indicatie_contact_gelukt=gelukt,
        vertrouwelijk=vertrouwelijk,
        onderwerpobjecten=tuple(zaak_als_onderwerp(key, z) for z in zaken),
        internetaken=tuple(taken),
    )
