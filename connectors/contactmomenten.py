"""Contactmomenten API 1.0 (Open Klant 1.x): the contact history of a person's klanten.

The standard has no `klant` filter on `/contactmomenten`, so a lookup walks the
links: `GET /klantcontactmomenten?klant=<url>` per klant, `GET {contactmoment}`
per distinct contactmoment, and `GET {objectcontactmoment}` for its zaak links.
Every call starts as soon as the URL it needs has arrived.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from contextlib import aclosing
from datetime import UTC, datetime
from typing import Any

from connectors.context import CallContext
from connectors.errors import UpstreamError, first_upstream_error
from connectors.http import Upstream
from connectors.records import Contactmoment, ContactmomentenResult
from vocabulary.identifiers import BURGERSERVICENUMMER, KVK_NUMMER
from vocabulary.kinds import Contribution, SourceKind, SourceQuery, Wiring


class ContactmomentenConnector:
    def __init__(self, upstream: Upstream, *, max_pages: int = 10) -> None:
        self.upstream = upstream
        self.max_pages = max_pages

    async def contactmomenten(
        self, klant_urls: Sequence[str], ctx: CallContext
    ) -> ContactmomentenResult:
        """The contactmomenten of these klanten (from the Klanten register), newest first.

        A contactmoment or zaak link that is gone (404) is left out; any other
        failure fails the whole source, rather than show a history with silent gaps.
        """
        walk = _Walk(self, ctx)
        try:
            async with asyncio.TaskGroup() as group:
                walk.group = group
                for klant_url in dict.fromkeys(klant_urls):
                    group.create_task(walk.klant(klant_url))
        except ExceptionGroup as failures:
            raise first_upstream_error(failures) from None
        found = [moment for task in walk.contactmomenten.values() if (moment := task.result())]
        found.sort(key=_newest_first, reverse=True)
        return ContactmomentenResult(found, afgekapt=walk.afgekapt)


class _Walk:
    """One lookup's fan-out: each step schedules the next in the same task group."""

    def __init__(self, connector: ContactmomentenConnector, ctx: CallContext) -> None:
        self.upstream = connector.upstream
        self.max_pages = connector.max_pages
        self.ctx = ctx
        self.group: asyncio.TaskGroup | None = None
        self.contactmomenten: dict[str, asyncio.Task[Contactmoment | None]] = {}
        self.afgekapt = False

    async def klant(self, klant_url: str) -> None:
        assert self.group is not None
        pages = self.upstream.pages(
            "klantcontactmomenten",
            self.ctx,
            params={"klant": klant_url},  # no pageSize: Open Klant 1.0 answers 400
            max_pages=self.max_pages,
        )
        async with aclosing(pages):
            async for page in pages:
                self.afgekapt = self.afgekapt or page.afgekapt
                for link in page.results:
                    url = link.get("contactmoment")
                    # A register that ignored the filter must not hand us someone else's history.
                    if link.get("klant") != klant_url or not isinstance(url, str) or not url:
                        continue
                    if url not in self.contactmomenten:  # two klanten may share a contact
                        self.contactmomenten[url] = self.group.create_task(self.contactmoment(url))

    async def contactmoment(self, url: str) -> Contactmoment | None:
        raw = await self._get_unless_gone(url)
        if raw is None:
            return None
        links = raw.get("objectcontactmomenten")
        links = [link for link in links if isinstance(link, str)] if isinstance(links, list) else []
        objecten = await asyncio.gather(*(self._get_unless_gone(link) for link in links))
        zaak_urls = [
            objectcontactmoment["object"]
            for objectcontactmoment in objecten
            if objectcontactmoment is not None
            and objectcontactmoment.get("objectType") == "zaak"
            and isinstance(objectcontactmoment.get("object"), str)
            and objectcontactmoment.get("contactmoment", url) == url
        ]
        return {
            "bron": self.upstream.naam,
            "url": url,
            "datum": _text(raw, "registratiedatum"),
            "kanaal": _text(raw, "kanaal"),
            "onderwerp": None,  # Contactmomenten 1.0 has no onderwerp
            "tekst": _text(raw, "tekst"),
            "initiatiefnemer": _text(raw, "initiatiefnemer"),
            "vertrouwelijk": False,  # nor a secrecy flag
            "gelukt": None,
            "zaakVerwijzingen": list(dict.fromkeys(zaak_urls)),
            "openstaandeVragen": [],  # Contactmomenten 1.0 has no internetaken
        }

    async def _get_unless_gone(self, url: str) -> dict[str, Any] | None:
        try:
            body = await self.upstream.get_json(url, self.ctx)
        except UpstreamError as error:
            if error.upstream_status == 404:  # a dead link, not a dead register
                return None
            raise
        if not isinstance(body, dict):
            raise UpstreamError(
                "Het register gaf een antwoord in een onbekende vorm.", code="ongeldige-vorm"
            )
        return body


def _text(raw: dict[str, Any], key: str) -> str | None:
    value = raw.get(key)
    return value if isinstance(value, str) and value else None


def _newest_first(moment: Contactmoment) -> datetime:
    # Compare instants, not strings: "…+01:00" and "…Z" do not sort as text.
    try:
        when = datetime.fromisoformat(moment["datum"] or "")
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


class ContactmomentenSource:
    """One Contactmomenten 1.0 register: the contacts of the klanten Klanten found."""

    def __init__(self, connector: ContactmomentenConnector) -> None:
        self.connector = connector

    async def fetch(self, query: SourceQuery, ctx: CallContext) -> Contribution:
        urls = [k["url"] for found in query.inputs.get("klanten", ()) for k in found.klanten]
        result = await self.connector.contactmomenten(urls, ctx)
        return Contribution(
            contactmomenten=result.contactmomenten, afgekapt=result.afgekapt, resultaat=result
        )


def _connect(settings: Any, upstream: Upstream, wiring: Wiring) -> ContactmomentenSource:
    return ContactmomentenSource(ContactmomentenConnector(upstream, max_pages=settings.max_pages))


SOURCE = SourceKind(
    soort="contactmomenten",
    titel="Contactmomenten API 1.0",
    label="Contactmomenten",
    connect=_connect,
    # It follows the klanten Klanten found, for a person or a business alike.
    identifiers=frozenset({BURGERSERVICENUMMER, KVK_NUMMER}),
    paths=("contactmomenten",),
    # The 1.0 standard has no onderwerp, no "gelukt" and no internetaken: those come
    # from Klantinteracties only (the review's bron column and the plan read this).
    except_paths=(
        "contactmomenten.onderwerp",
        "contactmomenten.gelukt",
        "contactmomenten.openstaandeVragen",
    ),
    # Contactmomenten 1.0 knows klanten, not persons: it is reached through Klanten.
    needs=("klanten",),
    config_keys={"max_pages": 10},
)
