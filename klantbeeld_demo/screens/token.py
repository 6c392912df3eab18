"""`POST /demo/token`: a short-lived caller token for the demo's pages, loopback only.

`{"doel": "kcc-algemene-vraag"}` → `{"token": "<RS256 JWT>"}` with what toegang.toml
grants for that doel, signed with the demo key material (as `klantbeeld demo-token`).
A zelfbediening doel also takes `burgerservicenummer`, the token's own BSN claim.
"""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from facade.problems import Problem, bad_request, forbidden, invalid
from klantbeeld_demo.registers.control import LOOPBACK
from klantbeeld_demo.screens import ScreenContext
from klantbeeld_demo.screens.doelen import demo_token


def from_loopback(request: Request) -> None:
    if request.client is None or request.client.host not in LOOPBACK:
        raise forbidden("De demopagina's geven alleen op deze machine een token uit.")


def routes(context: ScreenContext) -> list[BaseRoute]:
    async def token(request: Request) -> Response:
        from_loopback(request)
        try:
            body = json.loads(await request.body())
        except ValueError:
            body = None
        body = body if isinstance(body, dict) else {}
        policies = request.app.state.facade.policies
        doel = policies.doelen.get(body.get("doel")) if isinstance(body.get("doel"), str) else None
        if doel is None:
            raise bad_request([invalid("doel", "onbekend", "Geen doel van deze demo.")])
        bsn = body.get("burgerservicenummer")
        signed = demo_token(context.settings, policies, doel, bsn if isinstance(bsn, str) else "")
        if signed is None:
            raise Problem(
                409, "geen-toegangsregel", "Geen token.", "Geen toegangsregel voor dit doel."
            )
        return JSONResponse({"token": signed}, headers={"Cache-Control": "no-store"})

    return [Route("/demo/token", token, methods=["POST"], name="demo-token")]
