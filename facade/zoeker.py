"""One search for persons, across the registers that can answer it.

A name or address search is one BRP search type. A phone number or e-mail address
is looked up in every Klantinteracties register at once; the BSNs of the partijen
found then go to the BRP in one `RaadpleegMetBurgerservicenummer`. Each register
runs under its own deadline within the request's budget, and reports a `bronnen`
entry as in the klantbeeld. A failed register fails the search (the caller gets a
503, DESIGN.md): a partial candidate list could hide the person the agent is
looking for.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from dataclasses import replace as with_changes
from typing import Any, TypeVar

from connectors.brp import BrpConnector, BrpSource
from connectors.brp_zoeken import BrpZoeker
from connectors.context import CallContext
from connectors.errors import UpstreamError, UpstreamTimeout
from connectors.klantinteracties_zoeken import DigitaalAdresZoeker
from connectors.records import Persoon
from facade.registers import Register, Registers
from facade.view import Bron
from facade.zoekvraag import Zoekvraag
from vocabulary.zoeken import BRP_ZOEKTYPE, MAX_KANDIDATEN, VIA_KLANTINTERACTIES, brp_fields

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class Zoekuitkomst:
    personen: list[Persoon] = field(default_factory=list)
    bronnen: list[Bron] = field(default_factory=list)
    # BSNs received beyond the doel's maximum (before any BRP call): recorded, not shown.
    te_veel: list[str] = field(default_factory=list)
    # A register's page cap cut the addresses found: the list may miss persons, so it
    # counts as too many (never a silently cut list).
    afgekapt: bool = False
    # Loop time the request arrived: what each entry's `startMs` counts from.
    arrived: float = 0.0
    # BSNs Klantinteracties gave and the BRP was asked about: personal data processed,
    # recorded whether or not the BRP answered for them.
    gevraagd: list[str] = field(default_factory=list)
    # The search needs a kind of register that is not configured (no Klantinteracties
    # for a phone number): not "nobody has this number".
    geen_bron: bool = False

    @property
    def mislukt(self) -> bool:
        return self.geen_bron or any(b["status"] in ("fout", "timeout") for b in self.bronnen)


class PersonenZoeker:
    def __init__(self, registers: Registers, *, total_budget_ms: int) -> None:
        self.registers = registers
        self.total_budget = total_budget_ms / 1000

    @property
    def kan_zoeken(self) -> bool:
        return bool(self.registers.of("brp"))

    async def zoek(self, vraag: Zoekvraag, ctx: CallContext, arrived: float) -> Zoekuitkomst:
        assert vraag.doel.zoeken is not None, "authorize_zoeken checked it"
        budget_end = arrived + self.total_budget
        fields = brp_fields(
            vraag.doel.zoeken.velden, alleen_binnenland=vraag.doel.klant.alleen_binnenlands_adres
        )
        maximum = vraag.doel.zoeken.maximum
        brp = self.registers.of("brp")[0]
        ctx = with_changes(ctx, brp_doelbinding=vraag.doel.brp_doelbinding)
        if isinstance(brp.source, BrpSource):
            ctx = with_changes(ctx, origin_oin=brp.source.origin_oin)
        zoeker = BrpZoeker(_connector(brp))
        uitkomst = Zoekuitkomst(arrived=arrived)
        if vraag.vorm in VIA_KLANTINTERACTIES and not self.registers.of("klantinteracties"):
            uitkomst.geen_bron = True
        elif vraag.vorm in VIA_KLANTINTERACTIES:
            bsns = await self._digitale_adressen(vraag, ctx, budget_end, uitkomst)
            if uitkomst.mislukt or not bsns:
                pass  # the BRP is not asked
            elif uitkomst.afgekapt or len(bsns) > min(maximum, MAX_KANDIDATEN):
                uitkomst.te_veel = bsns
            else:
                uitkomst.gevraagd = bsns
                found = await _timed(
                    brp, budget_end, uitkomst, lambda: zoeker.raadpleeg(bsns, fields, ctx)
                )
                uitkomst.personen = found or []
        else:
            found = await _timed(
                brp,
                budget_end,
                uitkomst,
                lambda: zoeker.zoek(BRP_ZOEKTYPE[vraag.vorm], vraag.waarden, fields, ctx),
            )
            uitkomst.personen = found or []
        answered = {b["bron"] for b in uitkomst.bronnen}
        for register in self.registers.all:  # one entry per configured register
            if register.naam not in answered:
                uitkomst.bronnen.append(_bron(register, "niet-gevraagd"))
        order = {r.naam: i for i, r in enumerate(self.registers.all)}
        uitkomst.bronnen.sort(key=lambda b: order.get(b["bron"], len(order)))
        return uitkomst

    async def _digitale_adressen(
        self, vraag: Zoekvraag, ctx: CallContext, budget_end: float, uitkomst: Zoekuitkomst
    ) -> list[str]:
        waarde = vraag.waarden[vraag.vorm]
        assert vraag.doel.zoeken is not None
        maximum = vraag.doel.zoeken.maximum

        async def one(register: Register) -> list[str]:
            zoeker = DigitaalAdresZoeker(
                register.upstream,
                max_pages=register.settings.max_pages,
                max_partijen=min(maximum, MAX_KANDIDATEN),
            )
            found = await _timed(
                register, budget_end, uitkomst, lambda: zoeker.bsns(vraag.vorm, waarde, ctx)
            )
            if found is None:
                return []
            bsns, afgekapt = found
            if afgekapt:
                uitkomst.afgekapt = True
                for entry in uitkomst.bronnen:
                    if entry["bron"] == register.naam:
                        entry["afgekapt"] = True
            return bsns

        answers = await asyncio.gather(*(one(r) for r in self.registers.of("klantinteracties")))
        return list(dict.fromkeys(bsn for found in answers for bsn in found))


def _connector(register: Register) -> BrpConnector:
    if isinstance(register.source, BrpSource):
        return register.source.connector
    return BrpConnector(register.upstream)


async def _timed(
    register: Register,
    budget_end: float,
    uitkomst: Zoekuitkomst,
    work: Callable[[], Awaitable[T]],
) -> T | None:
    """`work` under the register's deadline; its `bronnen` entry, whatever the outcome."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    deadline = min(start + register.settings.deadline_ms / 1000, budget_end)

    def took() -> int:
        return round((loop.time() - start) * 1000)

    begun = max(0, round((start - uitkomst.arrived) * 1000))
    try:
        async with asyncio.timeout_at(deadline):
            result = await work()
    except (TimeoutError, UpstreamTimeout):
        uitkomst.bronnen.append(
            _bron(register, "timeout", took(), UpstreamTimeout().problem(), begun=begun)
        )
        return None
    except UpstreamError as exc:
        uitkomst.bronnen.append(_bron(register, "fout", took(), exc.problem(), begun=begun))
        return None
    except Exception as exc:  # a connector bug costs the search, never leaks its values
        log.error(
            "search failed unexpectedly", extra={"bron": register.naam, "error": type(exc).__name__}
        )
        problem = {"title": "Interne fout bij het verwerken van dit register."}
        uitkomst.bronnen.append(_bron(register, "fout", took(), problem, begun=begun))
        return None
    empty = not result or (isinstance(result, tuple) and not result[0])
    uitkomst.bronnen.append(
        _bron(register, "niet-gevonden" if empty else "ok", took(), begun=begun)
    )
    return result


def _bron(
    register: Register,
    status: Any,
    duur: int = 0,
    probleem: dict[str, Any] | None = None,
    *,
    begun: int = 0,
) -> Bron:
    entry: Bron = {
        "bron": register.naam,
        "soort": register.soort,
        "status": status,
        "startMs": begun,
        "duurMs": duur,
        "afgekapt": False,
    }
    if probleem:
        entry["probleem"] = probleem  # type: ignore[typeddict-item]
    return entry
