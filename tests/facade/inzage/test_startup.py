"""What the inzage needs from the configuration: check-config says when it cannot work."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from facade import cli
from facade.app import create_app
from facade.settings import SettingsError, load_settings
from tests.harness import CONFIG


@pytest.fixture
def config(tmp_path: Path) -> Path:
    shutil.copytree(CONFIG, tmp_path / "config")
    return tmp_path / "config" / "demo.toml"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name} no longer holds {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def check(config: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(["check-config", "--config", str(config)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_demo_configuration_has_a_queryable_logboek_and_no_inzage_warning(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = check(config, capsys)
    assert code == 0
    assert "inzage" not in err


def test_check_config_warns_that_a_file_sink_gives_no_inzage(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(config, 'sink = "verwerkingenlogging"', 'sink = "file"')

    code, out, err = check(config, capsys)

    assert code == 0  # served all the same: the endpoint answers 503
    [warning] = [line for line in err.splitlines() if "inzage" in line]
    assert warning.startswith("warning: inzage: GET /api/v1/mijn-verwerkingen answers 503")
    assert "inzage needs a queryable logboek (Verwerkingenlogging" in warning
    assert "'file'" in warning
    assert "1 warning(s)" in out


def test_check_config_warns_when_the_verwerkingenlogging_has_no_inzage_url(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(config, 'inzage_url = "{demo_registers}/verwerkingenlogging/api/v1"\n', "")

    _, _, err = check(config, capsys)

    assert "set protocollering.verwerkingenlogging.inzage_url" in err


def test_an_inzage_doel_that_is_no_zelfbediening_doel_is_refused(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(config, 'doel = "mijn-gegevens"', 'doel = "kcc-algemene-vraag"')

    code, _, err = check(config, capsys)

    assert code == 2
    assert "inzage.doel: doel 'kcc-algemene-vraag' is not a zelfbediening doel" in err
    with pytest.raises(SettingsError, match="not a zelfbediening doel"):
        create_app(load_settings(config, env={}).with_demo_registers("http://registers"))


def test_an_unknown_inzage_doel_is_a_warning(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(config, 'doel = "mijn-gegevens"', 'doel = "bestaat-niet"')

    code, _, err = check(config, capsys)

    assert code == 0
    assert "inzage.doel: unknown doel 'bestaat-niet'" in err
