"""`klantbeeld doelen-review --html`: the doelen side by side, one page, no person data."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from facade.sources import KINDS
from policies.loader import load_policies
from policies.review_html import review_html
from tests.harness import CONFIG

ROOT = Path(__file__).resolve().parents[2]
POLICIES = load_policies(CONFIG / "doelen", CONFIG / "toegang.toml", KINDS)


class _Table(HTMLParser):
    """Rows (by data-pad) and their cell texts, per table (by data-onderwerp)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, dict[str, list[str]]] = {}
        self.columns: list[str] = []
        self.tags: list[str] = []
        self._table = ""
        self._row: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append(tag)
        if tag == "table":
            self._table = a.get("data-onderwerp") or ""
            self.tables[self._table] = {}
        if tag == "th" and a.get("data-doel") and self._table == "persoon":
            self.columns.append(a["data-doel"] or "")
        if tag == "tr":
            self._row = a.get("data-pad")
            if self._row:
                self.tables[self._table][self._row] = []
        if tag in ("td", "th") and self._row:
            self._cell = []

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._row and self._cell is not None:
            self.tables[self._table][self._row].append(" ".join(self._cell))
            self._cell = None


def _parsed() -> _Table:
    parser = _Table()
    parser.feed(review_html(POLICIES))
    return parser


def test_one_column_per_doel_and_a_mark_per_field_and_doel() -> None:
    page = _parsed()
    doelen = sorted(POLICIES.doelen)
    assert page.columns == doelen
    persons = page.tables["persoon"]
    for index, doel_id in enumerate(doelen):
        doel = POLICIES.doelen[doel_id]
        for path in doel.velden:
            assert persons[path][2 + index] == "✓", (doel_id, path)
    # A field one doel has and another not: kcc-zaakstatus sees no contact history.
    kcc = doelen.index("kcc-zaakstatus")
    assert persons["contactmomenten.datum"][2 + kcc] == "–"
    ondernemers = page.tables["ondernemer"]
    onderneming = doelen.index("mijn-onderneming")
    for path in POLICIES.doelen["mijn-onderneming"].ondernemer.velden:  # type: ignore[union-attr]
        assert ondernemers[path][2 + onderneming] == "✓"


def test_each_row_has_the_label_the_path_and_the_bron_of_that_field() -> None:
    rows = _parsed().tables["persoon"]
    assert rows["klant.naam.volledigeNaam"][0] == "Volledige naam klant.naam.volledigeNaam"
    assert rows["contactmomenten.onderwerp"][1] == "Klantinteracties"
    assert rows["contactmomenten.datum"][1] == "Contactmomenten / Klantinteracties"


def test_the_page_names_grondslag_activity_filters_and_who_may_use_each_doel() -> None:
    page = review_html(POLICIES)
    for doel in POLICIES.doelen.values():
        assert doel.naam in page
        assert doel.verwerkingsactiviteit in page
        assert doel.grondslag.split()[0] in page
    assert "scope <code>klantbeeld.kcc</code>" in page
    assert "rol <code>wmo-consulent</code>" in page
    assert "zaken.maximaleVertrouwelijkheidaanduiding" in page


def test_the_page_is_self_contained_and_holds_no_person_data() -> None:
    page = review_html(POLICIES)
    assert "<script" not in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert not re.search(r"\b\d{9}\b", page)  # no BSN, no demo person at all
    assert "Saskia" not in page
    assert set(_parsed().tags) <= {
        "html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "code", "table",
        "thead", "tbody", "tr", "th", "td", "br", "span",
    }  # fmt: skip


def test_the_cli_writes_the_html_page(tmp_path: Path) -> None:
    out = tmp_path / "review.html"
    subprocess.run(
        [sys.executable, "-m", "facade.cli", "--config", str(CONFIG / "demo.toml"),
         "doelen-review", "--html", "--output", str(out)],
        check=True, cwd=ROOT, capture_output=True,
    )  # fmt: skip
    assert out.read_text(encoding="utf-8") == review_html(POLICIES)
    markdown = subprocess.run(
        [sys.executable, "-m", "facade.cli", "--config", str(CONFIG / "demo.toml"),
         "doelen-review"],
        check=True, cwd=ROOT, capture_output=True, text=True,
    ).stdout  # fmt: skip
    assert markdown.startswith("# Doelbinding")


# Secrets the productie example names (their values do not matter to a review).
PRODUCTIE_ENV = {
    "KLANTBEELD_BRP_API_KEY": "k",
    "KLANTBEELD_OPENZAAK_SECRET": "s",
    "KLANTBEELD_OPENKLANT_SECRET": "s",
    "KLANTBEELD_KVK_API_KEY": "s",
    "KLANTBEELD_OBJECTEN_TOKEN": "s",
    "KLANTBEELD_PSEUDONYM_KEY": "p" * 32,
}


def test_the_cli_works_with_the_productie_example_too() -> None:
    # No person data, no demo material: the FG of a real deployment runs it as well.
    result = subprocess.run(
        [sys.executable, "-m", "facade.cli", "--config",
         str(CONFIG / "productie.example.toml"), "doelen-review", "--html"],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, **PRODUCTIE_ENV},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("<!DOCTYPE html>")
