"""Fixtures for the demo-register tests: an in-process app and a client that speaks to it."""

from __future__ import annotations

import time
import warnings
from collections.abc import AsyncIterator
from typing import Any

import httpx
import jwt
import pytest
import pytest_asyncio
from starlette.applications import Starlette

from klantbeeld_demo.registers import DEMO_ZGW_CLIENT_ID, DEMO_ZGW_SECRET
from tests.harness import demo_registers

BASE_URL = "http://registers"


def zgw_token(secret: str = DEMO_ZGW_SECRET, **claims: Any) -> str:
    """A ZGW JWT like the façade mints; keyword arguments override or (None) drop claims."""
    payload: dict[str, Any] = {
        "iss": DEMO_ZGW_CLIENT_ID,
        "iat": int(time.time()) - 5,
        "client_id": DEMO_ZGW_CLIENT_ID,
        "user_id": "test",
        "user_representation": "Test",
    }
    payload.update(claims)
    payload = {k: v for k, v in payload.items() if v is not None}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jwt.InsecureKeyLengthWarning)
        return jwt.encode(payload, secret, algorithm="HS256")


def zgw_headers(**claims: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {zgw_token(**claims)}"}


@pytest.fixture
def make_token() -> Any:
    """`make_token(**claims)`; a claim set to None is left out."""
    return zgw_token


@pytest.fixture
def app() -> Starlette:
    return demo_registers()


@pytest_asyncio.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=BASE_URL, headers=zgw_headers()
    ) as c:
        yield c
