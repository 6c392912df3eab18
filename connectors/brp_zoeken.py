"""BRP Personen 2.x searches: find persons by name and birth date, by address, or by BSNs.

The search values travel in the POST body, never in a URL, with the doel's
`x-doelbinding` and only the fields a candidate needs (`vocabulary.zoeken`). A
search answers with `PersoonBeperkt`; each persoon must carry a well-formed BSN
(the façade binds its handle to it), otherwise the answer is refused as a whole.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from connectors.brp import BrpConnector, requestable_fields
from connectors.context import CallContext
from connectors.errors import UpstreamError
from connectors.records import Persoon

_BSN = re.compile(r"[0-9]{9}")  # used with fullmatch: no trailing newline, ASCII digits
RAADPLEEG = "RaadpleegMetBurgerservicenummer"


class BrpZoeker:
    """The search half of a BRP register; shares the connector's upstream and headers."""

    def __init__(self, connector: BrpConnector) -> None:
        self.connector = connector

    async def zoek(
        self, zoektype: str, parameters: Mapping[str, Any], fields: Sequence[str], ctx: CallContext
    ) -> list[Persoon]:
        """The personen of one BRP search type (`ZoekMet…`), as the BRP answered them."""
        body = {"type": zoektype, **parameters, "fields": requestable_fields(fields)}
        return await self._personen(body, ctx)

    async def raadpleeg(
        self, bsns: Sequence[str], fields: Sequence[str], ctx: CallContext
    ) -> list[Persoon]:
        """The personen with these BSNs (at most 20: one request), unknown ones left out."""
        if not bsns:
            return []
        if len(bsns) > 20:
            raise ValueError("De BRP neemt hoogstens 20 burgerservicenummers per vraag.")
        body = {
            "type": RAADPLEEG,
            "burgerservicenummer": list(bsns),
            "fields": requestable_fields(fields),
        }
        personen = await self._personen(body, ctx)
        asked = set(bsns)
        # A persoon not asked for is refused with the rest: never pour others in.
        if any(p["burgerservicenummer"] not in asked for p in personen):
            raise UpstreamError(
                "De BRP gaf niet de gevraagde personen terug.", code="andere-persoon"
            )
        # As the ZoekMet… types do by default: no deceased person as a candidate
        # (`opschortingBijhouding` comes unasked; reden "O" is overlijden).
        return [p for p in personen if not _overleden(p)]

    async def _personen(self, body: dict[str, Any], ctx: CallContext) -> list[Persoon]:
        upstream = self.connector.upstream
        answer = await upstream.post_json(
            "personen",
            ctx,
            body,
            headers=self.connector.protocol_headers.for_call(ctx),
            idempotent=True,
        )
        personen = answer.get("personen") if isinstance(answer, dict) else None
        if not isinstance(personen, list) or not all(
            isinstance(p, dict) and isinstance(p.get("burgerservicenummer"), str) for p in personen
        ):
            raise UpstreamError(
                "De BRP gaf een antwoord in een onbekende vorm.", code="ongeldige-vorm"
            )
        if not all(_BSN.fullmatch(p["burgerservicenummer"]) for p in personen):
            raise UpstreamError(
                "De BRP gaf een antwoord in een onbekende vorm.", code="ongeldige-vorm"
            )
        # One persoon once, in the BRP's order.
        unique: dict[str, Persoon] = {}
        for persoon in personen:
            unique.setdefault(persoon["burgerservicenummer"], persoon)
        return list(unique.values())


def _overleden(persoon: Persoon) -> bool:
    opschorting = persoon.get("opschortingBijhouding")
    reden = opschorting.get("reden") if isinstance(opschorting, dict) else None
    return isinstance(reden, dict) and reden.get("code") == "O"
