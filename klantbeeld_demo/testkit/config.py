"""Which demo configuration the kit runs, and the settings it runs it with."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from facade.demokeys import ensure_demo_keys
from facade.demokeys import signing_key as demo_signing_key
from facade.settings import (
    DEMO_REGISTERS_PLACEHOLDER,
    ProtocolleringSettings,
    Settings,
    load_settings,
)
from klantbeeld_demo.registers import urls as demo_urls
from klantbeeld_demo.registers.objecten import OBJECTEN_BASE
from klantbeeld_demo.registers.verwerkingenlogging import VERWERKINGENLOGGING_BASE

CONFIG_ENV = "KLANTBEELD_TESTKIT_CONFIG"

# Demo register (fault/latency prefix) per base path, to accept the façade's
# register names (`bronnen[].bron`, e.g. "openzaak") as well as the demo's ("zaken").
_DEMO_REGISTER_BY_PATH = {
    demo_urls.BRP_BASE: "brp",
    demo_urls.ZAKEN_BASE: "zaken",
    demo_urls.CATALOGI_BASE: "catalogi",
    demo_urls.KLANTEN_BASE: "klanten",
    demo_urls.CONTACTMOMENTEN_BASE: "contactmomenten",
    demo_urls.KLANTINTERACTIES_BASE: "klantinteracties",
    demo_urls.ZAAKSYSTEEM2_ZAKEN_BASE: "zaaksysteem2",
    demo_urls.ZAAKSYSTEEM2_CATALOGI_BASE: "catalogi2",
    OBJECTEN_BASE: "objecten",
    VERWERKINGENLOGGING_BASE: "verwerkingenlogging",
}


class TestkitError(RuntimeError):
    """The kit cannot start: no demo configuration, or one it must not use."""

    __test__ = False  # not a test class, despite the name


def find_demo_config(config: str | Path | None = None) -> Path:
    """The demo configuration: `config`, else $KLANTBEELD_TESTKIT_CONFIG, else the
    repository's `config/demo.toml` next to the `facade` package."""
    tried: list[str] = []
    candidates: list[tuple[str, str | Path | None]] = [
        ("config=", config),
        (f"${CONFIG_ENV}", os.environ.get(CONFIG_ENV) or None),
        ("repository", Path(__file__).resolve().parents[2] / "config" / "demo.toml"),
    ]
    for source, candidate in candidates:
        if candidate is None:
            continue
        path = Path(candidate).expanduser()
        if path.is_file():
            return path.resolve()
        tried.append(f"{source} {path}")
        if source != "repository":
            break  # an explicit choice that does not exist is an error, not a fallback
    raise TestkitError(
        "no demo configuration found (tried: "
        + "; ".join(tried)
        + "). config/ is not part of an installed wheel: install the façade editable "
        "(pip install -e path/to/klantbeeld-facade[test]) or pass config= / "
        f"${CONFIG_ENV} / --klantbeeld-config with the path of a checkout's config/demo.toml."
    )


LOGBOEKEN = ("file", "verwerkingenlogging")


def _prepare(
    config: str | Path | None,
    workdir: Path,
    audit_file: Path | None,
    overrides: Mapping[str, Any],
    logboek: str = "file",
) -> tuple[Settings, bytes]:
    path = find_demo_config(config)
    settings = load_settings(path, env={})
    if settings.mode != "demo":
        raise TestkitError(f"{path}: the kit only runs demo configurations (mode = 'demo')")
    real = [r.naam for r in settings.registers if DEMO_REGISTERS_PLACEHOLDER not in r.url]
    if real:
        raise TestkitError(
            f"{path}: registers {', '.join(real)} do not use {DEMO_REGISTERS_PLACEHOLDER}; "
            "the kit only talks to the simulated registers"
        )
    signing_key = demo_signing_key(settings.demo.keys, settings.caller_auth.public_key_file)
    if signing_key is None:  # the configuration trusts no demo key pair: one for this run
        keys = ensure_demo_keys(workdir / "keys")
        signing_key, public_file = keys.private_key(), keys.public_file
        caller_auth = replace(
            settings.caller_auth,
            public_key_file=str(public_file),
            jwks_url=None,
            algorithms=("RS256",),
        )
        settings = replace(settings, caller_auth=caller_auth)
    settings = replace(
        settings, protocollering=_logboek(settings, path, logboek, workdir, audit_file)
    )
    if overrides:
        try:
            settings = replace(settings, **overrides)
        except TypeError as exc:
            raise TypeError(f"run_facade: unknown Settings field in {sorted(overrides)}") from exc
    return settings, signing_key


def _logboek(
    settings: Settings, path: Path, logboek: str, workdir: Path, audit_file: Path | None
) -> ProtocolleringSettings:
    """The file sink (audit_records() reads it), or the simulated Verwerkingenlogging.

    The file is the default: many tests read its records. "verwerkingenlogging" writes
    into the demo registers' Verwerkingenlogging, which the inzage reads back
    (`RunningFacade.verwerkingsacties()` shows what it holds)."""
    if logboek not in LOGBOEKEN:
        raise ValueError(f"logboek must be one of {', '.join(LOGBOEKEN)}, not {logboek!r}")
    file = audit_file or workdir / "protocollering.jsonl"
    if logboek == "file":
        return replace(settings.protocollering, sink="file", file=file)
    vwl = settings.protocollering.verwerkingenlogging
    if vwl is None or not all(
        DEMO_REGISTERS_PLACEHOLDER in url for url in (vwl.url, vwl.inzage_url or "")
    ):
        raise TestkitError(
            f"{path}: logboek='verwerkingenlogging' needs [protocollering.verwerkingenlogging] "
            f"with url and inzage_url under {DEMO_REGISTERS_PLACEHOLDER}"
        )
    return replace(settings.protocollering, sink="verwerkingenlogging", file=file)


def register_aliases(settings: Settings) -> dict[str, str]:
    """Each façade register (its `naam`, as in `bronnen`) → the demo register serving it."""
    aliases = {}
    for register in settings.registers:
        path = urlsplit(register.url.replace(DEMO_REGISTERS_PLACEHOLDER, "http://x")).path
        demo = _DEMO_REGISTER_BY_PATH.get(path.rstrip("/"))
        if demo is not None:
            aliases[register.naam] = demo
    return aliases
