"""The doelen side by side, as one self-contained HTML page for the privacy officer.

`klantbeeld doelen-review --html` writes it (productie too: it holds policy, no
person data); the demo's `/demo/doelen` shows the same tables. One column per
doel, one row per field (plain-Dutch label, technical path, the registers that
supply it), ✓ where the doel delivers the field, "deels" where it delivers part
of it, – where not; above the fields, per doel its naam, grondslag,
verwerkingsactiviteit, who may use it and its filters. Inline CSS, no script.
"""

from __future__ import annotations

from html import escape
from typing import Any

from policies.describe import doel_details, source_of, words
from policies.labels import label
from policies.loader import PolicySet
from vocabulary.paths import covers

CSS = """
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #1b1b1b; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
table.vergelijking { border-collapse: collapse; font-size: .85rem; }
.vergelijking th, .vergelijking td { border: 1px solid #c8c8c8; padding: .25rem .45rem;
  vertical-align: top; text-align: left; }
.vergelijking thead th { background: #1d3b6e; color: #fff; position: sticky; top: 0; }
.vergelijking th[scope=row] { font-weight: normal; }
.vergelijking td.ja { background: #e3f4e1; text-align: center; color: #17611a; }
.vergelijking td.deels { background: #fff4d6; text-align: center; }
.vergelijking td.nee { text-align: center; color: #8a8a8a; }
.vergelijking tr.eigenschap td { background: #f4f6fa; }
.pad { font-family: ui-monospace, monospace; font-size: .78rem; color: #555; }
.vergelijking thead .pad { color: #d6e0f5; }
.bron { color: #555; white-space: nowrap; }
"""

YES, PART, NO = "✓", "deels", "–"


def comparison_tables(policies: PolicySet) -> str:
    """The comparison as an HTML fragment (the two tables and their headings)."""
    doelen = sorted(policies.doelen.values(), key=lambda d: d.id)
    details = [doel_details(doel, policies) for doel in doelen]
    person = [(*d["velden"], *d["altijdMeegeleverd"]) for d in details]
    business = [tuple(d["veldenOndernemer"]) for d in details]
    parts = [
        "<h2>Personen (BSN)</h2>",
        _table(details, person, policies, ondernemer=False, with_properties=True),
        "<h2>Ondernemers (kvkNummer)</h2>",
        _table(details, business, policies, ondernemer=True, with_properties=False),
    ]
    return "\n".join(parts)


def review_html(policies: PolicySet) -> str:
    """The whole page: title, beleidsversie, the comparison."""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="nl">',
            '<head><meta charset="utf-8">',
            "<title>Doelbinding van de klantbeeld-façade: vergelijking</title>",
            f"<style>{CSS}</style></head>",
            "<body>",
            "<h1>Doelbinding van de klantbeeld-façade: de doelen naast elkaar</h1>",
            f"<p>Beleidsversie: <code>{escape(policies.versie)}</code>. Wat niet in een doel "
            "staat, wordt niet geleverd. ✓: het doel levert het veld; deels: een deel ervan "
            "(zie de velden eronder); –: niet.</p>",
            comparison_tables(policies),
            "</body></html>",
            "",
        ]
    )


def _table(
    details: list[dict[str, Any]],
    allowed: list[tuple[str, ...]],
    policies: PolicySet,
    *,
    ondernemer: bool,
    with_properties: bool,
) -> str:
    rows = sorted({path for paths in allowed for path in paths})
    head = "".join(
        f'<th scope="col" data-doel="{escape(d["id"])}">{escape(d["naam"])}<br>'
        f'<span class="pad">{escape(d["id"])}</span></th>'
        for d in details
    )
    subject = "ondernemer" if ondernemer else "persoon"
    out = [
        f'<table class="vergelijking" data-onderwerp="{subject}">',
        f'<thead><tr><th scope="col">veld</th><th scope="col">bron</th>{head}</tr></thead>',
        "<tbody>",
    ]
    if with_properties:
        out += [_property_row(name, values) for name, values in _properties(details)]
    for path in rows:
        cells = "".join(_mark(path, paths) for paths in allowed)
        bron = source_of(path, policies.kinds, ondernemer=ondernemer)
        out.append(
            f'<tr data-pad="{escape(path)}"><th scope="row">{escape(label(path))}<br>'
            f'<span class="pad">{escape(path)}</span></th>'
            f'<td class="bron">{escape(bron)}</td>{cells}</tr>'
        )
    if not rows:
        out.append(f'<tr><td colspan="{len(details) + 2}">Geen doel levert hier iets.</td></tr>')
    out += ["</tbody>", "</table>"]
    return "\n".join(out)


def _mark(path: str, paths: tuple[str, ...]) -> str:
    if any(covers(p, path) for p in paths):
        return f'<td class="ja" title="levert">{YES}</td>'
    if any(covers(path, p) for p in paths):
        return f'<td class="deels" title="levert een deel">{PART}</td>'
    return f'<td class="nee" title="levert niet">{NO}</td>'


def _properties(details: list[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    return [
        ("Omschrijving", [" ".join(d["omschrijving"].split()) for d in details]),
        ("Grondslag", [d["grondslag"] for d in details]),
        ("Verwerkingsactiviteit", [d["verwerkingsactiviteit"] for d in details]),
        ("Gebruikt door", [_toegang(d["toegang"]) for d in details]),
        (
            "Zelfbediening",
            [
                "ja — alleen het eigen nummer uit het token" if d["zelfbediening"] else "nee"
                for d in details
            ],
        ),
        ("Bevraagde registers", [", ".join(d["bronnen"]) for d in details]),
        ("Verplichte registers", [", ".join(d["verplichteBronnen"]) or "geen" for d in details]),
        ("Filters", [_filters(d["filters"]) for d in details]),
        ("Met toestemming", [_toestemmingen(d["toestemmingen"]) for d in details]),
    ]


def _toestemmingen(toestemmingen: list[dict[str, Any]]) -> str:
    """What a valid registered consent adds to the doel, per uitbreiding."""
    if not toestemmingen:
        return "geen uitbreiding"
    return "<br>".join(
        f"<code>{escape(t['uitbreiding'])}</code>: "
        + escape(" ".join(t["omschrijving"].split()))
        + "<br>+ "
        + ", ".join(f'<span class="pad">{escape(p)}</span>' for p in t["extraVelden"])
        + (f" (registers: {escape(', '.join(t['extraBronnen']))})" if t["extraBronnen"] else "")
        for t in toestemmingen
    )


def _property_row(name: str, values: list[str]) -> str:
    cells = "".join(f"<td>{value}</td>" for value in values)
    return f'<tr class="eigenschap"><th scope="row" colspan="2">{escape(name)}</th>{cells}</tr>'


def _toegang(rules: list[dict[str, str]]) -> str:
    if not rules:
        return "niemand (geen toegangsregel)"
    return "<br>".join(
        f"scope <code>{escape(r['scope'])}</code>"
        if "scope" in r
        else f"rol <code>{escape(r['rol'])}</code>"
        for r in rules
    )


def _filters(filters: dict[str, dict[str, Any]]) -> str:
    lines = [
        f'<span class="pad">{escape(section)}.{escape(name)}</span>: {escape(words(value))}'
        for section, values in filters.items()
        for name, value in values.items()
    ]
    return "<br>".join(lines) or "geen"
