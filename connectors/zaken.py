"""Zaken API 1.x: a person's (or an ondernemer's) zaken, with zaaktype and current status.

Whom they are about is a `Betrokkene`: a BSN, a business by kvkNummer (Open
Zaak 1.30, the register's `ondernemer_filter = "kvkNummer"`; its
nietNatuurlijkPersoon and vestiging rollen both count) or by the RSIN the
Handelsregister gave (`innNnpId`), or one branch by its vestigingsNummer.
Below, "the person" is whichever of these was asked.

One lookup is:
- `GET /zaken?rol__…inpBsn=<bsn>` page by page, and concurrently
  `GET /rollen?betrokkeneIdentificatie__…inpBsn=<bsn>`: the rollen prove which
  zaken are about the person, so a register that ignores the filter cannot
  pour other people's zaken into the view;
- per zaak, as soon as a rollen page proves it is the person's: zaaktype and
  status. They come from `_expand` when the register expanded them, otherwise
  from follow-up calls (`GET {status}`, then statustype and zaaktype through
  the cached `CatalogiResolver`). On real servers follow-ups with a warm
  Catalogi cache beat `expand` (UPSTREAMS §8), hence the default.

A person with many zaken may not fit the source's deadline. The lookup stops
`budget.STOP_MARGIN` before it: no further page is asked, the page and
follow-up calls still running are cancelled, and the zaken that are complete
(proven by a rol that arrived, their follow-ups done) are returned, marked
`afgekapt`. A zaak still waiting for its rol or a follow-up is left out, not
shown half: a missing status would read as "no status yet" and lose a merge
(DESIGN "Merging"), and a zaak without its zaaktype fails a doel's zaaktype
filter anyway. When nothing is complete at the stop, the source is a
`timeout`, as an empty list would read as "no zaken".
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import Any, Literal

from connectors import budget
from connectors.catalogi import CatalogiResolver, catalogi_resolver
from connectors.context import CallContext
from connectors.errors import UpstreamError, UpstreamTimeout, first_upstream_error
from connectors.http import Upstream
from connectors.records import (
    VERTROUWELIJKHEIDAANDUIDINGEN,
    Zaak,
    ZaakStatus,
    Zaaktype,
    ZakenResult,
)
from vocabulary.identifiers import BURGERSERVICENUMMER, KVK_NUMMER
from vocabulary.kinds import Contribution, SourceKind, SourceQuery, Wiring

# Open Zaak answers 412 without it and 406 to any other spelling.
ACCEPT_CRS = {"Accept-Crs": "EPSG:4326"}
# Parents listed explicitly: `status.statustype` alone expands nothing.
EXPAND = "zaaktype,status,status.statustype"


Resolve = Literal["follow-up", "expand"]
RawZaak = dict[str, Any]


@dataclass(frozen=True)
class Betrokkene:
    """Whom the zaken are about, as the Zaken API's rol filters name them.

    Each filter is (betrokkeneType in the filter's spelling, field, value): asked as
    `rol__betrokkeneIdentificatie__{type}__{field}` on /zaken and as
    `betrokkeneIdentificatie__{type}__{field}` on /rollen; a rol proves its zaak
    when its `betrokkeneIdentificatie.{field}` is the value. A zaak named by
    any of the filters counts (a business: its nietNatuurlijkPersoon and its
    vestiging rollen). The values are personal data (a BSN, an eenmanszaak's
    kvkNummer): left out of `repr`.
    """

    filters: tuple[tuple[str, str, str], ...] = field(repr=False)

    @classmethod
    def persoon(cls, bsn: str) -> Betrokkene:
        return cls((("natuurlijkPersoon", "inpBsn", bsn),))

    @classmethod
    def ondernemer(cls, kvk_nummer: str) -> Betrokkene:
        """A business by its kvkNummer (Open Zaak 1.30): both kinds of rol count."""
        return cls(
            (
                ("nietNatuurlijkPersoon", "kvkNummer", kvk_nummer),
                ("vestiging", "kvkNummer", kvk_nummer),
            )
        )

    @classmethod
    def rsin(cls, rsin: str) -> Betrokkene:
        """A business by the RSIN the Handelsregister gave (a register without kvkNummer)."""
        return cls((("nietNatuurlijkPersoon", "innNnpId", rsin),))

    @classmethod
    def vestiging(cls, vestigingsnummer: str) -> Betrokkene:
        """One branch of a business."""
        return cls((("vestiging", "vestigingsNummer", vestigingsnummer),))


@dataclass
class _Lookup:
    """What one `zaken()` call learned beside the zaken themselves."""

    catalogi_fout: UpstreamError | None = None
    catalogi_geraadpleegd: bool = False

    def catalogi_failed(self, error: UpstreamError) -> None:
        if self.catalogi_fout is None:
            self.catalogi_fout = error


@dataclass
class _EigenZaken:
    """The zaken the person's rollen prove to be theirs, growing page by page.

    A zaak is the person's once a rol of theirs (with the doel's
    `omschrijvingGeneriek`, when it names one) points at it; it is not when the
    whole rollen list has been read without one. A rollen list cut short (page
    cap, or the stop) proves fewer zaken, never wrong ones.
    """

    urls: set[str] = field(default_factory=set)
    complete: bool = False
    afgekapt: bool = False
    _changed: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    def add(self, urls: Iterable[str]) -> None:
        self.urls.update(urls)
        self._wake()

    def end(self, *, afgekapt: bool) -> None:
        self.complete, self.afgekapt = True, afgekapt
        self._wake()

    async def proves(self, url: str) -> bool:
        """Whether `url` is one of the person's zaken: waits for the rollen that tell."""
        while url not in self.urls:
            if self.complete:
                return False
            await self._changed.wait()
        return True

    def _wake(self) -> None:
        # Wake every waiter once; each then waits on the next change.
        self._changed.set()
        self._changed = asyncio.Event()


class ZakenConnector:
    def __init__(
        self,
        upstream: Upstream,
        catalogi: CatalogiResolver,
        *,
        resolve: Resolve = "follow-up",
        page_size: int | None = None,
        max_pages: int = 10,
    ) -> None:
        self.upstream = upstream
        self.catalogi = catalogi
        self.resolve = resolve
        self.page_size = page_size
        self.max_pages = max_pages

    async def zaken(
        self,
        bsn: str | Betrokkene,
        ctx: CallContext,
        *,
        rol: str | None = None,
        max_vertrouwelijkheid: str | None = None,
        with_zaaktype: bool = True,
        with_status: bool = True,
    ) -> ZakenResult:
        """The person's zaken, newest first.

        `with_zaaktype` / `with_status` False skip those follow-up calls when the
        caller will not show (or filter on) them: minimise at the source.

        `rol` (an `omschrijvingGeneriek` such as `initiator`) keeps only zaken
        where the person has that rol; `max_vertrouwelijkheid` keeps zaken up to
        that vertrouwelijkheidaanduiding. Both are pushed down to the register
        and checked again here.

        At the stop (`budget.stop_at()`) the lookup ends with the zaken that are
        complete, `afgekapt`; with none complete it raises `UpstreamTimeout`.
        """
        if max_vertrouwelijkheid is not None and (
            max_vertrouwelijkheid not in VERTROUWELIJKHEIDAANDUIDINGEN
        ):
            raise ValueError("Onbekende vertrouwelijkheidaanduiding.")
        betrokkene = Betrokkene.persoon(bsn) if isinstance(bsn, str) else bsn
        seen: set[str] = set()
        earlier: set[str] = set()  # the zaken an earlier filter found
        lookup = _Lookup()
        eigen = _EigenZaken()
        lookups: list[asyncio.Task[Zaak | None]] = []
        afgekapt = False
        stop = asyncio.timeout_at(budget.stop_at())
        try:
            async with stop, asyncio.TaskGroup() as group:
                group.create_task(self._eigen_zaken(betrokkene, ctx, rol, eigen))
                for betrokken in betrokkene.filters:
                    pages = self.upstream.pages(
                        "zaken",
                        ctx,
                        params=self._zaken_params(betrokken, rol, max_vertrouwelijkheid),
                        headers=ACCEPT_CRS,
                        max_pages=self.max_pages,
                    )
                    async with aclosing(pages):
                        async for page in pages:
                            afgekapt = afgekapt or page.afgekapt
                            # Each zaak's follow-ups start now, not after the last page.
                            for raw in page.results:
                                url = raw.get("url") if isinstance(raw, dict) else None
                                if url in earlier or not _within(raw, max_vertrouwelijkheid):
                                    continue  # a zaak two filters name is shown once
                                if isinstance(url, str):
                                    seen.add(url)
                                task = group.create_task(
                                    self._zaak(raw, eigen, ctx, lookup, with_zaaktype, with_status)
                                )
                                lookups.append(task)
                    earlier |= seen
        except ExceptionGroup as failures:
            raise first_upstream_error(failures) from None
        except TimeoutError:
            if not stop.expired():
                raise
        cut = stop.expired()
        # At the stop the task group cancelled whatever was still running (pages,
        # rollen, follow-ups) and waited for it: the zaken whose lookup finished
        # are complete, the rest is left out.
        zaken = [
            zaak for task in lookups if not task.cancelled() and (zaak := task.result()) is not None
        ]
        if cut and not zaken:
            raise UpstreamTimeout()  # an empty list would say "no zaken"
        zaken.sort(key=_newest_first, reverse=True)
        return ZakenResult(
            zaken,
            afgekapt=afgekapt or eigen.afgekapt or cut,
            catalogi_fout=lookup.catalogi_fout,
            catalogi_geraadpleegd=lookup.catalogi_geraadpleegd,
        )

    def _zaken_params(
        self, betrokken: tuple[str, str, str], rol: str | None, max_vertrouwelijkheid: str | None
    ) -> dict[str, str | int]:
        soort, veld, value = betrokken
        params: dict[str, str | int] = {
            f"rol__betrokkeneIdentificatie__{soort}__{veld}": value,
            # The default order is not by date: always ask for it.
            "ordering": "-startdatum",
        }
        if rol:
            # Both rol__ filters must match the same rol, which is what we want.
            params["rol__omschrijvingGeneriek"] = rol
        if max_vertrouwelijkheid:
            params["maximaleVertrouwelijkheidaanduiding"] = max_vertrouwelijkheid
        if self.page_size:
            params["pageSize"] = self.page_size
        if self.resolve == "expand":
            params["expand"] = EXPAND
        return params

    async def _eigen_zaken(
        self, betrokkene: Betrokkene, ctx: CallContext, rol: str | None, eigen: _EigenZaken
    ) -> None:
        afgekapt = False
        for soort, veld, value in betrokkene.filters:
            params: dict[str, str | int] = {f"betrokkeneIdentificatie__{soort}__{veld}": value}
            if rol:
                params["omschrijvingGeneriek"] = rol
            if self.page_size:
                params["pageSize"] = self.page_size
            pages = self.upstream.pages("rollen", ctx, params=params, max_pages=self.max_pages)
            async with aclosing(pages):
                async for page in pages:
                    afgekapt = afgekapt or page.afgekapt
                    # Each page proves its zaken at once: their follow-ups need not
                    # wait for the last rollen page.
                    eigen.add(
                        found["zaak"]
                        for found in page.results
                        if _is_betrokkenes_rol(found, veld, value, rol)
                    )
        eigen.end(afgekapt=afgekapt)

    async def _zaak(
        self,
        raw: RawZaak,
        eigen: _EigenZaken,
        ctx: CallContext,
        lookup: _Lookup,
        with_zaaktype: bool = True,
        with_status: bool = True,
    ) -> Zaak | None:
        # A failing rollen list fails the task group, which cancels this wait.
        url = raw.get("url")
        if not isinstance(url, str) or not await eigen.proves(url):
            return None  # not about this person: no follow-up calls for it either
        expanded = raw.get("_expand")
        # The status in a task of its own, the zaaktype (nearly always a Catalogi
        # cache hit) in this one: both at once, one task per zaak and not two.
        status_call = (
            asyncio.ensure_future(self._status(raw, expanded, ctx, lookup)) if with_status else None
        )
        try:
            zaaktype = await self._zaaktype(raw, expanded, ctx, lookup) if with_zaaktype else None
            status = await status_call if status_call is not None else None
        finally:
            if status_call is not None and not status_call.done():
                # Cancelled with this zaak, and waited for: nothing of it outlives the lookup.
                status_call.cancel()
                await asyncio.gather(status_call, return_exceptions=True)
        return {
            "bron": self.upstream.naam,
            "url": url,
            "uuid": _text(raw, "uuid"),
            "identificatie": _text(raw, "identificatie"),
            "bronorganisatie": _text(raw, "bronorganisatie"),
            "omschrijving": _text(raw, "omschrijving"),
            "toelichting": _text(raw, "toelichting"),
            "zaaktype": zaaktype,
            "status": status,
            "registratiedatum": _text(raw, "registratiedatum"),
            "startdatum": _text(raw, "startdatum"),
            "einddatum": _text(raw, "einddatum"),
            "einddatumGepland": _text(raw, "einddatumGepland"),
            "uiterlijkeEinddatumAfdoening": _text(raw, "uiterlijkeEinddatumAfdoening"),
            "vertrouwelijkheidaanduiding": _text(raw, "vertrouwelijkheidaanduiding"),
        }

    async def _zaaktype(
        self, raw: RawZaak, expanded: Any, ctx: CallContext, lookup: _Lookup
    ) -> Zaaktype | None:
        url = _text(raw, "zaaktype")
        if url is None:
            return None
        data = _expanded(expanded, "zaaktype")
        if data is None:
            data = await self._from_catalogi(url, ctx, lookup)
        return {
            "url": url,
            "identificatie": _text(data, "identificatie"),
            "omschrijving": _text(data, "omschrijving"),
        }

    async def _status(
        self, raw: RawZaak, expanded: Any, ctx: CallContext, lookup: _Lookup
    ) -> ZaakStatus | None:
        url = _text(raw, "status")
        if url is None:
            return None  # no status set yet
        status = _expanded(expanded, "status")
        if status is None:
            try:
                status = await self.upstream.get_json(url, ctx)
            except UpstreamError:
                # One unreadable status (403 outside the client's rights, a
                # dead link) costs that zaak its status, not the person their zaken.
                return None
            if not isinstance(status, dict):
                return None
        statustype = _expanded(status.get("_expand"), "statustype")
        if statustype is None:
            statustype_url = _text(status, "statustype")
            statustype = (
                await self._from_catalogi(statustype_url, ctx, lookup) if statustype_url else {}
            )
        eindstatus = statustype.get("isEindstatus")
        return {
            "omschrijving": _text(statustype, "omschrijving"),
            "statustekst": _text(statustype, "statustekst"),
            "datumStatusGezet": _text(status, "datumStatusGezet"),
            "isEindstatus": eindstatus if isinstance(eindstatus, bool) else None,
        }

    async def _from_catalogi(self, url: str, ctx: CallContext, lookup: _Lookup) -> dict[str, Any]:
        # Consulted even when the cache answers: the view still shows Catalogi data.
        lookup.catalogi_geraadpleegd = True
        try:
            return await self.catalogi.get(url, ctx)
        except UpstreamError as error:
            lookup.catalogi_failed(error)
            return {}


def _is_betrokkenes_rol(rol: dict[str, Any], veld: str, value: str, generiek: str | None) -> bool:
    identificatie = rol.get("betrokkeneIdentificatie")
    return (
        isinstance(identificatie, dict)
        and identificatie.get(veld) == value
        and isinstance(rol.get("zaak"), str)
        and (generiek is None or rol.get("omschrijvingGeneriek") == generiek)
    )


def _within(raw: RawZaak, max_vertrouwelijkheid: str | None) -> bool:
    """Defence in depth for `maximaleVertrouwelijkheidaanduiding`; unknown levels fail closed."""
    if max_vertrouwelijkheid is None:
        return True
    level = raw.get("vertrouwelijkheidaanduiding")
    if level not in VERTROUWELIJKHEIDAANDUIDINGEN:
        return False
    ceiling = VERTROUWELIJKHEIDAANDUIDINGEN.index(max_vertrouwelijkheid)
    return VERTROUWELIJKHEIDAANDUIDINGEN.index(level) <= ceiling


def _expanded(container: Any, key: str) -> dict[str, Any] | None:
    # Open Zaak leaves the key out, the spec says `{}`, some send null: all mean "not expanded".
    value = container.get(key) if isinstance(container, dict) else None
    return value if isinstance(value, dict) and value else None


def _text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) and value else None


def _newest_first(zaak: Zaak) -> tuple[str, str]:
    return (zaak["startdatum"] or "", zaak["registratiedatum"] or "")


class ZakenSource:
    """One zaaksysteem as a source of the klantbeeld: the person's zaken fill `zaken`.

    Of the doel's zaak filters, the single-valued ones are pushed down (`rol`,
    `maximaleVertrouwelijkheidaanduiding`); the zaaktype is fetched when shown or
    when the doel filters on it, the status only when shown.
    """

    def __init__(self, connector: ZakenConnector, ondernemer_filter: str | None = None) -> None:
        self.connector = connector
        self.ondernemer_filter = ondernemer_filter

    def betrokkene(self, query: SourceQuery) -> Betrokkene | None:
        """Whom to ask about: a person, a branch, a business by kvkNummer or by RSIN.

        None: a business this register can only find by its RSIN, and the
        Handelsregister gave none (an eenmanszaak has none): nothing to ask.
        """
        subject = query.subject
        if not subject.is_ondernemer:
            return Betrokkene.persoon(subject.value)
        if subject.vestigingsnummer is not None:
            return Betrokkene.vestiging(subject.vestigingsnummer)
        if self.ondernemer_filter == "kvkNummer":
            return Betrokkene.ondernemer(subject.value)
        rsin = next(
            (o.rsin for o in query.inputs.get("handelsregister", ()) if getattr(o, "rsin", None)),
            None,
        )
        return None if rsin is None else Betrokkene.rsin(rsin)

    async def fetch(self, query: SourceQuery, ctx: CallContext) -> Contribution | None:
        filters = query.section_filters("zaken")
        betrokkene = self.betrokkene(query)
        if betrokkene is None:
            return None
        result = await self.connector.zaken(
            betrokkene,
            ctx,
            rol=filters.get("rol"),
            max_vertrouwelijkheid=filters.get("maximaleVertrouwelijkheidaanduiding"),
            with_zaaktype=filters.get("zaaktypen") is not None or query.wants("zaken.zaaktype"),
            with_status=query.wants("zaken.status"),
        )
        return Contribution(zaken=result.zaken, afgekapt=result.afgekapt, resultaat=result)


def _connect(settings: Any, upstream: Upstream, wiring: Wiring) -> ZakenSource:
    connector = ZakenConnector(
        upstream,
        catalogi_resolver(wiring),
        resolve=settings.resolve,
        page_size=settings.page_size,
        max_pages=settings.max_pages,
    )
    return ZakenSource(connector, settings.ondernemer_filter)


SOURCE = SourceKind(
    soort="zaken",
    titel="Zaken API 1.5",
    label="Zaken (+ Catalogi)",
    connect=_connect,
    identifiers=frozenset({BURGERSERVICENUMMER, KVK_NUMMER}),
    paths=("zaken",),
    # A business's zaken by RSIN need it from the Handelsregister first.
    ondernemer_needs=("handelsregister",),
    config_keys={
        "resolve": "follow-up",
        "page_size": None,
        "max_pages": 10,
        "ondernemer_filter": None,
    },
)
