"""The doel: one purpose of processing, as a privacy officer signs it off.

A doel is data (a TOML file in `config/doelen/`); these dataclasses are what the
loader makes of it after validation. Everything a klantbeeld does follows from
the doel the caller declared: which registers are called, which fields are asked
for, which records are kept and which fields leave.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vocabulary.identifiers import BURGERSERVICENUMMER, IdentifierType


@dataclass(frozen=True)
class ZaakFilters:
    """Which zaken a doel may see. Empty means no restriction of that kind."""

    zaaktypen: frozenset[str] | None = None
    maximale_vertrouwelijkheid: str | None = None
    rol: str | None = None
    afgerond_binnen_dagen: int | None = None


@dataclass(frozen=True)
class ContactFilters:
    """Which contactmomenten a doel may see."""

    vertrouwelijke_uitsluiten: bool = True
    kanalen: frozenset[str] | None = None
    periode_dagen: int | None = None


@dataclass(frozen=True)
class KlantFilters:
    alleen_binnenlands_adres: bool = False


@dataclass(frozen=True)
class Zoeken:
    """Whether and how a doel may search for a person (`[zoeken]`; absent: it may not).

    `vormen`: the query shapes it may use; `velden`: what a candidate shows to pick
    the right person (vocabulary.zoeken.KANDIDAAT_VELDEN); `maximum`: more persons
    found than this is "te veel resultaten", never a silently cut list.
    """

    vormen: frozenset[str]
    velden: tuple[str, ...]
    maximum: int


@dataclass(frozen=True)
class Doel:
    id: str
    naam: str
    omschrijving: str
    verwerkingsactiviteit: str
    grondslag: str
    bronnen: frozenset[str]
    velden: tuple[str, ...]
    zaken: ZaakFilters = field(default_factory=ZaakFilters)
    contactmomenten: ContactFilters = field(default_factory=ContactFilters)
    klant: KlantFilters = field(default_factory=KlantFilters)
    zelfbediening: bool = False
    verplicht: frozenset[str] = frozenset()
    brp_doelbinding: str | None = None
    zoeken: Zoeken | None = None
    bestand: str = ""
    # Whom `velden` are about. A doel's `[velden.ondernemer]` make `ondernemer`: the same
    # doel for a kvkNummer, with those paths. None: the doel does not cover ondernemers.
    subject_type: IdentifierType = BURGERSERVICENUMMER
    ondernemer: Doel | None = None
    # `[toestemming.<naam>]`: wider views that apply only while the person has a
    # registered, unexpired consent for this doel naming that uitbreiding.
    toestemmingen: tuple[Toestemming, ...] = ()

    def uitbreiding(self, naam: str) -> Doel | None:
        """The doel as the consented uitbreiding `naam` widens it; None for an unknown one."""
        return next((t.doel for t in self.toestemmingen if t.naam == naam), None)

    def widest_velden(self) -> frozenset[str]:
        """Every path this doel may deliver, with any consent: what a caller may ask for."""
        return frozenset(self.velden).union(*(t.doel.velden for t in self.toestemmingen))

    @property
    def opties(self) -> dict[str, dict[str, object]]:
        """The doel's own settings per register kind (its `[brp]` table)."""
        return {"brp": {"doelbinding": self.brp_doelbinding}} if self.brp_doelbinding else {}

    def sections(self) -> frozenset[str]:
        return frozenset(path.split(".", 1)[0] for path in self.velden)


@dataclass(frozen=True)
class Toestemming:
    """One uitbreiding of a doel (`[toestemming.<naam>]`), reviewed by the privacy officer.

    `doel` is the base doel widened: its bronnen and velden plus this uitbreiding's,
    with filters of its own only for sections the base doel does not show. It is
    used only for a person whose consent register holds a valid consent naming
    the base doel and this `naam`.
    """

    naam: str
    omschrijving: str
    doel: Doel
