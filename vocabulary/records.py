"""The view's one model: the records every source maps its answers onto.

Field names are the Dutch names of the VNG / Haal Centraal standards, so a
record reads like the register it came from. Every record names the register
(`bron`) it came from: with several registers of one kind a frontend must be
able to tell them apart.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict


class Zaaktype(TypedDict):
    url: str
    identificatie: str | None
    omschrijving: str | None


class ZaakStatus(TypedDict):
    omschrijving: str | None
    statustekst: str | None
    datumStatusGezet: str | None
    isEindstatus: bool | None


class Zaak(TypedDict):
    bron: str
    url: str
    uuid: str | None
    identificatie: str | None
    bronorganisatie: str | None
    omschrijving: str | None
    toelichting: str | None
    zaaktype: Zaaktype | None
    status: ZaakStatus | None
    registratiedatum: str | None
    startdatum: str | None
    einddatum: str | None
    einddatumGepland: str | None
    uiterlijkeEinddatumAfdoening: str | None
    vertrouwelijkheidaanduiding: str | None


class Klant(TypedDict):
    """A Klanten 1.0 klant: contact details the person gave, self-reported."""

    bron: str
    url: str
    klantnummer: str | None
    emailadres: str | None
    telefoonnummer: str | None
    voornaam: str | None
    voorvoegselAchternaam: str | None
    achternaam: str | None


class OpenstaandeVraag(TypedDict):
    """A Klantinteracties internetaak that a contact led to and that is not `verwerkt` yet."""

    nummer: str | None
    gevraagdeHandeling: str | None
    toelichting: str | None
    status: str | None
    toegewezenOp: str | None


class Contactmoment(TypedDict):
    """One contact in the one contact model (see DESIGN.md, "One contact model").

    `zaakVerwijzingen` holds each linked zaak as its register gave it: Contactmomenten
    1.0 links by URL, Klantinteracties onderwerpobjecten mostly by bare UUID. Match
    both forms against the zaken in the view. `openstaandeVragen` is always `[]`
    from Contactmomenten 1.0, which has no internetaken.
    """

    bron: str
    url: str
    datum: str | None
    kanaal: str | None
    onderwerp: str | None
    tekst: str | None
    initiatiefnemer: str | None
    vertrouwelijk: bool
    gelukt: bool | None
    zaakVerwijzingen: list[str]
    openstaandeVragen: list[OpenstaandeVraag]


class Emailadres(TypedDict):
    """One e-mail address in the one contact model; `isStandaard` only from Klantinteracties."""

    adres: str
    bron: str
    isStandaard: NotRequired[bool]


class Telefoonnummer(TypedDict):
    """One phone number in the one contact model; `isStandaard` only from Klantinteracties."""

    nummer: str
    bron: str
    isStandaard: NotRequired[bool]


class Partij(TypedDict):
    """A Klantinteracties partij (a natuurlijk persoon): the contact details they gave.

    `indicatieActief` False means the details may no longer be used to contact
    the person (the standard's words); the façade decides how to show that.
    """

    bron: str
    url: str
    uuid: str | None
    indicatieGeheimhouding: bool | None
    indicatieActief: bool | None
    voorkeurstaal: str | None
    emailadressen: list[Emailadres]
    telefoonnummers: list[Telefoonnummer]


Persoon = dict[str, Any]
"""A BRP Personen 2.x persoon, exactly as the BRP shaped it."""


class Contactgegevens(TypedDict):
    """The contact details one klant register holds about the person, in the one model.

    Klanten 1.0 gives one per klant, Klantinteracties one per partij. `actief`
    False (a partij no longer `indicatieActief`) means its addresses may not be
    used to contact the person; its other flags still count.
    `indicatieGeheimhouding` is None where the register has no such notion.
    """

    bron: str
    actief: bool
    emailadressen: list[Emailadres]
    telefoonnummers: list[Telefoonnummer]
    voorkeurstaal: str | None
    indicatieGeheimhouding: bool | None


# The klant fields that come from the klant registers rather than from the BRP.
KLANT_CONTACTGEGEVENS: tuple[str, ...] = (
    "emailadressen",
    "telefoonnummers",
    "voorkeurstaal",
    "indicatieGeheimhouding",
)
# The person's own registered consents (the consent register, connectors/toestemming.py).
KLANT_TOESTEMMINGEN = "toestemmingen"
# Every klant field the BRP is not asked for.
KLANT_NIET_UIT_BRP: tuple[str, ...] = (*KLANT_CONTACTGEGEVENS, KLANT_TOESTEMMINGEN)


class Toestemming(TypedDict):
    """One consent the person registered, as the person's own view lists it."""

    doel: str
    uitbreiding: str
    geldigVanaf: str
    geldigTot: str
    kanaal: str | None
