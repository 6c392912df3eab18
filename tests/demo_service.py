"""The demo as a newcomer runs it: `klantbeeld serve` in a process of its own, on free ports."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class DemoService:
    base: str
    config: Path
    process: subprocess.Popen[str]

    def token(self, *args: str) -> str:
        return subprocess.run(
            [sys.executable, "-m", "facade.cli", "--config", str(self.config), "demo-token", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    def stop(self) -> str:
        """SIGTERM, as a container platform does; returns everything the process printed."""
        self.process.send_signal(signal.SIGTERM)
        output, _ = self.process.communicate(timeout=20)
        return output


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def demo_service(
    tmp_path: Path, demo_extra: str = "", serve_args: Sequence[str] = ()
) -> Iterator[DemoService]:
    """config/ as shipped, with free ports (and `demo_extra` lines under [demo]);
    `serve_args` go to `klantbeeld serve`."""
    config = tmp_path / "config"
    shutil.copytree(ROOT / "config", config)
    demo = config / "demo.toml"
    text = demo.read_text(encoding="utf-8").replace(
        "registers_port = 8181", "registers_port = 0\n" + demo_extra
    )
    demo.write_text(text, encoding="utf-8")
    port = free_port()
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "facade.cli", "--config", str(demo)),
            *("serve", "--port", str(port), *serve_args),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    service = DemoService(f"http://127.0.0.1:{port}", demo, process)
    deadline = time.monotonic() + 20
    while True:
        try:
            if httpx.get(f"{service.base}/readyz", timeout=0.5).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"the demo did not start:\n{process.communicate()[0]}")
        time.sleep(0.1)
    try:
        yield service
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
