"""One klantbeeld: fan out to the registers the plan names, merge, filter, project.

Every source runs concurrently under its own deadline, capped by the request's
total budget. Only Contactmomenten 1.0 waits for another source (it finds
contacts through the klant's URL, which Klanten gives). A source that fails or
is late costs its own section, never the view.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from connectors import budget
from connectors.context import CallContext
from connectors.errors import UpstreamError, UpstreamTimeout
from connectors.records import (
    ContactmomentenResult,
    KlantenResult,
    PartijResult,
    ZakenResult,
)
from facade.metrics import Metrics
from facade.registers import Register, Registers
from facade.view import (
    Bron,
    BronStatus,
    contact_view,
    klant_section,
    merge_contacten,
    merge_zaken,
    zaak_references,
)
from policies.filters import contact_allowed, klant_filtered, zaak_allowed
from policies.plan import Plan
from policies.projection import allowed_tree, project

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    register: Register
    status: BronStatus
    duur_ms: int = 0
    value: Any = None
    afgekapt: bool = False
    probleem: dict[str, Any] | None = None

    def bron(self) -> Bron:
        entry: Bron = {
            "bron": self.register.naam,
            "soort": self.register.soort,
            "status": self.status,
            "duurMs": self.duur_ms,
            "afgekapt": self.afgekapt,
        }
        if self.probleem:
            entry["probleem"] = self.probleem
        return entry


@dataclass
class Result:
    view: dict[str, Any]
    bronnen: list[Bron]


class KlantbeeldService:
    def __init__(
        self,
        registers: Registers,
        *,
        total_budget_ms: int,
        today: Callable[[], date] = date.today,
        metrics: Metrics | None = None,
    ) -> None:
        self.registers = registers
        self.metrics = metrics or Metrics()
        self.total_budget = total_budget_ms / 1000
        self.today = today

    async def build(self, bsn: str, plan: Plan, ctx: CallContext) -> Result:
        loop = asyncio.get_running_loop()
        budget_end = loop.time() + self.total_budget
        doel = plan.doel

        async def run(register: Register, call: Callable[[], Awaitable[Any]]) -> Outcome:
            outcome = await _run_source(register, call, budget_end)
            self.metrics.source_duration.record(
                outcome.duur_ms,
                {"bron": register.naam, "soort": register.soort, "status": outcome.status},
            )
            return outcome

        brp_tasks = [
            asyncio.create_task(
                run(
                    reg,
                    lambda c=conn, r=reg: c.persoon(
                        bsn, plan.brp_fields, _brp_ctx(ctx, doel.brp_doelbinding, r)
                    ),
                )
            )
            for reg, conn in self.registers.brp
            if plan.call_brp
        ]
        zaken_tasks = [
            asyncio.create_task(
                run(
                    reg,
                    lambda c=conn: c.zaken(
                        bsn,
                        ctx,
                        rol=doel.zaken.rol,
                        max_vertrouwelijkheid=doel.zaken.maximale_vertrouwelijkheid,
                        with_zaaktype=plan.zaaktype_needed,
                        with_status=plan.status_needed,
                    ),
                )
            )
            for reg, conn in self.registers.zaken
            if plan.call_zaken
        ]
        klanten_tasks = [
            asyncio.create_task(run(reg, lambda c=conn: c.klanten(bsn, ctx)))
            for reg, conn in self.registers.klanten
            if plan.call_klanten
        ]

        async def contactmomenten(reg: Register, conn: Any) -> Outcome:
            klanten = await asyncio.gather(*(asyncio.shield(t) for t in klanten_tasks))
            urls = [
                k["url"]
                for outcome in klanten
                if outcome.status == "ok"
                for k in outcome.value.klanten
            ]
            if not urls:
                failed = any(o.status in ("fout", "timeout") for o in klanten)
                return Outcome(
                    reg,
                    "fout" if failed else "niet-gevonden",
                    probleem={"title": "De klant kon niet worden opgezocht."} if failed else None,
                )
            return await run(reg, lambda: conn.contactmomenten(urls, ctx))

        contact_tasks = [
            asyncio.create_task(contactmomenten(reg, conn))
            for reg, conn in self.registers.contactmomenten
            if plan.call_contactmomenten
        ]

        async def klantinteracties(conn: Any) -> KlantinteractiesResult | None:
            # Partij and klantcontacten are both found by BSN: no chain, ask at once.
            wants_partij = plan.wants_contact_details
            wants_contacten = "contactmomenten" in plan.sections
            partij, contacten = await asyncio.gather(
                conn.partij(bsn, ctx) if wants_partij else _none(),
                conn.klantcontacten(bsn, ctx) if wants_contacten else _none(),
            )
            result = KlantinteractiesResult(partij, contacten)
            return None if result.empty else result

        interactie_tasks = [
            asyncio.create_task(run(reg, lambda c=conn: klantinteracties(c)))
            for reg, conn in self.registers.klantinteracties
            if plan.call_klantinteracties
        ]

        brp = await asyncio.gather(*brp_tasks)
        zaken = await asyncio.gather(*zaken_tasks)
        klanten = await asyncio.gather(*klanten_tasks)
        contacten = await asyncio.gather(*contact_tasks)
        interacties = await asyncio.gather(*interactie_tasks)

        view = self._view(plan, brp, zaken, klanten, contacten, interacties)
        called = {id(o.register): o for o in [*brp, *zaken, *klanten, *contacten, *interacties]}
        bronnen = [self._bron(register, called, zaken, plan) for register in self.registers.all]
        return Result(view=view, bronnen=bronnen)

    def _view(
        self,
        plan: Plan,
        brp: list[Outcome],
        zaken: list[Outcome],
        klanten: list[Outcome],
        contacten: list[Outcome],
        interacties: list[Outcome],
    ) -> dict[str, Any]:
        today = self.today()
        answered = [o.value for o in interacties if o.status == "ok"]
        doel = plan.doel
        tree = allowed_tree(plan.velden)
        view: dict[str, Any] = {}
        if "klant" in plan.sections:
            persoon = next((o.value for o in brp if o.status == "ok"), None)
            klant_records = [k for o in klanten if o.status == "ok" for k in o.value.klanten]
            partijen = [p for r in answered if r.partij for p in r.partij.partijen]
            klant = klant_section(persoon, klant_records, partijen)
            if klant is not None:
                klant = project(klant_filtered(klant, doel.klant), tree.get("klant"))
            view["klant"] = klant
        zaak_records = [
            dict(z)
            for o in zaken
            if o.status == "ok"
            for z in o.value.zaken
            if zaak_allowed(dict(z), doel.zaken, today)
        ]
        merged_zaken = merge_zaken(zaak_records)
        if "zaken" in plan.sections:
            view["zaken"] = project(merged_zaken, tree.get("zaken"))
        if "contactmomenten" in plan.sections:
            references = zaak_references(merged_zaken)
            # Klantinteracties first: of a contact migrated and seen twice, its copy stays.
            found = [c for r in answered if r.contacten for c in r.contacten.contactmomenten]
            found += [c for o in contacten if o.status == "ok" for c in o.value.contactmomenten]
            records = [
                contact_view(c, references)
                for c in found
                if contact_allowed(dict(c), doel.contactmomenten, today)
            ]
            view["contactmomenten"] = project(merge_contacten(records), tree.get("contactmomenten"))
        return view

    def _bron(
        self, register: Register, called: dict[int, Outcome], zaken: list[Outcome], plan: Plan
    ) -> Bron:
        if id(register) in called:
            return called[id(register)].bron()
        if register.soort == "catalogi" and plan.call_zaken:
            return _catalogi_outcome(register, zaken).bron()
        return Outcome(register, "niet-gevraagd").bron()


async def _run_source(
    register: Register, call: Callable[[], Awaitable[Any]], budget_end: float
) -> Outcome:
    loop = asyncio.get_running_loop()
    start = loop.time()
    deadline = min(start + register.settings.deadline_ms / 1000, budget_end)

    def took() -> int:
        return round((loop.time() - start) * 1000)

    try:
        async with asyncio.timeout_at(deadline):
            with budget.deadline_at(deadline):
                value = await call()
    except (TimeoutError, UpstreamTimeout):
        return Outcome(register, "timeout", took(), probleem=UpstreamTimeout().problem())
    except UpstreamError as exc:
        return Outcome(register, "fout", took(), probleem=exc.problem())
    except Exception as exc:  # a connector bug must cost its section, not the view
        # Only the type: a message may quote upstream data.
        log.error(
            "source failed unexpectedly", extra={"bron": register.naam, "error": type(exc).__name__}
        )
        return Outcome(
            register,
            "fout",
            took(),
            probleem={"title": "Interne fout bij het verwerken van dit register."},
        )
    if value is None:
        return Outcome(register, "niet-gevonden", took())
    afgekapt = bool(getattr(value, "afgekapt", False))
    if isinstance(value, KlantenResult) and not value.klanten:
        return Outcome(register, "niet-gevonden", took(), value=value, afgekapt=value.afgekapt)
    return Outcome(register, "ok", took(), value=value, afgekapt=afgekapt)


def _catalogi_outcome(register: Register, zaken: list[Outcome]) -> Outcome:
    """Catalogi is consulted on behalf of zaken; it reports what those look-ups met.

    With several zaaksystemen, each Catalogi answers for the zaken whose
    zaaktype it holds; when no zaaktype was resolved, all consulted ones count.
    """
    consulted = [o for o in zaken if o.status == "ok" and o.value.catalogi_geraadpleegd]
    own = [o for o in consulted if _uses_catalogi(o.value, register)]
    consulted = own or [o for o in consulted if not _any_zaaktype(o.value)]
    if not consulted:
        return Outcome(register, "niet-gevraagd")
    duur = max(o.duur_ms for o in consulted)
    for outcome in consulted:
        result: ZakenResult = outcome.value
        if result.catalogi_fout is not None:
            fout = result.catalogi_fout
            return Outcome(register, fout.status, duur, probleem=fout.problem())  # type: ignore[arg-type]
    return Outcome(register, "ok", duur)


def _uses_catalogi(result: ZakenResult, register: Register) -> bool:
    return any(
        (z.get("zaaktype") or {}).get("url", "").startswith(register.upstream.base_url + "/")
        for z in result.zaken
    )


def _any_zaaktype(result: ZakenResult) -> bool:
    return any((z.get("zaaktype") or {}).get("url") for z in result.zaken)


@dataclass
class KlantinteractiesResult:
    """What one Klantinteracties register gave: the partij, the klantcontacten, or both."""

    partij: PartijResult | None
    contacten: ContactmomentenResult | None

    @property
    def empty(self) -> bool:
        return not (self.partij and self.partij.partijen) and not (
            self.contacten and self.contacten.contactmomenten
        )

    @property
    def afgekapt(self) -> bool:
        return bool(
            (self.partij and self.partij.afgekapt) or (self.contacten and self.contacten.afgekapt)
        )


async def _none() -> None:
    return None


def _brp_ctx(ctx: CallContext, doelbinding: str | None, register: Register) -> CallContext:
    return replace(ctx, brp_doelbinding=doelbinding, origin_oin=register.settings.origin_oin)
