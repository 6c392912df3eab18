"""One klantbeeld: fan out to the registers the plan names, merge, filter, project.

The plan says which kinds are called and what each is asked; the fan-out
(facade/fanout.py) runs every register of those kinds as a dependency graph
under one budget; the sections are then assembled from the sources'
contributions by per-section merge rules, filtered by the doel's record
filters and projected through its allow-list.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from connectors import toestemming
from connectors.context import CallContext
from connectors.toestemming import GeldigeToestemming
from facade.clock import Clock, moment_on, today_in_amsterdam
from facade.fanout import Call, Outcome, fan_out
from facade.metrics import Metrics
from facade.registers import Register, Registers
from facade.view import (
    Bron,
    contact_view,
    klant_section,
    merge_contacten,
    merge_zaken,
    zaak_references,
)
from policies.filters import contact_allowed, klant_filtered, zaak_allowed
from policies.plan import KindPlan, Plan
from policies.projection import project
from policies.viewpaths import REFERENCES
from vocabulary.identifiers import BURGERSERVICENUMMER, Subject
from vocabulary.kinds import Contribution, ServedOutcome, SourceQuery
from vocabulary.paths import covers


@dataclass
class Result:
    view: dict[str, Any]
    bronnen: list[Bron]
    # The plan the view was made with: the doel's own, or its uitbreiding under a consent.
    plan: Plan | None = None
    toestemming: GeldigeToestemming | None = None


class KlantbeeldService:
    def __init__(
        self,
        registers: Registers,
        *,
        total_budget_ms: int,
        today: Clock = today_in_amsterdam,
        metrics: Metrics | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        """`today`: the calendar (the doelen's windows); `wall_clock` (seconds since the
        epoch): the time of day a consent's validity is checked at, on that calendar."""
        self.registers = registers
        self.metrics = metrics or Metrics()
        self.total_budget = total_budget_ms / 1000
        self.today = today
        self.wall_clock = wall_clock

    async def build(
        self, subject: str | Subject, plan: Plan, ctx: CallContext, arrived: float | None = None
    ) -> Result:
        """`subject`: a BSN, or any Subject (an ondernemer). `arrived` (loop time) starts
        the budget; by default it starts now."""
        outcomes = await self.outcomes(subject, plan, ctx, arrived)
        used, consent = self.effective(plan, outcomes)
        return Result(
            view=self._view(used, outcomes),
            bronnen=self.bronnen(outcomes),
            plan=used,
            toestemming=consent,
        )

    def effective(
        self, plan: Plan, outcomes: list[Outcome]
    ) -> tuple[Plan, GeldigeToestemming | None]:
        """The plan the view is made with: an uitbreiding's only under a valid consent the
        consent register confirmed for this person and doel; the doel's own otherwise."""
        for outcome in outcomes:
            if outcome.register.soort != toestemming.SOURCE.soort or outcome.status != "ok":
                continue
            consent = outcome.contribution.resultaat if outcome.contribution else None
            if isinstance(consent, GeldigeToestemming):
                widened = plan.toestemmingen.get(consent.uitbreiding)
                if widened is not None:
                    return widened, consent
        return plan, None

    async def outcomes(
        self,
        subject: str | Subject,
        plan: Plan,
        ctx: CallContext,
        arrived: float | None = None,
        done: Callable[[Outcome], None] | None = None,
    ) -> list[Outcome]:
        """The fan-out alone; `done` hears of each register's outcome as it ends."""
        start = asyncio.get_running_loop().time() if arrived is None else arrived
        budget_end = start + self.total_budget
        if isinstance(subject, str):
            subject = Subject(BURGERSERVICENUMMER, subject)
        calls = [self._call(plan, register, subject) for register in self.called(plan)]
        return await fan_out(calls, ctx, budget_end, self._observe, origin=start, done=done)

    def called(self, plan: Plan) -> list[Register]:
        """The registers the fan-out calls for this plan: with uitbreidingen, also those
        only a consent needs (asked only once it is confirmed) and the consent register."""
        soorten = set(plan.kinds).union(*(p.kinds for p in plan.toestemmingen.values()))
        if plan.toestemmingen:
            soorten.add(toestemming.SOURCE.soort)
        return [r for r in self.registers.all if r.soort in soorten and r.source is not None]

    def _call(self, plan: Plan, register: Register, subject: Subject) -> Call:
        needs = register.kind.ondernemer_needs if subject.is_ondernemer else ()
        if register.soort == toestemming.SOURCE.soort and not plan.calls(register.soort):
            opties = {
                toestemming.DOEL: plan.doel.id,
                toestemming.UITBREIDINGEN: tuple(plan.toestemmingen),
                toestemming.NU: moment_on(
                    self.today, lambda: datetime.fromtimestamp(self.wall_clock(), UTC)
                ),
            }
            query = SourceQuery(subject, frozenset(), opties=opties)
            return Call(register, lambda inputs: query)
        own = plan.kinds.get(register.soort)
        widened = {naam: p.kinds.get(register.soort) for naam, p in plan.toestemmingen.items()}
        if all(asked == own for asked in widened.values()):
            return Call(register, _query(plan, register, subject), needs)
        # What a consent changes for this register is asked only once the consent
        # register has answered: never a field beyond the base doel without one.
        return Call(
            register,
            _consented(own, widened, subject),
            (*needs, toestemming.SOURCE.soort),
        )

    def section(self, plan: Plan, outcomes: list[Outcome], section: str) -> Any:
        """One section of the view, exactly as the whole view holds it, from the outcomes of
        (at least) the registers it depends on."""
        return self._view(plan, outcomes, only=section)[section]

    def bronnen(
        self, outcomes: list[Outcome], registers: list[Register] | None = None
    ) -> list[Bron]:
        """The `bronnen` entries of `registers` (by default all, in configuration order)."""
        by_register = {id(o.register): o for o in outcomes}
        chosen = self.registers.all if registers is None else registers
        return [self._bron(register, by_register, outcomes) for register in chosen]

    def _observe(self, outcome: Outcome) -> None:
        register = outcome.register
        self.metrics.source_duration.record(
            outcome.duur_ms,
            {"bron": register.naam, "soort": register.soort, "status": outcome.status},
        )

    def _view(self, plan: Plan, outcomes: list[Outcome], only: str | None = None) -> dict[str, Any]:
        today = self.today()
        doel = plan.doel
        tree = plan.tree
        found = _contributions(outcomes)
        view: dict[str, Any] = {}
        sections = plan.sections if only is None else plan.sections & {only}
        if "klant" in sections:
            persoon = next((c.persoon for c in found if c.persoon is not None), None)
            gegevens = [g for c in found for g in c.contactgegevens]
            eigen = [t for c in found for t in c.toestemmingen]
            klant = klant_section(persoon, gegevens, eigen)
            if klant is not None:
                klant = project(klant_filtered(klant, doel.klant), tree.get("klant"))
            view["klant"] = klant
        zaak_records = [
            dict(z) for c in found for z in c.zaken if zaak_allowed(dict(z), doel.zaken, today)
        ]
        merged_zaken = merge_zaken(zaak_records)
        if "zaken" in sections:
            view["zaken"] = project(merged_zaken, tree.get("zaken"))
        if "contactmomenten" in sections:
            # A contact names a linked zaak by its identificatie: only where this
            # view may show the identificatie of that zaak (DESIGN: references).
            linkable = any(covers(p, REFERENCES["contactmomenten.zaken"]) for p in plan.velden)
            references = zaak_references(merged_zaken) if linkable else {}
            records = [
                contact_view(c, references)
                for contribution in found
                for c in contribution.contactmomenten
                if contact_allowed(dict(c), doel.contactmomenten, today)
            ]
            view["contactmomenten"] = project(merge_contacten(records), tree.get("contactmomenten"))
        return view

    def _bron(
        self, register: Register, by_register: Mapping[int, Outcome], outcomes: list[Outcome]
    ) -> Bron:
        if id(register) in by_register:
            return by_register[id(register)].bron()
        kind = register.kind
        if kind.report is not None and kind.consulted_for is not None:
            served = [
                ServedOutcome(o.duur_ms, o.contribution.resultaat)
                for o in outcomes
                if o.register.soort == kind.consulted_for and o.status == "ok" and o.contribution
            ]
            report = kind.report(register.upstream.base_url, served)
            if report is not None:
                begun = [o.start_ms for o in outcomes if o.register.soort == kind.consulted_for]
                outcome = Outcome(
                    register,
                    report.status,
                    report.duur_ms,
                    probleem=report.probleem,
                    start_ms=min(begun, default=0),
                )
                return outcome.bron()
        return Outcome(register, "niet-gevraagd").bron()


def _query(
    plan: Plan, register: Register, subject: Subject
) -> Callable[[Mapping[str, tuple[Any, ...]]], SourceQuery]:
    kind_plan = plan.kinds[register.soort]
    return lambda inputs: kind_plan.query(subject, inputs)


def _consented(
    own: KindPlan | None, widened: Mapping[str, KindPlan | None], subject: Subject
) -> Callable[[Mapping[str, tuple[Any, ...]]], SourceQuery | None]:
    """The query of a register a consent changes: the uitbreiding's under a confirmed
    consent, the doel's own without one (None: the doel alone does not ask it)."""

    def query(inputs: Mapping[str, tuple[Any, ...]]) -> SourceQuery | None:
        consents = [c for c in inputs.get(toestemming.SOURCE.soort, ()) if c is not None]
        chosen = own
        if consents and isinstance(consents[0], GeldigeToestemming):
            chosen = widened.get(consents[0].uitbreiding, own)
        return None if chosen is None else chosen.query(subject, inputs)

    return query


def _contributions(outcomes: list[Outcome]) -> list[Contribution]:
    """What the registers that answered gave, highest `voorrang` first, then in config order.

    Merging keeps the first copy of a record seen twice, so this order decides
    whose copy of a migrated contact or address stays.
    """
    answered = [o for o in outcomes if o.status == "ok" and o.contribution is not None]
    answered.sort(key=lambda o: -o.register.kind.voorrang)
    return [o.contribution for o in answered if o.contribution is not None]
