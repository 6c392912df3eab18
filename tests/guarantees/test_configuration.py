"""Point 11: a configuration that `check-config` calls ok is one the façade can serve.

Register names, ranges and the `--config` position are in tests/facade/test_settings.py
beside the other settings rules; here: the cross-checks between settings, doelen and
registers, and a caller-key source that cannot be reached.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from facade import cli
from facade.app import create_app
from facade.settings import SettingsError, load_settings
from tests.harness import CONFIG, demo_settings, make_facade

PRODUCTIE_SECRETS = {
    "KLANTBEELD_BRP_API_KEY": "brp-sleutel-van-de-gateway",
    "KLANTBEELD_OPENZAAK_SECRET": "z" * 40,
    "KLANTBEELD_OPENKLANT_SECRET": "k" * 40,
    "KLANTBEELD_KVK_API_KEY": "k" * 40,
    "KLANTBEELD_OBJECTEN_TOKEN": "k" * 40,
    "KLANTBEELD_PSEUDONYM_KEY": "p" * 40,
}


@pytest.fixture
def config_copy(tmp_path: Path) -> Path:
    shutil.copytree(CONFIG, tmp_path / "config")
    return tmp_path / "config"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name} no longer holds {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _check(config: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = cli.main(["check-config", "--config", str(config)])  # the form the docs show
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_check_config_flags_the_productie_examples_missing_klantinteracties_register(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in PRODUCTIE_SECRETS.items():
        monkeypatch.setenv(name, value)

    code, output = _check(CONFIG / "productie.example.toml", capsys)

    assert code == 0, output  # served without it: a warning, not a refusal
    flagged = [line for line in output.splitlines() if "bron 'klantinteracties'" in line]
    assert len(flagged) == 3, output
    assert all(line.startswith("warning: ") for line in flagged)
    assert {"kcc-algemene-vraag", "mijn-gegevens", "wmo-consulent"} == {
        doel
        for doel in ("kcc-algemene-vraag", "mijn-gegevens", "wmo-consulent", "belastingen")
        if any(f"doel '{doel}'" in line for line in flagged)
    }


def test_check_config_flags_it_even_while_the_secrets_are_missing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in PRODUCTIE_SECRETS:
        monkeypatch.delenv(name, raising=False)

    code, output = _check(CONFIG / "productie.example.toml", capsys)

    assert code == 2
    assert "environment variable KLANTBEELD_BRP_API_KEY is not set" in output
    assert "bron 'klantinteracties'" in output  # one run, every finding


def test_a_verplicht_kind_without_a_register_is_refused_by_check_config_and_at_start(
    config_copy: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in PRODUCTIE_SECRETS.items():
        monkeypatch.setenv(name, value)
    doel = config_copy / "doelen" / "kcc-algemene-vraag.toml"
    _edit(doel, "[brp]\n", 'verplicht = ["brp", "klantinteracties"]\n\n[brp]\n')

    code, output = _check(config_copy / "productie.example.toml", capsys)

    assert code == 2
    assert "doel 'kcc-algemene-vraag': verplicht 'klantinteracties'" in output
    assert "every klantbeeld of this doel would fail" in output
    settings = load_settings(config_copy / "productie.example.toml")
    with pytest.raises(SettingsError, match="verplicht 'klantinteracties'"):
        create_app(settings)


def test_settings_and_doelen_problems_come_in_one_run(
    config_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = config_copy / "demo.toml"
    _edit(settings, "port = 8080", "port = 70000")
    doel = config_copy / "doelen" / "kcc-zaakstatus.toml"
    _edit(doel, "afgerondBinnenDagen = 90", "afgerondBinnenDagen = -1")

    code, output = _check(settings, capsys)

    assert code == 2
    assert "server.port: must be between 1 and 65535" in output
    assert "afgerondBinnenDagen: must be a positive whole number" in output


def test_a_wrong_kind_name_in_bronnen_is_said_once(
    config_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doel = config_copy / "doelen" / "kcc-zaakstatus.toml"
    _edit(doel, 'bronnen = ["brp", "zaken"]', 'bronnen = ["brp", "zaak"]')

    code, output = _check(config_copy / "demo.toml", capsys)

    assert code == 2
    problems = [line for line in output.splitlines() if "kcc-zaakstatus" in line]
    assert len(problems) >= 1 and "unknown ['zaak']" in problems[0]
    # Not a second, false message blaming the zaken fields for a missing bron:
    assert not [p for p in problems if "which the doel does not list" in p], problems


async def test_a_jwks_that_cannot_be_fetched_makes_the_facade_not_ready_and_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = demo_settings()
    unreachable = replace(
        settings.caller_auth,
        public_key_file=None,
        jwks_url="http://127.0.0.1:9/realms/medewerkers/certs",  # discard port: refused
    )
    caplog.set_level(logging.WARNING, logger="facade.callers")

    async for facade in make_facade(replace(settings, caller_auth=unreachable)):
        response = await facade.client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["controles"]["sleutels"] is False
    logged = [r for r in caplog.records if r.name == "facade.callers"]
    assert logged and "JWKS could not be fetched" in logged[0].getMessage()
    assert "127.0.0.1:9" not in logged[0].getMessage()
