"""No container engine runs here, so the Dockerfile is checked by reading it."""

from __future__ import annotations

import re
from pathlib import Path

DOCKERFILE = (Path(__file__).resolve().parents[1] / "Dockerfile").read_text(encoding="utf-8")


def instructions(name: str) -> list[str]:
    return re.findall(rf"^{name}\s+(.+)$", DOCKERFILE, flags=re.MULTILINE)


def test_base_images_are_slim_and_pinned_to_a_full_version() -> None:
    for image in instructions("FROM"):
        assert re.match(r"python:\d+\.\d+\.\d+-slim-\w+", image), image


def test_the_service_runs_as_a_non_root_user() -> None:
    users = instructions("USER")
    assert users and users[-1] not in ("root", "0")


def test_the_entry_point_is_the_console_script_and_the_config_path_is_documented() -> None:
    assert instructions("ENTRYPOINT") == ['["klantbeeld"]']
    assert "KLANTBEELD_CONFIG=/etc/klantbeeld/" in DOCKERFILE
    assert instructions("HEALTHCHECK") and "/healthz" in DOCKERFILE


def test_the_console_script_named_in_the_dockerfile_exists() -> None:
    pyproject = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text()
    assert 'klantbeeld = "facade.cli:main"' in pyproject
