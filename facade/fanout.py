"""The fan-out of one klantbeeld: a small dependency graph of source calls.

Every call belongs to the klantbeeld: they run in one `asyncio.TaskGroup`, so
when the klantbeeld ends — answered, failed or cancelled — none of its calls
outlives it. A call starts the moment its inputs exist (a kind that `needs`
another waits for every register of that kind, no longer). Each runs under its
register's deadline, capped by the request's total budget; a call that fails or
is late costs its own register's part, never the view.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from connectors import budget
from connectors.errors import UpstreamError, UpstreamTimeout
from facade.registers import Register
from facade.view import Bron
from vocabulary.enums import BronStatus
from vocabulary.kinds import Contribution, SourceQuery

log = logging.getLogger(__name__)

_DEPENDENCY_FAILED = {
    "title": "Een register waarlangs dit register wordt bereikt, gaf geen antwoord."
}
_INTERNAL = {"title": "Interne fout bij het verwerken van dit register."}


@dataclass
class Outcome:
    register: Register
    status: BronStatus
    duur_ms: int = 0
    contribution: Contribution | None = None
    afgekapt: bool = False
    probleem: dict[str, Any] | None = None
    # When the register call started, in ms since the request arrived (a timing strip).
    start_ms: int = 0

    def bron(self) -> Bron:
        entry: Bron = {
            "bron": self.register.naam,
            "soort": self.register.soort,
            "status": self.status,
            "startMs": self.start_ms,
            "duurMs": self.duur_ms,
            "afgekapt": self.afgekapt,
        }
        if self.probleem:
            entry["probleem"] = self.probleem
        return entry


@dataclass(frozen=True)
class Call:
    """One register to ask, and how to build its query once its inputs are known."""

    register: Register
    # None: with these inputs the register is not asked (a call only a consent needs).
    query: Callable[[Mapping[str, tuple[Any, ...]]], SourceQuery | None]
    # Kinds whose answers it takes if they are called, without needing them (an
    # ondernemer's RSIN): waited for, but no answer is no reason to skip the call.
    waits_for: tuple[str, ...] = ()


async def fan_out(
    calls: list[Call],
    ctx: Any,
    budget_end: float,
    observe: Callable[[Outcome], None] = lambda outcome: None,
    *,
    origin: float | None = None,
    done: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Run every call, each as soon as the kinds it needs have answered; outcomes in call order.

    `origin` (loop time, by default now) is what `startMs` counts from; `done` hears of
    each outcome the moment its call ended (a stream sends a section as soon as it can).
    """
    origin = asyncio.get_running_loop().time() if origin is None else origin
    by_kind: dict[str, list[asyncio.Task[Outcome]]] = {}
    tasks: dict[int, asyncio.Task[Outcome]] = {}
    async with asyncio.TaskGroup() as group:
        for call in _needs_first(calls):
            needed = {soort: by_kind.get(soort, []) for soort in call.register.kind.needs}
            waited = {soort: by_kind.get(soort, []) for soort in call.waits_for}
            task = group.create_task(_call(call, needed, ctx, budget_end, observe, waited, origin))
            if done is not None:
                task.add_done_callback(_reporting(done))
            by_kind.setdefault(call.register.soort, []).append(task)
            tasks[id(call)] = task
    return [tasks[id(call)].result() for call in calls]


def _reporting(done: Callable[[Outcome], None]) -> Callable[[asyncio.Task[Outcome]], None]:
    def report(task: asyncio.Task[Outcome]) -> None:
        if not task.cancelled() and task.exception() is None:
            done(task.result())

    return report


def _needs_first(calls: list[Call]) -> list[Call]:
    """The calls ordered so that every kind comes after the kinds it needs."""
    ordered: list[Call] = []
    placed: set[str] = set()
    remaining = list(calls)
    present = {c.register.soort for c in calls}

    def is_ready(call: Call) -> bool:
        needs = (*call.register.kind.needs, *call.waits_for)
        return all(n in placed or n not in present for n in needs)

    while remaining:
        ready = [c for c in remaining if is_ready(c)]
        if not ready:
            raise ValueError("source kinds need each other in a circle")
        ordered += ready
        remaining = [c for c in remaining if c not in ready]
        placed |= {c.register.soort for c in ready}
    return ordered


async def _call(
    call: Call,
    needed: Mapping[str, list[asyncio.Task[Outcome]]],
    ctx: Any,
    budget_end: float,
    observe: Callable[[Outcome], None],
    waited: Mapping[str, list[asyncio.Task[Outcome]]] | None = None,
    origin: float = 0.0,
) -> Outcome:
    inputs: dict[str, tuple[Any, ...]] = {}
    for soort, tasks in (waited or {}).items():
        inputs[soort], _ = await _results(tasks)
    failed = False
    for soort, tasks in needed.items():
        inputs[soort], failed_here = await _results(tasks)
        failed = failed or failed_here
    if needed and not any(inputs.values()):
        # Nothing to follow: the register is not asked at all.
        at = _since(origin)
        if failed:
            return Outcome(call.register, "fout", probleem=_DEPENDENCY_FAILED, start_ms=at)
        return Outcome(call.register, "niet-gevonden", start_ms=at)
    query = call.query(inputs)
    if query is None:
        return Outcome(call.register, "niet-gevraagd", start_ms=_since(origin))
    outcome = await _run(call.register, query, ctx, budget_end)
    outcome.start_ms = _since(origin, outcome.duur_ms)
    observe(outcome)
    return outcome


def _since(origin: float, took_ms: int = 0) -> int:
    """When a call that took `took_ms` and ended now began, in ms after `origin`."""
    return max(0, round((asyncio.get_running_loop().time() - origin) * 1000) - took_ms)


async def _results(tasks: list[asyncio.Task[Outcome]]) -> tuple[tuple[Any, ...], bool]:
    """What the registers of one kind gave, and whether any of them failed."""
    answered = [await task for task in tasks]
    results = tuple(
        o.contribution.resultaat for o in answered if o.status == "ok" and o.contribution
    )
    return results, any(o.status in ("fout", "timeout") for o in answered)


async def _run(register: Register, query: SourceQuery, ctx: Any, budget_end: float) -> Outcome:
    loop = asyncio.get_running_loop()
    start = loop.time()
    own = start + register.settings.deadline_ms / 1000
    deadline = min(own, budget_end)

    def took() -> int:
        return round((loop.time() - start) * 1000)

    assert register.source is not None, "the fan-out only calls registers with a source"
    try:
        async with asyncio.timeout_at(deadline):
            with budget.deadline_at(deadline, own=own):
                contribution = await register.source.fetch(query, ctx)
    except (TimeoutError, UpstreamTimeout):
        return Outcome(register, "timeout", took(), probleem=UpstreamTimeout().problem())
    except UpstreamError as exc:
        return Outcome(register, "fout", took(), probleem=exc.problem())
    except Exception as exc:  # a connector bug must cost its section, not the view
        # Only the type: a message may quote upstream data.
        log.error(
            "source failed unexpectedly", extra={"bron": register.naam, "error": type(exc).__name__}
        )
        return Outcome(register, "fout", took(), probleem=_INTERNAL)
    if contribution is None:
        return Outcome(register, "niet-gevonden", took())
    return Outcome(register, "ok", took(), contribution, afgekapt=contribution.afgekapt)
