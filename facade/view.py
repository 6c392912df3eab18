"""The DGKB view: its sections built from connector records, and `bronnen`.

Section builders turn the sources' contributions (records in the view's one
model) into view-shaped dicts; merging joins several registers, drops
duplicates and orders newest first. What
may leave is decided later, by the projection (policies/projection.py).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, NotRequired, TypedDict

from vocabulary.enums import BronStatus
from vocabulary.records import Contactgegevens, Contactmoment, Persoon, Toestemming


class BronProbleem(TypedDict):
    """Why a register failed: a fixed text, never a URL or the register's own message."""

    title: str
    status: NotRequired[int]  # the register's HTTP status
    code: NotRequired[str]


class Bron(TypedDict):
    """One `bronnen` entry: what one register contributed (the OpenAPI `Bron` is made from it)."""

    bron: str
    soort: str
    status: BronStatus
    startMs: int  # when the call started, in ms since the request arrived
    duurMs: int
    afgekapt: bool
    probleem: NotRequired[BronProbleem]


def klant_section(
    persoon: Persoon | None,
    contactgegevens: list[Contactgegevens],
    toestemmingen: list[Toestemming] | None = None,
) -> dict[str, Any] | None:
    """BRP data with the contact details the person gave; None when nobody knows them.

    Contact details come from every klant register in one model: the same
    address seen twice is shown once, the copy of the register given first
    (Klantinteracties: it knows which address is the standard one), each naming
    its `bron`.
    """
    if persoon is None and not contactgegevens and not toestemmingen:
        return None
    klant: dict[str, Any] = dict(persoon or {})
    if toestemmingen:
        klant["toestemmingen"] = [dict(t) for t in toestemmingen]
    emails: dict[str, dict[str, Any]] = {}
    phones: dict[str, dict[str, Any]] = {}
    for gegevens in contactgegevens:
        if not gegevens["actief"]:
            continue
        for email in gegevens["emailadressen"]:
            emails.setdefault(_email_key(email["adres"]), dict(email))
        for phone in gegevens["telefoonnummers"]:
            phones.setdefault(_phone_key(phone["nummer"]), dict(phone))
    if contactgegevens:
        klant["emailadressen"] = list(emails.values())
        klant["telefoonnummers"] = list(phones.values())
    taal = next((g["voorkeurstaal"] for g in contactgegevens if g["voorkeurstaal"]), None)
    if taal:
        klant["voorkeurstaal"] = taal
    geheim = [g["indicatieGeheimhouding"] for g in contactgegevens]
    if any(geheim):
        klant["indicatieGeheimhouding"] = True
    elif any(flag is not None for flag in geheim):
        klant["indicatieGeheimhouding"] = False
    return klant


def _email_key(adres: str) -> str:
    return adres.strip().lower()


def _phone_key(nummer: str) -> str:
    digits = "".join(ch for ch in nummer if ch.isdigit())
    return "0" + digits[2:] if digits.startswith("31") else digits


def merge_zaken(zaken: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One list, newest first; a zaak seen in two registers (a migration) once.

    Copies are the same zaak when `identificatie` + `bronorganisatie` match and
    they come from different registers (two records of one register are two
    zaken). The copy whose current status was set last wins; then the later
    `registratiedatum`; then the register listed first in the configuration.
    """
    merged: list[dict[str, Any]] = []
    first_copy: dict[tuple[str, str], int] = {}  # zaak key → its place in `merged`
    for zaak in zaken:
        key = (
            zaak.get("identificatie") or zaak.get("url") or "",
            zaak.get("bronorganisatie") or "",
        )
        at = first_copy.get(key)
        if at is None or merged[at].get("bron") == zaak.get("bron"):
            first_copy.setdefault(key, len(merged))
            merged.append(zaak)
        elif _recency(zaak) > _recency(merged[at]):
            merged[at] = zaak
    return sorted(merged, key=_zaak_order, reverse=True)


def _recency(zaak: dict[str, Any]) -> tuple[str, str]:
    status = zaak.get("status") or {}
    return (status.get("datumStatusGezet") or "", zaak.get("registratiedatum") or "")


def zaak_references(zaken: list[dict[str, Any]]) -> dict[str, str]:
    """How a contact may point at a zaak in the view: its URL or its UUID → identificatie.

    Contactmomenten 1.0 links by URL, Klantinteracties usually by bare UUID.
    """
    references: dict[str, str] = {}
    for zaak in zaken:
        identificatie = zaak.get("identificatie")
        if not identificatie:
            continue
        if zaak.get("url"):
            references[zaak["url"]] = identificatie
            references[zaak["url"].rstrip("/").rsplit("/", 1)[-1].lower()] = identificatie
        if zaak.get("uuid"):
            references[str(zaak["uuid"]).lower()] = identificatie
    return references


def contact_view(contact: Contactmoment, references: dict[str, str]) -> dict[str, Any]:
    view: dict[str, Any] = {k: v for k, v in contact.items() if k != "zaakVerwijzingen"}
    # A link to a zaak is shown only when that zaak is in this view.
    linked = [references.get(ref) or references.get(ref.lower()) for ref in
              contact.get("zaakVerwijzingen", [])]  # fmt: skip
    view["zaken"] = list(dict.fromkeys(z for z in linked if z))
    return view


def merge_contacten(contacten: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One list, newest first; a contact seen in two registers (a migration) once.

    The same contact in Contactmomenten 1.0 and Klantinteracties has no shared
    id, so it is recognised by moment, kanaal and text — across registers only:
    two contacts of one register at one moment are two contacts. Of copies, the
    first given stays (the caller orders Klantinteracties first).
    """
    seen: dict[object, object] = {}  # contact key → the register that gave it
    merged: list[dict[str, Any]] = []
    for contact in sorted(contacten, key=_instant, reverse=True):
        bron = contact.get("bron")
        same_record = contact.get("url")
        same_contact = (
            _instant(contact),
            (contact.get("kanaal") or "").strip().lower(),
            " ".join((contact.get("tekst") or "").split()),
        )
        if same_record is not None and (same_record, bron) in seen:
            continue
        if same_contact[0] != _UNDATED and seen.get(same_contact, bron) != bron:
            continue
        seen[(same_record, bron)] = bron
        seen.setdefault(same_contact, bron)
        merged.append(contact)
    return merged


def _instant(contact: dict[str, Any]) -> datetime:
    """When a contact took place, comparable across time zones; undated last."""
    try:
        moment = datetime.fromisoformat((contact.get("datum") or "").replace("Z", "+00:00"))
    except ValueError:
        return _UNDATED
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


_UNDATED = datetime.min.replace(tzinfo=UTC)


def _zaak_order(zaak: dict[str, Any]) -> tuple[str, str]:
    return (zaak.get("startdatum") or "", zaak.get("registratiedatum") or "")
