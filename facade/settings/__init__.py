"""Settings: one TOML file (see config/), validated at start-up.

Every problem is reported as `file: key: reason`, all at once. Secrets come from
environment variables (`*_env` keys); inline secrets are accepted in demo mode
only, so a production configuration cannot carry them by accident.

The file's schema is declared in `schema.py` (pydantic, at start-up only); the
façade reads the frozen dataclasses of `values.py`; `messages.py` words the problems.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from facade.settings import messages
from facade.settings.schema import MODES, Load, PoliciesTable, SettingsFile
from facade.settings.values import (
    BRP_HEADER_DEFAULTS,
    DEMO_REGISTERS_PLACEHOLDER,
    CallerAuthSettings,
    DemoSettings,
    InzageSettings,
    ProtocolleringSettings,
    PseudonymKeySettings,
    RegisterAuth,
    RegisterSettings,
    ServerSettings,
    Settings,
    SettingsError,
    VerwerkingenloggingSettings,
)
from facade.sources import KINDS
from vocabulary.kinds import KindRegistry

__all__ = [
    "BRP_HEADER_DEFAULTS",
    "DEMO_REGISTERS_PLACEHOLDER",
    "SOORTEN",
    "CallerAuthSettings",
    "DemoSettings",
    "InzageSettings",
    "ProtocolleringSettings",
    "PseudonymKeySettings",
    "RegisterAuth",
    "RegisterSettings",
    "ServerSettings",
    "Settings",
    "SettingsError",
    "VerwerkingenloggingSettings",
    "load_settings",
]

SOORTEN = KINDS.soorten  # the register kinds the façade knows (facade/sources.py)


def load_settings(
    path: str | Path, env: Mapping[str, str] | None = None, kinds: KindRegistry = KINDS
) -> Settings:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsError([f"{path}: configuration file not found"]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError([f"{path}: not valid TOML: {exc}"]) from None
    load = Load(
        path=path,
        env=os.environ if env is None else env,
        kinds=kinds,
        mode=data.get("mode") if data.get("mode") in MODES else "demo",
        demo_registers=_table(data, "demo").get("registers") is True,
    )
    names, problems = messages.register_names(data.get("registers"))
    lines = [f"{path}: {key}: {reason}" for key, reason in problems]
    try:
        schema = SettingsFile.model_validate(data, context={"load": load})
    except ValidationError as error:
        lines += messages.problems(error, path, SettingsFile, names)
        raise SettingsError(lines, *_readable(data, load)) from None
    settings = schema.build(load)
    if lines:
        raise SettingsError(lines, (settings.doelen_dir, settings.toegang_file), settings.registers)
    return settings


def _readable(
    data: Mapping[str, Any], load: Load
) -> tuple[tuple[Path, Path] | None, tuple[RegisterSettings, ...]]:
    """The doelen and the registers' kinds, as far as a refused file gives them, so that
    check-config can report the doelen's problems and coverage in the same run."""
    try:
        policies = PoliciesTable.model_validate(_table(data, "policies"), context={"load": load})
    except ValidationError:
        files = None
    else:
        files = policies.files(load)
    entries = data.get("registers")
    registers = tuple(
        RegisterSettings(
            naam=str(entry.get("naam", "")), soort=entry["soort"], url=str(entry.get("url", ""))
        )
        for entry in (entries if isinstance(entries, list) else [])
        if isinstance(entry, dict) and entry.get("soort") in load.kinds.soorten
    )
    return files, registers


def _table(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key, {})
    return value if isinstance(value, dict) else {}
