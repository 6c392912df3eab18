"""The README's demo, run as a newcomer would: start the service, get a token, ask."""

from __future__ import annotations

import signal
from pathlib import Path

import httpx

from klantbeeld_demo.registers import BSN_HOOFDPERSOON
from tests.demo_service import DemoService, demo_service


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
        # And the lookup was recorded, in the demo's simulated Verwerkingenlogging: her
        # own inzage (README, "Wie heeft mijn gegevens bekeken") reads it back.
        verwerkingen = inzage(service, BSN_HOOFDPERSOON)
        assert [v["afnemer"] for v in verwerkingen] == ["Klantcontactcentrum (KCC)"]
        output = service.stop()
    # uvicorn finishes in-flight requests, then re-raises SIGTERM as its exit status.
    assert service.process.returncode in (0, -signal.SIGTERM)
    assert "Finished server process" in output
    # Nothing the demo printed names the person looked up.
    assert BSN_HOOFDPERSOON not in output
    # The demo writes no protocollering file: its records are in the simulated register.
    assert not (tmp_path / "var" / "protocollering.jsonl").exists()


def inzage(service: DemoService, bsn: str) -> list[dict]:
    """Her processings, as her zelfbediening token reads them, BSN-free; any period.

    Every period: the records carry the real time, the demo may be pinned (--today)."""
    token = service.token("--scope", "klantbeeld.zelfbediening", "--bsn", bsn, "--sub", "digid")
    response = httpx.get(
        f"{service.base}/api/v1/mijn-verwerkingen",
        params={"vanaf": "2000-01-01", "tot": "2999-12-31", "paginaGrootte": "100"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    assert bsn not in response.text
    return response.json()["verwerkingen"]


def test_the_readme_finds_her_three_ways_and_gets_her_klantbeeld_by_the_handle(
    tmp_path: Path,
) -> None:
    with demo_service(tmp_path, serve_args=("--today", "2026-11-23")) as service:
        token = service.token()
        headers = {"Authorization": f"Bearer {token}", "X-Doelbinding": "kcc-algemene-vraag"}

        def search(body: dict) -> list[dict]:
            response = httpx.post(
                f"{service.base}/api/v1/personen/zoeken", json=body, headers=headers, timeout=10
            )
            assert response.status_code == 200, response.text
            assert BSN_HOOFDPERSOON not in response.text
            return response.json()["kandidaten"]

        # As README.md, "Finding the caller", with the demo pinned to 2026-11-23.
        by_name = search(
            {"geslachtsnaam": "Berg", "voorvoegsel": "van den", "geboortedatum": "1984-10-03"}
        )
        by_address = search({"postcode": "1998AB", "huisnummer": 12, "huisletter": "A"})
        by_phone = search({"telefoonnummer": "+31 6 8700 1122"})
        saskia = "Saskia Johanna van den Berg"
        assert [k["naam"]["volledigeNaam"] for k in by_name] == [saskia]
        assert saskia in [k["naam"]["volledigeNaam"] for k in by_address]
        assert [k["naam"]["volledigeNaam"] for k in by_phone] == [saskia]

        for kandidaat in (by_name[0], by_phone[0]):
            response = httpx.post(
                f"{service.base}/api/v1/klantbeeld",
                json={"zoekresultaat": kandidaat["zoekresultaat"]},
                headers=headers,
                timeout=10,
            )
            assert response.status_code == 200, response.text
            assert response.json()["klant"]["naam"]["volledigeNaam"] == saskia
        # Each search that found her is a processing of her data too, as are the two
        # klantbeelden: five, all under the KCC doel (and no search values in them).
        verwerkingen = inzage(service, BSN_HOOFDPERSOON)
        assert len(verwerkingen) == 5
        assert {v["doel"]["naam"] for v in verwerkingen} == {"KCC: algemene vraag van een inwoner"}
        assert "1998AB" not in str(verwerkingen) and "8700" not in str(verwerkingen)
        output = service.stop()
    assert BSN_HOOFDPERSOON not in output and "8700" not in output and "1998AB" not in output


def test_serve_prints_where_the_demos_screens_are(tmp_path: Path) -> None:
    with demo_service(tmp_path) as service:
        # Printed before uvicorn serves, so in the pipe by the time /readyz answered.
        assert service.process.stdout is not None
        printed: dict[str, str] = {}
        lines: list[str] = []
        while "API-documentatie" not in printed:
            line = service.process.stdout.readline()
            assert line, "serve ended without printing the screens:\n" + "".join(lines)
            lines.append(line)
            label, _, url = line.strip().partition(": ")
            if url.startswith("http://"):
                printed[label] = url
        assert any(line.startswith("demo registers on") for line in lines)
        assert printed == {
            "Startpagina": f"{service.base}/",
            "KCC-scherm": f"{service.base}/demo/kcc",
            "Doelen vergelijken": f"{service.base}/demo/doelen",
            "API-documentatie": f"{service.base}/api/v1/docs",
        }
        # The start page and the API docs answer as printed (the KCC and doelen
        # screens are tested in tests/screens/ with their pages).
        for label in ("Startpagina", "API-documentatie"):
            response = httpx.get(printed[label], timeout=5)
            assert response.status_code == 200, label
            assert response.headers["content-type"].startswith("text/html"), label
        service.stop()
