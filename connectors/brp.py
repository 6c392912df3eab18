"""BRP API Personen 2.x: one persoon by BSN, only the fields the doel needs.

The BSN travels in the POST body, never in a URL. The fields are pushed down
(`fields`), so the BRP itself trims the answer to the doel. A municipal BRP
gateway logs each lookup from the protocollering headers sent here.

`burgerservicenummer` is always among the fields asked, whatever the doel: it
is the lookup key, so it reveals nothing the caller did not send, and the BRP
returns it only when asked. The answer is accepted only when its persoon
carries exactly the BSN asked; a persoon with another BSN, or without one, is
refused (`andere-persoon`), so one person's data can never pass as another's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from connectors.context import CallContext
from connectors.errors import UpstreamError
from connectors.http import Upstream
from connectors.records import Persoon
from vocabulary.identifiers import BURGERSERVICENUMMER
from vocabulary.kinds import Contribution, Filters, SourceKind, SourceQuery, Wiring
from vocabulary.paths import minimal
from vocabulary.records import KLANT_NIET_UIT_BRP

# The BRP adds these itself whenever they apply; asking for them is a 400.
AUTOMATIC_FIELDS = frozenset(
    {
        "geheimhoudingPersoonsgegevens",
        "inOnderzoek",
        "opschortingBijhouding",
        "rni",
        "verificatie",
        "indicatieVastgesteldVerblijftNietOpAdres",
    }
)

# The longest value gateways accept (the ZAC and VNG Verwerkingenlogging use 242).
MAX_HEADER_LENGTH = 242
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class BrpProtocolHeaders:
    """The header names a BRP gateway reads its protocollering from.

    Gateways differ in what they call them; a name set to None is not sent.
    """

    doelbinding: str | None = "x-doelbinding"
    verwerking: str | None = "x-verwerking"
    gebruiker: str | None = "x-gebruiker"
    origin_oin: str | None = "x-origin-oin"

    def for_call(self, ctx: CallContext) -> dict[str, str]:
        """The headers for one call: each only when both its name and value are set.

        `x-gebruiker` names the user as the caller states them (for the
        gateway's protocollering, a name a person can read), falling back to
        the authenticated user.
        """
        pairs = (
            (self.doelbinding, ctx.brp_doelbinding),
            (self.verwerking, ctx.verwerking),
            (self.gebruiker, ctx.gebruiker_weergave or ctx.gebruiker),
            (self.origin_oin, ctx.origin_oin),
        )
        return {name: _header_value(value) for name, value in pairs if name and value}


def _header_value(value: str) -> str:
    # A user's name may hold a newline (header injection); non-ASCII letters go
    # out as UTF-8 (connectors/transport.py).
    return _CONTROL_CHARACTERS.sub(" ", value)[:MAX_HEADER_LENGTH]


# Always asked: without it in the answer, the persoon cannot be checked to be the one asked.
KEY_FIELD = "burgerservicenummer"


def requestable_fields(fields: Sequence[str]) -> list[str]:
    """The fields to ask for: automatic ones (and paths inside them) dropped, no duplicates.

    Sorted, as the plan gives them, so one doel always sends one `fields` body.
    """
    return sorted({field for field in fields if field.split(".", 1)[0] not in AUTOMATIC_FIELDS})


class BrpConnector:
    """Reads one persoon from a BRP Personen 2.x endpoint (or a gateway in front of it)."""

    def __init__(self, upstream: Upstream, headers: BrpProtocolHeaders | None = None) -> None:
        self.upstream = upstream
        self.protocol_headers = headers or BrpProtocolHeaders()

    async def persoon(self, bsn: str, fields: Sequence[str], ctx: CallContext) -> Persoon | None:
        """The persoon with this BSN, or None when the BRP does not know it."""
        requested = requestable_fields(fields)
        if not requested:
            # The BRP demands 1–130 fields; planning a lookup for nothing is a bug.
            raise ValueError("Geen BRP-velden om op te vragen.")
        body = {
            "type": "RaadpleegMetBurgerservicenummer",
            "burgerservicenummer": [bsn],
            "fields": requestable_fields([*requested, KEY_FIELD]),
        }
        # A POST, but a query that only reads: safe to retry.
        answer = await self.upstream.post_json(
            "personen", ctx, body, headers=self.protocol_headers.for_call(ctx), idempotent=True
        )
        return _the_persoon(answer, bsn)


def _the_persoon(answer: Any, bsn: str) -> Persoon | None:
    personen = answer.get("personen") if isinstance(answer, dict) else None
    if not isinstance(personen, list) or len(personen) > 1:
        raise UpstreamError("De BRP gaf een antwoord in een onbekende vorm.", code="ongeldige-vorm")
    if not personen:  # an unknown BSN is a 200 with no personen, not a 404
        return None
    persoon = personen[0]
    if not isinstance(persoon, dict):
        raise UpstreamError("De BRP gaf een antwoord in een onbekende vorm.", code="ongeldige-vorm")
    if persoon.get(KEY_FIELD) != bsn:
        # Never show one person's data as another's; a persoon without a BSN
        # cannot be shown to be the one asked. And never quote either BSN.
        raise UpstreamError("De BRP gaf niet de gevraagde persoon terug.", code="andere-persoon")
    return persoon


# The most `fields` one BRP request may carry (the BRP answers 400 above it).
MAX_FIELDS = 130

# BRP field names that return the address only when it lies in the Netherlands.
_DOMESTIC_ONLY = {
    "verblijfplaats": "verblijfplaatsBinnenland",
    "adressering": "adresseringBinnenland",
}


def fields_for(velden: Iterable[str], klant_filters: Filters) -> tuple[str, ...]:
    """The BRP `fields` for these `klant.…` view paths: never the automatic ones.

    A doel that may only see a domestic address (`alleenBinnenlandsAdres`) asks
    for the `…Binnenland` variants, so the BRP itself leaves a foreign one out.
    """
    domestic_only = bool(klant_filters.get("alleenBinnenlandsAdres"))
    fields: list[str] = []
    for path in velden:
        section, _, field = path.partition(".")
        if section != "klant" or not field:
            continue
        head, _, rest = field.partition(".")
        if head in AUTOMATIC_FIELDS or head in KLANT_NIET_UIT_BRP:
            continue
        if domestic_only and head in _DOMESTIC_ONLY:
            field = _DOMESTIC_ONLY[head] + (f".{rest}" if rest else "")
        fields.append(field)
    return tuple(sorted(minimal(fields)))


class BrpSource:
    """One BRP register as a source of the klantbeeld: the persoon fills `klant`."""

    def __init__(self, connector: BrpConnector, origin_oin: str | None) -> None:
        self.connector = connector
        self.origin_oin = origin_oin

    async def fetch(self, query: SourceQuery, ctx: CallContext) -> Contribution | None:
        fields = fields_for(query.velden, query.section_filters("klant"))
        ctx = replace(
            ctx, brp_doelbinding=query.opties.get("doelbinding"), origin_oin=self.origin_oin
        )
        persoon = await self.connector.persoon(query.subject.value, fields, ctx)
        return None if persoon is None else Contribution(persoon=persoon, resultaat=persoon)


def _connect(settings: Any, upstream: Upstream, wiring: Wiring) -> BrpSource:
    headers = BrpProtocolHeaders(**settings.brp_headers) if settings.brp_headers else None
    return BrpSource(BrpConnector(upstream, headers), settings.origin_oin)


def _check(velden: frozenset[str], filters: Mapping[str, Filters]) -> list[tuple[str, str]]:
    # The connector always adds `burgerservicenummer` to check whom the BRP answered about.
    fields = set(fields_for(velden, filters.get("klant", {}))) | {KEY_FIELD}
    if len(fields) > MAX_FIELDS:
        return [("velden.klant", f"asks the BRP for more than {MAX_FIELDS} fields")]
    return []


SOURCE = SourceKind(
    soort="brp",
    titel="BRP Personen 2.x",
    label="BRP",
    connect=_connect,
    identifiers=frozenset({BURGERSERVICENUMMER}),
    # Everything under `klant` but the contact details the person gave the municipality.
    paths=("klant",),
    except_paths=tuple(f"klant.{name}" for name in KLANT_NIET_UIT_BRP),
    config_keys={"origin_oin": None, "brp_headers": {}},
    check=_check,
    asks=lambda velden, filters: bool(fields_for(velden, filters.get("klant", {}))),
    vraag=lambda velden, filters, opties: {
        "fields": list(fields_for(velden, filters.get("klant", {}))),
        "doelbinding": opties.get("doelbinding"),
    },
)
