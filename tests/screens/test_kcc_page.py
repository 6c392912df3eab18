"""The KCC screen in a real browser: the klantbeeld arrives section by section."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.demo_service import DemoService, demo_service
from tests.screens_browser import console_errors, screenshot


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoService]:
    with demo_service(tmp_path_factory.mktemp("kcc")) as running:
        yield running
        running.stop()


def _storing(service: DemoService, bron: str, storing: str) -> None:
    answer = httpx.put(f"{service.base}/demo/storingen/{bron}", json={"storing": storing})
    assert answer.status_code == 200, answer.text


def _open(chromium, service: DemoService) -> None:  # type: ignore[no-untyped-def]
    chromium.get(f"{service.base}/demo/kcc")
    WebDriverWait(chromium, 10).until(
        lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-klaar") == "ja"
    )
    Select(chromium.find_element(By.ID, "doel")).select_by_value("kcc-algemene-vraag")


def _status(chromium, section: str) -> str:  # type: ignore[no-untyped-def]
    return chromium.find_element(By.ID, section).get_attribute("data-status")


def test_the_name_is_on_screen_before_a_slowed_zaken_register_answers(
    chromium, service: DemoService
) -> None:  # type: ignore[no-untyped-def]
    _storing(service, "openzaak", "traag")
    try:
        _open(chromium, service)
        started = time.monotonic()
        chromium.find_element(By.ID, "opvragen").click()
        WebDriverWait(chromium, 5).until(lambda d: _status(d, "klant") == "klaar")
        shown_after = time.monotonic() - started
        name = chromium.find_element(By.CSS_SELECTOR, "#klant .naam").text
        assert name == "Saskia Johanna van den Berg"
        assert _status(chromium, "zaken") == "wacht"  # Zaken is still being waited for
        screenshot(chromium, "kcc-traag-zaken")
        WebDriverWait(chromium, 10).until(lambda d: _status(d, "zaken") == "klaar")
        assert shown_after < 1.5  # the klant card did not wait for Zaken (3 s)
        bars = chromium.find_elements(By.CSS_SELECTOR, "#balken .balk")
        assert {b.get_attribute("data-bron") for b in bars} >= {"brp", "openzaak"}
        screenshot(chromium, "kcc-traag-zaken-compleet")
    finally:
        _storing(service, "openzaak", "geen")
    assert console_errors(chromium) == []


def test_the_timing_strip_shows_a_failed_register_as_failed(chromium, service: DemoService) -> None:  # type: ignore[no-untyped-def]
    _storing(service, "openklant-klanten", "fout")
    try:
        _open(chromium, service)
        chromium.find_element(By.ID, "opvragen").click()
        WebDriverWait(chromium, 10).until(
            lambda d: d.find_element(By.ID, "melding").text == "Compleet."
        )
        bar = chromium.find_element(By.CSS_SELECTOR, '#balken .balk[data-bron="openklant-klanten"]')
        assert bar.get_attribute("data-status") == "fout"
        assert "fout" in bar.text
        assert chromium.find_element(By.CSS_SELECTOR, "#klant .naam").text  # the view still came
        screenshot(chromium, "kcc-register-fout")
    finally:
        _storing(service, "openklant-klanten", "geen")
    assert console_errors(chromium) == []


def test_tokens_and_switches_are_for_loopback_and_known_registers_only(
    service: DemoService,
) -> None:
    unknown = httpx.put(f"{service.base}/demo/storingen/nergens", json={"storing": "fout"})
    assert unknown.status_code == 404
    assert unknown.headers["content-type"].startswith("application/problem+json")
    wrong = httpx.put(f"{service.base}/demo/storingen/brp", json={"storing": "kapot"})
    assert wrong.status_code == 400
    token = httpx.post(f"{service.base}/demo/token", json={"doel": "bestaat-niet"})
    assert token.status_code == 400
    ok = httpx.post(f"{service.base}/demo/token", json={"doel": "kcc-zaakstatus"})
    assert ok.status_code == 200 and ok.json()["token"].count(".") == 2


def test_the_registers_refuse_a_storing_from_elsewhere(tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    from klantbeeld_demo.registers import create_registers_app

    client = TestClient(create_registers_app(), client=("10.1.2.3", 5000))
    answer = client.put("/_demo/storingen/zaken", json={"storing": "fout"})
    assert answer.status_code == 403


def _claims(service: DemoService, body: dict[str, str]) -> dict[str, object]:
    import jwt

    answer = httpx.post(f"{service.base}/demo/token", json=body)
    assert answer.status_code == 200, answer.text
    return jwt.decode(answer.json()["token"], options={"verify_signature": False})


def test_a_demo_token_carries_what_toegang_grants_the_doel_and_nothing_more(
    service: DemoService,
) -> None:
    kcc = _claims(service, {"doel": "kcc-zaakstatus", "burgerservicenummer": "999993653"})
    assert kcc["scope"] == "klantbeeld.kcc" and "bsn" not in kcc and "roles" not in kcc
    assert int(kcc["exp"]) - int(kcc["iat"]) <= 60  # short-lived
    wmo = _claims(service, {"doel": "wmo-consulent"})
    assert wmo["roles"] == ["wmo-consulent"] and "scope" not in wmo
    # Only a zelfbediening doel gets the resident's own BSN as its claim.
    eigen = _claims(service, {"doel": "mijn-gegevens", "burgerservicenummer": "999993653"})
    assert eigen["scope"] == "klantbeeld.zelfbediening" and eigen["bsn"] == "999993653"
