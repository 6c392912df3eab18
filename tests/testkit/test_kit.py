"""The kit itself: real loopback ports, clean stops, healing, audit records, any HTTP client."""

from __future__ import annotations

import json
import logging
import shutil
import socket
import time
import tomllib
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from klantbeeld_demo.registers import BSN_HOOFDPERSOON
from klantbeeld_demo.testkit import (
    PERSONEN,
    RunningFacade,
    TestkitError,
    find_demo_config,
    run_facade,
)
from tests.harness import DEMO_KEYS

ROOT = Path(__file__).resolve().parents[2]


def bron(view: dict, naam: str) -> dict:
    return next(b for b in view["bronnen"] if b["bron"] == naam)


def refuses_connections(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=1):
            return False
    except OSError:
        return True


def test_both_servers_listen_on_free_loopback_ports() -> None:
    with run_facade() as first, run_facade() as second:
        urls = [first.base_url, first.registers.base_url, second.base_url]
        urls.append(second.registers.base_url)
        assert len({urlsplit(u).port for u in urls}) == 4
        assert all(urlsplit(u).hostname == "127.0.0.1" for u in urls)
        assert first.http.get("/healthz").status_code == 200
        assert second.http.get("/readyz").status_code == 200


def test_it_stops_cleanly_even_with_a_hanging_register() -> None:
    with run_facade() as facade:
        facade.registers.fail("brp", "hang")
        view = facade.klantbeeld(BSN_HOOFDPERSOON).json()  # the façade cuts it off
        assert bron(view, "brp")["status"] == "timeout"
        workdir = facade.audit_file.parent
        started = time.monotonic()
    assert time.monotonic() - started < 10
    assert refuses_connections(facade.base_url)
    assert refuses_connections(facade.registers.base_url)
    assert not facade._runner.thread.is_alive()
    assert not workdir.exists()  # the temporary protocollering is removed


def test_the_kit_searches_and_asks_the_klantbeeld_by_the_handle(
    klantbeeld_facade: RunningFacade,
) -> None:
    found = klantbeeld_facade.zoeken({"telefoonnummer": "06-87001122"})
    assert found.status_code == 200, found.text
    [kandidaat] = found.json()["kandidaten"]
    assert kandidaat["naam"]["volledigeNaam"] == "Saskia Johanna van den Berg"

    view = klantbeeld_facade.klantbeeld_van(kandidaat["zoekresultaat"])

    assert view.status_code == 200
    assert view.json()["klant"]["burgerservicenummer"] == BSN_HOOFDPERSOON
    names = [r["name"] for r in klantbeeld_facade.audit_records()]
    assert "klantbeeld persoon" in names


def test_heal_clears_faults_latency_and_open_circuit_breakers(
    klantbeeld_facade: RunningFacade,
) -> None:
    klantbeeld_facade.registers.fail("openzaak", "500")  # the façade's name works too
    klantbeeld_facade.registers.slow("klanten.list", 0.2)
    codes = []
    for _ in range(6):  # enough failures in a row to open the breaker
        view = klantbeeld_facade.klantbeeld(BSN_HOOFDPERSOON).json()
        assert bron(view, "openzaak")["status"] == "fout"
        codes.append(bron(view, "openzaak")["probleem"]["code"])
    assert "circuit-open" in codes

    klantbeeld_facade.heal()

    assert klantbeeld_facade.registers.app.state.latency == {}
    view = klantbeeld_facade.klantbeeld(BSN_HOOFDPERSOON).json()
    assert {b["status"] for b in view["bronnen"]} <= {"ok", "niet-gevraagd"}


def test_faults_and_latency_are_checked() -> None:
    with run_facade(latency={"zaken.list": 0.05}) as facade:
        with pytest.raises(ValueError, match="unknown register"):
            facade.registers.fail("zakn")
        with pytest.raises(ValueError, match="unknown fault"):
            facade.registers.fail("zaken", "sometimes")
        facade.registers.slow("brp", 0.1)
        assert facade.registers.app.state.latency["brp.personen"] == 0.1
        facade.registers.fail("klanten", 429)
        facade.heal()
        assert facade.registers.app.state.latency == {"zaken.list": 0.05}  # the start value


def test_audit_records_are_the_protocollering_without_the_bsn(
    klantbeeld_facade: RunningFacade,
) -> None:
    assert klantbeeld_facade.audit_records() == []  # reset per test
    response = klantbeeld_facade.klantbeeld(BSN_HOOFDPERSOON, doel="kcc-zaakstatus")
    trace_id = response.json()["verwerking"]["traceId"]

    records = klantbeeld_facade.audit_records()

    assert {r["record"] for r in records} == {"dataverwerking", "audit"}
    assert {r["trace_id"] for r in records} == {trace_id}
    assert BSN_HOOFDPERSOON not in klantbeeld_facade.audit_file.read_text(encoding="utf-8")


def test_any_http_client_works_against_base_url(klantbeeld_facade: RunningFacade) -> None:
    request = urllib.request.Request(
        klantbeeld_facade.base_url + "/api/v1/klantbeeld",
        data=json.dumps({"burgerservicenummer": PERSONEN["alleen-brp"]}).encode(),
        headers={
            "Authorization": "Bearer " + klantbeeld_facade.token(),
            "X-Doelbinding": "kcc-algemene-vraag",
            "Content-Type": "application/json",
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=15) as answer:
        assert answer.status == 200
        view = json.load(answer)
    assert bron(view, "brp")["status"] == "ok"
    assert view["zaken"] == []


async def test_async_with_and_an_async_client() -> None:
    async with (
        run_facade() as facade,
        httpx.AsyncClient(base_url=facade.base_url, timeout=15) as client,
    ):
        response = await client.post(
            "/api/v1/klantbeeld",
            json={"burgerservicenummer": PERSONEN["hoofdpersoon"]},
            headers={
                "Authorization": f"Bearer {facade.token()}",
                "X-Doelbinding": "kcc-zaakstatus",
            },
        )
    assert response.status_code == 200
    assert refuses_connections(facade.base_url)


def test_self_service_token(klantbeeld_facade: RunningFacade) -> None:
    own = klantbeeld_facade.token("klantbeeld.zelfbediening", bsn=BSN_HOOFDPERSOON)
    other = PERSONEN["partner"]
    assert klantbeeld_facade.klantbeeld(BSN_HOOFDPERSOON, "mijn-gegevens", own).status_code == 200
    assert klantbeeld_facade.klantbeeld(other, "mijn-gegevens", own).status_code == 403


def test_no_log_line_carries_a_bsn(
    klantbeeld_facade: RunningFacade, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    klantbeeld_facade.klantbeeld(BSN_HOOFDPERSOON, x_gebruiker="KCC Jan")
    klantbeeld_facade.http.get(f"/api/v1/doelen?bsn={BSN_HOOFDPERSOON}")
    assert caplog.records
    assert BSN_HOOFDPERSOON not in caplog.text


def test_a_config_elsewhere_without_the_demo_private_key(tmp_path: Path) -> None:
    config = tmp_path / "config"
    shutil.copytree(ROOT / "config", config)
    # A configuration trusting a key the kit cannot sign with: a key pair for this run.
    (config / "elders.pub.pem").write_bytes(DEMO_KEYS.public_file.read_bytes())
    demo = config / "demo.toml"
    demo.write_text(
        demo.read_text(encoding="utf-8").replace(
            "../var/demo/caller-key.pub.pem", "elders.pub.pem"
        ),
        encoding="utf-8",
    )
    with run_facade(config / "demo.toml", total_budget_ms=1200) as facade:
        assert facade.settings.total_budget_ms == 1200
        assert facade.klantbeeld(BSN_HOOFDPERSOON).status_code == 200


def test_a_missing_or_non_demo_config_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TestkitError, match="no demo configuration"):
        find_demo_config(tmp_path / "nowhere.toml")
    config = tmp_path / "config"
    shutil.copytree(ROOT / "config", config)
    demo = config / "demo.toml"
    text = demo.read_text(encoding="utf-8")
    demo.write_text(text.replace("{demo_registers}/haalcentraal", "https://brp.example.nl/hc"))
    with (
        pytest.raises(TestkitError, match="only talks to the simulated registers"),
        run_facade(demo),
    ):
        pytest.fail("started on a configuration with a real register")


def test_the_pytest_plugin_is_an_entry_point() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    plugins = pyproject["project"]["entry-points"]["pytest11"]
    assert plugins == {"klantbeeld": "klantbeeld_demo.pytest_plugin"}


def test_the_kit_asks_the_klantbeeld_of_an_ondernemer_and_a_branch(
    klantbeeld_facade: RunningFacade,
) -> None:
    from klantbeeld_demo.testkit import ONDERNEMERS

    bv = klantbeeld_facade.ondernemer(ONDERNEMERS["bv"])
    assert bv.status_code == 200, bv.text
    assert bv.json()["klant"]["naam"] == "Voorbeeld Bouw B.V."
    branch = klantbeeld_facade.ondernemer(
        ONDERNEMERS["bv"], vestigingsnummer=ONDERNEMERS["bv-nevenvestiging"]
    )
    assert branch.json()["klant"]["vestiging"]["vestigingsnummer"] == "000037178601"
    unknown = klantbeeld_facade.ondernemer(ONDERNEMERS["onbekend"])
    assert unknown.json()["klant"] is None
    assert klantbeeld_facade.ondernemer(ONDERNEMERS["bv"], "kcc-zaakstatus").status_code == 403
