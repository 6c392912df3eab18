"""Transparency for the privacy officer: the doelen over HTTP and as a review document."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from facade.settings import load_settings
from facade.sources import KINDS
from klantbeeld_demo.registers import BSN_HOOFDPERSOON, Fault
from policies.describe import review_document
from policies.loader import load_policies
from tests.harness import CONFIG, DEMO_KEYS, Facade, caller_token, demo_settings, make_facade

ROOT = Path(__file__).resolve().parents[2]


def auth(token: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token or caller_token()}"}


async def test_the_doelen_list_shows_only_what_this_caller_may_use(facade: Facade) -> None:
    response = await facade.client.get("/api/v1/doelen", headers=auth())
    assert response.status_code == 200
    body = response.json()
    assert [d["id"] for d in body["doelen"]] == ["kcc-algemene-vraag", "kcc-zaakstatus"]
    assert body["beleidsversie"].startswith("sha256:")
    wmo = await facade.client.get(
        "/api/v1/doelen", headers=auth(caller_token(None, roles=["wmo-consulent"]))
    )
    assert [d["id"] for d in wmo.json()["doelen"]] == ["wmo-consulent"]


async def test_a_doel_in_full_names_grondslag_fields_filters_and_who_may_use_it(
    facade: Facade,
) -> None:
    response = await facade.client.get("/api/v1/doelen/belastingen", headers=auth())
    assert response.status_code == 200
    doel = response.json()
    assert doel["grondslag"].startswith("AVG art. 6")
    assert doel["verwerkingsactiviteit"].startswith("https://")
    assert doel["bronnen"] == ["brp", "zaken"]
    assert "zaken.zaaktype" in doel["velden"]
    assert doel["filters"]["zaken"]["zaaktypen"] == [
        "ZT-BEZWAAR-AANSLAG",
        "ZT-BEZWAAR-WOZ",
        "ZT-KWIJTSCHELDING",
    ]
    assert "contactmomenten" not in doel["filters"]
    assert doel["toegang"] == [{"scope": "klantbeeld.belastingen"}]
    assert doel["brp"]["fields"] == [
        "adressering",
        "burgerservicenummer",
        "naam.volledigeNaam",
        "overlijden.datum",
        "verblijfplaats.verblijfadres",
    ]


async def test_a_doel_in_full_says_whether_and_how_it_may_search(facade: Facade) -> None:
    kcc = (await facade.client.get("/api/v1/doelen/kcc-zaakstatus", headers=auth())).json()
    belastingen = (await facade.client.get("/api/v1/doelen/belastingen", headers=auth())).json()

    assert kcc["zoeken"] == {
        "vormen": ["naam-geboortedatum", "postcode-huisnummer", "straat-huisnummer-gemeente"],
        "velden": ["adresregel", "geboorte.datum", "naam.volledigeNaam"],
        "maximumAantal": 5,
        "brpFields": [
            "adressering.adresregel1",
            "adressering.adresregel2",
            "burgerservicenummer",
            "geboorte.datum",
            "naam.volledigeNaam",
        ],
    }
    assert belastingen["zoeken"] is None


async def test_an_unknown_doel_is_404_and_the_doelen_need_a_token(facade: Facade) -> None:
    missing = await facade.client.get("/api/v1/doelen/spionage", headers=auth())
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    anonymous = await facade.client.get("/api/v1/doelen")
    assert anonymous.status_code == 401


def test_the_committed_review_document_is_the_current_policy_set() -> None:
    policies = load_policies(CONFIG / "doelen", CONFIG / "toegang.toml", KINDS)
    committed = (ROOT / "docs" / "doelen-review.md").read_text(encoding="utf-8")
    assert committed == review_document(policies), (
        "docs/doelen-review.md is out of date: run "
        "`.venv/bin/klantbeeld doelen-review --output docs/doelen-review.md`"
    )


def test_the_review_document_has_a_section_and_a_field_table_per_doel() -> None:
    document = subprocess.run(
        [
            sys.executable,
            "-m",
            "facade.cli",
            "--config",
            str(CONFIG / "demo.toml"),
            "doelen-review",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    for doel in ("kcc-algemene-vraag", "wmo-consulent", "mijn-gegevens"):
        assert f"(`{doel}`)" in document
    assert document.count("| veld in het klantbeeld | betekenis | bron |") == 6
    assert "| `klant.partners.naam` | Partners › Naam | BRP |" in document
    # Only Klantinteracties knows whether a contact succeeded (not Contactmomenten 1.0).
    assert "| `contactmomenten.gelukt` | Contact: is het contact gelukt | Klantinteracties |" in (
        document
    )
    assert "Akkoord FG:" in document


async def test_a_required_source_that_fails_makes_the_answer_503_without_data() -> None:
    async for facade in make_facade(demo_settings()):
        facade.registers.state.faults.set("brp", Fault.http_status(503))
        response = await facade.klantbeeld(
            BSN_HOOFDPERSOON,
            doel="burgerzaken-balie",
            token=caller_token("klantbeeld.burgerzaken"),
        )
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert "brp" in response.json()["detail"]
        assert "Saskia" not in response.text


async def test_brp_header_names_follow_the_deployment_configuration(tmp_path: Path) -> None:
    text = (CONFIG / "demo.toml").read_text(encoding="utf-8")
    text = text.replace('"../var/demo/caller-key.pub.pem"', f'"{DEMO_KEYS.public_file}"')
    text = text.replace('keys = "../var/demo"', f'keys = "{DEMO_KEYS.public_file.parent}"')
    text = text.replace(
        'url = "{demo_registers}/haalcentraal/api/brp"',
        'url = "{demo_registers}/haalcentraal/api/brp"\n'
        'brp_headers = { doelbinding = "x-doelbinding-brp", verwerking = "" }',
    )
    (tmp_path / "config.toml").write_text(text, encoding="utf-8")
    settings = load_settings(tmp_path / "config.toml", env={}).with_demo_registers(
        "http://registers"
    )
    settings = replace(settings, doelen_dir=CONFIG / "doelen", toegang_file=CONFIG / "toegang.toml")
    async for facade in make_facade(settings):
        await facade.klantbeeld(BSN_HOOFDPERSOON, headers={"X-Verwerking": "KCC"})
        brp = next(c for c in facade.calls if c.path.endswith("/personen"))
        assert brp.headers["x-doelbinding-brp"] == "BRPACT-KCC-Algemeen"
        assert "x-doelbinding" not in brp.headers
        assert "x-verwerking" not in brp.headers
        assert brp.headers["x-gebruiker"] == "kcc-medewerker-1"
