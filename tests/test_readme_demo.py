"""The README's demo, run as a newcomer would: start the service, get a token, ask."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from facade.demo import BSN_HOOFDPERSOON

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def demo_service(tmp_path: Path) -> Iterator[tuple[str, Path, subprocess.Popen[str]]]:
    # The demo configuration as shipped, with free ports instead of 8080/8181
    # so the test can run beside a developer's own demo.
    config = tmp_path / "config"
    shutil.copytree(ROOT / "config", config)
    demo = config / "demo.toml"
    demo.write_text(
        demo.read_text(encoding="utf-8").replace("registers_port = 8181", "registers_port = 0"),
        encoding="utf-8",
    )
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "facade.cli", "--config", str(demo), "serve", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=0.5).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            output = process.communicate(timeout=5)[0] if process.poll() is not None else ""
            pytest.fail(f"the demo did not start:\n{output}")
        time.sleep(0.1)
    yield base, demo, process
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)


def test_the_demo_answers_a_klantbeeld_with_a_demo_token(
    demo_service: tuple[str, Path, subprocess.Popen[str]],
) -> None:
    base, demo, process = demo_service
    token = subprocess.run(
        [sys.executable, "-m", "facade.cli", "--config", str(demo), "demo-token"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    response = httpx.post(
        f"{base}/api/v1/klantbeeld",
        json={"burgerservicenummer": BSN_HOOFDPERSOON},
        headers={"Authorization": f"Bearer {token}", "X-Doelbinding": "kcc-algemene-vraag"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    view = response.json()
    assert view["klant"]["naam"]["volledigeNaam"] == "Saskia Johanna van den Berg"
    assert view["zaken"] and view["contactmomenten"]
    assert {b["status"] for b in view["bronnen"]} == {"ok"}

    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=10)
    # uvicorn finishes in-flight requests, then re-raises SIGTERM as its exit status.
    assert process.returncode in (0, -signal.SIGTERM)
    assert "Finished server process" in output
    # Nothing the demo printed names the person looked up.
    assert BSN_HOOFDPERSOON not in output
