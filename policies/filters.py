"""Record filters: which zaken and contactmomenten a doel may see at all.

Applied after fetching and before merging, to view-shaped records. Anything the
filter cannot decide (a zaak whose zaaktype could not be resolved, a date that
does not parse) is left out: deny by default.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from policies.model import ContactFilters, KlantFilters, ZaakFilters
from vocabulary.enums import VERTROUWELIJKHEIDAANDUIDINGEN

_RANK = {name: rank for rank, name in enumerate(VERTROUWELIJKHEIDAANDUIDINGEN)}
_DOMESTIC_VERBLIJFPLAATS = {"Adres", "Locatie"}
_NEDERLAND = "6030"  # Landentabel 34 code of the Netherlands


def zaak_allowed(zaak: dict[str, Any], filters: ZaakFilters, today: date) -> bool:
    if filters.zaaktypen is not None:
        zaaktype = zaak.get("zaaktype") or {}
        if zaaktype.get("identificatie") not in filters.zaaktypen:
            return False
    if filters.maximale_vertrouwelijkheid is not None:
        rank = _RANK.get(zaak.get("vertrouwelijkheidaanduiding") or "")
        if rank is None or rank > _RANK[filters.maximale_vertrouwelijkheid]:
            return False
    if filters.afgerond_binnen_dagen is not None and zaak.get("einddatum"):
        einddatum = _parse_date(zaak["einddatum"])
        if einddatum is None:
            return False
        if einddatum < today - timedelta(days=filters.afgerond_binnen_dagen):
            return False
    return True


def contact_allowed(contact: dict[str, Any], filters: ContactFilters, today: date) -> bool:
    if filters.vertrouwelijke_uitsluiten and contact.get("vertrouwelijk") is not False:
        return False
    if filters.kanalen is not None:
        kanaal = (contact.get("kanaal") or "").strip().lower()
        if kanaal not in {k.lower() for k in filters.kanalen}:
            return False
    if filters.periode_dagen is not None:
        datum = _parse_date(contact.get("datum"))
        if datum is None or datum < today - timedelta(days=filters.periode_dagen):
            return False
    return True


def _parse_date(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def klant_filtered(klant: dict[str, Any], filters: KlantFilters) -> dict[str, Any]:
    """Drop a foreign address when the doel may see domestic addresses only.

    The BRP was asked for `verblijfplaatsBinnenland`; this checks the answer
    too, so a gateway that ignores the alias cannot leak an address abroad.
    """
    if not filters.alleen_binnenlands_adres:
        return klant
    result = dict(klant)
    verblijfplaats = result.get("verblijfplaats")
    if verblijfplaats is not None and not _domestic_verblijfplaats(verblijfplaats):
        del result["verblijfplaats"]
    adressering = result.get("adressering")
    if adressering is not None and not _domestic_land(adressering):
        del result["adressering"]
    return result


def _domestic_verblijfplaats(verblijfplaats: Any) -> bool:
    if not isinstance(verblijfplaats, dict):
        return False
    if verblijfplaats.get("type") not in _DOMESTIC_VERBLIJFPLAATS:
        return False
    return _domestic_land(verblijfplaats.get("verblijfadres") or {})


def _domestic_land(container: Any) -> bool:
    """No `land` (the BRP omits it for Dutch addresses) or the Netherlands."""
    if not isinstance(container, dict):
        return False
    land = container.get("land")
    return land is None or (isinstance(land, dict) and land.get("code") == _NEDERLAND)
