"""The DGKB view: its sections built from connector records, and `bronnen`.

Section builders turn normalized records into view-shaped dicts; merging joins
several registers of one kind, drops duplicates and orders newest first. What
may leave is decided later, by the projection (policies/projection.py).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal, TypedDict

from connectors.records import Contactmoment, Klant, Persoon

BronStatus = Literal["ok", "niet-gevonden", "niet-gevraagd", "fout", "timeout"]


class Bron(TypedDict, total=False):
    bron: str
    soort: str
    status: BronStatus
    duurMs: int
    afgekapt: bool
    probleem: dict[str, Any]


def klant_section(persoon: Persoon | None, klanten: list[Klant]) -> dict[str, Any] | None:
    """BRP data with the contact details the person gave; None when nobody knows them."""
    if persoon is None and not klanten:
        return None
    klant: dict[str, Any] = dict(persoon or {})
    emails: dict[str, dict[str, Any]] = {}
    phones: dict[str, dict[str, Any]] = {}
    for record in klanten:
        if record.get("emailadres"):
            emails.setdefault(
                record["emailadres"].lower(),
                {"adres": record["emailadres"], "bron": record["bron"]},
            )
        if record.get("telefoonnummer"):
            phones.setdefault(
                record["telefoonnummer"],
                {"nummer": record["telefoonnummer"], "bron": record["bron"]},
            )
    if klanten:
        klant["emailadressen"] = list(emails.values())
        klant["telefoonnummers"] = list(phones.values())
    return klant


def merge_zaken(zaken: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One list, newest first; the same zaak (identificatie + bronorganisatie) once."""
    seen: set[tuple[str, str]] = set()
    merged: list[dict[str, Any]] = []
    for zaak in sorted(zaken, key=_zaak_order, reverse=True):
        key = (
            zaak.get("identificatie") or zaak.get("url") or "",
            zaak.get("bronorganisatie") or "",
        )
        if key in seen:
            continue
        seen.add(key)
        merged.append(zaak)
    return merged


def contact_view(contact: Contactmoment, zaak_ids: dict[str, str]) -> dict[str, Any]:
    view: dict[str, Any] = {k: v for k, v in contact.items() if k != "zaakUrls"}
    # A link to a zaak is shown only when that zaak is in this view.
    view["zaken"] = [zaak_ids[url] for url in contact.get("zaakUrls", []) if url in zaak_ids]
    return view


def merge_contacten(contacten: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    merged: list[dict[str, Any]] = []
    for contact in sorted(contacten, key=_instant, reverse=True):
        key = contact.get("url") or repr(sorted(contact.items()))
        if key in seen:
            continue
        seen.add(key)
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
