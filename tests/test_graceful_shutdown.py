"""SIGTERM: admitted klantbeelden finish, new connections are refused, then the process exits."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx

from klantbeeld_demo.registers import BSN_HOOFDPERSOON
from tests.demo_service import demo_service


def test_sigterm_lets_the_admitted_klantbeeld_finish_and_refuses_new_ones(
    tmp_path: Path,
) -> None:
    with demo_service(tmp_path, 'latency = { "brp.personen" = 1.0 }') as service:
        token = service.token()
        answers: list[httpx.Response] = []

        def ask() -> None:
            answers.append(
                httpx.post(
                    f"{service.base}/api/v1/klantbeeld",
                    json={"burgerservicenummer": BSN_HOOFDPERSOON},
                    headers={"Authorization": f"Bearer {token}", "X-Doelbinding": "kcc-zaakstatus"},
                    timeout=10,
                )
            )

        in_flight = threading.Thread(target=ask)
        in_flight.start()
        time.sleep(0.4)  # the request is now waiting for the (slow) BRP
        stopper = threading.Thread(target=service.stop)
        stopper.start()
        time.sleep(0.3)
        refused = False
        try:
            httpx.get(f"{service.base}/healthz", timeout=1)
        except httpx.TransportError:
            refused = True
        in_flight.join(timeout=10)
        stopper.join(timeout=20)
        assert refused, "a new connection was accepted during shutdown"
        assert answers and answers[0].status_code == 200
        assert answers[0].json()["klant"]["naam"]["volledigeNaam"]
        assert service.process.poll() is not None
