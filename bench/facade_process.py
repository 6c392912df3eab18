"""The façade as it is deployed, in a process of its own, on the simulated registers.

The configuration is config/demo.toml with only what a benchmark must change:
the embedded demo registers off, every register URL pointing at the upstream
process, the protocollering file sink (fsync'ed, on) writing into a temporary
directory, log level WARNING, and the policies replaced by one bench doel that
sees every zaak and contact field and filters no record (bench/scenario.py).
The façade is started with its own command line, `python -m facade.cli
--config … serve --port …` (uvicorn, one worker), and is ready when /readyz
answers 200.

BENCH_FACADE_CHECKOUT=/path/to/checkout runs that checkout's façade (with its
own .venv) instead: a before/after comparison on the same everything else.

Profiling: BENCH_FACADE_CPROFILE=/path/out.prof runs the façade under cProfile
(written when the façade stops); BENCH_FACADE_PYSPY=/path/out.svg or .txt
records it with py-spy (if installed). The benchmark starts one façade per
cell; each gets its own file, numbered in order (out-1.prof, out-2.prof, …).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.scenario import CONFIG, DEMO_KEYS, DOEL_ID, DOEL_TOML, ROOT, TOEGANG_TOML

READY_TIMEOUT_SECONDS = 30
UNSERVED_REGISTERS = {"zaaksysteem2", "zaaksysteem2-catalogi", "openklant2-klantinteracties"}


def _register_name(block: str) -> str | None:
    found = re.search(r'(?m)^naam = "([^"]*)"$', block)
    return found.group(1) if found else None


def write_config(directory: Path, upstream_url: str, max_connections: int | None = None) -> Path:
    """A copy of config/demo.toml pointed at the upstream process; returns its path."""
    # The façade's own configuration: that of BENCH_FACADE_CHECKOUT when it is set.
    checkout = os.environ.get("BENCH_FACADE_CHECKOUT")
    config = Path(checkout) / "config" if checkout else CONFIG
    text = (config / "demo.toml").read_text(encoding="utf-8")
    substitutions = [
        (r"(?m)^registers = true$", "registers = false"),
        (r"\{demo_registers\}", upstream_url),
        (
            r'(?m)^public_key_file = "[^"]*"$',
            f'public_key_file = "{DEMO_KEYS.public_file}"',
        ),
        (r'(?m)^keys = "[^"]*"$', f'keys = "{DEMO_KEYS.public_file.parent}"'),
        (r'(?m)^sink = "[^"]*"$', 'sink = "file"'),
        (r'(?m)^file = "[^"]*"$', f'file = "{directory / "protocollering.jsonl"}"'),
        (r'(?m)^log_level = "[^"]*"$', 'log_level = "WARNING"'),
        (r'(?m)^doelen = "[^"]*"$', 'doelen = "doelen"'),
        (r'(?m)^toegang = "[^"]*"$', 'toegang = "toegang.toml"'),
    ]
    for pattern, replacement in substitutions:
        text, count = re.subn(pattern, replacement.replace("\\", "\\\\"), text)
        # `keys` (the demo key directory) is younger than some checkouts compared against.
        if count == 0 and not pattern.startswith("(?m)^keys"):
            raise SystemExit(f"config/demo.toml changed shape: no match for {pattern!r}")
    # Only the registers the simulated upstreams serve and the bench doel asks:
    # a second zaaksysteem or Klantinteracties would add calls the reference does not make.
    blocks = text.split("[[registers]]\n")
    text = "[[registers]]\n".join(
        [blocks[0], *(b for b in blocks[1:] if _register_name(b) not in UNSERVED_REGISTERS)]
    )
    if max_connections is not None:
        # Keys of a [[registers]] entry go before its [registers.auth] subtable.
        text = text.replace(
            "[[registers]]\n", f"[[registers]]\nmax_connections = {max_connections}\n"
        )
    doelen = directory / "doelen"
    doelen.mkdir(exist_ok=True)
    (doelen / f"{DOEL_ID}.toml").write_text(DOEL_TOML, encoding="utf-8")
    (directory / "toegang.toml").write_text(TOEGANG_TOML, encoding="utf-8")
    path = directory / "bench.toml"
    path.write_text(text, encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _numbered(path: str | None) -> str | None:
    """One profile per façade process: out.prof → out-3.prof for the third."""
    if not path:
        return None
    stem, dot, ext = path.rpartition(".")
    return f"{stem}-{FacadeProcess.started}.{ext}" if dot else f"{path}-{FacadeProcess.started}"


class FacadeProcess:
    started = 0  # façade processes started by this run (numbers the profiles)

    def __init__(
        self,
        directory: Path,
        upstream_url: str,
        cpu: int | None,
        max_connections: int | None = None,
    ) -> None:
        self.directory = directory
        self.config = write_config(directory, upstream_url, max_connections)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.cpu = cpu
        self.process: subprocess.Popen[bytes] | None = None
        self.pyspy: subprocess.Popen[bytes] | None = None
        self.log = directory / "facade.log"

    def start(self) -> FacadeProcess:
        FacadeProcess.started += 1
        # BENCH_FACADE_CHECKOUT: the façade of another checkout (its own .venv), e.g.
        # an earlier commit, on the same upstreams, driver and reference.
        checkout = os.environ.get("BENCH_FACADE_CHECKOUT")
        root = Path(checkout) if checkout else ROOT
        command = [str(root / ".venv" / "bin" / "python") if checkout else sys.executable]
        profile_out = _numbered(os.environ.get("BENCH_FACADE_CPROFILE"))
        if profile_out:
            command += ["-m", "cProfile", "-o", profile_out]
        command += ["-m", "facade.cli", "--config", str(self.config), "serve"]
        command += ["--host", "127.0.0.1", "--port", str(self.port)]
        cpu = self.cpu
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=root,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=(lambda: os.sched_setaffinity(0, {cpu})) if cpu is not None else None,
            )
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the façade stopped at start-up:\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/readyz", timeout=1) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        else:
            self.stop()
            raise SystemExit(f"the façade was not ready in time:\n{self.log.read_text()}")
        self._start_pyspy()
        return self

    def _start_pyspy(self) -> None:
        out = _numbered(os.environ.get("BENCH_FACADE_PYSPY"))
        if not out or self.process is None:
            return
        pyspy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        if not Path(pyspy).exists():
            print("BENCH_FACADE_PYSPY set but py-spy is not installed", file=sys.stderr)
            return
        fmt = "raw" if out.endswith(".txt") else "flamegraph"
        self.pyspy = subprocess.Popen(
            [pyspy, "record", "--pid", str(self.process.pid), "--format", fmt, "-o", out],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def stop(self) -> None:
        if self.pyspy is not None and self.pyspy.poll() is None:
            self.pyspy.send_signal(signal.SIGINT)
            try:
                self.pyspy.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.pyspy.kill()
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)

    def __enter__(self) -> FacadeProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
