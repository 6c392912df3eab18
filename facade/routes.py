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
from facade.problems import API_VERSION
from facade.state import AppState
from facade.validation import KlantbeeldRequest, parse_request, read_body
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
    view = dict(result.view)
    view["bronnen"] = result.bronnen
    view["verwerking"] = {
        "doel": verzoek.doel.id,
        "beleidsversie": state.policies.versie,
        "traceId": _trace_id(request),
        "tijdstip": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }
    return ViewResponse(view)


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok", "apiVersion": API_VERSION})


def _call_context(caller: Caller, verzoek: KlantbeeldRequest) -> CallContext:
    if verzoek.doel.zelfbediening:
        # The user of a self-service lookup is the resident; upstreams get the
        # agreed placeholder, never the BSN from the token.
        return CallContext(
            gebruiker=SELF_SERVICE_USER,
            gebruiker_weergave=SELF_SERVICE_USER,
            verwerking=verzoek.verwerking,
        )
    gebruiker = verzoek.gebruiker or caller.subject
    return CallContext(
        gebruiker=gebruiker, gebruiker_weergave=gebruiker, verwerking=verzoek.verwerking
    )


def _trace_id(request: Request) -> str:
    match = _TRACEPARENT.match(request.headers.get("traceparent", ""))
    return match.group(1) if match else secrets.token_hex(16)
