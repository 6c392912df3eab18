"""Klantinteracties (Open Klant 2.x): which persons gave this phone number or e-mail address.

`GET /digitaleadressen?adres__icontains=…&soortDigitaalAdres=…` finds the addresses
that contain the value (for a phone number: its last 8 digits, so a stored
`0612345678`, `06-12345678` or `+31612345678` is found; a number stored with a
separator inside its last 8 digits, `06-1234 5678`, is not — `adres__icontains` is a
plain substring match, DESIGN.md "Zoeken"); only those whose normalised address
equals the normalised value are kept. Each one's `verstrektDoorPartij` is read
(`GET /partijen/{uuid}`) for its BSN identificator. The value is in a query string,
which the façade's log redaction strips and its spans never carry (`url.path` only).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Any

from connectors.context import CallContext
from connectors.errors import UpstreamError, first_upstream_error
from connectors.http import Upstream
from vocabulary.zoeken import normalised_email, normalised_phone

SOORT = {"telefoonnummer": "telefoonnummer", "emailadres": "email"}


class DigitaalAdresZoeker:
    def __init__(
        self, upstream: Upstream, *, max_pages: int = 2, max_partijen: int | None = None
    ) -> None:
        self.upstream = upstream
        self.max_pages = max_pages
        # More partijen than a search may show: none is read (no person processed
        # for an answer that will be "te veel resultaten" anyway).
        self.max_partijen = max_partijen

    async def bsns(self, vorm: str, waarde: str, ctx: CallContext) -> tuple[list[str], bool]:
        """The BSNs of the partijen that gave this (normalised) address; and whether cut
        (by the page cap, or by more partijen than `max_partijen`: then no BSN)."""
        if vorm == "telefoonnummer":
            term = waarde[-8:]  # in E.164: the last 8 digits, however the register wrote it
            same: Callable[[str], bool] = lambda adres: normalised_phone(adres) == waarde  # noqa: E731
        else:
            term = waarde
            same = lambda adres: normalised_email(adres) == waarde  # noqa: E731
        page = await self.upstream.paginate(
            "digitaleadressen",
            ctx,
            params={"adres__icontains": term, "soortDigitaalAdres": SOORT[vorm]},
            max_pages=self.max_pages,
        )
        partijen: dict[str, None] = {}
        for adres in page.results:
            value = adres.get("adres")
            url = _partij_url(adres)
            # An address given by a betrokkene only (no partij) identifies nobody.
            if isinstance(value, str) and same(value) and url is not None:
                partijen.setdefault(url, None)
        if self.max_partijen is not None and len(partijen) > self.max_partijen:
            return [], True
        try:
            async with asyncio.TaskGroup() as group:
                reads = [group.create_task(self._bsn(url, ctx)) for url in partijen]
        except ExceptionGroup as failures:
            raise first_upstream_error(failures) from None
        found = dict.fromkeys(bsn for task in reads for bsn in task.result())
        return list(found), page.afgekapt

    async def _bsn(self, url: str, ctx: CallContext) -> list[str]:
        if not self.upstream.owns(url):
            raise UpstreamError("Het register verwees naar een andere server.", code="vreemde-url")
        partij = await self.upstream.get_json(url, ctx)
        if not isinstance(partij, dict):
            raise _ongeldige_vorm()
        if partij.get("indicatieActief") is False:
            return []  # the standard: details of an inactive partij are not to be used
        found = []
        for identificator in partij.get("partijIdentificatoren") or []:
            groep = (
                identificator.get("partijIdentificator")
                if isinstance(identificator, dict)
                else None
            )
            if (
                isinstance(groep, dict)
                and groep.get("codeSoortObjectId") == "bsn"
                and isinstance(groep.get("objectId"), str)
                and re.fullmatch(r"[0-9]{9}", groep["objectId"]) is not None
            ):
                found.append(groep["objectId"])
        return found


def _partij_url(adres: dict[str, Any]) -> str | None:
    partij = adres.get("verstrektDoorPartij")
    url = partij.get("url") if isinstance(partij, dict) else None
    return url if isinstance(url, str) and url else None


def _ongeldige_vorm() -> UpstreamError:
    return UpstreamError(
        "Het register gaf een antwoord in een onbekende vorm.", code="ongeldige-vorm"
    )
