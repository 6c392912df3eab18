"""The outermost layer: an escaped exception becomes a 500 problem, logged by type only."""

from __future__ import annotations

import logging

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route

from facade.app import _unexpected_handler
from facade.middleware import ApiHeaders, ErrorShield


async def explode(request: Request) -> None:
    raise ValueError("persoon 999993653 kon niet")


def app() -> ErrorShield:
    # Wrapped exactly as create_app wraps the façade, with its 500 handler.
    inner = Starlette(
        routes=[Route("/boem", explode)],
        exception_handlers={Exception: _unexpected_handler},
    )
    return ErrorShield(ApiHeaders(inner))


async def test_an_escaped_exception_is_a_500_problem_without_its_message(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    transport = httpx.ASGITransport(app=app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get("/boem")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["api-version"] == "1.1.0"
    assert response.json()["code"] == "interne-fout"
    assert "999993653" not in response.text
    assert "999993653" not in caplog.text
    assert "Traceback" not in caplog.text
    assert any(getattr(r, "error", None) == "ValueError" for r in caplog.records)


async def test_the_exception_does_not_escape_to_the_server() -> None:
    # ASGITransport re-raises what the app raises: nothing may reach uvicorn.
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app()), base_url="http://t"
    ) as client:
        response = await client.get("/boem")
    assert response.status_code == 500
