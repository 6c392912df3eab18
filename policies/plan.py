"""From a doel (and the caller's optional narrowing) to what one request does.

The plan decides which kinds of register are called at all, and what each is
asked: its share of the view paths, the doel's record filters for the sections
it fills, and the doel's own settings for it. Which kind fills which path is
the kinds' own declaration (vocabulary/kinds.py), handed in as data. Kinds the
plan does not name are never called.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from cachetools import LRUCache

from policies import viewpaths
from policies.model import ContactFilters, Doel, KlantFilters, ZaakFilters
from policies.projection import allowed_tree
from policies.viewpaths import Tree
from vocabulary.identifiers import KVK_NUMMER, Subject
from vocabulary.kinds import Filters, KindRegistry, SourceQuery
from vocabulary.paths import intersect


@dataclass(frozen=True)
class KindPlan:
    """What every register of one kind is asked, before the subject is known."""

    velden: frozenset[str]
    filters: Mapping[str, Filters] = field(default_factory=dict)
    opties: Mapping[str, Any] = field(default_factory=dict)

    def query(self, subject: Subject, inputs: Mapping[str, tuple[Any, ...]]) -> SourceQuery:
        return SourceQuery(subject, self.velden, self.filters, self.opties, inputs)


@dataclass(frozen=True)
class Plan:
    doel: Doel
    velden: frozenset[str]
    kinds: Mapping[str, KindPlan]
    """The kinds to call, in the registry's order, with what each is asked."""
    toestemmingen: Mapping[str, Plan] = field(default_factory=dict)
    """Per uitbreiding of the doel (`[toestemming.<naam>]`): the plan while a valid
    consent for it is registered. Without one, this plan is all that is asked."""

    @cached_property
    def sections(self) -> frozenset[str]:
        return frozenset(viewpaths.section_of(p) for p in self.velden)

    @cached_property
    def tree(self) -> Tree:
        """The allow-list the view is projected through (`policies/projection.py`)."""
        if self.doel.subject_type != KVK_NUMMER:
            return allowed_tree(self.velden)
        # The kvkNummer is the caller's own key and tells an ondernemer's klant from a
        # person's (OpenAPI `oneOf`): it travels with the klant, like a secrecy flag.
        key = {"klant.kvkNummer"} if "klant" in self.sections else set()
        return allowed_tree(self.velden | key, viewpaths.ONDERNEMER_VIEW)

    def calls(self, soort: str) -> bool:
        return soort in self.kinds


def make_plan(doel: Doel, kinds: KindRegistry, requested: Sequence[str] | None = None) -> Plan:
    """The plan for a doel, narrowed to `requested` paths when the caller gave them.

    The caller's paths must already be checked (`unknown_paths`, `forbidden_paths`).
    """
    velden = frozenset(doel.velden) if requested is None else intersect(requested, doel.velden)
    filters = section_filters(doel)
    asked: dict[str, frozenset[str]] = {}
    for kind in kinds:
        if not kind.called_by_doel or kind.soort not in doel.bronnen:
            continue
        if kind.identifiers and doel.subject_type not in kind.identifiers:
            continue  # the BRP is never asked about an ondernemer, nor the KvK about a person
        own = frozenset(p for p in velden if kind.fills(p))
        if own and (kind.asks is None or kind.asks(own, filters)):
            asked[kind.soort] = own
    # A kind another called kind needs is called too (Klanten for Contactmomenten 1.0).
    pending = list(asked)
    while pending:
        kind = kinds.get(pending.pop())
        extra = kind.ondernemer_needs if doel.subject_type == KVK_NUMMER else ()
        for need in (*kind.needs, *extra):
            if need in doel.bronnen and need not in asked:
                asked[need] = frozenset()
                pending.append(need)
    return Plan(
        doel=doel,
        velden=velden,
        toestemmingen={t.naam: make_plan(t.doel, kinds, requested) for t in doel.toestemmingen},
        kinds={
            kind.soort: KindPlan(
                asked[kind.soort],
                {section: f for section, f in filters.items() if kind.fills(section)},
                doel.opties.get(kind.soort, {}),
            )
            for kind in kinds
            if kind.soort in asked
        },
    )


class Plans:
    """Each plan made once: it depends on the doel and the requested paths only.

    Belongs to one PolicySet (the app's). Bounded, because the requested paths
    are the caller's choice.
    """

    MAX_PLANS = 512

    def __init__(self, kinds: KindRegistry) -> None:
        self.kinds = kinds
        self._plans: LRUCache[tuple[int, tuple[str, ...] | None], tuple[Doel, Plan]] = LRUCache(
            self.MAX_PLANS
        )

    def plan(self, doel: Doel, requested: Sequence[str] | None = None) -> Plan:
        key = (id(doel), None if requested is None else tuple(requested))
        cached = self._plans.get(key)
        # The doel is kept with its plan, so its id cannot be reused by another.
        if cached is not None and cached[0] is doel:
            return cached[1]
        made = make_plan(doel, self.kinds, requested)
        self._plans[key] = (doel, made)
        return made


def section_filters(doel: Doel) -> dict[str, Filters]:
    """The doel's record filters per view section, in the doel file's own keys."""
    return {
        "zaken": _zaak_filters(doel.zaken),
        "contactmomenten": _contact_filters(doel.contactmomenten),
        "klant": _klant_filters(doel.klant),
    }


def _zaak_filters(filters: ZaakFilters) -> Filters:
    return _set(
        zaaktypen=filters.zaaktypen,
        maximaleVertrouwelijkheidaanduiding=filters.maximale_vertrouwelijkheid,
        rol=filters.rol,
        afgerondBinnenDagen=filters.afgerond_binnen_dagen,
    )


def _contact_filters(filters: ContactFilters) -> Filters:
    return _set(
        vertrouwelijkeUitsluiten=filters.vertrouwelijke_uitsluiten,
        kanalen=filters.kanalen,
        periodeDagen=filters.periode_dagen,
    )


def _klant_filters(filters: KlantFilters) -> Filters:
    return _set(alleenBinnenlandsAdres=filters.alleen_binnenlands_adres or None)


def _set(**values: Any) -> Filters:
    return {key: value for key, value in values.items() if value is not None}


def unknown_paths(requested: Iterable[str], tree: Tree = viewpaths.VIEW) -> list[str]:
    return [p for p in requested if not viewpaths.exists(p, tree)]


def forbidden_paths(doel: Doel, requested: Iterable[str]) -> list[str]:
    """Requested paths that share nothing with what the doel allows (with any consent)."""
    return [p for p in requested if not intersect([p], doel.widest_velden())]
