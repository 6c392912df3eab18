"""Fixtures shared by every test folder."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
import pytest_asyncio

from facade.settings import Settings
from tests.harness import Facade, demo_settings, make_facade


@pytest_asyncio.fixture
async def facade() -> AsyncIterator[Facade]:
    async for f in make_facade(demo_settings()):
        yield f


@pytest.fixture
def settings_factory() -> Callable[..., Settings]:
    return demo_settings
