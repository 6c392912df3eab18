"""Toestemming (Objects API 2.x, objecttype `toestemming`): a person's registered consent.

A consent is an object of the municipality's objecttype `toestemming` (schema:
`docs/toestemming.schema.json`): `bsn`, `doel`, `uitbreiding`, `geldigVanaf`,
`geldigTot`, `kanaal`. It lets one doel widen to one of its `[toestemming.<naam>]`
uitbreidingen for this person, for as long as it is valid.

The register is asked with `POST /objects/search`: the objecttype and the
`data_attrs` filter travel in the body, so the BSN never appears in a URL
(UPSTREAMS §6). Auth is `Authorization: Token …` (`[registers.auth]` type
`token`). The answer is checked here, never trusted: an object about another
person, another doel or an uitbreiding the doel does not define is ignored, and
validity is decided locally on `geldigVanaf` ≤ now < `geldigTot` (RFC 3339). No
valid consent, an expired one or one for another doel: `niet-gevonden`, not told
apart, so `bronnen` says nothing about consents the caller may not use.

A self-service doel may also list the person's own consents (`klant.toestemmingen`,
`bronnen` naming `toestemming`): then every consent about this BSN is read, any
doel, valid or not, newest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from connectors.context import CallContext
from connectors.errors import UpstreamError
from connectors.http import Upstream
from vocabulary.identifiers import BURGERSERVICENUMMER
from vocabulary.kinds import Contribution, SourceKind, SourceQuery, Wiring
from vocabulary.records import KLANT_TOESTEMMINGEN, Toestemming

SEARCH_PATH = "objects/search"
PAGE_SIZE = 100  # one person's consents for one doel: a handful
# The Objects API needs these on a search (its spec marks Content-Crs required).
SEARCH_HEADERS = {"Content-Crs": "EPSG:4326", "Accept-Crs": "EPSG:4326"}
_SHAPE = "Het toestemmingenregister gaf een antwoord in een onbekende vorm."

# What the fan-out passes in `SourceQuery.opties` (facade/klantbeeld.py builds it).
DOEL = "doel"
UITBREIDINGEN = "uitbreidingen"
NU = "nu"


@dataclass(frozen=True)
class GeldigeToestemming:
    """The consent that widens this klantbeeld: its URL is the grondslag the record names."""

    url: str
    uitbreiding: str
    geldig_tot: datetime
    kanaal: str | None


class ToestemmingSource:
    def __init__(self, upstream: Upstream, objecttype: str) -> None:
        self.upstream = upstream
        self.objecttype = objecttype

    async def fetch(self, query: SourceQuery, ctx: CallContext) -> Contribution | None:
        if query.wants(f"klant.{KLANT_TOESTEMMINGEN}"):
            return await self._own(query, ctx)
        bsn = query.subject.value
        doel = str(query.opties[DOEL])
        known = frozenset(query.opties[UITBREIDINGEN])
        now: datetime = query.opties[NU]
        body = {
            "type": self.objecttype,
            # `value` may hold neither "__" nor ",": a BSN and a doel id never do.
            "data_attrs": f"bsn__exact__{bsn},doel__exact__{doel}",
        }
        results = await self._search(body, ctx)
        valid = [
            found
            for obj in results
            if (found := _valid(obj, bsn=bsn, doel=doel, known=known, now=now)) is not None
        ]
        if not valid:
            return None
        # Of two valid consents, the one that lasts longest: the record names one.
        chosen = max(valid, key=lambda t: t.geldig_tot)
        return Contribution(resultaat=chosen)

    async def _own(self, query: SourceQuery, ctx: CallContext) -> Contribution | None:
        """Every consent the person registered (a self-service doel lists them)."""
        bsn = query.subject.value
        body = {"type": self.objecttype, "data_attrs": f"bsn__exact__{bsn}"}
        found: list[Toestemming] = []
        for obj in await self._search(body, ctx):
            data = obj.get("record", {}).get("data") if isinstance(obj, dict) else None
            if not isinstance(data, dict) or data.get("bsn") != bsn:
                continue  # never another person's consent
            vanaf, tot = _moment(data.get("geldigVanaf")), _moment(data.get("geldigTot"))
            if (
                vanaf is None
                or tot is None
                or not all(isinstance(data.get(k), str) for k in ("doel", "uitbreiding"))
            ):
                continue
            kanaal = data.get("kanaal")
            found.append(
                Toestemming(
                    doel=data["doel"],
                    uitbreiding=data["uitbreiding"],
                    geldigVanaf=vanaf.isoformat(),
                    geldigTot=tot.isoformat(),
                    kanaal=kanaal if isinstance(kanaal, str) else None,
                )
            )
        if not found:
            return None
        found.sort(key=lambda t: t["geldigVanaf"], reverse=True)
        return Contribution(toestemmingen=found)

    async def _search(self, body: dict[str, Any], ctx: CallContext) -> list[Any]:
        answer = await self.upstream.request_json(
            "POST",
            SEARCH_PATH,
            ctx,
            params={"pageSize": PAGE_SIZE},
            body=body,
            headers=SEARCH_HEADERS,
            idempotent=True,  # a search only reads
        )
        if not isinstance(answer, dict) or not isinstance(answer.get("results"), list):
            raise UpstreamError(_SHAPE, code="ongeldige-vorm")
        return answer["results"]


def _valid(
    obj: Any, *, bsn: str, doel: str, known: frozenset[str], now: datetime
) -> GeldigeToestemming | None:
    if not isinstance(obj, dict) or not isinstance(obj.get("record"), dict):
        return None
    data = obj["record"].get("data")
    url = obj.get("url")
    if not isinstance(data, dict) or not isinstance(url, str):
        return None
    if data.get("bsn") != bsn or data.get("doel") != doel:
        return None  # the register's filter is not trusted: never another's consent
    uitbreiding = data.get("uitbreiding")
    if uitbreiding not in known:
        return None
    vanaf, tot = _moment(data.get("geldigVanaf")), _moment(data.get("geldigTot"))
    if vanaf is None or tot is None or not vanaf <= now < tot:
        return None
    kanaal = data.get("kanaal")
    return GeldigeToestemming(
        url, str(uitbreiding), tot, kanaal if isinstance(kanaal, str) else None
    )


def _moment(value: Any) -> datetime | None:
    """An RFC 3339 date-time with its offset; anything else is no validity at all."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _connect(settings: Any, upstream: Upstream, wiring: Wiring) -> ToestemmingSource:
    return ToestemmingSource(upstream, settings.objecttype)


SOURCE = SourceKind(
    soort="toestemming",
    titel="Objects API 2.x (objecttype toestemming)",
    label="Toestemmingen",
    connect=_connect,
    identifiers=frozenset({BURGERSERVICENUMMER}),
    # A self-service doel may list the person's own consents; a doel with
    # [toestemming.*] asks it for a valid consent without naming it in bronnen.
    paths=(f"klant.{KLANT_TOESTEMMINGEN}",),
    config_keys={"objecttype": None},
)
