"""`PUT /_demo/storingen/{register}`: make one demo register slow or fail, or normal again.

The KCC demo screen's switch. It is an endpoint of the registers (loopback only), not
a call into their objects, because with `serve --workers N` the registers run once in
the parent process while the screen is served by any worker.

    {"storing": "traag", "seconden": 3}   every request endpoint of the register waits
    {"storing": "fout"}                   503 with an HTML page, as a gateway answers
    {"storing": "geen"}                   its faults and delays cleared
"""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

LOOPBACK = frozenset({"127.0.0.1", "::1"})
STORINGEN = ("traag", "fout", "geen")
MAX_SECONDS = 10.0


def _problem(status: int, detail: str) -> Response:
    body = {"type": "about:blank", "title": "Storing niet ingesteld.", "status": status}
    return JSONResponse(
        {**body, "detail": detail}, status_code=status, media_type="application/problem+json"
    )


async def set_storing(request: Request) -> Response:
    # Imported here: the kit imports the registers package.
    from klantbeeld_demo.testkit.handles import RegistersHandle

    if request.client is None or request.client.host not in LOOPBACK:
        return _problem(403, "Storingen zijn alleen vanaf deze machine in te stellen.")
    try:
        body = json.loads(await request.body())
    except ValueError:
        body = None
    storing = body.get("storing") if isinstance(body, dict) else None
    seconds = body.get("seconden", 3) if isinstance(body, dict) else None
    if storing not in STORINGEN:
        return _problem(400, "storing moet 'traag', 'fout' of 'geen' zijn.")
    if not isinstance(seconds, int | float) or not 0 <= seconds <= MAX_SECONDS:
        return _problem(400, f"seconden moet een getal van 0 tot {MAX_SECONDS:g} zijn.")
    register = request.path_params["register"]
    handle = RegistersHandle(base_url="", app=request.app)
    if register not in {name.split(".", 1)[0] for name in handle.names}:
        return _problem(404, "Dit demoregister bestaat niet.")
    handle.clear(register)
    if storing == "traag":
        handle.slow(register, float(seconds))
    elif storing == "fout":
        handle.fail(register, "503")
    return JSONResponse({"register": register, "storing": storing})


ROUTE = Route("/_demo/storingen/{register}", set_storing, methods=["PUT"])
