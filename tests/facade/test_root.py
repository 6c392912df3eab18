"""`GET /` and `/api/v1/docs` outside the demo: the façade's own small JSON, and no docs."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from facade.app import create_app
from facade.problems import API_VERSION
from facade.protocollering.setup import build_trail
from facade.routes import ROOT_LINKS
from facade.settings import SettingsError, load_settings
from tests.harness import CONFIG, MemorySink, demo_settings

PRODUCTIE_ENV = {
    "KLANTBEELD_BRP_API_KEY": "brp-sleutel-van-de-gateway",
    "KLANTBEELD_OPENZAAK_SECRET": "z" * 40,
    "KLANTBEELD_OPENKLANT_SECRET": "k" * 40,
    "KLANTBEELD_KVK_API_KEY": "k" * 40,
    "KLANTBEELD_OBJECTEN_TOKEN": "k" * 40,
    "KLANTBEELD_PSEUDONYM_KEY": "p" * 40,
}


def _productie() -> httpx.AsyncClient:
    settings = load_settings(CONFIG / "productie.example.toml", env=PRODUCTIE_ENV)
    assert settings.mode == "productie"
    app = create_app(settings, trail=build_trail(settings, MemorySink()))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://facade")


async def test_productie_answers_root_with_links_to_what_exists() -> None:
    async with _productie() as client:
        root = await client.get("/")
        assert root.status_code == 200
        assert root.headers["content-type"] == "application/json"
        body = root.json()
        assert body["naam"] == "Klantbeeld-façade" and body["apiVersion"] == API_VERSION
        links = {name: link["href"] for name, link in body["_links"].items()}
        assert links == {"self": "/", **ROOT_LINKS}
        # Each link is a path of this façade: the public ones answer, the others want
        # a token (doelen) or a POST (klantbeeld), but exist. Not /readyz: it would
        # fetch the example's JWKS from a host that is not there.
        followed = {name: href for name, href in links.items() if name != "gereedheid"}
        statuses = {name: (await client.get(href)).status_code for name, href in followed.items()}
        assert statuses == {
            "self": 200,
            "openapi": 200,
            "klantbeeld": 405,
            "doelen": 401,
            "mijnVerwerkingen": 401,
            "gezondheid": 200,
        }


@pytest.mark.parametrize("path", ["/api/v1/docs", "/api/v1/docs/swagger-ui-bundle.js"])
async def test_productie_has_no_api_docs_page(path: str) -> None:
    async with _productie() as client:
        response = await client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "niet-gevonden"


def test_productie_refuses_the_demo_screens() -> None:
    from klantbeeld_demo.screens import ScreenContext, screen_routes

    settings = load_settings(CONFIG / "productie.example.toml", env=PRODUCTIE_ENV)
    with pytest.raises(SettingsError):
        create_app(settings, screens=screen_routes(ScreenContext(settings)))


async def test_a_demo_without_its_screens_answers_root_as_productie_does() -> None:
    """The screens replace `/` only where they are mounted (`klantbeeld serve`)."""
    app = create_app(demo_settings(), trail=build_trail(demo_settings(), MemorySink()))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://facade") as client:
        root = await client.get("/")
    assert root.headers["content-type"] == "application/json"
    assert root.json()["_links"]["openapi"] == {"href": "/api/v1/openapi.json"}


async def test_with_the_demo_screens_root_is_the_index_page(tmp_path: Path) -> None:
    from klantbeeld_demo.screens import ScreenContext, screen_routes

    settings = demo_settings()
    app = create_app(
        settings,
        trail=build_trail(settings, MemorySink()),
        screens=screen_routes(ScreenContext(settings)),
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://facade") as client:
        root = await client.get("/")
        docs = await client.get("/api/v1/docs")
        api = await client.get("/healthz")
    assert root.status_code == docs.status_code == 200
    assert root.headers["content-type"].startswith("text/html")
    assert 'href="/api/v1/docs"' in root.text
    # The API keeps its own headers: the pages' policy is on the pages alone.
    assert api.headers.get_list("content-security-policy") == ["frame-ancestors 'none'"]
    assert len(docs.headers.get_list("content-security-policy")) == 2
