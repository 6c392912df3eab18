"""The loopback server helper: free port, real HTTP, no access log."""

from __future__ import annotations

import logging

import httpx
import pytest

from klantbeeld_demo.registers import BSN_HOOFDPERSOON, serve_registers


@pytest.mark.asyncio
async def test_serves_real_http_on_a_free_port_and_links_to_itself(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    async with serve_registers() as base_url:
        assert base_url.startswith("http://127.0.0.1:") and not base_url.endswith(":0")
        async with httpx.AsyncClient(base_url=base_url) as client:
            response = await client.post(
                "/haalcentraal/api/brp/personen",
                json={
                    "type": "RaadpleegMetBurgerservicenummer",
                    "burgerservicenummer": [BSN_HOOFDPERSOON],
                    "fields": ["naam.voornamen"],
                },
            )
            zaken = await client.get(
                "/zaken/api/v1/zaken",
                params={
                    "rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn": BSN_HOOFDPERSOON
                },
            )
    assert response.status_code == 200
    assert response.json()["personen"][0]["naam"]["voornamen"] == "Saskia Johanna"
    assert zaken.status_code == 403  # no token: the register is really checking
    # Only the server side is under test: httpx itself logs client URLs at INFO.
    server_side = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    assert all(BSN_HOOFDPERSOON not in r.getMessage() for r in server_side)


@pytest.mark.asyncio
async def test_absolute_urls_use_the_bound_host_and_port() -> None:
    async with serve_registers() as base_url, httpx.AsyncClient(base_url=base_url) as client:
        response = await client.get("/zaken/api/v1/zaken", headers={"Accept-Crs": "EPSG:4326"})
    # No token → 403; the Fout body still names our host, proving per-request rendering.
    assert response.json()["type"].startswith(base_url)
