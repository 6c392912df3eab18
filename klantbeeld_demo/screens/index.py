"""`GET /` in demo mode: a page that says what the demo has and where.

In productie `/` is the façade's own small JSON with links (facade/routes.py); the
demo's route comes before it in the app, so in demo mode this page answers instead.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from klantbeeld_demo.screens import ScreenContext
from klantbeeld_demo.screens.pages import page

# What the page links to (tests/screens/test_index_page.py follows each of them).
LINKS = (
    "/demo/kcc",
    "/demo/doelen",
    "/api/v1/docs",
    "/api/v1/openapi.json",
    "/api/v1/doelen",
    "/healthz",
    "/readyz",
)


async def index_page(request: Request) -> Response:
    return page("index.html")


def routes(context: ScreenContext) -> list[BaseRoute]:
    return [Route("/", index_page, methods=["GET"], name="index")]
