"""`/demo/kcc`: the KCC agent's screen. Pick a demo person and a doel and watch the
klantbeeld arrive section by section from the SSE stream of `POST /api/v1/klantbeeld`,
with a timing strip drawn from `bronnen` and a switch per register (normaal / traag /
fout) that sets the demo registers' own fault and latency machinery.

The page is static (static/kcc.*); its data comes from the façade's own API, a demo
token from `/demo/token`, and the persons from `/demo/kcc/personen` (the BSN travels
in JSON bodies only, never in a URL).
"""

from __future__ import annotations

import json

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from facade.problems import Problem, bad_request, invalid
from klantbeeld_demo.registers.control import STORINGEN
from klantbeeld_demo.screens import ScreenContext
from klantbeeld_demo.screens.doelen import ALIASES, person_names
from klantbeeld_demo.screens.pages import asset, page
from klantbeeld_demo.screens.token import from_loopback
from klantbeeld_demo.testkit.config import register_aliases

ASSETS = ("kcc.js", "kcc.css")


def _asset_route(name: str) -> Route:
    async def serve(request: Request) -> Response:
        return asset(name)

    return Route(f"/demo/kcc/{name}", serve, methods=["GET"])


def routes(context: ScreenContext) -> list[BaseRoute]:
    demo_register = register_aliases(context.settings)  # façade register naam → demo register

    async def screen(request: Request) -> Response:
        return page("kcc.html")

    async def personen(request: Request) -> Response:
        names = person_names()
        return JSONResponse(
            [
                {"alias": alias, "naam": names[alias], "burgerservicenummer": bsn}
                for alias, bsn in ALIASES.items()
            ],
            headers={"Cache-Control": "no-store"},
        )

    async def registers(request: Request) -> Response:
        return JSONResponse(sorted(demo_register) if context.registers_url else [])

    async def storing(request: Request) -> Response:
        from_loopback(request)
        bron = request.path_params["bron"]
        if bron not in demo_register or context.registers_url is None:
            raise Problem(404, "niet-gevonden", "Niet gevonden.", "Geen demoregister met die naam.")
        try:
            body = json.loads(await request.body())
        except ValueError:
            body = None
        if not isinstance(body, dict) or body.get("storing") not in STORINGEN:
            raise bad_request([invalid("storing", "onbekend", "Kies traag, fout of geen.")])
        async with httpx.AsyncClient(timeout=5) as client:
            answer = await client.put(
                f"{context.registers_url}/_demo/storingen/{demo_register[bron]}",
                json={"storing": body["storing"], "seconden": body.get("seconden", 3)},
            )
        if answer.status_code != 200:
            raise Problem(
                502, "storing-niet-ingesteld", "Storing niet ingesteld.",
                "Het demoregister nam de storing niet aan.",
            )  # fmt: skip
        return JSONResponse({"bron": bron, "storing": body["storing"]})

    return [
        Route("/demo/kcc", screen, methods=["GET"], name="kcc"),
        Route("/demo/kcc/personen", personen, methods=["GET"]),
        Route("/demo/kcc/registers", registers, methods=["GET"]),
        Route("/demo/storingen/{bron}", storing, methods=["PUT"]),
        *(_asset_route(name) for name in ASSETS),
    ]
