"""(to be built: issue 16)"""

from __future__ import annotations

from starlette.routing import BaseRoute

from klantbeeld_demo.screens import ScreenContext


def routes(context: ScreenContext) -> list[BaseRoute]:
    return []
