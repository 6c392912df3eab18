"""Every runtime dependency has an upper bound, and the tested pin lies inside it.

A new major of any core library (aiohttp under the production transport, httpx
under the tests' one) must be a deliberate upgrade, not a surprise on a fresh install.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        name, _, version = line.partition("==")
        if version:
            pins[canonicalize_name(name)] = version.strip()
    return pins


def _runtime() -> list[Requirement]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return [Requirement(r) for r in pyproject["project"]["dependencies"]]


def test_every_runtime_dependency_but_the_zone_database_is_bounded_above() -> None:
    unbounded = [
        r.name
        for r in _runtime()
        if r.name != "tzdata" and not any(s.operator in ("<", "<=", "~=") for s in r.specifier)
    ]
    assert unbounded == []


def test_the_tested_pins_satisfy_the_declared_ranges() -> None:
    pins = _pins()
    outside = [
        f"{r.name}=={pins[canonicalize_name(r.name)]} not in {r.specifier}"
        for r in _runtime()
        if not r.specifier.contains(pins[canonicalize_name(r.name)], prereleases=True)
    ]
    assert outside == []
