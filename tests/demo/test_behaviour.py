"""Latency and fault injection, for timeout and degradation tests of the façade."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest
from starlette.applications import Starlette

from klantbeeld_demo.registers import BSN_HOOFDPERSOON, ENDPOINT_NAMES, Fault
from tests.demo.conftest import zgw_headers
from tests.harness import demo_registers

KLANTEN = "/klanten/api/v1/klanten"
ZAKEN = "/zaken/api/v1/zaken"
CRS = {"Accept-Crs": "EPSG:4326"}


def test_documented_endpoint_names_are_the_real_ones(app: Starlette) -> None:
    assert set(app.state.endpoint_names) == set(ENDPOINT_NAMES)


def test_a_misspelt_latency_name_is_refused() -> None:
    with pytest.raises(ValueError, match=r"zaken\.lijst"):
        demo_registers(latency={"zaken.lijst": 0.1})


@pytest.mark.asyncio
async def test_latency_delays_only_the_named_endpoint() -> None:
    app = demo_registers(latency={"klanten.list": 0.2})
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://registers"
    ) as client:
        start = time.perf_counter()
        await client.get(KLANTEN)
        slow = time.perf_counter() - start
        start = time.perf_counter()
        await client.get("/contactmomenten/api/v1/klantcontactmomenten")
        fast = time.perf_counter() - start
    assert slow >= 0.2
    assert fast < 0.1


@pytest.mark.asyncio
async def test_latency_can_be_changed_at_run_time(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    app.state.latency["klanten.list"] = 0.15
    start = time.perf_counter()
    await client.get(KLANTEN)
    assert time.perf_counter() - start >= 0.15


@pytest.mark.asyncio
async def test_register_answers_503_until_cleared(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    app.state.faults.set("zaken", Fault.http_status(503))
    failed = await client.get(ZAKEN, headers=CRS)
    assert failed.status_code == 503
    assert failed.headers["content-type"].startswith("text/html")
    # Other registers are unaffected.
    assert (await client.get(KLANTEN)).status_code == 200
    app.state.faults.clear()
    assert (await client.get(ZAKEN, headers=CRS)).status_code == 200


@pytest.mark.asyncio
async def test_invalid_json_fault(app: Starlette, client: httpx.AsyncClient) -> None:
    with app.state.faults.injected("klanten.list", Fault.invalid_json()):
        response = await client.get(KLANTEN)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    with pytest.raises(json.JSONDecodeError):
        response.json()
    assert (await client.get(KLANTEN)).json()["count"] > 0


@pytest.mark.asyncio
async def test_server_error_fault_uses_the_registers_error_format(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    app.state.faults.set("zaken", Fault.server_error())
    app.state.faults.set("brp", Fault.server_error())
    zgw = await client.get(ZAKEN, headers=CRS)
    brp = await client.post("/haalcentraal/api/brp/personen", json={})
    assert (zgw.status_code, zgw.headers["content-type"]) == (500, "application/json")
    assert zgw.json()["status"] == 500
    assert (brp.status_code, brp.headers["content-type"]) == (500, "application/problem+json")


@pytest.mark.asyncio
async def test_endpoint_fault_wins_over_and_leaves_other_endpoints_alone(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    app.state.faults.set("klanten.list", Fault.http_status(502))
    assert (await client.get(KLANTEN)).status_code == 502
    assert (await client.get(f"{KLANTEN}/onbekend")).status_code == 404


@pytest.mark.asyncio
async def test_hanging_register_never_answers_until_cleared(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    app.state.faults.set("klanten", Fault.hang())
    request = asyncio.create_task(client.get(KLANTEN))
    done, _ = await asyncio.wait({request}, timeout=0.2)
    assert not done
    app.state.faults.clear("klanten")
    response = await asyncio.wait_for(request, timeout=1)
    assert response.status_code == 200


@pytest.mark.asyncio
async def test_expand_costs_its_per_zaak_latency_and_a_plain_list_does_not() -> None:
    app = demo_registers(latency={"zaken.list.expand_per_zaak": 0.05})
    params = {"rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn": BSN_HOOFDPERSOON}
    headers = {**CRS, **zgw_headers()}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://registers"
    ) as client:
        start = time.perf_counter()
        plain = await client.get(ZAKEN, params=params, headers=headers)
        plain_time = time.perf_counter() - start
        start = time.perf_counter()
        expanded = await client.get(ZAKEN, params={**params, "expand": "zaaktype"}, headers=headers)
        expanded_time = time.perf_counter() - start
    zaken = len(expanded.json()["results"])
    assert plain.status_code == expanded.status_code == 200
    assert expanded_time >= 0.05 * zaken
    assert plain_time < 0.05
