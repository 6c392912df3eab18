"""Settings are validated at start-up; every wrong key is named with its reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from facade.settings import SettingsError, load_settings
from tests.harness import DEMO_KEYS

CONFIG = Path(__file__).resolve().parents[2] / "config"


def refusal(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> list[str]:
    path = tmp_path / "klantbeeld.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as info:
        load_settings(path, env=env or {})
    return info.value.problems


def demo_text() -> str:
    return (CONFIG / "demo.toml").read_text(encoding="utf-8")


def test_the_demo_configuration_loads() -> None:
    settings = load_settings(CONFIG / "demo.toml", env={})
    assert settings.mode == "demo"
    assert [r.soort for r in settings.registers] == [
        "brp",
        "zaken",
        "catalogi",
        "klanten",
        "contactmomenten",
        "zaken",
        "catalogi",
        "klantinteracties",
    ]
    started = settings.with_demo_registers("http://127.0.0.1:9999")
    assert started.registers[0].url == "http://127.0.0.1:9999/haalcentraal/api/brp"


def test_the_example_production_configuration_loads_with_its_secrets_from_the_environment() -> None:
    env = {
        "KLANTBEELD_BRP_API_KEY": "k",
        "KLANTBEELD_OPENZAAK_SECRET": "s",
        "KLANTBEELD_OPENKLANT_SECRET": "s",
        "KLANTBEELD_PSEUDONYM_KEY": "p" * 32,
    }
    settings = load_settings(CONFIG / "productie.example.toml", env=env)
    assert settings.mode == "productie"
    assert settings.registers_of("brp")[0].auth.key == "k"


def test_an_unknown_key_is_named(tmp_path: Path) -> None:
    problems = refusal(tmp_path, demo_text().replace("[budget]", "[budget]\ntotaal_ms = 3"))
    assert any("budget.totaal_ms: unknown key" in p for p in problems)


def test_a_wrong_type_is_named_with_the_value(tmp_path: Path) -> None:
    problems = refusal(tmp_path, demo_text().replace("total_ms = 2500", 'total_ms = "snel"'))
    assert any("budget.total_ms: must be a whole number, not 'snel'" in p for p in problems)


def test_a_register_of_an_unknown_kind_is_named_by_its_naam(tmp_path: Path) -> None:
    problems = refusal(tmp_path, demo_text().replace('soort = "brp"', 'soort = "hr"'))
    assert any("registers.brp.soort: 'hr' is not one of" in p for p in problems)


def test_a_register_without_naam_is_named_by_its_index(tmp_path: Path) -> None:
    problems = refusal(tmp_path, demo_text().replace('naam = "brp"\n', "", 1))
    assert any("registers[0].naam: is required" in p for p in problems)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("port = 8080", "port = 70000", "server.port: must be between 1 and 65535, not 70000"),
        (
            "[caller_auth]",
            "[caller_auth]\nleeway_seconds = -3600",
            "caller_auth.leeway_seconds: must be between 0 and 300, not -3600",
        ),
    ],
)
def test_a_number_outside_its_range_is_refused_with_the_range(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    assert old in demo_text()
    problems = refusal(tmp_path, demo_text().replace(old, new, 1))
    assert any(message in p for p in problems), problems


def test_a_missing_secret_environment_variable_is_named(tmp_path: Path) -> None:
    text = demo_text().replace('key = "demo-brp-sleutel"', 'key_env = "BRP_SLEUTEL"')
    problems = refusal(tmp_path, text)
    assert any(
        "registers.brp.auth.key_env: environment variable BRP_SLEUTEL is not set" in p
        for p in problems
    )


def test_productie_refuses_inline_secrets_demo_registers_demo_keys_and_plain_http(
    tmp_path: Path,
) -> None:
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "idp.pub.pem").write_bytes(DEMO_KEYS.public_file.read_bytes())
    text = demo_text().replace('mode = "demo"', 'mode = "productie"')
    text = text.replace('keys = "../var/demo"\n', "")
    text = text.replace("../var/demo/caller-key.pub.pem", "keys/idp.pub.pem")
    problems = refusal(tmp_path, text)
    joined = "\n".join(problems)
    assert "demo.registers: the embedded demo registers cannot run in productie" in joined
    assert "caller_auth.public_key_file: the demo key is refused in productie" in joined
    assert "registers.brp.auth.key: inline secrets are for demo mode only" in joined
    assert "registers.openzaak.auth.secret: inline secrets are for demo mode only" in joined


def test_productie_refuses_hs256_caller_tokens(tmp_path: Path) -> None:
    text = (CONFIG / "productie.example.toml").read_text(encoding="utf-8")
    text = text.replace('algorithms = ["RS256", "ES256"]', 'algorithms = ["HS256"]')
    problems = refusal(tmp_path, text, env={"KLANTBEELD_BRP_API_KEY": "k"})
    assert any("HS256 caller tokens are refused in productie" in p for p in problems)


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as info:
        load_settings(tmp_path / "weg.toml", env={})
    assert "configuration file not found" in str(info.value)
