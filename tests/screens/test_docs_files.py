"""The docs page's files are package data: found through importlib.resources (as an
installed wheel finds them), covered by pyproject's package-data, vendored unchanged."""

from __future__ import annotations

import hashlib
import re
import tomllib
from importlib.resources import files
from pathlib import Path

from klantbeeld_demo.screens.docs import ASSETS

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "klantbeeld_demo" / "screens" / "static"
VENDORED = "swagger-ui/VENDORED"
SHIPPED = ("docs.html", "index.html", "swagger-ui/LICENSE", "swagger-ui/NOTICE", VENDORED)


def _resource(name: str) -> bytes:
    return files("klantbeeld_demo.screens").joinpath("static", *name.split("/")).read_bytes()


def test_every_file_the_pages_load_is_found_as_package_resource() -> None:
    for name in (*ASSETS.values(), *SHIPPED):
        assert _resource(name), name
    assert b"Apache License" in _resource("swagger-ui/LICENSE")


def test_pyprojects_package_data_covers_every_static_file() -> None:
    # An editable install finds the files in the checkout whatever pyproject says;
    # the wheel holds only what package-data names.
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["klantbeeld_demo.screens"]
    package = STATIC.parent
    shipped = [p.relative_to(package).as_posix() for p in STATIC.rglob("*") if p.is_file()]
    assert "static/swagger-ui/swagger-ui-bundle.js" in shipped
    # setuptools expands the patterns as glob does, `**` for any depth.
    covered = {
        p.relative_to(package).as_posix()
        for pattern in patterns
        for p in package.glob(pattern)
        if p.is_file()
    }
    assert sorted(set(shipped) - covered) == []


def test_the_vendored_swagger_ui_is_the_npm_release_unchanged() -> None:
    notice = _resource(VENDORED).decode()
    version = re.search(r"swagger-ui-dist (\d+\.\d+\.\d+)", notice)
    assert version and version.group(1) == "5.35.0"
    for digest, name in re.findall(r"sha256 ([0-9a-f]{64})  (\S+)", notice):
        assert hashlib.sha256(_resource(f"swagger-ui/{name}")).hexdigest() == digest, name
    checked = {name for _, name in re.findall(r"sha256 ([0-9a-f]{64})  (\S+)", notice)}
    assert checked == {"swagger-ui.css", "swagger-ui-bundle.js"}
