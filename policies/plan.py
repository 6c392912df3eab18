"""From a doel (and the caller's optional narrowing) to what one request does.

The plan decides which registers are called at all, which BRP `fields` are
asked for, which filters are pushed down to Zaken, and which view paths may
leave. Sources the plan does not name are never called.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from policies import viewpaths
from policies.model import Doel
from policies.paths import intersect, minimal

# BRP field names that return the address only when it lies in the Netherlands.
_DOMESTIC_ONLY = {
    "verblijfplaats": "verblijfplaatsBinnenland",
    "adressering": "adresseringBinnenland",
}


@dataclass(frozen=True)
class Plan:
    doel: Doel
    velden: frozenset[str]
    brp_fields: tuple[str, ...]
    call_brp: bool
    call_zaken: bool
    call_klanten: bool
    call_contactmomenten: bool
    call_klantinteracties: bool = False
    wants_contact_details: bool = False
    zaaktype_needed: bool = True
    status_needed: bool = True

    @property
    def sections(self) -> frozenset[str]:
        return frozenset(viewpaths.section_of(p) for p in self.velden)


def make_plan(doel: Doel, requested: Sequence[str] | None = None) -> Plan:
    """The plan for a doel, narrowed to `requested` paths when the caller gave them.

    The caller's paths must already be checked (`unknown_paths`, `forbidden_paths`).
    """
    velden = frozenset(doel.velden) if requested is None else intersect(requested, doel.velden)
    fields = brp_fields(doel, velden)
    sections = {viewpaths.section_of(p) for p in velden}
    wants_contact = any(p in viewpaths.KLANT_CONTACT_PATHS or _under_contact(p) for p in velden)
    call_contactmomenten = "contactmomenten" in sections and "contactmomenten" in doel.bronnen
    return Plan(
        doel=doel,
        velden=velden,
        brp_fields=fields,
        call_brp=bool(fields) and "brp" in doel.bronnen,
        call_zaken="zaken" in sections and "zaken" in doel.bronnen,
        # Contactmomenten 1.0 is reached through the klant, so it needs Klanten too.
        call_klanten="klanten" in doel.bronnen and (wants_contact or call_contactmomenten),
        call_contactmomenten=call_contactmomenten,
        # Klantinteracties holds both: contact details (partij) and contacts.
        call_klantinteracties="klantinteracties" in doel.bronnen
        and (wants_contact or "contactmomenten" in sections),
        wants_contact_details=wants_contact,
        # The zaaktype is needed to show it, and to filter on it.
        zaaktype_needed=doel.zaken.zaaktypen is not None or _any_under(velden, "zaken.zaaktype"),
        status_needed=_any_under(velden, "zaken.status"),
    )


def _any_under(velden: Iterable[str], prefix: str) -> bool:
    return any(p == prefix or p.startswith(prefix + ".") for p in velden)


def brp_fields(doel: Doel, velden: Iterable[str]) -> tuple[str, ...]:
    """The BRP `fields` for these view paths: never the automatically delivered ones."""
    fields: list[str] = []
    for path in velden:
        if not viewpaths.is_brp_path(path):
            continue
        field = path.split(".", 1)[1]
        head, _, rest = field.partition(".")
        if head in viewpaths.BRP_AUTOMATIC_FIELDS:
            continue
        if doel.klant.alleen_binnenlands_adres and head in _DOMESTIC_ONLY:
            field = _DOMESTIC_ONLY[head] + (f".{rest}" if rest else "")
        fields.append(field)
    return tuple(sorted(minimal(fields)))


def unknown_paths(requested: Iterable[str]) -> list[str]:
    return [p for p in requested if not viewpaths.exists(p)]


def forbidden_paths(doel: Doel, requested: Iterable[str]) -> list[str]:
    """Requested paths that share nothing with what the doel allows."""
    return [p for p in requested if not intersect([p], doel.velden)]


def _under_contact(path: str) -> bool:
    return any(path.startswith(c + ".") for c in viewpaths.KLANT_CONTACT_PATHS)
