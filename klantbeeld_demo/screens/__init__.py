"""The demo's screens: pages a person looks at, served by the façade in demo mode only.

`klantbeeld serve` with a demo configuration mounts `screen_routes(...)` through
`create_app(screens=...)`; a productie configuration refuses them. Each page is a
module of its own with its `routes(context)`; the files they serve (plain HTML, CSS
and JavaScript, no build step, nothing fetched from the internet) are in `static/`.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.routing import BaseRoute

from facade.settings import Settings


@dataclass(frozen=True)
class ScreenContext:
    """What the pages need beyond the request: the façade's settings (demo key
    material, doelen) and where the demo registers run (their fault and latency
    switches), None when the configuration names external registers."""

    settings: Settings
    registers_url: str | None = None


def screen_routes(context: ScreenContext) -> list[BaseRoute]:
    # Imported here: each page module imports this package for ScreenContext.
    from klantbeeld_demo.screens import docs, doelen, index, kcc, token

    return [
        *index.routes(context),
        *token.routes(context),
        *kcc.routes(context),
        *doelen.routes(context),
        *docs.routes(context),
    ]
