"""The normalized records connectors hand to the façade.

Field names are the Dutch names of the VNG / Haal Centraal standards, so a
record reads like the register it came from. Every record names the register
(`bron`) it came from: with several registers of one kind a frontend must be
able to tell them apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NotRequired, TypedDict

from connectors.errors import UpstreamError

# The Zaken API's vertrouwelijkheidaanduiding, least to most confidential.
VERTROUWELIJKHEIDAANDUIDINGEN: tuple[str, ...] = (
    "openbaar",
    "beperkt_openbaar",
    "intern",
    "zaakvertrouwelijk",
    "vertrouwelijk",
    "confidentieel",
    "geheim",
    "zeer_geheim",
)


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


@dataclass
class ZakenResult:
    """A person's zaken from one Zaken register, newest first.

    `afgekapt`: a page cap cut the zaken or rollen list, so zaken may be missing.
    `catalogi_fout`: a Catalogi lookup failed (the first failure; an
    `UpstreamTimeout` when it was a timeout). The zaken are still there, with
    the zaaktype/status fields that needed Catalogi left None: report a
    `catalogi` bron as `fout`/`timeout`, the zaken bron stays `ok`.
    `catalogi_geraadpleegd`: at least one Catalogi lookup was made (a cache hit
    counts). False when no zaak needed one (none found, everything expanded,
    zaaktype and status not asked): report a `catalogi` bron as `niet-gevraagd`.
    """

    zaken: list[Zaak]
    afgekapt: bool = False
    catalogi_fout: UpstreamError | None = None
    catalogi_geraadpleegd: bool = False


@dataclass
class KlantenResult:
    """The person's klanten from one Klanten register."""

    klanten: list[Klant]
    afgekapt: bool = False


@dataclass
class ContactmomentenResult:
    """The contactmomenten of the person's klanten, newest first."""

    contactmomenten: list[Contactmoment]
    afgekapt: bool = False


@dataclass
class PartijResult:
    """The person's partijen from one Klantinteracties register."""

    partijen: list[Partij]
    afgekapt: bool = False
