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


def test_the_bench_configuration_names_only_the_registers_the_bench_serves(
    tmp_path: Path,
) -> None:
    from bench.facade_process import UNSERVED_REGISTERS, write_config
    from facade.settings import load_settings

    settings = load_settings(write_config(tmp_path, "http://127.0.0.1:9"), env={})

    names = {r.naam for r in settings.registers}
    assert names and not names & UNSERVED_REGISTERS


def test_a_profile_is_split_by_the_innermost_layer(tmp_path: Path) -> None:
    import gzip

    from bench.where import shares

    stacks = (
        "run (asyncio/runners.py:1);klantbeeld (facade/routes.py:9);"
        "decode (connectors/decoding.py:3) 3\n"
        "run (asyncio/runners.py:1);_send_once (connectors/http.py:5);"
        "_request (aiohttp/client.py:7) 5\n"
        "run (threading.py:1);_worker (concurrent/futures/thread.py:81) 40\n"
    )
    profile = tmp_path / "p.txt.gz"
    profile.write_bytes(gzip.compress(stacks.encode()))

    counts, total = shares(profile)

    assert total == 8  # the idle audit thread is no CPU
    assert counts["JSON (answers in, view out)"] == 3
    assert counts["upstream calls (connectors, aiohttp)"] == 5
