"""A source kind: what one kind of register brings to a klantbeeld, declared in one place.

Each module in `connectors/` declares its kind (`SOURCE = SourceKind(...)`): its
`soort`, the configuration keys a register of that kind takes, the identifiers it
can find a subject by, what it needs from other kinds first, the view paths it can
fill, and how to connect one configured register. `facade` lists the kinds in one
registry and hands it, as data, to the settings, the doel loader, the plan, the
fan-out and `bronnen`. Adding a register kind is one module, one registry line
and a config entry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from vocabulary.enums import BronStatus
from vocabulary.identifiers import IdentifierType, Subject
from vocabulary.paths import covers
from vocabulary.records import Contactgegevens, Contactmoment, Persoon, Toestemming, Zaak

Paths = frozenset[str]
Filters = Mapping[str, Any]
"""One view section's record filters, in the doel file's own keys (`rol`, `zaaktypen`)."""


@dataclass(frozen=True)
class SourceQuery:
    """What one klantbeeld asks of one register, as the plan derived it from the doel.

    `velden`: the view paths this kind is asked to fill (its share of the plan).
    `filters`: the doel's record filters per view section the kind fills; a
    source pushes down what its API can filter on, the façade filters the rest.
    `opties`: the doel's own table for this kind (a BRP doel's `[brp]`).
    `inputs`: per needed kind, what its registers found (only those that did).
    """

    subject: Subject
    velden: frozenset[str]
    filters: Mapping[str, Filters] = field(default_factory=dict)
    opties: Mapping[str, Any] = field(default_factory=dict)
    inputs: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)

    def wants(self, prefix: str) -> bool:
        """Whether any asked path lies at or under `prefix` (or `prefix` under it)."""
        return any(covers(prefix, p) or covers(p, prefix) for p in self.velden)

    def section_filters(self, section: str) -> Filters:
        return self.filters.get(section, {})


@dataclass
class Contribution:
    """What one register gave to the view, already in the view's one model.

    `resultaat` is the connector's own answer, for the kinds that need it
    (Contactmomenten 1.0 follows the klant URLs Klanten found) and for a
    kind that reports on this one's behalf (Catalogi).
    """

    persoon: Persoon | None = None
    contactgegevens: list[Contactgegevens] = field(default_factory=list)
    zaken: list[Zaak] = field(default_factory=list)
    contactmomenten: list[Contactmoment] = field(default_factory=list)
    toestemmingen: list[Toestemming] = field(default_factory=list)
    afgekapt: bool = False
    resultaat: Any = None


class Source(Protocol):
    """One configured register, ready to answer its part of a klantbeeld.

    None means the register does not know the subject (`niet-gevonden`). A
    failure raises the connector's `UpstreamError`.
    """

    async def fetch(self, query: SourceQuery, ctx: Any) -> Contribution | None: ...


@dataclass(frozen=True)
class ServedOutcome:
    """How a call of the kind a helper kind serves ended (input to `SourceKind.report`)."""

    duur_ms: int
    resultaat: Any


@dataclass(frozen=True)
class Report:
    status: BronStatus
    duur_ms: int = 0
    probleem: dict[str, Any] | None = None


Connect = Callable[[Any, Any, "Wiring"], Source]
"""(register settings, its Upstream, the wiring of all registers) → the register's Source."""


@dataclass(frozen=True)
class SourceKind:
    """One kind of register, as the rest of the façade knows it.

    `titel`: the API it speaks; `label`: how a person names it (review document).
    `paths`: view path prefixes a register of this kind can fill, minus
    `except_paths`. `needs`: kinds whose answers it takes as input; it is called
    after them, and is called at all only when they are allowed too.
    `consulted_for`: a helper kind (Catalogi) is never called by the fan-out and
    never named in a doel; the kind it serves calls it, and `report` tells its
    `bronnen` entry from that kind's outcomes. `voorrang`: of one record seen in
    registers of two kinds (a migration), the copy of the kind with the higher
    voorrang stays. `config_keys`: extra keys a register of this kind takes, with
    their defaults. `check`: problems (key, reason) of a doel's paths for this
    kind (the BRP's field limit), for the doel loader. `asks`: whether these
    paths leave the register anything to be asked (the BRP fills some paths by
    itself); by default any path does. `vraag`: what a register of this kind is
    asked for a doel, in the terms of its API, for `/api/v1/doelen/{id}`.
    """

    soort: str
    titel: str
    label: str = ""
    connect: Connect | None = None
    identifiers: frozenset[IdentifierType] = frozenset()
    paths: tuple[str, ...] = ()
    except_paths: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    # For an ondernemer only: kinds whose answers it takes when they are called (the
    # RSIN from the Handelsregister); it waits for them, and is called without them too.
    ondernemer_needs: tuple[str, ...] = ()
    consulted_for: str | None = None
    report: Callable[[str, Sequence[ServedOutcome]], Report | None] | None = None
    voorrang: int = 0
    config_keys: Mapping[str, Any] = field(default_factory=dict)
    check: Callable[[Paths, Mapping[str, Filters]], list[tuple[str, str]]] | None = None
    asks: Callable[[Paths, Mapping[str, Filters]], bool] | None = None
    vraag: Callable[[Paths, Mapping[str, Filters], Mapping[str, Any]], dict[str, Any]] | None = None

    def fills(self, path: str) -> bool:
        """Whether a register of this kind can fill (part of) this view path."""
        if any(covers(e, path) for e in self.except_paths):
            return False
        return any(covers(p, path) or covers(path, p) for p in self.paths)

    @property
    def called_by_doel(self) -> bool:
        """Whether a doel names it in `bronnen`: not a helper kind (Catalogi), nor one that
        fills no view path (the consent register, asked for a doel's `[toestemming]`)."""
        return self.consulted_for is None and bool(self.paths)


class Wiring(Protocol):
    """What a kind's `connect` may ask of the façade's wiring: its peers and shared objects."""

    def upstreams(self, *soorten: str) -> list[Any]:
        """The Upstreams of every configured register of these kinds, in config order."""
        ...

    def settings(self, soort: str) -> list[Any]:
        """The settings of every configured register of this kind, in config order."""
        ...

    def shared(self, key: str, make: Callable[[], Any]) -> Any:
        """One object per process under `key`, made on first use (a shared cache)."""
        ...


@dataclass(frozen=True)
class KindRegistry:
    """Every source kind the façade knows, in a fixed order (the order of `bronnen`)."""

    kinds: tuple[SourceKind, ...]

    def __post_init__(self) -> None:
        soorten = [k.soort for k in self.kinds]
        if len(set(soorten)) != len(soorten):
            raise ValueError(f"source kinds declared twice: {soorten}")

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.kinds)

    def __contains__(self, soort: object) -> bool:
        return any(k.soort == soort for k in self.kinds)

    def get(self, soort: str) -> SourceKind:
        for kind in self.kinds:
            if kind.soort == soort:
                return kind
        raise KeyError(soort)

    @property
    def soorten(self) -> tuple[str, ...]:
        return tuple(k.soort for k in self.kinds)

    @property
    def doel_soorten(self) -> tuple[str, ...]:
        """The kinds a doel may name in `bronnen`: all but the helper kinds."""
        return tuple(k.soort for k in self.kinds if k.called_by_doel)

    def filling(self, path: str) -> tuple[str, ...]:
        """The kinds (a doel may name) that can fill this view path."""
        return tuple(k.soort for k in self.kinds if k.called_by_doel and k.fills(path))

    def with_kind(self, kind: SourceKind) -> KindRegistry:
        """This registry with one more kind (a test's throw-away kind, a plug-in)."""
        return KindRegistry((*self.kinds, kind))
