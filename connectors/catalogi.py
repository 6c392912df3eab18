"""Zaaktypen and statustypen from the Catalogi registers, cached by URL.

A zaak names its zaaktype and status by absolute URL, possibly on another
Catalogi host than the zaken. Catalogi data describes the municipality's
processes, not people, so it may be cached; every KCC lookup then costs at most
one Catalogi call per type per hour instead of two per zaak.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from cachetools import TTLCache

from connectors.context import CallContext
from connectors.errors import UpstreamError, UpstreamTimeout
from connectors.http import Upstream
from vocabulary.kinds import Report, ServedOutcome, SourceKind, Wiring

if TYPE_CHECKING:
    from connectors.records import ZakenResult

CatalogiObject = dict[str, Any]


class CatalogiResolver:
    """Fetches Catalogi objects by URL from the register that owns the URL.

    Identical concurrent lookups share one upstream call (single flight): a page
    of 100 zaken of one zaaktype costs one call, not 100. Failures are not
    cached; the next lookup tries again.

    Each shared call has its own deadline (`timeout_seconds`), shorter than the
    zaken source's: a hanging Catalogi then costs the zaken their zaaktype and
    status texts, not the whole zaken section. At the deadline the call itself
    is cancelled and every waiter gets an `UpstreamTimeout`.
    """

    def __init__(
        self,
        upstreams: Sequence[Upstream],
        *,
        ttl_seconds: float = 3600,
        maxsize: int = 2048,
        clock: Callable[[], float] = time.monotonic,
        timeout_seconds: float = 1.0,
    ) -> None:
        self.upstreams = list(upstreams)
        self.timeout_seconds = timeout_seconds
        self._cache: TTLCache[str, CatalogiObject] = TTLCache(
            maxsize=maxsize, ttl=ttl_seconds, timer=clock
        )
        self._in_flight: dict[str, asyncio.Task[CatalogiObject]] = {}
        # For the cache hit rate metric: look-ups answered from the cache or not.
        self.hits = 0
        self.misses = 0

    async def zaaktype(self, url: str, ctx: CallContext) -> CatalogiObject:
        return await self.get(url, ctx)

    async def statustype(self, url: str, ctx: CallContext) -> CatalogiObject:
        return await self.get(url, ctx)

    async def get(self, url: str, ctx: CallContext) -> CatalogiObject:
        cached = self._cache.get(url)
        if cached is not None:
            self.hits += 1
            return cached
        self.misses += 1
        task = self._in_flight.get(url)
        if task is None:
            # The first caller's ctx signs the shared call; Catalogi reads are
            # not personal, so whose name is on the token does not matter here.
            task = asyncio.create_task(self._fetch_in_time(url, ctx))
            self._in_flight[url] = task
            task.add_done_callback(self._forget)
        # shield: one waiter being cancelled (its deadline) must not cancel the
        # call the other waiters share.
        return await asyncio.shield(task)

    def _forget(self, task: asyncio.Task[CatalogiObject]) -> None:
        for url, running in list(self._in_flight.items()):
            if running is task:
                del self._in_flight[url]

    async def _fetch_in_time(self, url: str, ctx: CallContext) -> CatalogiObject:
        # The deadline lives inside the shared task, not in a waiter: when it
        # passes, the upstream call is cancelled rather than left running.
        try:
            async with asyncio.timeout(self.timeout_seconds):
                return await self._fetch(url, ctx)
        except TimeoutError:
            raise UpstreamTimeout() from None

    async def _fetch(self, url: str, ctx: CallContext) -> CatalogiObject:
        upstream = self._owner(url)
        body = await upstream.get_json(url, ctx)
        if not isinstance(body, dict):
            raise UpstreamError(
                "De catalogus gaf een antwoord in een onbekende vorm.", code="ongeldige-vorm"
            )
        self._cache[url] = body
        return body

    def _owner(self, url: str) -> Upstream:
        for upstream in self.upstreams:
            if upstream.owns(url):
                return upstream
        # Open Zaak serves `/catalogi/api/v1` beside `/zaken/api/v1` with one
        # client list: a zaken register passed in here serves its own server's
        # Catalogi, since its credentials already go to that server.
        for upstream in self.upstreams:
            if upstream.same_server(url):
                return upstream
        # Credentials only go to a register we configured: a zaak pointing at an
        # unknown host is a data error, not an invitation.
        raise UpstreamError("De zaak verwijst naar een onbekende catalogus.", code="vreemde-url")


def catalogi_resolver(wiring: Wiring) -> CatalogiResolver:
    """The one resolver of the process, shared by every zaaksysteem.

    One cache: zaaktypen are shared between zaaksystemen of one municipality,
    and a zaken register may serve its Catalogi itself (Open Zaak). A lookup
    gets the catalogi register's own deadline, so a slow Catalogi costs the
    zaaktype and status fields, not the zaken themselves.
    """

    def make() -> CatalogiResolver:
        deadlines = [s.deadline_ms for s in wiring.settings("catalogi")]
        return CatalogiResolver(
            wiring.upstreams("catalogi", "zaken"),
            timeout_seconds=min(deadlines, default=1000) / 1000,
        )

    return wiring.shared("catalogi-resolver", make)


def _report(base_url: str, served: Sequence[ServedOutcome]) -> Report | None:
    """Catalogi is consulted on behalf of zaken; it reports what those look-ups met.

    With several zaaksystemen, each Catalogi answers for the zaken whose
    zaaktype it holds; when no zaaktype was resolved, all consulted ones count.
    """
    consulted = [o for o in served if o.resultaat.catalogi_geraadpleegd]
    own = [o for o in consulted if _uses(o.resultaat, base_url)]
    consulted = own or [o for o in consulted if not _any_zaaktype(o.resultaat)]
    if not consulted:
        return None
    duur = max(o.duur_ms for o in consulted)
    for outcome in consulted:
        fout = outcome.resultaat.catalogi_fout
        if fout is not None:
            return Report(fout.status, duur, fout.problem())
    return Report("ok", duur)


def _uses(result: ZakenResult, base_url: str) -> bool:
    return any(
        (z.get("zaaktype") or {}).get("url", "").startswith(base_url + "/") for z in result.zaken
    )


def _any_zaaktype(result: ZakenResult) -> bool:
    return any((z.get("zaaktype") or {}).get("url") for z in result.zaken)


def _connect(settings: object, upstream: Upstream, wiring: Wiring) -> None:
    catalogi_resolver(wiring)  # a Catalogi is reached through the shared resolver only


SOURCE = SourceKind(
    soort="catalogi",
    titel="Catalogi API 1.x",
    label="Catalogi",
    connect=_connect,  # type: ignore[arg-type]
    consulted_for="zaken",
    report=_report,
)
