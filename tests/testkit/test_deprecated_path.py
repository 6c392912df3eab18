"""`facade.testkit` stays one release as a deprecated re-export of `klantbeeld_demo.testkit`."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import klantbeeld_demo.testkit as kit

ROOT = Path(__file__).resolve().parents[2]


def test_the_old_import_path_warns_and_names_the_new_one() -> None:
    sys.modules.pop("facade.testkit", None)  # a fresh import, so the warning is raised again
    with pytest.warns(DeprecationWarning, match=r"import from klantbeeld_demo\.testkit"):
        old = importlib.import_module("facade.testkit")
    assert sorted(old.__all__) == sorted(kit.__all__)
    assert {name for name in kit.__all__ if getattr(old, name) is not getattr(kit, name)} == set()


def test_the_old_server_command_says_where_it_went_and_still_runs() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "facade.testkit", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "use python -m klantbeeld_demo.testkit" in done.stderr
    assert done.stdout.startswith("usage: python -m klantbeeld_demo.testkit")
