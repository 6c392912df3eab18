"""The façade's HTTP endpoints."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from connectors.context import CallContext
from facade.callers import Caller
from facade.problems import API_VERSION, Problem, unavailable
from facade.state import AppState
from facade.validation import KlantbeeldRequest, parse_request, read_body
from policies.access import allowed_doelen
from policies.describe import doel_details, doel_summary
from policies.plan import make_plan

_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$")
SELF_SERVICE_USER = "BurgerZelf"


class ViewResponse(JSONResponse):
    """Personal data: never cached by the caller, a proxy or a browser."""

    def __init__(self, content: Any) -> None:
        super().__init__(content, headers={"Cache-Control": "no-store"})


async def klantbeeld(request: Request) -> Response:
    state: AppState = request.app.state.facade
    caller = await state.authenticator.authenticate(request.headers.get("authorization"))
    raw = await read_body(request, state.settings.server.max_body_bytes)
    verzoek = parse_request(raw, request, caller, state.policies)
    plan = make_plan(verzoek.doel, verzoek.fields)
    result = await state.service.build(verzoek.bsn, plan, _call_context(caller, verzoek))
    missing = sorted(
        {b["soort"] for b in result.bronnen if b["status"] in ("fout", "timeout")}
        & verzoek.doel.verplicht
    )
    if missing:
        raise unavailable(
            "verplichte-bron-onbeschikbaar",
            f"Het doel '{verzoek.doel.id}' vereist {', '.join(missing)}, "
            "dat nu niet beschikbaar is. Probeer het later opnieuw.",
        )
    view = dict(result.view)
    view["bronnen"] = result.bronnen
    view["verwerking"] = {
        "doel": verzoek.doel.id,
        "beleidsversie": state.policies.versie,
        "traceId": _trace_id(request),
        "tijdstip": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }
    return ViewResponse(view)


async def doelen(request: Request) -> Response:
    """The doelen this caller may use."""
    state: AppState = request.app.state.facade
    caller = await state.authenticator.authenticate(request.headers.get("authorization"))
    allowed = allowed_doelen(state.policies.toegang, caller.scopes, caller.rollen)
    items = [doel_summary(d) for d in sorted(state.policies.doelen.values(), key=lambda d: d.id)]
    return JSONResponse(
        {"beleidsversie": state.policies.versie, "doelen": [d for d in items if d["id"] in allowed]}
    )


async def doel(request: Request) -> Response:
    """One doel in full: what it may see and why. Policies are no secret: any caller may read."""
    state: AppState = request.app.state.facade
    await state.authenticator.authenticate(request.headers.get("authorization"))
    found = state.policies.get(request.path_params["doel_id"])
    if found is None:
        raise Problem(404, "doel-onbekend", "Doel niet gevonden.", "Dit doel bestaat niet.")
    return JSONResponse(doel_details(found, state.policies))


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok", "apiVersion": API_VERSION})


def _call_context(caller: Caller, verzoek: KlantbeeldRequest) -> CallContext:
    """Who the registers' own audit sees.

    The authenticated identity (the token's subject) is the `user_id`; the user
    the caller states in `X-Gebruiker` only names it (`user_representation`,
    the BRP gateway's `x-gebruiker`). For self-service both are the agreed
    placeholder, never the BSN from the token.
    """
    if verzoek.doel.zelfbediening:
        return CallContext(
            gebruiker=SELF_SERVICE_USER,
            gebruiker_weergave=SELF_SERVICE_USER,
            verwerking=verzoek.verwerking,
        )
    return CallContext(
        gebruiker=caller.subject,
        gebruiker_weergave=verzoek.gebruiker or caller.subject,
        verwerking=verzoek.verwerking,
    )


def _trace_id(request: Request) -> str:
    match = _TRACEPARENT.match(request.headers.get("traceparent", ""))
    return match.group(1) if match else secrets.token_hex(16)
