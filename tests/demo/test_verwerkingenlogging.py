"""The simulated VNG Verwerkingenlogging: write API and inzage API, as their specs say."""

from __future__ import annotations

from typing import Any

import httpx
from starlette.applications import Starlette

from tests.demo.conftest import zgw_headers

BASE = "/verwerkingenlogging/api/v1"
SUBJECT = {
    "objecttype": "persoon",
    "soortObjectId": "BSN-pseudoniem:demo-2026",
    "objectId": "ab" * 16,
}
PERIOD = {"beginDatum": "2025-07-01", "eindDatum": "2025-07-02"}


def actie(tijdstip: str = "2025-07-01T10:00:00.000Z", **changes: Any) -> dict[str, Any]:
    body = {
        "actieNaam": "Klantbeeld opvragen",
        "handelingNaam": "Klantcontactcentrum (KCC)",
        "verwerkingNaam": "KCC: algemene vraag van een inwoner",
        "verwerkingsactiviteitId": "8f3a2c1e-4b6d-4e0a-9c7f-1d2e3f4a5b6c",
        "vertrouwelijkheid": "normaal",
        "bewaartermijn": "P20Y",
        "uitvoerder": "00000001234567890000",
        "systeem": "klantbeeld-facade",
        "gebruiker": "kcc-medewerker-1",
        "tijdstip": tijdstip,
        "verwerkteObjecten": [{**SUBJECT, "verwerkteSoortenGegevens": [{"soortGegeven": "zaken"}]}],
    }
    body.update(changes)
    return body


async def test_a_verwerkingsactie_is_created_with_the_server_set_fields(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    response = await client.post(f"{BASE}/verwerkingsacties", json=actie())

    assert response.status_code == 201
    created = response.json()
    assert created["url"].endswith(f"/verwerkingsacties/{created['actieId']}")
    assert response.headers["Location"] == created["url"]
    assert created["tijdstipRegistratie"].endswith("Z")
    assert response.headers["API-version"] == "0.9.0"
    assert app.state.verwerkingsacties[-1]["actieId"] == created["actieId"]


async def test_without_a_valid_zgw_jwt_the_register_is_403(client: httpx.AsyncClient) -> None:
    anonymous = await client.post(
        f"{BASE}/verwerkingsacties", json=actie(), headers={"Authorization": ""}
    )
    wrong = await client.get(
        f"{BASE}/verwerkte-objecten",
        params={**SUBJECT, **PERIOD},
        headers=zgw_headers(client_id="onbekend"),
    )
    assert (anonymous.status_code, wrong.status_code) == (403, 403)


async def test_opgeheven_is_never_allowed(client: httpx.AsyncClient) -> None:
    response = await client.post(
        f"{BASE}/verwerkingsacties", json=actie(vertrouwelijkheid="opgeheven")
    )
    assert response.status_code == 403


async def test_the_inzage_needs_every_required_parameter(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{BASE}/verwerkte-objecten", params={"objecttype": "persoon"})

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    missing = {p["name"] for p in response.json()["invalidParams"]}
    assert missing == {"soortObjectId", "objectId", "beginDatum", "eindDatum"}


async def test_the_inzage_finds_the_object_in_the_period_without_systeem_or_gebruiker(
    client: httpx.AsyncClient,
) -> None:
    await client.post(f"{BASE}/verwerkingsacties", json=actie("2025-07-01T10:00:00.000Z"))
    await client.post(f"{BASE}/verwerkingsacties", json=actie("2025-07-02T10:00:00.000Z"))
    other = {**SUBJECT, "objectId": "cd" * 16}
    await client.post(f"{BASE}/verwerkingsacties", json=actie(verwerkteObjecten=[other]))

    response = await client.get(f"{BASE}/verwerkte-objecten", params={**SUBJECT, **PERIOD})

    assert response.status_code == 200
    page = response.json()
    assert (page["count"], page["next"], page["previous"]) == (1, None, None)
    [found] = page["results"]
    assert found["objectId"] == SUBJECT["objectId"]
    assert found["verwerkteSoortenGegevens"] == [{"soortGegeven": "zaken"}]
    assert found["url"].endswith(f"/verwerkte-objecten/{found['verwerktObjectId']}")
    verwerkingsactie = found["verwerkingsactie"]
    assert verwerkingsactie["handelingNaam"] == "Klantcontactcentrum (KCC)"
    assert verwerkingsactie["tijdstip"] == "2025-07-01T10:00:00.000Z"
    assert not {"systeem", "gebruiker", "gegevensbron", "verwerkteObjecten"} & set(verwerkingsactie)


async def test_the_inzage_is_paged_with_absolute_next_links(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    app.state.verwerkingenlogging_page_size["size"] = 2
    for hour in range(5):
        await client.post(f"{BASE}/verwerkingsacties", json=actie(f"2025-07-01T1{hour}:00:00.000Z"))

    first = (await client.get(f"{BASE}/verwerkte-objecten", params={**SUBJECT, **PERIOD})).json()
    second = (await client.get(first["next"])).json()
    last = (await client.get(second["next"])).json()

    assert first["count"] == 5
    assert first["next"].startswith("http://registers/verwerkingenlogging/api/v1/")
    assert [len(p["results"]) for p in (first, second, last)] == [2, 2, 1]
    assert last["next"] is None and last["previous"] is not None
