"""The example Kubernetes deployment (deploy/kubernetes/), checked by reading it.

No cluster runs here: the manifests are parsed and held against the Dockerfile,
the configuration they carry and the service's own start-up checks.
"""

from __future__ import annotations

import importlib.util
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from facade.settings import SettingsError, load_settings
from facade.settings.schema import worker_problems
from facade.sources import KINDS
from policies.loader import load_policies

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "kubernetes"
DOELEN = ROOT / "config" / "doelen"


def documents(name: str) -> list[dict[str, Any]]:
    with (K8S / name).open(encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d]


def one(name: str, kind: str) -> dict[str, Any]:
    [found] = [d for d in documents(name) if d["kind"] == kind]
    return found


DEPLOYMENT = one("deployment.yaml", "Deployment")
POD = DEPLOYMENT["spec"]["template"]["spec"]
[CONTAINER] = POD["containers"]
CONFIG = one("configmap.yaml", "ConfigMap")
DOELEN_MAP = one("configmap-doelen.yaml", "ConfigMap")
SECRET = one("secret.example.yaml", "Secret")
SERVICE = one("service.yaml", "Service")
SETTINGS_TOML = tomllib.loads(CONFIG["data"]["klantbeeld.toml"])


def env_of(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in container.get("env", [])}


def container_port(port: int | str) -> int:
    """A probe's or Service's port, by number or by the container port's name."""
    for declared in CONTAINER["ports"]:
        if port in (declared["containerPort"], declared.get("name")):
            return declared["containerPort"]
    raise AssertionError(f"port {port!r} is not a port of the container")


def env_keys(value: Any) -> Iterator[tuple[str, str]]:
    """Every `*_env` key in the TOML, with the variable it names."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key.endswith("_env") and isinstance(item, str):
                yield key, item
            yield from env_keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from env_keys(item)


def mounted_file(container_path: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The volume mount and volume that put this file into the container."""
    for mount in CONTAINER["volumeMounts"]:
        volume = next(v for v in POD["volumes"] if v["name"] == mount["name"])
        target = mount["mountPath"]
        if container_path == target or container_path.startswith(target.rstrip("/") + "/"):
            return mount, volume
    raise AssertionError(f"nothing is mounted at {container_path}")


def config_path() -> Path:
    return Path(env_of(CONTAINER)["KLANTBEELD_CONFIG"]["value"])


# --- the kustomization ------------------------------------------------------------------------


def test_the_kustomization_applies_everything_but_the_example_secret() -> None:
    [kustomization] = documents("kustomization.yaml")
    resources = kustomization["resources"]
    assert set(resources) == {
        "configmap.yaml",
        "configmap-doelen.yaml",
        "deployment.yaml",
        "service.yaml",
    }
    for resource in resources:
        assert (K8S / resource).is_file()
    # Applying the kustomization must never overwrite the real Secret with placeholders.
    assert "secret.example.yaml" not in resources
    image = CONTAINER["image"].rsplit(":", 1)[0]
    assert [i["name"] for i in kustomization["images"]] == [image]


# --- the Deployment -----------------------------------------------------------------------


def test_several_replicas_spread_over_nodes_with_a_disruption_budget() -> None:
    assert DEPLOYMENT["spec"]["replicas"] >= 2
    labels = DEPLOYMENT["spec"]["template"]["metadata"]["labels"]
    selector = DEPLOYMENT["spec"]["selector"]["matchLabels"]
    assert selector.items() <= labels.items()
    keys = {c["topologyKey"] for c in POD["topologySpreadConstraints"]}
    assert {"kubernetes.io/hostname", "topology.kubernetes.io/zone"} <= keys
    for constraint in POD["topologySpreadConstraints"]:
        assert constraint["labelSelector"]["matchLabels"].items() <= labels.items()
    pdb = one("deployment.yaml", "PodDisruptionBudget")
    assert pdb["spec"]["selector"]["matchLabels"] == selector
    assert pdb["spec"].get("maxUnavailable", 0) < DEPLOYMENT["spec"]["replicas"]
    assert DEPLOYMENT["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0


def test_the_service_reaches_the_container_port_the_configuration_listens_on() -> None:
    labels = DEPLOYMENT["spec"]["template"]["metadata"]["labels"]
    assert SERVICE["spec"]["selector"].items() <= labels.items()
    [port] = SERVICE["spec"]["ports"]
    assert container_port(port["targetPort"]) == SETTINGS_TOML["server"]["port"]
    assert SETTINGS_TOML["server"]["host"] == "0.0.0.0"
    assert CONTAINER.get("args", ["serve"])[0] == "serve"


def test_probes_ask_healthz_and_readyz_on_the_container_port() -> None:
    port = SETTINGS_TOML["server"]["port"]
    expected = {
        "livenessProbe": "/healthz",
        "readinessProbe": "/readyz",
        "startupProbe": "/healthz",
    }
    for probe, path in expected.items():
        get = CONTAINER[probe]["httpGet"]
        assert get["path"] == path, probe
        assert container_port(get["port"]) == port, probe
    app = (ROOT / "facade" / "app.py").read_text(encoding="utf-8")
    assert 'Route("/healthz"' in app and 'Route("/readyz"' in app


def test_non_root_read_only_no_privilege_escalation_no_capabilities() -> None:
    pod, container = POD["securityContext"], CONTAINER["securityContext"]
    assert pod["runAsNonRoot"] is True and container["runAsNonRoot"] is True
    assert container["readOnlyRootFilesystem"] is True
    assert container["allowPrivilegeEscalation"] is False
    assert container["capabilities"]["drop"] == ["ALL"]
    assert container.get("privileged", False) is False
    assert pod["seccompProfile"]["type"] == "RuntimeDefault"
    assert POD["automountServiceAccountToken"] is False
    # The same numeric user the image declares.
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    [user] = re.findall(r"^USER\s+(\d+)", dockerfile, flags=re.MULTILINE)
    assert container["runAsUser"] == pod["runAsUser"] == int(user) != 0


def test_the_only_writable_paths_are_volumes() -> None:
    mount, volume = mounted_file("/tmp")
    assert "emptyDir" in volume and not mount.get("readOnly", False)
    protocollering = SETTINGS_TOML["protocollering"]
    assert protocollering["sink"] in ("stdout", "otlp", "verwerkingenlogging", "file")
    if protocollering["sink"] == "file":
        # An audit trail on an emptyDir would go with the pod.
        mount, volume = mounted_file(str(config_path().parent / protocollering["file"]))
        assert "persistentVolumeClaim" in volume and not mount.get("readOnly", False)


def quantity(value: str | int) -> float:
    units = {"m": 1e-3, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "": 1}
    number, unit = re.fullmatch(r"([0-9.]+)([A-Za-z]*)", str(value)).groups()  # type: ignore[union-attr]
    return float(number) * units[unit]


def test_resources_are_requested_and_limited() -> None:
    resources = CONTAINER["resources"]
    for kind in ("cpu", "memory"):
        request, limit = resources["requests"][kind], resources["limits"][kind]
        assert 0 < quantity(request) <= quantity(limit), kind


def workers_in_args() -> int:
    args = CONTAINER.get("args", [])
    return int(args[args.index("--workers") + 1]) if "--workers" in args else 1


def test_one_worker_per_core_requested_and_limited() -> None:
    cpu = CONTAINER["resources"]["requests"]["cpu"], CONTAINER["resources"]["limits"]["cpu"]
    assert quantity(cpu[0]) == quantity(cpu[1]) == workers_in_args()


def test_the_configuration_takes_the_containers_workers(tmp_path: Path) -> None:
    config = write_mounted_config(tmp_path)
    settings = load_settings(config, env=dummy_env()).with_workers(workers_in_args())
    # What `klantbeeld serve --workers` checks beyond the file (a Prometheus scrape
    # would reach one worker only).
    assert (
        worker_problems(settings.mode, workers_in_args(), settings.observability.metrics_exporter)
        == []
    )


def test_the_grace_period_outlasts_the_services_own_graceful_shutdown() -> None:
    settings = SETTINGS_TOML
    # facade/cli.py: timeout_graceful_shutdown = (budget + audit deadline) / 1000 + 2.
    cli = (ROOT / "facade" / "cli.py").read_text(encoding="utf-8")
    assert "settings.total_budget_ms + settings.protocollering.deadline_ms" in cli
    shutdown = (settings["budget"]["total_ms"] + settings["protocollering"]["deadline_ms"]) / 1000
    shutdown += 2
    pre_stop = CONTAINER["lifecycle"]["preStop"]["exec"]["command"]
    assert pre_stop[0] == "sleep"
    assert POD["terminationGracePeriodSeconds"] >= float(pre_stop[1]) + shutdown


# --- configuration and secrets --------------------------------------------------------------


def test_the_config_doelen_and_toegang_are_mounted_where_the_configuration_expects_them() -> None:
    path = config_path()
    mount, volume = mounted_file(str(path))
    assert volume["configMap"]["name"] == CONFIG["metadata"]["name"]
    assert mount["subPath"] == "klantbeeld.toml" and mount["readOnly"] is True

    toegang = path.parent / SETTINGS_TOML["policies"]["toegang"]
    mount, volume = mounted_file(str(toegang))
    assert volume["configMap"]["name"] == CONFIG["metadata"]["name"]
    assert mount["subPath"] in CONFIG["data"]

    doelen = path.parent / SETTINGS_TOML["policies"]["doelen"]
    mount, volume = mounted_file(str(doelen))
    assert mount["mountPath"] == str(doelen) and "subPath" not in mount
    assert volume["configMap"]["name"] == DOELEN_MAP["metadata"]["name"]


def test_every_secret_reference_names_a_key_of_the_example_secret() -> None:
    references = [
        item["valueFrom"]["secretKeyRef"]
        for item in CONTAINER["env"]
        if "secretKeyRef" in item.get("valueFrom", {})
    ]
    assert references
    for ref in references:
        assert ref["name"] == SECRET["metadata"]["name"]
        assert ref["key"] in SECRET["stringData"], ref["key"]
    # Placeholders only, never something that could be a real value.
    for key, value in SECRET["stringData"].items():
        assert value == "VERVANG-MIJ", key


def test_every_environment_variable_the_configuration_names_is_set_from_the_secret() -> None:
    named = {var for _, var in env_keys(SETTINGS_TOML)}
    assert {
        "KLANTBEELD_BRP_API_KEY",
        "KLANTBEELD_OPENZAAK_SECRET",
        "KLANTBEELD_OPENKLANT_SECRET",
        "KLANTBEELD_KVK_API_KEY",
        "KLANTBEELD_OBJECTEN_TOKEN",
        "KLANTBEELD_OPENKLANT2_TOKEN",
        "KLANTBEELD_PSEUDONYM_KEY",
    } <= named
    provided = env_of(CONTAINER)
    for var in named:
        assert var in provided, f"{var} is named in the configuration but not set"
        assert "secretKeyRef" in provided[var].get("valueFrom", {}), f"{var} is not a secret"


def test_the_doelen_configmap_holds_exactly_config_doelen() -> None:
    files = {p.name: p.read_text(encoding="utf-8") for p in sorted(DOELEN.glob("*.toml"))}
    assert DOELEN_MAP["data"] == files
    # The example's access rules are the repository's too (the beleidsversie hashes both).
    toegang = (ROOT / "config" / "toegang.toml").read_text(encoding="utf-8")
    assert CONFIG["data"]["toegang.toml"] == toegang


def test_the_doelen_configmap_is_what_the_script_generates() -> None:
    spec = importlib.util.spec_from_file_location("make_doelen", K8S / "make_doelen_configmap.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    expected = module.render(DOELEN)
    actual = (K8S / "configmap-doelen.yaml").read_text(encoding="utf-8")
    assert actual == expected, "run: python deploy/kubernetes/make_doelen_configmap.py"
    assert module.main(["--check"]) == 0


def write_mounted_config(tmp_path: Path) -> Path:
    """The files as the pod sees them under /etc/klantbeeld."""
    config = tmp_path / "klantbeeld.toml"
    for key, text in CONFIG["data"].items():
        (tmp_path / key).write_text(text, encoding="utf-8")
    doelen = tmp_path / SETTINGS_TOML["policies"]["doelen"]
    doelen.mkdir()
    for key, text in DOELEN_MAP["data"].items():
        (doelen / key).write_text(text, encoding="utf-8")
    return config


def dummy_env() -> dict[str, str]:
    return {var: f"dummy-{var.lower()}-" + "x" * 32 for _, var in env_keys(SETTINGS_TOML)}


def test_the_example_production_configuration_really_loads_in_productie(tmp_path: Path) -> None:
    config = write_mounted_config(tmp_path)
    settings = load_settings(config, env=dummy_env())
    assert settings.mode == "productie"
    assert all(r.url.startswith("https://") for r in settings.registers)
    assert "HS256" not in settings.caller_auth.algorithms
    assert settings.protocollering.pseudonym is not None
    assert not settings.demo.registers
    policies = load_policies(settings.doelen_dir, settings.toegang_file, KINDS)
    assert set(policies.doelen) == {p.stem for p in DOELEN.glob("*.toml")}
    # The same policy files as the repository's: the same beleidsversie.
    repository = load_policies(DOELEN, ROOT / "config" / "toegang.toml", KINDS)
    assert policies.versie == repository.versie


@pytest.mark.parametrize("missing", ["KLANTBEELD_PSEUDONYM_KEY", "KLANTBEELD_BRP_API_KEY"])
def test_without_its_secrets_the_configuration_refuses_to_start(
    tmp_path: Path, missing: str
) -> None:
    config = write_mounted_config(tmp_path)
    env = dummy_env()
    del env[missing]
    with pytest.raises(SettingsError) as refused:
        load_settings(config, env=env)
    assert any(missing in problem for problem in refused.value.problems)
