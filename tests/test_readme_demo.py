"""The README's demo, run as a newcomer would: start the service, get a token, ask."""

from __future__ import annotations

import signal
from pathlib import Path

import httpx

from klantbeeld_demo.registers import BSN_HOOFDPERSOON
from tests.demo_service import demo_service


def test_the_demo_answers_a_klantbeeld_with_a_demo_token(tmp_path: Path) -> None:
    with demo_service(tmp_path) as service:
        response = httpx.post(
            f"{service.base}/api/v1/klantbeeld",
            json={"burgerservicenummer": BSN_HOOFDPERSOON},
            headers={
                "Authorization": f"Bearer {service.token()}",
                "X-Doelbinding": "kcc-algemene-vraag",
            },
            timeout=10,
        )
        assert response.status_code == 200, response.text
        view = response.json()
        assert view["klant"]["naam"]["volledigeNaam"] == "Saskia Johanna van den Berg"
        assert view["zaken"] and view["contactmomenten"]
        statuses = {b["bron"]: b["status"] for b in view["bronnen"]}
        assert all(status in ("ok", "niet-gevraagd") for status in statuses.values())
        assert statuses["brp"] == statuses["openklant2-klantinteracties"] == "ok"
        output = service.stop()
    # uvicorn finishes in-flight requests, then re-raises SIGTERM as its exit status.
    assert service.process.returncode in (0, -signal.SIGTERM)
    assert "Finished server process" in output
    # Nothing the demo printed names the person looked up.
    assert BSN_HOOFDPERSOON not in output
    # And the lookup was recorded, as a pseudonym, in the protocollering file.
    records = (tmp_path / "var" / "protocollering.jsonl").read_text(encoding="utf-8")
    assert '"dpl.core.data_subject_id"' in records
    assert BSN_HOOFDPERSOON not in records
