"""The policy set in words: as JSON for `/api/v1/doelen` and as a review document.

The review document is what a privacy officer (FG) reads and signs: one section
per doel with its legal basis, the registers it calls, every field it may
return (per source) and every record filter, and who may use it.
"""

from __future__ import annotations

from typing import Any

from policies import viewpaths
from policies.access import AccessRule
from policies.labels import label
from policies.loader import PolicySet
from policies.model import Doel, Toestemming
from policies.plan import section_filters
from vocabulary.identifiers import BURGERSERVICENUMMER, KVK_NUMMER
from vocabulary.kinds import KindRegistry
from vocabulary.paths import covers
from vocabulary.zoeken import brp_fields


def doel_summary(doel: Doel) -> dict[str, Any]:
    return {"id": doel.id, "naam": doel.naam, "omschrijving": doel.omschrijving}


def doel_details(doel: Doel, policies: PolicySet) -> dict[str, Any]:
    filters = section_filters(doel)
    asked = {
        kind.soort: kind.vraag(
            frozenset(p for p in doel.velden if kind.fills(p)),
            filters,
            doel.opties.get(kind.soort, {}),
        )
        for kind in policies.kinds
        if kind.vraag is not None
    }
    return {
        **doel_summary(doel),
        "verwerkingsactiviteit": doel.verwerkingsactiviteit,
        "grondslag": doel.grondslag,
        "zelfbediening": doel.zelfbediening,
        "bronnen": sorted(doel.bronnen),
        "verplichteBronnen": sorted(doel.verplicht),
        "velden": list(doel.velden),
        # `[velden.ondernemer]`: what it shows of a kvkNummer; empty: no ondernemers (403).
        "veldenOndernemer": list(doel.ondernemer.velden) if doel.ondernemer else [],
        "altijdMeegeleverd": sorted(
            p for p in viewpaths.ALWAYS_WITH_RECORD if viewpaths.section_of(p) in doel.sections()
        ),
        **asked,
        "filters": {
            section: values
            for section, values in _filters(doel).items()
            if section in doel.sections()
        },
        "zoeken": _zoeken(doel),
        # What a registered consent adds (`[toestemming.<naam>]`): only while it is valid.
        "toestemmingen": [_toestemming(doel, t) for t in doel.toestemmingen],
        "toegang": _access(doel, policies.toegang),
        "beleidsversie": policies.versie,
    }


def _toestemming(doel: Doel, toestemming: Toestemming) -> dict[str, Any]:
    wider = toestemming.doel
    return {
        "uitbreiding": toestemming.naam,
        "omschrijving": toestemming.omschrijving,
        "extraBronnen": sorted(wider.bronnen - doel.bronnen),
        "extraVelden": [p for p in wider.velden if not any(covers(b, p) for b in doel.velden)],
        "filters": {
            section: values
            for section, values in _filters(wider).items()
            if section in wider.sections() and section not in doel.sections()
        },
    }


def _zoeken(doel: Doel) -> dict[str, Any] | None:
    if doel.zoeken is None:
        return None
    return {
        "vormen": sorted(doel.zoeken.vormen),
        "velden": list(doel.zoeken.velden),
        "maximumAantal": doel.zoeken.maximum,
        "brpFields": list(brp_fields(doel.zoeken.velden)),
    }


def _filters(doel: Doel) -> dict[str, Any]:
    z, c, k = doel.zaken, doel.contactmomenten, doel.klant
    return {
        "zaken": {
            "zaaktypen": sorted(z.zaaktypen) if z.zaaktypen is not None else None,
            "maximaleVertrouwelijkheidaanduiding": z.maximale_vertrouwelijkheid,
            "rol": z.rol,
            "afgerondBinnenDagen": z.afgerond_binnen_dagen,
        },
        "contactmomenten": {
            "vertrouwelijkeUitsluiten": c.vertrouwelijke_uitsluiten,
            "kanalen": sorted(c.kanalen) if c.kanalen is not None else None,
            "periodeDagen": c.periode_dagen,
        },
        "klant": {"alleenBinnenlandsAdres": k.alleen_binnenlands_adres},
    }


def _access(doel: Doel, rules: tuple[AccessRule, ...]) -> list[dict[str, str]]:
    granted = []
    for rule in rules:
        if doel.id in rule.doelen:
            granted.append({"scope": rule.scope} if rule.scope else {"rol": rule.rol or ""})
    return granted


def review_document(policies: PolicySet) -> str:
    """A Markdown document of the whole policy set, for review and sign-off."""
    lines = [
        "# Doelbinding van de klantbeeld-façade: beoordelingsdocument",
        "",
        f"Beleidsversie: `{policies.versie}` (hash van de doel- en toegangsbestanden; "
        "staat in elk antwoord en elk verwerkingsrecord).",
        "",
        "Wat niet in een doel staat, wordt niet geleverd (deny by default). Vertrouwelijkheids"
        "kenmerken reizen altijd mee met het record waar ze bij horen. Registers die een doel "
        "niet nodig heeft, worden niet bevraagd.",
        "",
        "| doel | naam | bronnen | zelfbediening |",
        "|---|---|---|---|",
    ]
    for doel in sorted(policies.doelen.values(), key=lambda d: d.id):
        lines.append(
            f"| [{doel.id}](#{doel.id}) | {doel.naam} | {', '.join(sorted(doel.bronnen))} | "
            f"{'ja' if doel.zelfbediening else 'nee'} |"
        )
    for doel in sorted(policies.doelen.values(), key=lambda d: d.id):
        lines += ["", *_doel_section(doel_details(doel, policies), policies.kinds)]
    return "\n".join(lines) + "\n"


def _doel_section(d: dict[str, Any], kinds: KindRegistry) -> list[str]:
    f = d["filters"]
    toegang = ", ".join(
        f"scope `{r['scope']}`" if "scope" in r else f"rol `{r['rol']}`" for r in d["toegang"]
    )
    zelf = "ja — alleen het eigen BSN uit het token" if d["zelfbediening"] else "nee"
    brp = d.get("brp", {"fields": [], "doelbinding": None})
    fields = ", ".join(f"`{x}`" for x in brp["fields"]) or "— (BRP niet bevraagd)"
    lines = [
        f'<a id="{d["id"]}"></a>',
        f"## {d['naam']} (`{d['id']}`)",
        "",
        " ".join(d["omschrijving"].split()),
        "",
        f"- **Grondslag:** {d['grondslag']}",
        f"- **Verwerkingsactiviteit:** {d['verwerkingsactiviteit']}",
        f"- **Gebruikt door:** {toegang or 'niemand (geen toegangsregel)'}",
        f"- **Zelfbediening:** {zelf}",
        f"- **Bevraagde registers:** {', '.join(d['bronnen'])}",
        f"- **Verplichte registers:** {', '.join(d['verplichteBronnen']) or 'geen'}",
        f"- **BRP x-doelbinding:** {brp['doelbinding'] or '—'}; **BRP fields:** {fields}",
        "",
    ]
    if d["velden"]:
        lines += ["| veld in het klantbeeld | betekenis | bron |", "|---|---|---|"]
    else:
        lines += ["Personen (BSN): niet in dit doel."]
    for path in d["velden"]:
        lines.append(f"| `{path}` | {label(path)} | {source_of(path, kinds)} |")
    for path in d["altijdMeegeleverd"]:
        lines.append(
            f"| `{path}` | {label(path)} | {source_of(path, kinds)} (altijd mee met het record) |"
        )
    if d.get("veldenOndernemer"):
        lines += [
            "",
            "| veld in het klantbeeld van een ondernemer (kvkNummer) | betekenis | bron |",
            "|---|---|---|",
        ]
        for path in d["veldenOndernemer"]:
            bron = source_of(path, kinds, ondernemer=True)
            lines.append(f"| `{path}` | {label(path)} | {bron} |")
    else:
        lines += ["", "Ondernemers (kvkNummer): niet in dit doel (403)."]
    lines += ["", "| filter | waarde |", "|---|---|"]
    for section, values in f.items():
        for name, value in values.items():
            lines.append(f"| {section}.{name} | {words(value)} |")
    lines += ["", *_zoeken_lines(d["zoeken"])]
    lines += ["", *_toestemming_lines(d["toestemmingen"])]
    lines += ["", "Akkoord FG: ______________________  Datum: ____________"]
    return lines


def _toestemming_lines(toestemmingen: list[dict[str, Any]]) -> list[str]:
    if not toestemmingen:
        return ["**Met toestemming van de betrokkene:** geen uitbreiding."]
    lines: list[str] = []
    for t in toestemmingen:
        lines += [
            f"**Met toestemming van de betrokkene (uitbreiding `{t['uitbreiding']}`):** "
            + " ".join(t["omschrijving"].split()),
            "Alleen zolang het toestemmingenregister een geldige toestemming van deze persoon "
            "voor dit doel en deze uitbreiding heeft; de toestemming staat dan in het "
            "verwerkingsrecord als gebruikte grondslag. Zonder: het doel hierboven, en de extra "
            "registers worden niet bevraagd.",
            "",
            "| extra veld | betekenis |",
            "|---|---|",
            *(f"| `{path}` | {label(path)} |" for path in t["extraVelden"]),
            "",
            f"Extra registers: {', '.join(t['extraBronnen']) or 'geen'}.",
            *(
                f"Filter {section}.{name}: {words(value)}."
                for section, values in t["filters"].items()
                for name, value in values.items()
            ),
            "",
        ]
    return lines


def _zoeken_lines(zoeken: dict[str, Any] | None) -> list[str]:
    if zoeken is None:
        return ["**Zoeken naar personen:** niet toegestaan."]
    return [
        "**Zoeken naar personen:** toegestaan (`POST /api/v1/personen/zoeken`). Elke gevonden "
        "persoon wordt vastgelegd (pseudoniem); de zoekwaarden nooit. De kandidaat draagt geen "
        "BSN maar een versleuteld zoekresultaat, 10 minuten geldig voor deze aanvrager en dit "
        "doel.",
        "",
        "| zoeken | waarde |",
        "|---|---|",
        f"| zoekvormen | {', '.join(zoeken['vormen'])} |",
        f"| kandidaat toont | {', '.join(zoeken['velden'])}, geheimhoudingPersoonsgegevens |",
        f"| maximum aantal personen | {zoeken['maximumAantal']} (meer: verfijn de zoekvraag) |",
        f"| BRP fields bij zoeken | {', '.join(f'`{x}`' for x in zoeken['brpFields'])} |",
    ]


def source_of(path: str, kinds: KindRegistry, ondernemer: bool = False) -> str:
    """The kinds of register that can fill this path (for a person, or for an
    ondernemer), as a person names them: read from each kind's declared paths,
    so a field only one kind knows names only that kind."""
    subject = KVK_NUMMER if ondernemer else BURGERSERVICENUMMER
    return " / ".join(
        kinds.get(soort).label or soort
        for soort in kinds.filling(path)
        if not kinds.get(soort).identifiers or subject in kinds.get(soort).identifiers
    )


def words(value: Any) -> str:
    if value is None:
        return "geen beperking"
    if value is True:
        return "ja"
    if value is False:
        return "nee"
    if isinstance(value, list):
        return ", ".join(value)
    return str(value)
