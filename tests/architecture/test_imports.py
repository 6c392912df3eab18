"""The dependency rule of DESIGN.md, checked on the code's own imports.

`vocabulary` imports nothing of ours; `connectors` and `policies` import only
`vocabulary` (and themselves); `facade` may import all three. Imports inside
`if TYPE_CHECKING:` count too: a type that crosses the line is a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OURS = ("vocabulary", "connectors", "policies", "facade", "klantbeeld_demo")
ALLOWED = {
    "vocabulary": {"vocabulary"},
    "connectors": {"connectors", "vocabulary"},
    "policies": {"policies", "vocabulary"},
}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & set(OURS)


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_a_lower_layer_imports_only_what_lies_below_it(package: str) -> None:
    crossing = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) - ALLOWED[package])
        for path in sorted((ROOT / package).rglob("*.py"))
    }
    assert {file: names for file, names in crossing.items() if names} == {}


def test_the_rule_catches_a_crossing_import(tmp_path: Path) -> None:
    module = tmp_path / "sneaky.py"
    module.write_text("from facade.settings import Settings\nimport connectors.http\n")
    assert imported_packages(module) == {"facade", "connectors"}


def test_serving_the_facade_loads_no_simulated_register() -> None:
    """The production path (the app and the CLI) never imports the demo registers; the CLI
    loads them only when a demo configuration asks for them (`[demo] registers`)."""
    import subprocess
    import sys

    probe = (
        "import sys, facade.app, facade.cli, facade.settings\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'klantbeeld_demo'))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"
