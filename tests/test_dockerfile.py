"""No container engine runs here, so the Dockerfile is checked by reading it."""

from __future__ import annotations

import fnmatch
import json
import posixpath
import re
import shlex
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
DOCKERIGNORE = (ROOT / ".dockerignore").read_text(encoding="utf-8")


def parse(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order; continuation lines joined, comments dropped."""
    result: list[tuple[str, str]] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = pending + line
        pending = ""
        name, _, args = line.partition(" ")
        result.append((name.upper(), args.strip()))
    return result


INSTRUCTIONS = parse(DOCKERFILE)


def stages() -> list[list[tuple[str, str]]]:
    found: list[list[tuple[str, str]]] = []
    for name, args in INSTRUCTIONS:
        if name == "FROM":
            found.append([])
        found[-1].append((name, args))
    return found


FINAL = stages()[-1]


def instructions(name: str, stage: list[tuple[str, str]] | None = None) -> list[str]:
    return [args for n, args in (INSTRUCTIONS if stage is None else stage) if n == name]


def env(stage: list[tuple[str, str]]) -> dict[str, str]:
    values: dict[str, str] = {}
    for args in instructions("ENV", stage):
        for item in shlex.split(args):
            key, _, value = item.partition("=")
            values[key] = value
    return values


def exec_form(args: str) -> list[str]:
    value = json.loads(args)
    assert isinstance(value, list), f"{args} is not in exec form"
    return value


def container_to_repo(container_path: str) -> Path | None:
    """Where a file in the final image comes from in the repository (plain COPY only)."""
    for args in instructions("COPY", FINAL):
        parts = args.split()
        if any(p.startswith("--from") for p in parts):
            continue
        *sources, dest = [p for p in parts if not p.startswith("--")]
        for source in sources:
            dest_dir = dest.rstrip("/")
            if container_path == dest_dir or container_path.startswith(dest_dir + "/"):
                return ROOT / source / posixpath.relpath(container_path, dest_dir)
    return None


def final_uid() -> int:
    user = instructions("USER", FINAL)[-1]
    return int(user.split(":")[0])


# --- base image and stages -------------------------------------------------------------


def test_base_images_are_slim_and_pinned_to_a_full_version() -> None:
    for image in instructions("FROM"):
        assert re.match(r"python:\d+\.\d+\.\d+-slim-\w+", image), image


def test_the_build_is_multi_stage_on_one_base_so_the_venv_python_exists_in_the_final_image() -> (
    None
):
    images = [args.split()[0] for args in instructions("FROM")]
    assert len(images) >= 2
    assert len(set(images)) == 1, "the venv's python is a symlink into the base image"
    assert re.search(r"\bAS\s+build\b", instructions("FROM")[0], flags=re.IGNORECASE)


def test_the_final_stage_takes_only_the_venv_from_the_build_stage() -> None:
    copies = [a for a in instructions("COPY", FINAL) if "--from" in a]
    assert copies == ["--from=build /opt/klantbeeld /opt/klantbeeld"]
    assert env(FINAL)["PATH"].startswith("/opt/klantbeeld/bin:")


def test_no_compiler_or_package_manager_install_is_left_in_the_final_image() -> None:
    final_runs = " ".join(instructions("RUN", FINAL))
    for forbidden in ("apt-get", "apt ", "apk ", "gcc", "build-essential", "pip install"):
        assert forbidden not in final_runs, forbidden
    # Not even in the build stage: every dependency has a binary wheel.
    assert not re.search(r"\b(gcc|build-essential|apt-get install)\b", DOCKERFILE)


# --- non-root, read-only root file system ------------------------------------------------


def test_the_service_runs_as_a_numeric_non_root_user() -> None:
    users = instructions("USER", FINAL)
    assert users and re.fullmatch(r"\d+(:\d+)?", users[-1]), users
    assert final_uid() != 0
    assert all(group != "0" for group in users[-1].split(":")[1:])


def test_python_writes_no_bytecode_so_a_read_only_root_file_system_works() -> None:
    values = env(FINAL)
    assert values["PYTHONDONTWRITEBYTECODE"] == "1"
    assert values["PYTHONUNBUFFERED"] == "1"


def test_the_demo_config_is_baked_in_at_the_documented_path() -> None:
    config = env(FINAL)["KLANTBEELD_CONFIG"]
    assert config == "/srv/klantbeeld/config/demo.toml"
    source = container_to_repo(config)
    assert source == ROOT / "config" / "demo.toml" and source.is_file()
    # The CLI's default, config/demo.toml relative to the working directory, is the same file.
    assert instructions("WORKDIR", FINAL)[-1] == posixpath.dirname(posixpath.dirname(config))
    assert (ROOT / "facade" / "cli.py").read_text().count('DEFAULT_CONFIG = "config/demo.toml"')
    # The demo's caller key pair is no file of the repository: the demo makes it on
    # first start, so its directory must be inside the volume the service may write.
    demo = tomllib.loads(source.read_text(encoding="utf-8"))
    keys = posixpath.normpath(posixpath.join(posixpath.dirname(config), demo["demo"]["keys"]))
    key = posixpath.normpath(
        posixpath.join(posixpath.dirname(config), demo["caller_auth"]["public_key_file"])
    )
    assert key.startswith(keys + "/")
    volumes = [v for args in instructions("VOLUME", FINAL) for v in exec_form(args)]
    assert any(keys.startswith(v.rstrip("/") + "/") for v in volumes), (keys, volumes)


def test_every_package_the_wheel_includes_is_copied_into_the_build() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = [
        p.rstrip("*") for p in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    ]
    copied = {exec_form(a)[0] if a.startswith("[") else a.split()[0] for a in instructions("COPY")}
    assert set(packages) <= copied, f"not copied into the build stage: {set(packages) - copied}"


def test_the_demo_file_sink_writes_into_a_declared_volume_owned_by_the_service_user() -> None:
    config = env(FINAL)["KLANTBEELD_CONFIG"]
    demo = tomllib.loads(container_to_repo(config).read_text(encoding="utf-8"))  # type: ignore[union-attr]
    # The demo records into its simulated Verwerkingenlogging (in memory, so the inzage can
    # read them back); switched to `sink = "file"`, its file must still land in the volume.
    assert demo["protocollering"]["sink"] in ("file", "verwerkingenlogging")
    sink = posixpath.normpath(
        posixpath.join(posixpath.dirname(config), demo["protocollering"]["file"])
    )
    volumes = [v for args in instructions("VOLUME", FINAL) for v in exec_form(args)]
    holding = [v for v in volumes if sink.startswith(v.rstrip("/") + "/")]
    assert holding, f"{sink} is in none of the volumes {volumes}"
    runs = " ".join(instructions("RUN", FINAL))
    assert re.search(rf"chown {final_uid()}(:\d+)? {re.escape(holding[0])}\b", runs)
    # Nothing else in the image is writable for the service: the config is root's.
    assert "--chown" not in " ".join(instructions("COPY", FINAL))


def test_the_documented_mount_point_for_a_deployments_config_exists() -> None:
    # README: `-v …:/etc/klantbeeld -e KLANTBEELD_CONFIG=/etc/klantbeeld/klantbeeld.toml`.
    assert re.search(r"mkdir -p [^&]*/etc/klantbeeld\b", " ".join(instructions("RUN", FINAL)))


# --- how it runs --------------------------------------------------------------------------


def test_the_entry_point_is_the_console_script_that_pyproject_declares() -> None:
    assert [exec_form(a) for a in instructions("ENTRYPOINT", FINAL)] == [["klantbeeld"]]
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["scripts"]["klantbeeld"] == "facade.cli:main"
    assert [exec_form(a) for a in instructions("CMD", FINAL)] == [["serve", "--host", "0.0.0.0"]]


def test_the_exposed_port_is_the_demo_port_and_the_health_check_asks_it_for_healthz() -> None:
    demo = tomllib.loads((ROOT / "config" / "demo.toml").read_text(encoding="utf-8"))
    port = demo["server"]["port"]
    assert instructions("EXPOSE", FINAL) == [str(port)]
    [check] = instructions("HEALTHCHECK", FINAL)
    assert f"127.0.0.1:{port}/healthz" in check
    assert 'Route("/healthz"' in (ROOT / "facade" / "app.py").read_text(encoding="utf-8")


# --- build context --------------------------------------------------------------------------


def ignore_patterns() -> list[str]:
    return [
        line.strip().rstrip("/")
        for line in DOCKERIGNORE.splitlines()
        if line.strip() and not line.startswith("#")
    ]


def test_the_build_context_leaves_out_the_venv_git_caches_and_the_local_audit_trail() -> None:
    patterns = ignore_patterns()
    for needed in (".venv", ".git", ".pytest_cache", ".ruff_cache", ".hypothesis", "var"):
        assert needed in patterns, needed
    assert any("__pycache__" in p for p in patterns)


def test_everything_the_dockerfile_copies_is_in_the_build_context() -> None:
    patterns = ignore_patterns()
    for args in instructions("COPY"):
        parts = [p for p in args.split() if not p.startswith("--")]
        if "--from" in args:
            continue
        for source in parts[:-1]:
            assert (ROOT / source).exists(), source
            for pattern in patterns:
                assert not fnmatch.fnmatch(source, pattern), f"{source} is ignored by {pattern}"
