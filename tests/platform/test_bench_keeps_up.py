"""The benchmark is not run in CI (it measures), but it must not rot when the code moves.

Every bench module imports, and the step that reads the configuration the way the
façade does (the BRP fields the demo doel asks) gives what the façade would ask.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH_MODULES = sorted(p.stem for p in (ROOT / "bench").glob("*.py") if p.stem != "__init__")


@pytest.mark.parametrize("name", BENCH_MODULES)
def test_every_bench_module_imports(name: str) -> None:
    importlib.import_module(f"bench.{name}")


def test_the_bench_configuration_loads_and_plans_its_brp_fields(tmp_path: Path) -> None:
    from bench.__main__ import brp_fields
    from bench.facade_process import write_config

    write_config(tmp_path, "http://127.0.0.1:9")
    fields = brp_fields(tmp_path)

    assert {"burgerservicenummer", "naam", "geboorte"} <= set(fields)
