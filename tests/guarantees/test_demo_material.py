"""Point 7: productie refuses demo material by what it is, not by what it is called.

The demo's private caller key used to be in the repository, and productie only
looked at names (a key_id starting with "demo", "demo" in a file name): anyone
could mint tokens for a deployment that trusted the renamed demo key.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import tomllib
from pathlib import Path

import pytest

from facade.demokeys import (
    DEMO_MATERIAL,
    MARKER,
    ensure_demo_keys,
    fingerprint_of_key,
    is_demo_secret,
)
from facade.settings import SettingsError, load_settings
from klantbeeld_demo.registers import DEMO_BRP_API_KEY, DEMO_KLANTINTERACTIES_TOKEN, DEMO_ZGW_SECRET
from klantbeeld_demo.registers.objecten import DEMO_OBJECTEN_TOKEN
from tests.harness import CONFIG

ROOT = CONFIG.parent

# The public half of the pair that was committed until 2026-12 (public keys are
# harmless to keep; its private half is public knowledge, so it must stay refused).
FORMER_DEMO_PUBLIC_KEY = b"""-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA0zGEYOQhroCTiQhM42j8
/e9D5ggMCOey1VddAfZDgnc6yQaZu3BGVRqP4aqk8onhYyTa9bpf3sw9pSYIZzcM
yJHxk0bjn/lFkopLKZ06AbOO2JosHi8bJxqoTgc/+iHqZJhXF/THhFT5QIIDdNKw
/mYTGMkzHfLz3KD6UoEY5MdSvw5t3wGiQwG+kMhMSH7Fxv6cQubIKStjC168N7jp
DxfRe18bzAu5wbod8+sxsb09wXNcOhwB5CWKiR2VDQSNOQMXJQ2AtYJV5OzhzIUi
BViCLNTGyHXf3ccpmhlVPf7R+LRYVHE03AnKpda5reaigUIvAz29CF8ZS61qxwMT
dQIDAQAB
-----END PUBLIC KEY-----
"""

PRODUCTIE_ENV = {
    "KLANTBEELD_BRP_API_KEY": "brp-sleutel-van-de-gateway",
    "KLANTBEELD_OPENZAAK_SECRET": "z" * 40,
    "KLANTBEELD_OPENKLANT_SECRET": "k" * 40,
    "KLANTBEELD_KVK_API_KEY": "k" * 40,
    "KLANTBEELD_OBJECTEN_TOKEN": "k" * 40,
    "KLANTBEELD_PSEUDONYM_KEY": "p" * 40,
}


def _productie_with_key(tmp_path: Path, key: bytes, name: str = "idp-signing.pub.pem") -> Path:
    shutil.copytree(CONFIG, tmp_path / "config")
    (tmp_path / "config" / name).write_bytes(key)
    productie = tmp_path / "config" / "productie.example.toml"
    text = productie.read_text(encoding="utf-8")
    text = re.sub(r'(?m)^jwks_url = "[^"]*"$', f'public_key_file = "{name}"', text)
    productie.write_text(text, encoding="utf-8")
    return productie


def _problems(path: Path, env: dict[str, str]) -> list[str]:
    with pytest.raises(SettingsError) as refused:
        load_settings(path, env=env)
    return refused.value.problems


def test_no_private_key_is_in_the_repository() -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    holding = [
        name.decode()
        for name in tracked
        if name
        and (ROOT / name.decode()).is_file()
        and b"PRIVATE KEY-----" in (ROOT / name.decode()).read_bytes()
        and name.decode() != "tests/guarantees/test_demo_material.py"
    ]
    assert holding == []


def test_the_demo_makes_its_key_pair_on_first_start_private_half_for_its_owner_only(
    tmp_path: Path,
) -> None:
    keys = ensure_demo_keys(tmp_path / "var" / "demo")

    assert stat.S_IMODE(os.stat(keys.private_file).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(keys.private_file.parent).st_mode) == 0o700
    assert keys.public_file.read_bytes().startswith(MARKER.encode())
    first = keys.private_key()
    assert ensure_demo_keys(tmp_path / "var" / "demo").private_key() == first  # kept, not remade


def test_the_demo_configuration_points_at_the_generated_pair() -> None:
    demo = tomllib.loads((CONFIG / "demo.toml").read_text(encoding="utf-8"))
    assert demo["demo"]["keys"] == "../var/demo"
    settings = load_settings(CONFIG / "demo.toml", env={})
    assert settings.caller_auth.public_key_file == str(ROOT / "var" / "demo" / "caller-key.pub.pem")
    assert "/var/" in (ROOT / ".gitignore").read_text(encoding="utf-8")


def test_productie_refuses_the_generated_demo_key_under_any_name(tmp_path: Path) -> None:
    generated = ensure_demo_keys(tmp_path / "keys").public_file.read_bytes()
    problems = _problems(_productie_with_key(tmp_path, generated), PRODUCTIE_ENV)
    assert any("caller_auth.public_key_file: the demo key is refused" in p for p in problems)


def test_productie_refuses_the_formerly_committed_demo_key_by_its_key_material(
    tmp_path: Path,
) -> None:
    # Re-wrapped: another name, other line breaks; the key itself is what counts.
    body = b"".join(FORMER_DEMO_PUBLIC_KEY.split(b"\n")[1:-2])
    rewrapped = (
        b"-----BEGIN PUBLIC KEY-----\n"
        + b"\n".join(body[i : i + 76] for i in range(0, len(body), 76))
        + b"\n-----END PUBLIC KEY-----\n"
    )
    assert fingerprint_of_key(rewrapped) == fingerprint_of_key(FORMER_DEMO_PUBLIC_KEY)

    problems = _problems(_productie_with_key(tmp_path, rewrapped, "keycloak.pem"), PRODUCTIE_ENV)
    assert any("caller_auth.public_key_file: the demo key is refused" in p for p in problems)


def test_productie_refuses_any_key_file_in_the_demos_directory(tmp_path: Path) -> None:
    own = ensure_demo_keys(tmp_path / "keys").public_file.read_bytes()
    own = own[own.index(b"-----BEGIN") :]  # no marker, not a known key: only its place
    productie = _productie_with_key(tmp_path, own)
    (productie.parent.parent / "var" / "demo").mkdir(parents=True)
    (productie.parent.parent / "var" / "demo" / "idp.pub.pem").write_bytes(own)
    text = productie.read_text(encoding="utf-8")
    text = text.replace('"idp-signing.pub.pem"', '"../var/demo/idp.pub.pem"')
    productie.write_text(text, encoding="utf-8")

    problems = _problems(productie, PRODUCTIE_ENV)
    assert any("caller_auth.public_key_file: the demo key is refused" in p for p in problems)


def test_productie_accepts_a_key_of_its_own(tmp_path: Path) -> None:
    own = ensure_demo_keys(tmp_path / "keys").public_file.read_bytes()
    own = own[own.index(b"-----BEGIN") :]  # an identity provider's key carries no marker
    settings = load_settings(_productie_with_key(tmp_path, own), env=PRODUCTIE_ENV)
    assert settings.mode == "productie"


@pytest.mark.parametrize(
    ("variable", "problem"),
    [
        ("KLANTBEELD_OPENZAAK_SECRET", "registers.openzaak.auth.secret_env"),
        ("KLANTBEELD_BRP_API_KEY", "registers.brp.auth.key_env"),
        ("KLANTBEELD_PSEUDONYM_KEY", "protocollering.pseudonym.key_env"),
    ],
)
def test_productie_refuses_a_demo_secret_passed_in_the_environment(
    tmp_path: Path, variable: str, problem: str
) -> None:
    demo = tomllib.loads((CONFIG / "demo.toml").read_text(encoding="utf-8"))
    demo_value = {
        "KLANTBEELD_OPENZAAK_SECRET": DEMO_ZGW_SECRET,
        "KLANTBEELD_BRP_API_KEY": DEMO_BRP_API_KEY,
        "KLANTBEELD_PSEUDONYM_KEY": demo["protocollering"]["pseudonym"]["key"],
    }[variable]
    env = {**PRODUCTIE_ENV, variable: demo_value}

    problems = _problems(CONFIG / "productie.example.toml", env)

    assert any(f"{problem}: is a secret published with the demo" in p for p in problems), problems
    assert not any(demo_value in p for p in problems)  # named, never echoed


def _inline_secrets(table: object) -> list[str]:
    found: list[str] = []
    if isinstance(table, dict):
        for key, value in table.items():
            if key in ("key", "secret", "token", "hs256_secret") and isinstance(value, str):
                found.append(value)
            else:
                found.extend(_inline_secrets(value))
    elif isinstance(table, list):
        for item in table:
            found.extend(_inline_secrets(item))
    return found


def test_every_secret_the_demo_ships_is_on_the_denylist() -> None:
    demo = tomllib.loads((CONFIG / "demo.toml").read_text(encoding="utf-8"))
    shipped = {
        *_inline_secrets(demo),
        DEMO_ZGW_SECRET,
        DEMO_BRP_API_KEY,
        DEMO_KLANTINTERACTIES_TOKEN,
        DEMO_OBJECTEN_TOKEN,
    }

    assert len(shipped) >= 4
    assert [s for s in shipped if not is_demo_secret(s)] == []
    assert fingerprint_of_key(FORMER_DEMO_PUBLIC_KEY) in DEMO_MATERIAL


def test_productie_refuses_the_demo_zoekresultaat_key_and_a_short_one(tmp_path: Path) -> None:
    demo = tomllib.loads((CONFIG / "demo.toml").read_text(encoding="utf-8"))
    shutil.copytree(CONFIG, tmp_path / "config")
    productie = tmp_path / "config" / "productie.example.toml"
    text = productie.read_text(encoding="utf-8").replace(
        '# key_env = "KLANTBEELD_ZOEKRESULTAAT_KEY"', '[zoeken]\nkey_env = "ZOEK_KEY"'
    )
    productie.write_text(text, encoding="utf-8")

    demo_key = demo["zoeken"]["key"]
    problems = _problems(productie, {**PRODUCTIE_ENV, "ZOEK_KEY": demo_key})
    assert any("zoeken.key_env: is a secret published with the demo" in p for p in problems)
    assert not any(demo_key in p for p in problems)
    short = _problems(productie, {**PRODUCTIE_ENV, "ZOEK_KEY": "te-kort"})
    assert any("zoeken.key: a zoekresultaat key needs at least 32 bytes" in p for p in short)
    own = load_settings(productie, env={**PRODUCTIE_ENV, "ZOEK_KEY": "z" * 40})
    assert own.zoeken.key == "z" * 40
    assert "z" * 40 not in repr(own)
