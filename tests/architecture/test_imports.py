"""The dependency rule of DESIGN.md, checked on the code's own imports.

`vocabulary` imports nothing of ours; `connectors` and `policies` import only
`vocabulary` (and themselves); `facade` may import those three, and reaches into
`klantbeeld_demo` (the simulated registers and the kit) only through the doors in
DEMO_DOORS. `klantbeeld_demo` may import everything. Imports inside
`if TYPE_CHECKING:` count too: a type that crosses the line is a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Literal

import pytest

ROOT = Path(__file__).resolve().parents[2]
OURS = ("vocabulary", "connectors", "policies", "facade", "klantbeeld_demo")
ALLOWED = {
    "vocabulary": {"vocabulary"},
    "connectors": {"connectors", "vocabulary"},
    "policies": {"policies", "vocabulary"},
    "facade": {"facade", "policies", "connectors", "vocabulary"},
}
Place = Literal["module", "function"]
# The only files of `facade` that may import `klantbeeld_demo`, and where in the file:
# "function" = only inside a function body (a lazy import, run when called);
# "module" = anywhere, also at import time.
DEMO_DOORS: dict[str, Place] = {
    # `serve` starts the simulated registers when the demo configuration asks
    # (`[demo] registers`); `demo-token` needs nothing of the demo package.
    "facade/cli.py": "function",
    # The demo's screens, mounted for a demo configuration by `serve` and by each worker.
    "facade/asgi.py": "function",
    # The deprecated re-export of the kit (one release), nothing of facade imports it.
    "facade/testkit/__init__.py": "module",
    "facade/testkit/__main__.py": "module",
}


def imports_by_place(path: Path) -> dict[Place, set[str]]:
    """Our top-level packages that a file imports, at module level and inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: dict[Place, set[str]] = {"module": set(), "function": set()}

    def visit(node: ast.AST, place: Place) -> None:
        if isinstance(node, ast.Import):
            found[place].update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found[place].add(node.module.split(".")[0])
        inner: Place = (
            "function" if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) else place
        )
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    visit(tree, "module")
    return {place: names & set(OURS) for place, names in found.items()}


def imported_packages(path: Path) -> set[str]:
    places = imports_by_place(path)
    return places["module"] | places["function"]


def crossing_imports(path: Path, package: str) -> set[str]:
    """What a file of `package` imports beyond ALLOWED, after its demo door (if any)."""
    places = imports_by_place(path)
    crossing = (places["module"] | places["function"]) - ALLOWED[package]
    door = DEMO_DOORS.get(path.relative_to(ROOT).as_posix())
    if door == "module" or (door == "function" and "klantbeeld_demo" not in places["module"]):
        crossing.discard("klantbeeld_demo")
    return crossing


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_a_lower_layer_imports_only_what_lies_below_it(package: str) -> None:
    crossing = {
        str(path.relative_to(ROOT)): sorted(crossing_imports(path, package))
        for path in sorted((ROOT / package).rglob("*.py"))
    }
    assert {file: names for file, names in crossing.items() if names} == {}


def test_every_demo_door_exists_and_is_used() -> None:
    """A door left open after its import went away would let the next one in unnoticed."""
    for file, door in DEMO_DOORS.items():
        assert "klantbeeld_demo" in imports_by_place(ROOT / file)[door], file


def test_the_rule_catches_a_crossing_import(tmp_path: Path) -> None:
    module = tmp_path / "sneaky.py"
    module.write_text("from facade.settings import Settings\nimport connectors.http\n")
    assert imported_packages(module) == {"facade", "connectors"}


def test_the_rule_tells_a_lazy_demo_import_from_a_module_level_one(tmp_path: Path) -> None:
    module = tmp_path / "door.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from klantbeeld_demo.testkit import RunningFacade\n"
        "class Runner:\n"
        "    async def start(self):\n"
        "        import klantbeeld_demo.registers\n"
    )
    assert imports_by_place(module) == {
        "module": {"klantbeeld_demo"},
        "function": {"klantbeeld_demo"},
    }
    lazy = tmp_path / "lazy.py"
    lazy.write_text(
        "def f():\n    from klantbeeld_demo.registers.app import create_registers_app\n"
    )
    assert imports_by_place(lazy) == {"module": set(), "function": {"klantbeeld_demo"}}


def test_serving_the_facade_loads_no_simulated_register() -> None:
    """The production path (the app and the CLI) loads nothing of klantbeeld_demo; the CLI
    loads the simulated registers only when a demo configuration asks for them
    (`[demo] registers`)."""
    import subprocess
    import sys

    probe = (
        "import sys, facade.app, facade.asgi, facade.cli, facade.settings\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'klantbeeld_demo'))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"
