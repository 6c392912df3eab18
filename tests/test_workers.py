"""`klantbeeld serve --workers N`: N processes on one port, the demo registers once.

The processes are seen from outside, in /proc: which children the service has, and
which of them holds the server side of a connection. Nothing is added to the API
for it.
"""

from __future__ import annotations

import datetime as dt
import http.client
import os
import signal
import sys
import time
from pathlib import Path

import httpx
import pytest
from starlette.types import Message, Receive, Scope, Send

import facade.app
from facade import asgi, cli
from facade.asgi import (
    CONFIG_ENV,
    DEMO_REGISTERS_ENV,
    STARTUP_FAILURE,
    TODAY_ENV,
    WORKER_COUNT_ENV,
    TracingShutdown,
    worker_environment,
    worker_settings,
)
from facade.clock import fixed, today_in_amsterdam
from facade.metrics import setup_metrics
from facade.settings import SettingsError, load_settings
from klantbeeld_demo.registers import BSN_HOOFDPERSOON
from tests.demo_service import demo_service

CONFIG = Path(__file__).resolve().parents[1] / "config"

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads the process tree from /proc"
)


def children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue  # gone meanwhile
            # pid (comm) state ppid …; comm may hold spaces, so split after its ")".
            if int(stat.rpartition(")")[2].split()[1]) == parent:
                found.append(int(entry.name))
    return found


def workers_of(parent: int) -> set[int]:
    """The children uvicorn's supervisor spawned to serve (not multiprocessing's
    resource tracker, its other child)."""
    pids = set()
    for pid in children(parent):
        try:
            if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes():
                pids.add(pid)
        except OSError:
            continue
    return pids


def server_side_owner(server_port: int, client_port: int, candidates: set[int]) -> int | None:
    """Which process holds the server's end of the connection from `client_port`."""
    inode = None
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            fields = row.split()
            local, remote = fields[1], fields[2]
            if (
                int(local.rsplit(":", 1)[1], 16) == server_port
                and int(remote.rsplit(":", 1)[1], 16) == client_port
            ):
                inode = fields[9]
    if inode is None:
        return None
    for pid in candidates:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) == f"socket:[{inode}]":
                    return pid
            except OSError:
                continue
    return None


def who_answers(port: int, workers: set[int]) -> int | None:
    """A fresh connection, one /healthz on it, and the worker that answered it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        response.read()
        assert response.status == 200
        assert connection.sock is not None
        return server_side_owner(port, connection.sock.getsockname()[1], workers)
    finally:
        connection.close()


@linux_only
def test_two_workers_serve_klantbeelden_on_one_port_and_stop_cleanly_on_sigterm(
    tmp_path: Path,
) -> None:
    with demo_service(tmp_path, serve_args=["--workers", "2"]) as service:
        parent = service.process.pid
        deadline = time.monotonic() + 10
        while len(workers := workers_of(parent)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(workers) == 2, workers

        token = service.token()
        response = httpx.post(
            f"{service.base}/api/v1/klantbeeld",
            json={"burgerservicenummer": BSN_HOOFDPERSOON},
            headers={"Authorization": f"Bearer {token}", "X-Doelbinding": "kcc-zaakstatus"},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        assert response.json()["klant"]["naam"]["volledigeNaam"]

        # Which worker accepts a connection is the kernel's choice: ask until both did.
        port = int(service.base.rsplit(":", 1)[1])
        answered: set[int] = set()
        deadline = time.monotonic() + 8
        while answered != workers and time.monotonic() < deadline:
            owner = who_answers(port, workers)
            if owner is not None:
                answered.add(owner)
        assert answered == workers

        output = service.stop()
        assert service.process.returncode == 0, output
        assert output.count("Finished server process") == 2, output
        assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
        # The demo registers ran once, in the parent, for both workers.
        assert output.count("demo registers on") == 1


def test_a_workers_count_outside_one_to_sixty_four_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = cli.main(["--config", str(CONFIG / "demo.toml"), "serve", "--workers", "0"])

    assert code == 2
    assert "--workers: must be between 1 and 64, not 0" in capsys.readouterr().err


def test_productie_refuses_workers_whose_metrics_prometheus_would_scrape_one_at_a_time(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in (
        "KLANTBEELD_BRP_API_KEY",
        "KLANTBEELD_OPENZAAK_SECRET",
        "KLANTBEELD_OPENKLANT_SECRET",
        "KLANTBEELD_KVK_API_KEY",
        "KLANTBEELD_OBJECTEN_TOKEN",
        "KLANTBEELD_PSEUDONYM_KEY",
    ):
        monkeypatch.setenv(name, "x" * 40)
    config = CONFIG / "productie.example.toml"
    code = cli.main(["--config", str(config), "serve", "--workers", "3"])

    assert code == 2
    err = capsys.readouterr().err
    assert f"{config}: observability.metrics_exporter: 'prometheus' answers each scrape" in err


# --- what the parent hands its workers ----------------------------------------------------


def test_a_worker_rebuilds_the_parents_settings_from_the_environment() -> None:
    settings = load_settings(CONFIG / "demo.toml", env={}).with_workers(3)
    env = worker_environment(settings, fixed(dt.date(2030, 1, 1)), "http://127.0.0.1:9999")

    rebuilt, today = worker_settings(env)

    assert env[CONFIG_ENV] == str((CONFIG / "demo.toml").resolve())
    assert rebuilt.server.workers == 3
    assert rebuilt.registers[0].url == "http://127.0.0.1:9999/haalcentraal/api/brp"
    assert today() == dt.date(2030, 1, 1)


def test_a_worker_keeps_the_amsterdam_calendar_unless_today_is_pinned() -> None:
    settings = load_settings(CONFIG / "demo.toml", env={}).with_workers(2)
    env = worker_environment(settings, today_in_amsterdam, "http://127.0.0.1:9999")

    assert TODAY_ENV not in env
    assert worker_settings(env)[1] is today_in_amsterdam


def test_the_worker_factory_refuses_to_run_outside_klantbeeld_serve() -> None:
    with pytest.raises(SettingsError, match="is started by `klantbeeld serve --workers N`"):
        worker_settings({CONFIG_ENV: str(CONFIG / "demo.toml")})


def test_a_worker_without_the_demo_registers_address_is_refused() -> None:
    settings = load_settings(CONFIG / "demo.toml", env={}).with_workers(2)
    env = worker_environment(settings, today_in_amsterdam)  # no demo registers address

    with pytest.raises(SettingsError, match=f"demo.registers: .*\\${DEMO_REGISTERS_ENV}"):
        worker_settings(env)


async def test_a_worker_flushes_its_tracing_before_uvicorn_hears_the_lifespan_ended() -> None:
    events: list[str] = []

    class Provider:
        def shutdown(self) -> None:
            events.append("tracing shut down")

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        assert (await receive())["type"] == "lifespan.shutdown"
        await send({"type": "lifespan.shutdown.complete"})

    async def receive() -> Message:
        return {"type": "lifespan.shutdown"}

    async def send(message: Message) -> None:
        events.append(message["type"])

    wrapped = TracingShutdown(app, Provider())  # type: ignore[arg-type]
    await wrapped({"type": "lifespan"}, receive, send)

    assert events == ["tracing shut down", "lifespan.shutdown.complete"]


# --- one worker as before, several by import string ------------------------------------


def test_one_worker_runs_the_app_in_process_and_several_by_import_string_same_options(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runs: list[tuple[object, dict[str, object]]] = []

    def run(app: object, **options: object) -> None:
        runs.append((app, options))
        if options.get("workers"):
            sigterm()  # as the platform stops the service; uvicorn's supervisor then returns

    monkeypatch.setattr(cli.uvicorn, "run", run)
    monkeypatch.setattr(cli, "start_demo_registers", lambda *args: "http://127.0.0.1:9999")
    monkeypatch.setattr(os, "environ", dict(os.environ))
    monkeypatch.setattr(cli, "setup_logs", lambda settings: None)  # pytest's logging stays
    settings = load_settings(CONFIG / "demo.toml", env={})

    assert cli.serve(settings, port=18080) == 0
    assert cli.serve(settings, port=18080, workers=2) == 0

    (one, one_options), (several, several_options) = runs
    assert not isinstance(one, str) and "workers" not in one_options
    assert several == "facade.asgi:create_worker_app"
    assert several_options.pop("factory") is True and several_options.pop("workers") == 2
    assert several_options == one_options
    assert one_options["access_log"] is False and one_options["log_config"] is None
    assert one_options["proxy_headers"] is True and one_options["port"] == 18080
    assert os.environ[WORKER_COUNT_ENV] == "2"
    assert os.environ[DEMO_REGISTERS_ENV] == "http://127.0.0.1:9999"


def test_each_worker_pushes_its_metrics_as_an_instance_of_its_own() -> None:
    provider, _ = setup_metrics("otlp", "http://127.0.0.1:9/v1/metrics")
    assert provider is not None
    try:
        attributes = provider._sdk_config.resource.attributes  # type: ignore[attr-defined]
        assert str(attributes["service.instance.id"]).endswith(f"-{os.getpid()}")
    finally:
        provider.shutdown(timeout_millis=100)


def sigterm() -> None:
    """A SIGTERM to this process, handled as uvicorn's supervisor handles it (no exit)."""
    previous = signal.signal(signal.SIGTERM, lambda *args: None)
    try:
        signal.raise_signal(signal.SIGTERM)
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_workers_that_stop_without_a_signal_failed_to_start_and_say_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # uvicorn's supervisor returns when a worker exits with its STARTUP_FAILURE.
    monkeypatch.setattr(cli.uvicorn, "run", lambda app, **options: None)
    monkeypatch.setattr(cli, "start_demo_registers", lambda *args: "http://127.0.0.1:9999")
    monkeypatch.setattr(os, "environ", dict(os.environ))
    monkeypatch.setattr(cli, "setup_logs", lambda settings: None)
    settings = load_settings(CONFIG / "demo.toml", env={})

    assert cli.serve(settings, workers=2) == STARTUP_FAILURE
    assert "a worker could not start" in capsys.readouterr().err


def test_a_worker_that_cannot_build_the_app_exits_as_a_startup_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = load_settings(CONFIG / "demo.toml", env={}).with_workers(2)
    env = worker_environment(settings, today_in_amsterdam, "http://127.0.0.1:9999")
    monkeypatch.setattr(os, "environ", {**os.environ, **env})
    monkeypatch.setattr(asgi, "setup_logs", lambda settings: None)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("kapot")

    monkeypatch.setattr(facade.app, "create_app", broken)
    with pytest.raises(SystemExit) as exited:
        asgi.create_worker_app()
    # Not 1: uvicorn's supervisor would start the same failing worker again, without end.
    assert exited.value.code == STARTUP_FAILURE
