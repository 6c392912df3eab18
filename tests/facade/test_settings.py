"""Settings are validated at start-up; every wrong key is named with its reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from facade.settings import SettingsError, load_settings
from facade.sources import KINDS
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
        "handelsregister",
        "toestemming",
    ]
    started = settings.with_demo_registers("http://127.0.0.1:9999")
    assert started.registers[0].url == "http://127.0.0.1:9999/haalcentraal/api/brp"


def test_the_example_production_configuration_loads_with_its_secrets_from_the_environment() -> None:
    env = {
        "KLANTBEELD_BRP_API_KEY": "k",
        "KLANTBEELD_OPENZAAK_SECRET": "s",
        "KLANTBEELD_OPENKLANT_SECRET": "s",
        "KLANTBEELD_KVK_API_KEY": "s",
        "KLANTBEELD_OBJECTEN_TOKEN": "s",
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


@pytest.mark.parametrize("workers", [0, 65])
def test_server_workers_outside_one_to_sixty_four_is_refused_by_name(
    tmp_path: Path, workers: int
) -> None:
    text = demo_text().replace("port = 8080", f"port = 8080\nworkers = {workers}", 1)
    problems = refusal(tmp_path, text)
    assert any(f"server.workers: must be between 1 and 64, not {workers}" in p for p in problems)


def test_server_workers_of_the_wrong_type_is_refused_by_name(tmp_path: Path) -> None:
    problems = refusal(tmp_path, demo_text().replace("port = 8080", 'port = 8080\nworkers = "4"'))
    assert any("server.workers: must be a whole number, not '4'" in p for p in problems)


def test_one_worker_unless_the_file_says_more(tmp_path: Path) -> None:
    assert load_settings(CONFIG / "demo.toml", env={}).server.workers == 1
    path = tmp_path / "config" / "demo.toml"
    path.parent.mkdir()
    path.write_text(demo_text().replace("port = 8080", "port = 8080\nworkers = 4"), "utf-8")
    assert load_settings(path, env={}).server.workers == 4


PRODUCTIE_ENV = {
    "KLANTBEELD_BRP_API_KEY": "k",
    "KLANTBEELD_OPENZAAK_SECRET": "s",
    "KLANTBEELD_OPENKLANT_SECRET": "s",
    "KLANTBEELD_KVK_API_KEY": "s",
    "KLANTBEELD_OBJECTEN_TOKEN": "s",
    "KLANTBEELD_PSEUDONYM_KEY": "p" * 32,
}


def test_productie_refuses_prometheus_scraping_of_several_workers(tmp_path: Path) -> None:
    text = (CONFIG / "productie.example.toml").read_text(encoding="utf-8")
    text = text.replace("workers = 1 ", "workers = 2 ")
    problems = refusal(tmp_path, text, env=PRODUCTIE_ENV)
    assert [p.split(": ", 1)[1] for p in problems] == [
        "observability.metrics_exporter: 'prometheus' answers each scrape from one of the 2 "
        "workers, whose counters then jump between workers; with server.workers (or "
        "--workers) > 1 use 'otlp' (each worker pushes its own series) or 'none'"
    ]
    pushed = text.replace(
        "tracing_sample_ratio = 0.1",
        'tracing_sample_ratio = 0.1\nmetrics_exporter = "otlp"\n'
        'metrics_endpoint = "https://otel-collector.voorbeeldgemeente.nl:4318/v1/metrics"',
    )
    path = tmp_path / "pushed.toml"
    path.write_text(pushed, encoding="utf-8")
    assert load_settings(path, env=PRODUCTIE_ENV).server.workers == 2


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


# --- the declared schema (facade/settings/schema.py) ----------------------------------


def test_an_unknown_key_is_refused_in_every_table_with_the_keys_it_knows(tmp_path: Path) -> None:
    text = demo_text().replace('mode = "demo"', 'mode = "demo"\nmodus = "demo"')
    text = text.replace('resolve = "follow-up"', 'resolv = "expand"')
    text = text.replace('type = "api-key"', 'type = "api-key"\nclient_id = "x"')
    problems = refusal(tmp_path, text)
    assert any(
        ": modus: unknown key (known: budget, caller_auth, demo, inzage, mode," in p
        for p in problems
    )
    assert any(
        "registers.openzaak.resolv: unknown key (known: auth, breaker_cooldown_ms," in p
        for p in problems
    )
    assert any(
        "registers.brp.auth.client_id: unknown key for auth type api-key" in p for p in problems
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "registers_port = 8181",
            "registers_port = 65536",
            "demo.registers_port: must be between 0 and 65535, not 65536",
        ),
        ("total_ms = 2500", "total_ms = 0", "budget.total_ms: must be positive, not 0"),
        (
            "deadline_ms = 1500",
            "deadline_ms = -1",
            "registers.brp.deadline_ms: must be positive, not -1",
        ),
        (
            'resolve = "follow-up"',
            "breaker_failures = 1001",
            "registers.openzaak.breaker_failures: must be between 1 and 1000, not 1001",
        ),
        (
            'resolve = "follow-up"',
            "page_size = 501",
            "registers.openzaak.page_size: must be between 1 and 500 (Open Zaak's maximum)",
        ),
        (
            "deadline_ms = 2000\n\n[protocollering.verwerkingenlogging]",
            "deadline_ms = 0\n\n[protocollering.verwerkingenlogging]",
            "protocollering.deadline_ms: must be positive, not 0",
        ),
        (
            "max_records = 1000",
            "max_records = 0",
            "inzage.max_records: must be between 1 and 10000, not 0",
        ),
    ],
)
def test_every_bounded_number_names_its_bounds(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    assert old in demo_text()
    problems = refusal(tmp_path, demo_text().replace(old, new, 1))
    assert any(message in p for p in problems), problems


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("port = 8080", 'port = "8080"', "server.port: must be a whole number, not '8080'"),
        ("port = 8080", "port = true", "server.port: must be a whole number, not True"),
        ('host = "127.0.0.1"', "host = 127", "server.host: must be of type str, not 127"),
        ("registers = true", 'registers = "ja"', "demo.registers: must be of type bool, not 'ja'"),
        ('mode = "demo"', 'mode = "test"', "mode: must be 'demo' or 'productie', not 'test'"),
        (
            'resolve = "follow-up"',
            'resolve = "inline"',
            "registers.openzaak.resolve: must be 'follow-up' or 'expand', not 'inline'",
        ),
        ("[server]", "server = 5\n[serverx]", "server: must be a table"),
    ],
)
def test_a_value_of_the_wrong_kind_is_not_converted_but_named(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    problems = refusal(tmp_path, demo_text().replace(old, new, 1))
    assert any(message in p for p in problems), problems


def test_every_problem_of_a_file_comes_in_one_run_each_as_file_key_reason(tmp_path: Path) -> None:
    text = demo_text().replace("port = 8080", "port = 0")
    text = text.replace("[budget]", "[budget]\ntotaal_ms = 3")
    text = text.replace('audience = "klantbeeld-facade"', 'audience = ""')
    text = text.replace('soort = "brp"', 'soort = "hr"')
    text = text.replace('key = "demo-brp-sleutel"', 'key_env = "BRP_SLEUTEL"')
    text = text.replace('naam = "zaaksysteem2"', 'naam = "openzaak"')
    text = text.replace('log_format = "text"', 'log_format = "xml"')
    problems = refusal(tmp_path, text)
    path = tmp_path / "klantbeeld.toml"
    assert sorted(problems) == sorted(
        f"{path}: {p}"
        for p in [
            "server.port: must be between 1 and 65535, not 0",
            "caller_auth.audience: is required",
            "budget.totaal_ms: unknown key (known: total_ms)",
            "observability.log_format: must be 'json' or 'text'",
            f"registers.brp.soort: 'hr' is not one of {', '.join(KINDS.soorten)}",
            "registers.brp.auth.key_env: environment variable BRP_SLEUTEL is not set",
            "registers[5].naam: 'openzaak' is used by another register",
        ]
    )


def test_a_refused_file_still_says_where_the_doelen_are_and_which_kinds_it_has(
    tmp_path: Path,
) -> None:
    path = tmp_path / "klantbeeld.toml"
    path.write_text(demo_text().replace("port = 8080", "port = 0"), encoding="utf-8")
    with pytest.raises(SettingsError) as info:
        load_settings(path, env={})
    assert info.value.policy_files == (tmp_path / "doelen", tmp_path / "toegang.toml")
    assert [r.soort for r in info.value.registers][:2] == ["brp", "zaken"]


def test_no_secret_shows_in_the_settings_repr() -> None:
    env = {
        "KLANTBEELD_BRP_API_KEY": "brp-sleutel-uit-de-omgeving",
        "KLANTBEELD_OPENZAAK_SECRET": "z" * 40,
        "KLANTBEELD_OPENKLANT_SECRET": "k" * 40,
        "KLANTBEELD_KVK_API_KEY": "k" * 40,
        "KLANTBEELD_OBJECTEN_TOKEN": "k" * 40,
        "KLANTBEELD_PSEUDONYM_KEY": "p" * 40,
    }
    productie = load_settings(CONFIG / "productie.example.toml", env=env)
    demo = load_settings(CONFIG / "demo.toml", env={})
    assert productie.registers_of("brp")[0].auth.key == "brp-sleutel-uit-de-omgeving"
    for secret in env.values():
        assert secret not in repr(productie)
    assert demo.registers_of("brp")[0].auth.key == "demo-brp-sleutel"
    demo_secrets = ("demo-brp-sleutel", "demo-geheim", "demo-klantinteracties", "demo-pseudoniem")
    for secret in demo_secrets:
        assert secret not in repr(demo)


def test_demo_registers_placeholder_needs_the_demo_registers(tmp_path: Path) -> None:
    problems = refusal(tmp_path, demo_text().replace("registers = true", "registers = false"))
    assert any(
        "registers.brp.url: uses {demo_registers} but demo.registers is off" in p for p in problems
    )


def test_relative_paths_are_relative_to_the_file() -> None:
    settings = load_settings(CONFIG / "demo.toml", env={})
    assert settings.protocollering.file == (CONFIG.parent / "var" / "protocollering.jsonl")
    assert settings.doelen_dir == CONFIG / "doelen"
    assert settings.caller_auth.public_key_file == str(
        (CONFIG.parent / "var" / "demo" / "caller-key.pub.pem").resolve()
    )


def without_the_verwerkingenlogging_table(text: str) -> str:
    start = text.index("[protocollering.verwerkingenlogging]")
    return text[:start] + text[text.index("[protocollering.pseudonym]") :]


def test_the_verwerkingenlogging_sink_needs_its_table(tmp_path: Path) -> None:
    text = without_the_verwerkingenlogging_table(demo_text())
    problems = refusal(tmp_path, text)
    assert any(
        "protocollering.verwerkingenlogging: is required for sink = 'verwerkingenlogging'" in p
        for p in problems
    )


def test_a_secret_of_the_wrong_type_is_named_but_not_echoed(tmp_path: Path) -> None:
    text = demo_text().replace('key = "demo-brp-sleutel"', "key = 987654321")
    problems = refusal(tmp_path, text)
    assert any("registers.brp.auth.key: must be a string" in p for p in problems), problems
    assert not any("987654321" in p for p in problems)


def test_a_key_of_another_register_kind_is_refused(tmp_path: Path) -> None:
    """The kind declares its own keys (SourceKind.config_keys); another kind's would be ignored."""
    text = demo_text().replace('soort = "brp"', 'soort = "brp"\nresolve = "expand"')
    text = text.replace('soort = "catalogi"', 'soort = "catalogi"\nmax_pages = 3', 1)
    problems = refusal(tmp_path, text)
    assert any(
        "registers.brp.resolve: is not a key of a brp register (only of: zaken)" in p
        for p in problems
    ), problems
    assert any(
        "registers.openzaak-catalogi.max_pages: is not a key of a catalogi register" in p
        for p in problems
    ), problems


def test_the_demo_writes_into_the_simulated_verwerkingenlogging_and_reads_it_back() -> None:
    protocollering = load_settings(CONFIG / "demo.toml", env={}).protocollering
    assert protocollering.sink == "verwerkingenlogging"
    vwl = protocollering.verwerkingenlogging
    assert vwl is not None
    assert vwl.url == vwl.inzage_url == "{demo_registers}/verwerkingenlogging/api/v1"
    placed = load_settings(CONFIG / "demo.toml", env={}).with_demo_registers("http://r:1")
    placed_vwl = placed.protocollering.verwerkingenlogging
    assert placed_vwl is not None
    assert placed_vwl.inzage_url == "http://r:1/verwerkingenlogging/api/v1"


def test_an_inzage_url_that_is_no_http_url_is_refused(tmp_path: Path) -> None:
    text = demo_text().replace(
        'inzage_url = "{demo_registers}/verwerkingenlogging/api/v1"', 'inzage_url = "ftp://x"'
    )
    problems = refusal(tmp_path, text)
    assert any(
        "protocollering.verwerkingenlogging.inzage_url: must be the http(s) base URL" in p
        for p in problems
    ), problems


def test_the_demo_registers_placeholder_needs_the_demo_registers(tmp_path: Path) -> None:
    text = demo_text().replace("registers = true", "registers = false")
    problems = refusal(tmp_path, text)
    assert any(
        "protocollering.verwerkingenlogging.inzage_url: uses {demo_registers} but demo.registers"
        in p
        for p in problems
    ), problems
