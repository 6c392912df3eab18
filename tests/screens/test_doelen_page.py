"""`/demo/doelen` in a real browser, on the demo as a newcomer runs it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from facade.sources import KINDS
from policies.loader import load_policies
from tests.demo_service import DemoService, demo_service
from tests.screens_browser import console_errors, screenshot

ROOT = Path(__file__).resolve().parents[2]
POLICIES = load_policies(ROOT / "config" / "doelen", ROOT / "config" / "toegang.toml", KINDS)
SASKIA = "Saskia Johanna van den Berg"

# Each table as {data-pad: [cell texts]} plus its column doelen, read in the page.
_READ_TABLE = """
const table = document.querySelector(arguments[0]);
const doelen = [...table.querySelectorAll('thead th[data-doel]')].map(th => th.dataset.doel);
const rows = {};
for (const tr of table.querySelectorAll('tbody tr[data-pad]')) {
  rows[tr.dataset.pad] = [...tr.children].map(c => c.innerText.trim());
}
const status = [...table.querySelectorAll('tbody tr.eigenschap')].map(
  tr => [...tr.children].map(c => c.innerText.trim()));
return {doelen, rows, status};
"""


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoService]:
    with demo_service(tmp_path_factory.mktemp("doelen")) as running:
        yield running


def _open(driver: object, url: str) -> None:
    driver.get(url)  # type: ignore[attr-defined]


def test_the_comparison_lists_every_field_of_every_doel(chromium: object, service) -> None:
    _open(chromium, f"{service.base}/demo/doelen")
    persons = chromium.execute_script(_READ_TABLE, '#vergelijking table[data-onderwerp="persoon"]')  # type: ignore[attr-defined]
    assert persons["doelen"] == sorted(POLICIES.doelen)
    for index, doel_id in enumerate(persons["doelen"]):
        for path in POLICIES.doelen[doel_id].velden:
            assert persons["rows"][path][2 + index] == "✓", (doel_id, path)
    assert persons["rows"]["contactmomenten.onderwerp"][1] == "Klantinteracties"
    business = chromium.execute_script(
        _READ_TABLE, '#vergelijking table[data-onderwerp="ondernemer"]'
    )  # type: ignore[attr-defined]
    for index, doel_id in enumerate(business["doelen"]):
        ondernemer = POLICIES.doelen[doel_id].ondernemer
        for path in ondernemer.velden if ondernemer else ():
            assert business["rows"][path][2 + index] == "✓", (doel_id, path)
    assert console_errors(chromium) == []


def test_each_doel_answers_for_the_main_person_side_by_side(chromium: object, service) -> None:
    _open(chromium, f"{service.base}/demo/doelen")
    answers = chromium.execute_script(_READ_TABLE, "#antwoorden")  # type: ignore[attr-defined]
    doelen = answers["doelen"]
    name = answers["rows"]["klant.naam.volledigeNaam"]
    kcc = doelen.index("kcc-zaakstatus")
    assert name[1 + kcc] == SASKIA
    # Every doel for persons was really asked (its own token, its own scope or role).
    status = answers["status"][0][1:]
    for index, doel_id in enumerate(doelen):
        if POLICIES.doelen[doel_id].velden:
            assert status[index] == "200 — geleverd", (doel_id, status[index])
    onderneming = doelen.index("mijn-onderneming")
    assert status[onderneming] == "niet voor personen"
    assert name[1 + onderneming] == "–"
    # The burgerzaken balie gets the BRP only, and with Saskia's consent (demo) her Wmo zaken.
    balie = doelen.index("burgerzaken-balie")
    assert set(answers["rows"]["zaken.identificatie"][1 + balie].split()) == {
        "WMO-2025-000187",
        "ZAAK-2025-0000214",
    }
    assert answers["rows"]["zaken.identificatie"][1 + kcc] != "–"
    assert console_errors(chromium) == []
    screenshot(chromium, "doelen-vergelijking")


def test_choosing_another_person_keeps_the_bsn_out_of_the_url(chromium: object, service) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    _open(chromium, f"{service.base}/demo/doelen")
    Select(chromium.find_element(By.ID, "persoon")).select_by_value("partner")  # type: ignore[attr-defined]
    chromium.find_element(By.CSS_SELECTOR, "form.kies button").click()  # type: ignore[attr-defined]
    assert "persoon=partner" in chromium.current_url  # type: ignore[attr-defined]
    assert not re.search(r"\d{9}", chromium.current_url)  # type: ignore[attr-defined]
    answers = chromium.execute_script(_READ_TABLE, "#antwoorden")  # type: ignore[attr-defined]
    kcc = answers["doelen"].index("kcc-algemene-vraag")
    assert answers["rows"]["klant.naam.volledigeNaam"][1 + kcc] == "Pieter Willem Jansen"
    page = chromium.page_source  # type: ignore[attr-defined]
    assert SASKIA not in page.split('id="antwoord-sectie"')[1].split('id="vergelijking"')[0]
    assert console_errors(chromium) == []
