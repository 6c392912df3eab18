"""`/api/v1/docs`: the façade's OpenAPI document in Swagger UI, demo mode only.

Swagger UI is vendored from npm `swagger-ui-dist` (static/swagger-ui/, with its
licence and notice; the version is in static/swagger-ui/VENDORED). The page is ours:
it loads the vendored files and our start script from the façade's own paths, and
Swagger UI reads `/api/v1/openapi.json` from the same origin. Nothing comes from
elsewhere, which the page's Content-Security-Policy enforces as well.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from klantbeeld_demo.screens import ScreenContext
from klantbeeld_demo.screens.pages import asset, page

DOCS_PATH = "/api/v1/docs"

# What the page loads, under DOCS_PATH/<name>: an explicit list, so no other file of
# the package (nor a path outside it) can be asked for.
ASSETS = {
    "swagger-ui.css": "swagger-ui/swagger-ui.css",
    "swagger-ui-bundle.js": "swagger-ui/swagger-ui-bundle.js",
    "docs.js": "docs.js",
}


async def docs_page(request: Request) -> Response:
    return page("docs.html")


def _asset_route(name: str, source: str) -> Route:
    async def serve(request: Request) -> Response:
        return asset(source)

    return Route(f"{DOCS_PATH}/{name}", serve, methods=["GET"], name=f"docs-{name}")


def routes(context: ScreenContext) -> list[BaseRoute]:
    return [
        Route(DOCS_PATH, docs_page, methods=["GET"], name="docs"),
        *(_asset_route(name, source) for name, source in ASSETS.items()),
    ]
