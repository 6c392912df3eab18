"""All simulated registers on one ASGI app, each at its real base path.

Endpoint names, usable as `latency` keys and as fault targets (a register name
such as "zaken" targets all of its endpoints):

    brp.personen                          POST /haalcentraal/api/brp/personen
    zaken.list                            GET  /zaken/api/v1/zaken
    zaken.zaak                            GET  /zaken/api/v1/zaken/{uuid}
    zaken.statussen / zaken.status        GET  /zaken/api/v1/statussen[/{uuid}]
    zaken.rollen / zaken.rol              GET  /zaken/api/v1/rollen[/{uuid}]
    catalogi.zaaktypen / catalogi.zaaktype GET /catalogi/api/v1/zaaktypen[/{uuid}]
    catalogi.statustype                   GET  /catalogi/api/v1/statustypen/{uuid}
    catalogi.roltype                      GET  /catalogi/api/v1/roltypen/{uuid}
    klanten.list / klanten.klant          GET  /klanten/api/v1/klanten[/{uuid}]
    contactmomenten.list                  GET  /contactmomenten/api/v1/contactmomenten
    contactmomenten.contactmoment         GET  /contactmomenten/api/v1/contactmomenten/{uuid}
    contactmomenten.klantcontactmomenten  GET  …/klantcontactmomenten
    contactmomenten.klantcontactmoment    GET  …/klantcontactmomenten/{uuid}
    contactmomenten.objectcontactmomenten GET  …/objectcontactmomenten
    contactmomenten.objectcontactmoment   GET  …/objectcontactmomenten/{uuid}

`app.state.latency` (dict, seconds) and `app.state.faults` (Faults) may be changed
while the app runs; `app.state.data` is the DemoData served.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount

from facade.demo import urls
from facade.demo.brp import PROBLEM_JSON, create_brp_app
from facade.demo.catalogi import create_catalogi_app
from facade.demo.contactmomenten import create_contactmomenten_app
from facade.demo.endpoint import Behaviour, Register, check_latency_names
from facade.demo.faults import Faults
from facade.demo.klanten import create_klanten_app
from facade.demo.model import DemoData
from facade.demo.personen import demo_data
from facade.demo.zaken import EXPAND_PER_ZAAK, create_zaken_app
from facade.demo.zgw import OPEN_KLANT_1, OPEN_ZAAK, jwt_guard

DEMO_ZGW_CLIENT_ID = "klantbeeld-demo"
DEMO_ZGW_SECRET = "demo-geheim-alleen-voor-de-demo-niet-voor-productie"
DEMO_BRP_API_KEY = "demo-brp-sleutel"  # pass as brp_api_key= to require X-API-KEY
DEMO_ZGW_CREDENTIALS: Mapping[str, str] = {DEMO_ZGW_CLIENT_ID: DEMO_ZGW_SECRET}

ENDPOINT_NAMES: tuple[str, ...] = (
    "brp.personen",
    "zaken.list", "zaken.list.expand_per_zaak", "zaken.zaak", "zaken.statussen",
    "zaken.status", "zaken.rollen", "zaken.rol",
    "catalogi.zaaktypen", "catalogi.zaaktype", "catalogi.statustype", "catalogi.roltype",
    "klanten.list", "klanten.klant",
    "contactmomenten.list", "contactmomenten.contactmoment",
    "contactmomenten.klantcontactmomenten", "contactmomenten.klantcontactmoment",
    "contactmomenten.objectcontactmomenten", "contactmomenten.objectcontactmoment",
)  # fmt: skip


def create_registers_app(
    data: DemoData | None = None,
    *,
    latency: Mapping[str, float] | None = None,
    credentials: Mapping[str, str] = DEMO_ZGW_CREDENTIALS,
    brp_api_key: str | None = None,
    faults: Faults | None = None,
) -> Starlette:
    """BRP, Zaken, Catalogi, Klanten and Contactmomenten on one app.

    `credentials` maps ZGW client_id → HS256 secret and is accepted by every ZGW
    register. `latency` maps endpoint names (module docstring) to seconds of delay.
    """
    data = data if data is not None else demo_data()
    behaviour = Behaviour(latency=dict(latency or {}), faults=faults or Faults())
    open_zaak, open_klant = jwt_guard(credentials, OPEN_ZAAK), jwt_guard(credentials, OPEN_KLANT_1)
    registers = {
        "brp": Register("brp", behaviour, error_media_type=PROBLEM_JSON),
        "zaken": Register("zaken", behaviour, guard=open_zaak),
        "catalogi": Register("catalogi", behaviour, guard=open_zaak),
        "klanten": Register("klanten", behaviour, guard=open_klant),
        "contactmomenten": Register("contactmomenten", behaviour, guard=open_klant),
    }
    mounts = [
        Mount(urls.BRP_BASE, app=create_brp_app(data, registers["brp"], api_key=brp_api_key)),
        Mount(urls.ZAKEN_BASE, app=create_zaken_app(data, registers["zaken"])),
        Mount(urls.CATALOGI_BASE, app=create_catalogi_app(registers["catalogi"])),
        Mount(urls.KLANTEN_BASE, app=create_klanten_app(data, registers["klanten"])),
        Mount(
            urls.CONTACTMOMENTEN_BASE,
            app=create_contactmomenten_app(data, registers["contactmomenten"]),
        ),
    ]
    endpoint_names = [name for r in registers.values() for name in r.endpoint_names]
    endpoint_names.append(EXPAND_PER_ZAAK)
    check_latency_names(behaviour.latency, endpoint_names)

    app = Starlette(routes=mounts, middleware=[Middleware(urls.RegistersRoot)])
    app.router.redirect_slashes = False
    app.state.data = data
    app.state.latency = behaviour.latency
    app.state.faults = behaviour.faults
    app.state.endpoint_names = tuple(endpoint_names)
    return app
