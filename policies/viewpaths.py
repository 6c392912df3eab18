"""The tree of every path the klantbeeld view can hold.

A doel names paths in this tree (`klant.naam.volledigeNaam`, `zaken.status`);
a path that is not in it is refused at start-up, and the projection keeps only
what is both in this tree and allowed. Lists are transparent: `zaken.status`
means the status of every zaak.

`None` marks a leaf. Under `klant`, everything the BRP knows (generated from its
OpenAPI specification) plus the contact details from the klant registers.
"""

from __future__ import annotations

from typing import Any

from policies.brp_fields import BRP_PERSOON

Tree = dict[str, Any]

# What the BRP delivers by itself; asking for it in `fields` is a 400 there.
BRP_AUTOMATIC_FIELDS = frozenset(
    {
        "geheimhoudingPersoonsgegevens",
        "inOnderzoek",
        "opschortingBijhouding",
        "rni",
        "verificatie",
        "indicatieVastgesteldVerblijftNietOpAdres",
    }
)

KLANT_CONTACT: Tree = {
    "emailadressen": {"adres": None, "bron": None, "isStandaard": None},
    "telefoonnummers": {"nummer": None, "bron": None, "isStandaard": None},
    "voorkeurstaal": None,
    "indicatieGeheimhouding": None,
}

# The person's own consents (a self-service doel lists them; connectors/toestemming.py).
KLANT_TOESTEMMINGEN: Tree = {
    "toestemmingen": {
        "doel": None,
        "uitbreiding": None,
        "geldigVanaf": None,
        "geldigTot": None,
        "kanaal": None,
    }
}

ZAAK: Tree = {
    "bron": None,
    "uuid": None,
    "identificatie": None,
    "bronorganisatie": None,
    "omschrijving": None,
    "toelichting": None,
    "zaaktype": {"identificatie": None, "omschrijving": None},
    "status": {
        "omschrijving": None,
        "statustekst": None,
        "datumStatusGezet": None,
        "isEindstatus": None,
    },
    "registratiedatum": None,
    "startdatum": None,
    "einddatum": None,
    "einddatumGepland": None,
    "uiterlijkeEinddatumAfdoening": None,
    "vertrouwelijkheidaanduiding": None,
}

CONTACTMOMENT: Tree = {
    "bron": None,
    "datum": None,
    "kanaal": None,
    "onderwerp": None,
    "tekst": None,
    "initiatiefnemer": None,
    "vertrouwelijk": None,
    "gelukt": None,
    "zaken": None,
    # Klantinteracties: internetaken from this contact that are not yet done.
    "openstaandeVragen": {
        "nummer": None,
        "gevraagdeHandeling": None,
        "toelichting": None,
        "status": None,
        "toegewezenOp": None,
    },
}

VIEW: Tree = {
    "klant": {**BRP_PERSOON, **KLANT_CONTACT, **KLANT_TOESTEMMINGEN},
    "zaken": ZAAK,
    "contactmomenten": CONTACTMOMENT,
}

SECTIONS = tuple(VIEW)

_ADRES: Tree = {
    k: None
    for k in (
        "volledigAdres", "straatnaam", "huisnummer", "huisletter", "huisnummerToevoeging",
        "postbusnummer", "postcode", "plaats", "land",
    )
}  # fmt: skip
_SBI: Tree = {"sbiCode": None, "sbiOmschrijving": None, "indHoofdactiviteit": None}

# The `klant` of an ondernemer (a kvkNummer): its own schema, from the KvK Handelsregister
# (connectors/handelsregister.py), with the contact details from the klant registers.
ONDERNEMER_KLANT: Tree = {
    "kvkNummer": None,
    "naam": None,
    "statutaireNaam": None,
    "handelsnamen": None,
    "rechtsvorm": None,
    "uitgebreideRechtsvorm": None,
    "rsin": None,
    "sbiActiviteiten": _SBI,
    "formeleRegistratiedatum": None,
    "materieleRegistratie": {"datumAanvang": None, "datumEinde": None},
    "totaalWerkzamePersonen": None,
    "websites": None,
    "vestiging": {
        "vestigingsnummer": None,
        "eersteHandelsnaam": None,
        "indHoofdvestiging": None,
        "totaalWerkzamePersonen": None,
        "websites": None,
        "bezoekadres": _ADRES,
        "postadres": _ADRES,
        "sbiActiviteiten": _SBI,
    },
}

# The view of an ondernemer: a doel names these paths under `[velden.ondernemer]`.
ONDERNEMER_VIEW: Tree = {
    "klant": {**ONDERNEMER_KLANT, **KLANT_CONTACT},
    "zaken": ZAAK,
    "contactmomenten": CONTACTMOMENT,
}

# Secrecy flags travel with the record they belong to (DESIGN.md, "Sections"):
# a frontend must see them to honour them. `bron` says which register a record
# came from, which is no personal data and which a frontend needs to label it.
ALWAYS_WITH_RECORD = frozenset(
    {
        "klant.geheimhoudingPersoonsgegevens",
        "klant.indicatieGeheimhouding",
        "zaken.vertrouwelijkheidaanduiding",
        "zaken.bron",
        "contactmomenten.vertrouwelijk",
        "contactmomenten.bron",
    }
)

# A path whose values are another section's values: a contact's `zaken` lists
# the identificatie of each linked zaak. It may leave only where that does.
REFERENCES = {"contactmomenten.zaken": "zaken.identificatie"}

# The klant paths that come from the klant registers rather than from the BRP.
KLANT_CONTACT_PATHS = frozenset(f"klant.{name}" for name in KLANT_CONTACT)


def subtree(path: str, tree: Tree = VIEW) -> Any:
    """The subtree at a dotted path; KeyError when the view has no such path."""
    node: Any = tree
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(path)
        node = node[part]
    return node


def exists(path: str, tree: Tree = VIEW) -> bool:
    try:
        subtree(path, tree)
    except KeyError:
        return False
    return True


def is_brp_path(path: str) -> bool:
    """A `klant.…` path that the BRP answers (as opposed to a klant register)."""
    head, _, rest = path.partition(".")
    return head == "klant" and bool(rest) and rest.split(".")[0] in BRP_PERSOON


def section_of(path: str) -> str:
    return path.split(".", 1)[0]
