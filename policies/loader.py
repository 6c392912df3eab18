"""Loading and validating the doelen and the access rules at start-up.

A policy set that is wrong in any way refuses to start the service, with every
problem listed as `file: doel 'id': key: what is wrong`, so the privacy officer
or operator can fix all of them in one go.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from policies import viewpaths
from policies.access import AccessRule
from policies.model import (
    ContactFilters,
    Doel,
    KlantFilters,
    Toestemming,
    ZaakFilters,
    Zoeken,
)
from vocabulary.enums import ROLLEN, VERTROUWELIJKHEIDAANDUIDINGEN
from vocabulary.identifiers import BURGERSERVICENUMMER, KVK_NUMMER
from vocabulary.kinds import KindRegistry
from vocabulary.paths import covers, minimal
from vocabulary.zoeken import (
    KANDIDAAT_VELDEN,
    MAX_KANDIDATEN,
    PERSOON_BEPERKT,
    VIA_KLANTINTERACTIES,
    ZOEKVORMEN,
    brp_fields,
)

_DOEL_KEYS = {
    "id",
    "naam",
    "omschrijving",
    "verwerkingsactiviteit",
    "grondslag",
    "bronnen",
    "zelfbediening",
    "verplicht",
    "velden",
    "filters",
    "brp",
    "zoeken",
    "toestemming",
}
# What a `[toestemming.<naam>]` may hold: it adds bronnen, velden and the filters of
# sections it adds; everything else (grondslag, verwerkingsactiviteit) is the base doel's.
_TOESTEMMING_KEYS = {"omschrijving", "bronnen", "velden", "filters"}
_UITBREIDING_NAAM = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_ZOEKEN_KEYS = {"vormen", "velden", "maximumAantal"}
_FILTER_KEYS = {
    "zaken": {"zaaktypen", "maximaleVertrouwelijkheidaanduiding", "rol", "afgerondBinnenDagen"},
    "contactmomenten": {"vertrouwelijkeUitsluiten", "kanalen", "periodeDagen"},
    "klant": {"alleenBinnenlandsAdres"},
}


class PolicyError(Exception):
    """The policy set is invalid; `problems` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class PolicySet:
    doelen: dict[str, Doel]
    toegang: tuple[AccessRule, ...]
    versie: str
    kinds: KindRegistry

    def get(self, doel_id: str) -> Doel | None:
        return self.doelen.get(doel_id)


def load_policies(doelen_dir: Path, toegang_file: Path, kinds: KindRegistry) -> PolicySet:
    """Every doel and access rule, validated against the register kinds the façade knows."""
    problems: list[str] = []
    files = sorted(doelen_dir.glob("*.toml")) if doelen_dir.is_dir() else []
    if not files:
        raise PolicyError([f"{doelen_dir}: no doel files (*.toml) found"])
    doelen: dict[str, Doel] = {}
    # Ids of doelen that exist but are invalid: the access rules may name them
    # without a second, misleading "unknown doel" problem.
    declared: set[str] = set()
    digest = hashlib.sha256()
    for path in files:
        raw = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + raw + b"\0")
        doel = _load_doel(path, raw, problems, kinds)
        declared.add(_declared_id(path, raw))
        if doel is None:
            continue
        if doel.id in doelen:
            problems.append(
                f"{path}: doel '{doel.id}': id: also defined in {doelen[doel.id].bestand}"
            )
            continue
        doelen[doel.id] = doel
    problems.extend(_shared_activities(doelen.values()))
    toegang: tuple[AccessRule, ...] = ()
    if toegang_file.is_file():
        raw = toegang_file.read_bytes()
        digest.update(toegang_file.name.encode() + b"\0" + raw)
        toegang = _load_toegang(toegang_file, raw, declared, problems)
    else:
        problems.append(f"{toegang_file}: access rules file not found")
    if problems:
        raise PolicyError(problems)
    versie = "sha256:" + digest.hexdigest()[:16]
    return PolicySet(doelen=doelen, toegang=toegang, versie=versie, kinds=kinds)


def _load_doel(path: Path, raw: bytes, problems: list[str], kinds: KindRegistry) -> Doel | None:
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        problems.append(f"{path}: not valid TOML: {exc}")
        return None
    doel_id = data.get("id") if isinstance(data.get("id"), str) else path.stem
    where = f"{path}: doel '{doel_id}'"
    base = _doel_from(path, {k: v for k, v in data.items() if k != "toestemming"}, where,
                      problems, kinds)  # fmt: skip
    if "toestemming" not in data:
        return base
    checker = _Checker(where, problems)
    uitbreidingen = _toestemmingen(path, data, base, checker, kinds)
    if base is None or checker.failed:
        return None
    return replace(base, toestemmingen=uitbreidingen)


def _doel_from(
    path: Path, data: dict[str, Any], where: str, problems: list[str], kinds: KindRegistry
) -> Doel | None:
    checker = _Checker(where, problems)

    checker.unknown_keys(data, _DOEL_KEYS, "")
    ident = checker.text(data, "id")
    naam = checker.text(data, "naam")
    omschrijving = checker.text(data, "omschrijving")
    verwerkingsactiviteit = checker.text(data, "verwerkingsactiviteit")
    grondslag = checker.text(data, "grondslag")
    soorten = kinds.doel_soorten
    bronnen = checker.choices(data, "bronnen", soorten, required=True) or frozenset()
    zelfbediening = checker.boolean(data, "zelfbediening", default=False)
    verplicht = checker.choices(data, "verplicht", soorten, required=False) or frozenset()
    if verplicht - bronnen:
        checker.problem("verplicht", f"{sorted(verplicht - bronnen)} are not in bronnen")

    brp = data.get("brp", {})
    brp_doelbinding = None
    if not isinstance(brp, dict):
        checker.problem("brp", "must be a table")
    else:
        checker.unknown_keys(brp, {"doelbinding"}, "brp.")
        brp_doelbinding = checker.text(brp, "doelbinding", prefix="brp.", required=False)

    # A misspelt bron is said once, by `choices`; the fields it would have filled
    # are not blamed a second time for a bron "the doel does not list".
    named = data.get("bronnen")
    misspelt = isinstance(named, list) and any(b not in soorten for b in named)
    raw_velden = data.get("velden")
    raw_ondernemer = raw_velden.get("ondernemer") if isinstance(raw_velden, dict) else None
    if isinstance(raw_velden, dict) and "ondernemer" in raw_velden:
        raw_velden = {k: v for k, v in raw_velden.items() if k != "ondernemer"}
    velden = (
        _velden(raw_velden, bronnen, checker, kinds, blame_missing=not misspelt)
        if raw_velden or raw_ondernemer is None
        else ()
    )
    velden_ondernemer = (
        ()
        if raw_ondernemer is None
        else _velden(
            raw_ondernemer,
            bronnen,
            checker,
            kinds,
            blame_missing=not misspelt,
            ondernemer=True,
        )
    )
    filters = data.get("filters", {})
    if not isinstance(filters, dict):
        checker.problem("filters", "must be a table")
        filters = {}
    checker.unknown_keys(filters, set(_FILTER_KEYS), "filters.")
    zaken = _zaak_filters(filters.get("zaken", {}), checker)
    contacten = _contact_filters(filters.get("contactmomenten", {}), checker)
    klant = _klant_filters(filters.get("klant", {}), checker)
    zoeken = _zoeken(data.get("zoeken"), bronnen, checker)
    if zoeken is not None and zelfbediening:
        checker.problem("zoeken", "a self-service doel answers for the token's own BSN only")

    if checker.failed:
        return None
    doel = Doel(
        id=ident,
        naam=naam,
        omschrijving=omschrijving,
        verwerkingsactiviteit=verwerkingsactiviteit,
        grondslag=grondslag,
        bronnen=bronnen,
        velden=velden,
        zaken=zaken,
        contactmomenten=contacten,
        klant=klant,
        zelfbediening=zelfbediening,
        verplicht=verplicht,
        brp_doelbinding=brp_doelbinding,
        zoeken=zoeken,
        bestand=str(path),
    )
    if velden_ondernemer:
        # The same doel for a kvkNummer: its own paths, the same filters and grondslag.
        doel = replace(
            doel,
            ondernemer=replace(doel, velden=velden_ondernemer, subject_type=KVK_NUMMER),
        )
    from policies.plan import section_filters  # local: plan imports this module's types

    filters_per_section = section_filters(doel)
    for kind in kinds:
        if kind.check is None or kind.soort not in bronnen:
            continue
        own = frozenset(p for p in doel.velden if kind.fills(p))
        for key, reason in kind.check(own, filters_per_section):
            checker.problem(key, reason)
    return None if checker.failed else doel


def _toestemmingen(
    path: Path, data: dict[str, Any], base: Doel | None, checker: _Checker, kinds: KindRegistry
) -> tuple[Toestemming, ...]:
    """`[toestemming.<naam>]`: each a superset of the base doel, checked as a doel of its own.

    An uitbreiding adds bronnen and velden, and filters for the sections it adds. It
    never changes the filters of a section the base doel shows: what the base doel
    sees stays exactly what it sees without consent.
    """
    raw = data["toestemming"]
    if not isinstance(raw, dict) or not raw:
        checker.problem("toestemming", "must be a table of [toestemming.<naam>] tables")
        return ()
    if data.get("zelfbediening") is True:
        checker.problem(
            "toestemming",
            "a self-service doel shows the resident's own data; a consent widens what "
            "an employee sees",
        )
        return ()
    found: list[Toestemming] = []
    base_filters = data.get("filters") if isinstance(data.get("filters"), dict) else {}
    base_velden = data.get("velden") if isinstance(data.get("velden"), dict) else {}
    for naam, table in raw.items():
        prefix = f"toestemming.{naam}."
        if not _UITBREIDING_NAAM.fullmatch(naam):
            checker.problem(f"toestemming.{naam}", "a name of lowercase letters, digits and '-'")
            continue
        if not isinstance(table, dict):
            checker.problem(f"toestemming.{naam}", "must be a table")
            continue
        checker.unknown_keys(table, _TOESTEMMING_KEYS, prefix)
        omschrijving = checker.text(table, "omschrijving", prefix)
        extra_bronnen = table.get("bronnen", [])
        if not isinstance(extra_bronnen, list) or not all(
            isinstance(b, str) for b in extra_bronnen
        ):
            checker.problem(prefix + "bronnen", "must be a list of strings")
            continue
        extra_velden = table.get("velden", {})
        if not isinstance(extra_velden, dict) or "ondernemer" in extra_velden:
            checker.problem(
                prefix + "velden",
                "must be a table with a list of paths per section (a consent is a "
                "person's: no [velden.ondernemer])",
            )
            continue
        extra_filters = table.get("filters", {})
        if not isinstance(extra_filters, dict):
            checker.problem(prefix + "filters", "must be a table")
            continue
        shown = set(base_velden) | set(base_filters)
        for section in sorted(set(extra_filters) & shown):
            checker.problem(
                f"{prefix}filters.{section}",
                f"the base doel shows '{section}' already; a consent adds fields and "
                "sections, it never changes the base doel's own filters",
            )
        merged_velden: dict[str, Any] = {
            section: sorted(set(_listed(base_velden.get(section))) | set(_listed(entries)))
            for section, entries in {**base_velden, **extra_velden}.items()
            if section != "ondernemer"  # a consent is a person's; the ondernemer paths stay out
        }
        for section, entries in extra_velden.items():
            if not isinstance(entries, list):
                merged_velden[section] = entries  # the doel checks say what is wrong with it
        bronnen = data.get("bronnen") if isinstance(data.get("bronnen"), list) else []
        merged = {
            **{k: v for k, v in data.items() if k != "toestemming"},
            "bronnen": sorted(set(bronnen) | set(extra_bronnen)),
            "velden": merged_velden,
            "filters": {**base_filters, **extra_filters},
        }
        widened = _doel_from(
            path, merged, f"{checker.where} toestemming '{naam}'", checker.problems, kinds
        )
        if widened is None:
            checker.failed = True
            continue
        if base is not None and set(widened.velden) <= set(base.velden):
            checker.problem(f"toestemming.{naam}.velden", "adds no field to the base doel")
            continue
        found.append(
            Toestemming(
                naam=naam,
                omschrijving=omschrijving or "",
                doel=replace(widened, ondernemer=None),
            )
        )
    return tuple(found)


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _velden(
    raw: Any,
    bronnen: frozenset[str],
    checker: _Checker,
    kinds: KindRegistry,
    blame_missing: bool = True,
    ondernemer: bool = False,
) -> tuple[str, ...]:
    """A doel's paths; `ondernemer`: those under `[velden.ondernemer]`, for a kvkNummer."""
    prefix = "velden.ondernemer" if ondernemer else "velden"
    tree = viewpaths.ONDERNEMER_VIEW if ondernemer else viewpaths.VIEW
    subject_type = KVK_NUMMER if ondernemer else BURGERSERVICENUMMER
    if not isinstance(raw, dict) or not raw:
        checker.problem(prefix, "must be a table with a list of paths per section")
        return ()
    checker.unknown_keys(
        raw, set(viewpaths.SECTIONS) | (set() if ondernemer else {"ondernemer"}), f"{prefix}."
    )
    paths: list[str] = []
    for section, entries in raw.items():
        if section not in viewpaths.SECTIONS:
            continue
        key = f"{prefix}.{section}"
        if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
            checker.problem(key, "must be a list of paths (strings)")
            continue
        for index, entry in enumerate(entries):
            path = f"{section}.{entry}"
            if not viewpaths.exists(path, tree):
                checker.problem(f"{key}[{index}]", f"'{entry}' is not a path of the view")
                continue
            needed = {
                s
                for s in kinds.filling(path)
                if not kinds.get(s).identifiers or subject_type in kinds.get(s).identifiers
            }
            if not needed & bronnen:
                if blame_missing:
                    checker.problem(
                        f"{key}[{index}]",
                        f"'{entry}' needs one of the bronnen {sorted(needed)}, which the doel "
                        "does not list",
                    )
                continue
            paths.append(path)
    for reference, target in viewpaths.REFERENCES.items():
        if any(covers(reference, p) or covers(p, reference) for p in paths) and not any(
            covers(p, target) for p in paths
        ):
            checker.problem(
                f"{prefix}.{viewpaths.section_of(reference)}",
                f"'{reference.split('.', 1)[1]}' shows the {target} of linked zaken, "
                f"so '{target}' must be allowed too",
            )
    for soort in sorted(bronnen) if not ondernemer else ():  # said once, for the person paths
        kind = kinds.get(soort)
        for need in kind.needs:
            if need not in bronnen:
                checker.problem(
                    "bronnen",
                    f"'{soort}' ({kind.titel}) is reached through '{need}', "
                    f"so '{need}' must be listed too",
                )
    return tuple(sorted(minimal(paths)))


def _zaak_filters(raw: Any, checker: _Checker) -> ZaakFilters:
    if not isinstance(raw, dict):
        checker.problem("filters.zaken", "must be a table")
        return ZaakFilters()
    prefix = "filters.zaken."
    checker.unknown_keys(raw, _FILTER_KEYS["zaken"], prefix)
    zaaktypen = checker.strings(raw, "zaaktypen", prefix)
    vertrouwelijkheid = checker.choice(
        raw, "maximaleVertrouwelijkheidaanduiding", VERTROUWELIJKHEIDAANDUIDINGEN, prefix
    )
    rol = checker.choice(raw, "rol", ROLLEN, prefix)
    dagen = checker.positive_int(raw, "afgerondBinnenDagen", prefix)
    return ZaakFilters(
        zaaktypen=zaaktypen,
        maximale_vertrouwelijkheid=vertrouwelijkheid,
        rol=rol,
        afgerond_binnen_dagen=dagen,
    )


def _contact_filters(raw: Any, checker: _Checker) -> ContactFilters:
    if not isinstance(raw, dict):
        checker.problem("filters.contactmomenten", "must be a table")
        return ContactFilters()
    prefix = "filters.contactmomenten."
    checker.unknown_keys(raw, _FILTER_KEYS["contactmomenten"], prefix)
    return ContactFilters(
        vertrouwelijke_uitsluiten=checker.boolean(
            raw, "vertrouwelijkeUitsluiten", default=True, prefix=prefix
        ),
        kanalen=checker.strings(raw, "kanalen", prefix),
        periode_dagen=checker.positive_int(raw, "periodeDagen", prefix),
    )


def _klant_filters(raw: Any, checker: _Checker) -> KlantFilters:
    if not isinstance(raw, dict):
        checker.problem("filters.klant", "must be a table")
        return KlantFilters()
    prefix = "filters.klant."
    checker.unknown_keys(raw, _FILTER_KEYS["klant"], prefix)
    return KlantFilters(
        alleen_binnenlands_adres=checker.boolean(
            raw, "alleenBinnenlandsAdres", default=False, prefix=prefix
        )
    )


def _zoeken(raw: Any, bronnen: frozenset[str], checker: _Checker) -> Zoeken | None:
    """`[zoeken]`: absent, the doel may not search (deny by default)."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        checker.problem("zoeken", "must be a table")
        return None
    prefix = "zoeken."
    checker.unknown_keys(raw, _ZOEKEN_KEYS, prefix)
    vormen = checker.choices(raw, "vormen", ZOEKVORMEN, required=False, prefix=prefix)
    if not vormen:
        checker.problem(prefix + "vormen", "must name at least one query shape")
        vormen = frozenset()
    velden = (
        checker.choices(raw, "velden", tuple(KANDIDAAT_VELDEN), required=False, prefix=prefix)
        or frozenset()
    )
    outside = sorted(set(brp_fields(velden)) - PERSOON_BEPERKT)
    if outside:  # the search answers with PersoonBeperkt: nothing else can fill a candidate
        checker.problem(prefix + "velden", f"{outside} are not in BRP PersoonBeperkt")
    maximum = checker.positive_int(raw, "maximumAantal", prefix)
    if maximum is None:
        checker.problem(prefix + "maximumAantal", "is required (1 to 20)")
    elif maximum > MAX_KANDIDATEN:
        checker.problem(
            prefix + "maximumAantal", f"must be at most {MAX_KANDIDATEN}, not {maximum}"
        )
    if "brp" not in bronnen:
        checker.problem("zoeken", "a search asks the BRP, so 'brp' must be in bronnen")
    if vormen & VIA_KLANTINTERACTIES and "klantinteracties" not in bronnen:
        checker.problem(
            prefix + "vormen",
            f"{sorted(vormen & VIA_KLANTINTERACTIES)} search Klantinteracties, "
            "so 'klantinteracties' must be in bronnen",
        )
    return Zoeken(vormen=vormen, velden=tuple(sorted(velden)), maximum=maximum or 1)


def _shared_activities(doelen: Iterable[Doel]) -> list[str]:
    """Two doelen under one verwerkingsactiviteit: an inzage could not tell them apart.

    The logboek records the activity, not the doel, so the inzage finds the doel by it.
    A URL and the bare UUID it ends in are the same activity.
    """
    seen: dict[str, Doel] = {}
    problems = []
    for doel in doelen:
        key = activity_key(doel.verwerkingsactiviteit)
        other = seen.setdefault(key, doel)
        if other is not doel:
            problems.append(
                f"{doel.bestand}: doel '{doel.id}': verwerkingsactiviteit: the same as doel "
                f"'{other.id}' in {other.bestand}; each doel needs its own"
            )
    return problems


def activity_key(verwerkingsactiviteit: str) -> str:
    """The verwerkingsactiviteit's UUID (its URL's last segment), else the text itself."""
    last = verwerkingsactiviteit.rstrip("/").rsplit("/", 1)[-1]
    try:
        return str(uuid.UUID(last))
    except ValueError:
        return verwerkingsactiviteit


def _declared_id(path: Path, raw: bytes) -> str:
    try:
        ident = tomllib.loads(raw.decode("utf-8")).get("id")
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        ident = None
    return ident if isinstance(ident, str) else path.stem


def _load_toegang(
    path: Path, raw: bytes, doelen: set[str], problems: list[str]
) -> tuple[AccessRule, ...]:
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        problems.append(f"{path}: not valid TOML: {exc}")
        return ()
    rules = data.get("toegang")
    if set(data) - {"toegang"}:
        problems.append(f"{path}: unknown keys {sorted(set(data) - {'toegang'})}")
    if not isinstance(rules, list) or not rules:
        problems.append(f"{path}: toegang: must be a list of [[toegang]] tables")
        return ()
    result: list[AccessRule] = []
    for index, rule in enumerate(rules):
        where = f"{path}: toegang[{index}]"
        if not isinstance(rule, dict):
            problems.append(f"{where}: must be a table")
            continue
        unknown = set(rule) - {"scope", "rol", "doelen", "afnemer"}
        if unknown:
            problems.append(f"{where}: unknown keys {sorted(unknown)}")
        scope, rol = rule.get("scope"), rule.get("rol")
        if (scope is None) == (rol is None) or not isinstance(scope or rol, str):
            problems.append(f"{where}: give exactly one of 'scope' or 'rol' (a string)")
            continue
        ids = rule.get("doelen")
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
            problems.append(f"{where}.doelen: must be a non-empty list of doel ids")
            continue
        for doel_id in ids:
            if doel_id not in doelen:
                problems.append(f"{where}.doelen: unknown doel '{doel_id}'")
        afnemer = rule.get("afnemer")
        if not isinstance(afnemer, str) or not afnemer.strip():
            problems.append(
                f"{where}.afnemer: required: who looks under this rule as the resident reads "
                'it in their inzage, e.g. "Klantcontactcentrum (KCC)" (a non-empty string; '
                "an organisation unit or kind of caller, never a person)"
            )
            continue
        result.append(
            AccessRule(scope=scope, rol=rol, doelen=frozenset(ids), afnemer=afnemer.strip())
        )
    return tuple(result)


class _Checker:
    """Collects `file: doel: key: reason` lines while reading one doel."""

    def __init__(self, where: str, problems: list[str]) -> None:
        self.where = where
        self.problems = problems
        self.failed = False

    def problem(self, key: str, reason: str) -> None:
        self.failed = True
        self.problems.append(f"{self.where}: {key}: {reason}")

    def unknown_keys(self, data: dict[str, Any], known: Iterable[str], prefix: str) -> None:
        for key in sorted(set(data) - set(known)):
            self.problem(f"{prefix}{key}", f"unknown key (known: {', '.join(sorted(known))})")

    def text(self, data: dict[str, Any], key: str, prefix: str = "", required: bool = True) -> Any:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(prefix + key, "is required")
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(prefix + key, "must be a non-empty string")
            return None
        return value.strip()

    def boolean(self, data: dict[str, Any], key: str, *, default: bool, prefix: str = "") -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.problem(prefix + key, f"must be true or false, not {value!r}")
            return default
        return value

    def strings(self, data: dict[str, Any], key: str, prefix: str) -> frozenset[str] | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            self.problem(prefix + key, "must be a non-empty list of strings")
            return None
        return frozenset(value)

    def choice(
        self, data: dict[str, Any], key: str, allowed: tuple[str, ...], prefix: str
    ) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if value not in allowed:
            self.problem(prefix + key, f"{value!r} is not one of {', '.join(allowed)}")
            return None
        return str(value)

    def choices(
        self,
        data: dict[str, Any],
        key: str,
        allowed: tuple[str, ...],
        required: bool,
        prefix: str = "",
    ) -> frozenset[str] | None:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(prefix + key, "is required")
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(prefix + key, "must be a list of strings")
            return None
        wrong = [v for v in value if v not in allowed]
        if wrong:
            self.problem(prefix + key, f"unknown {wrong} (known: {', '.join(allowed)})")
        # The known names go on, so later checks do not blame the doel a second
        # time for what the wrong name already explains.
        return frozenset(v for v in value if v in allowed)

    def positive_int(self, data: dict[str, Any], key: str, prefix: str) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            self.problem(prefix + key, f"must be a positive whole number, not {value!r}")
            return None
        return value
