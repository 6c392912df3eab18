"""NL API Design Rules (Logius ADR 2.x) for the façade's own API, checked on real responses."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest

from klantbeeld_demo.registers import BSN_HOOFDPERSOON
from tests.harness import Facade, caller_token, demo_settings, make_facade

ERROR_PATHS = [
    ("POST", "/api/v1/klantbeeld", {}, 401),  # no token
    ("GET", "/api/v1/klantbeeld", {}, 405),
    ("GET", "/api/v1/onbekend", {}, 404),
    ("POST", "/api/v1/klantbeeld/", {}, 404),  # trailing slash: 404, no redirect
    ("GET", "/api/v1/doelen/onbekend", {"Authorization": "auth"}, 404),
    ("GET", "/api/v1/doelen", {}, 401),
]


async def test_every_response_carries_api_version_and_the_security_headers(
    facade: Facade,
) -> None:
    responses = [
        await facade.klantbeeld(BSN_HOOFDPERSOON),
        await facade.client.get("/healthz"),
        await facade.client.get("/readyz"),
        await facade.client.get("/api/v1/onbekend"),
    ]
    for response in responses:
        assert response.headers["api-version"] == "1.1.0"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["cache-control"] == "no-store"
        assert "strict-transport-security" not in response.headers  # plain http here


@pytest.mark.parametrize(("method", "path", "headers", "status"), ERROR_PATHS)
async def test_every_reachable_error_is_problem_json(
    facade: Facade, method: str, path: str, headers: dict[str, str], status: int
) -> None:
    if headers.get("Authorization") == "auth":
        headers = {"Authorization": f"Bearer {caller_token()}"}
    response = await facade.client.request(method, path, headers=headers, json={})
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"] and body["type"]
    assert "location" not in response.headers


async def test_hsts_is_sent_when_the_request_came_over_tls() -> None:
    async for facade in make_facade(demo_settings()):
        transport = facade.client._transport  # the app, reached as https
        async with httpx.AsyncClient(transport=transport, base_url="https://facade") as client:
            response = await client.get("/healthz")
        assert response.headers["strict-transport-security"].startswith("max-age=")


async def test_a_token_in_the_url_is_refused(facade: Facade) -> None:
    response = await facade.client.post(
        f"/api/v1/klantbeeld?access_token={caller_token()}",
        json={"burgerservicenummer": BSN_HOOFDPERSOON},
        headers={"X-Doelbinding": "kcc-algemene-vraag"},
    )
    assert response.status_code == 401
    assert "Authorization-header" in response.json()["detail"]
    assert facade.sink.batches == []


async def test_times_are_rfc3339_in_utc(facade: Facade) -> None:
    view = (await facade.klantbeeld(BSN_HOOFDPERSOON)).json()
    assert view["verwerking"]["tijdstip"].endswith("Z")
    records = facade.sink.records()
    assert all(r["start_time"].endswith("Z") for r in records)


async def test_cors_allows_only_the_configured_origins() -> None:
    settings = demo_settings()
    settings = replace(
        settings, server=replace(settings.server, cors_origins=("https://kcc.example.nl",))
    )
    async for facade in make_facade(settings):
        preflight = {
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,x-doelbinding,content-type",
        }
        allowed = await facade.client.options(
            "/api/v1/klantbeeld", headers={"Origin": "https://kcc.example.nl", **preflight}
        )
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == "https://kcc.example.nl"
        refused = await facade.client.options(
            "/api/v1/klantbeeld", headers={"Origin": "https://elders.example", **preflight}
        )
        assert "access-control-allow-origin" not in refused.headers


async def test_without_configured_origins_no_cors_headers_are_sent(facade: Facade) -> None:
    response = await facade.client.get("/healthz", headers={"Origin": "https://kcc.example.nl"})
    assert "access-control-allow-origin" not in response.headers
