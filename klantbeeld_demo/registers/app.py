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
    klantinteracties.partijen / .partij   GET  /klantinteracties/api/v1/partijen[/{uuid}]
    klantinteracties.digitaleadressen / .digitaaladres  GET …/digitaleadressen[/{uuid}]
    klantinteracties.klantcontacten / .klantcontact     GET …/klantcontacten[/{uuid}]
    klantinteracties.betrokkene           GET  …/betrokkenen/{uuid}
    klantinteracties.onderwerpobject      GET  …/onderwerpobjecten/{uuid}
    klantinteracties.internetaken / .internetaak        GET …/internetaken[/{uuid}]
    klantinteracties.actor                GET  …/actoren/{uuid}
    kvk.basisprofiel / .hoofdvestiging / .vestigingen / .eigenaar
                                          GET  /kvk/api/v1/basisprofielen/{kvkNummer}[/…]
    kvk.vestigingsprofiel                 GET  /kvk/api/v1/vestigingsprofielen/{nummer}
    objecten.search / objecten.object     POST /objecten/api/v2/objects/search, GET …/objects/{uuid}
    verwerkingenlogging.verwerkingsacties POST /verwerkingenlogging/api/v1/verwerkingsacties
    verwerkingenlogging.verwerkte_objecten GET /verwerkingenlogging/api/v1/verwerkte-objecten
    zaaksysteem2.list / .zaak / .statussen / .status / .rollen / .rol
                                          GET  /zaaksysteem2/zaken/api/v1/…
    catalogi2.zaaktypen / .zaaktype / .statustype / .roltype
                                          GET  /zaaksysteem2/catalogi/api/v1/…

Latency-only names (extra cost when a list request uses `expand`):
`zaken.list.expand_per_zaak` and `zaaksysteem2.list.expand_per_zaak` (per zaak on
the page), `klantinteracties.partijen.expand`, `klantinteracties.klantcontacten.expand`.

`app.state.latency` (dict, seconds) and `app.state.faults` (Faults) may be changed
while the app runs; `app.state.data` is the DemoData served;
`app.state.verwerkingsacties` the records the simulated Verwerkingenlogging holds
(`app.state.verwerkingenlogging_page_size["size"]`: its inzage's page length).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount

from facade.clock import Clock, today_in_amsterdam
from klantbeeld_demo.registers import control, urls
from klantbeeld_demo.registers.brp import PROBLEM_JSON, create_brp_app
from klantbeeld_demo.registers.calendar import as_of
from klantbeeld_demo.registers.catalogi import create_catalogi_app
from klantbeeld_demo.registers.contactmomenten import create_contactmomenten_app
from klantbeeld_demo.registers.endpoint import Behaviour, Register, check_latency_names
from klantbeeld_demo.registers.faults import Faults
from klantbeeld_demo.registers.klanten import create_klanten_app
from klantbeeld_demo.registers.klantinteracties import (
    DEMO_KLANTINTERACTIES_TOKEN,
    EXPAND_LATENCY_NAMES,
    create_klantinteracties_app,
    token_guard,
)
from klantbeeld_demo.registers.kvk import (
    DEMO_KVK_API_KEY,
    HAL_JSON,
    KVK_BASE,
    api_key_guard,
    create_kvk_app,
)
from klantbeeld_demo.registers.model import DemoData
from klantbeeld_demo.registers.objecten import (
    DEMO_OBJECTEN_TOKEN,
    OBJECTEN_BASE,
    create_objecten_app,
)
from klantbeeld_demo.registers.objecten import token_guard as objecten_token_guard
from klantbeeld_demo.registers.personen import demo_data
from klantbeeld_demo.registers.verwerkingenlogging import (
    DEFAULT_PAGE_SIZE as VERWERKINGENLOGGING_PAGE_SIZE,
)
from klantbeeld_demo.registers.verwerkingenlogging import (
    VERWERKINGENLOGGING_BASE,
    create_verwerkingenlogging_app,
)
from klantbeeld_demo.registers.zaaksystemen import ZAAKSYSTEEM1, ZAAKSYSTEEM2
from klantbeeld_demo.registers.zaken import create_zaken_app, expand_per_zaak_name
from klantbeeld_demo.registers.zgw import OPEN_KLANT_1, OPEN_ZAAK, jwt_guard

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
    "klantinteracties.partijen", "klantinteracties.partij", "klantinteracties.partijen.expand",
    "klantinteracties.digitaleadressen", "klantinteracties.digitaaladres",
    "klantinteracties.klantcontacten", "klantinteracties.klantcontact",
    "klantinteracties.klantcontacten.expand", "klantinteracties.betrokkene",
    "klantinteracties.onderwerpobject", "klantinteracties.internetaken",
    "klantinteracties.internetaak", "klantinteracties.actor",
    "zaaksysteem2.list", "zaaksysteem2.list.expand_per_zaak", "zaaksysteem2.zaak",
    "zaaksysteem2.statussen", "zaaksysteem2.status", "zaaksysteem2.rollen", "zaaksysteem2.rol",
    "catalogi2.zaaktypen", "catalogi2.zaaktype", "catalogi2.statustype", "catalogi2.roltype",
    "kvk.basisprofiel", "kvk.hoofdvestiging", "kvk.vestigingen", "kvk.eigenaar",
    "kvk.vestigingsprofiel",
    "objecten.search", "objecten.object",
    "verwerkingenlogging.verwerkingsacties", "verwerkingenlogging.verwerkte_objecten",
)  # fmt: skip


def create_registers_app(
    data: DemoData | None = None,
    *,
    latency: Mapping[str, float] | None = None,
    credentials: Mapping[str, str] = DEMO_ZGW_CREDENTIALS,
    brp_api_key: str | None = None,
    faults: Faults | None = None,
    klantinteracties_tokens: Collection[str] = (DEMO_KLANTINTERACTIES_TOKEN,),
    today: Clock = today_in_amsterdam,
    kvk_api_key: str | None = DEMO_KVK_API_KEY,
) -> Starlette:
    """BRP, two zaaksystemen (Zaken + Catalogi), Klanten, Contactmomenten,
    Klantinteracties, the KvK and an Objects API with consents on one app: a
    municipality mid-migration.

    `credentials` maps ZGW client_id → HS256 secret and is accepted by every ZGW
    register. `klantinteracties_tokens` are the API tokens Klantinteracties accepts.
    `latency` maps endpoint names (module docstring) to seconds of delay.
    `today` is the demo's calendar: the standard demo persons are moved to it at
    start (calendar.py) and the BRP computes `leeftijd` with it. Data passed as
    `data` is served as it is.
    """
    data = data if data is not None else as_of(demo_data(), today())
    behaviour = Behaviour(latency=dict(latency or {}), faults=faults or Faults())
    open_zaak, open_klant = jwt_guard(credentials, OPEN_ZAAK), jwt_guard(credentials, OPEN_KLANT_1)
    registers = {
        "brp": Register("brp", behaviour, error_media_type=PROBLEM_JSON),
        "zaken": Register("zaken", behaviour, guard=open_zaak),
        "catalogi": Register("catalogi", behaviour, guard=open_zaak),
        "klanten": Register("klanten", behaviour, guard=open_klant),
        "contactmomenten": Register("contactmomenten", behaviour, guard=open_klant),
        "klantinteracties": Register(
            "klantinteracties", behaviour, guard=token_guard(klantinteracties_tokens)
        ),
        # Behaves like Open Zaak too; same client credentials, for a simpler demo config.
        "zaaksysteem2": Register(ZAAKSYSTEEM2.zaken_register, behaviour, guard=open_zaak),
        "catalogi2": Register(ZAAKSYSTEEM2.catalogi_register, behaviour, guard=open_zaak),
        "kvk": Register(
            "kvk", behaviour, error_media_type=HAL_JSON, guard=api_key_guard(kvk_api_key)
        ),
        "objecten": Register(
            "objecten", behaviour, guard=objecten_token_guard(DEMO_OBJECTEN_TOKEN)
        ),
        "verwerkingenlogging": Register("verwerkingenlogging", behaviour, guard=open_zaak),
    }
    objecten = create_objecten_app(registers["objecten"], today)
    verwerkingsacties: list[dict[str, object]] = []
    page_size = {"size": VERWERKINGENLOGGING_PAGE_SIZE}
    mounts = [
        Mount(
            urls.BRP_BASE,
            app=create_brp_app(data, registers["brp"], api_key=brp_api_key, today=today),
        ),
        Mount(urls.ZAKEN_BASE, app=create_zaken_app(data, registers["zaken"])),
        Mount(urls.CATALOGI_BASE, app=create_catalogi_app(registers["catalogi"])),
        Mount(urls.KLANTEN_BASE, app=create_klanten_app(data, registers["klanten"])),
        Mount(
            urls.CONTACTMOMENTEN_BASE,
            app=create_contactmomenten_app(data, registers["contactmomenten"]),
        ),
        Mount(
            urls.KLANTINTERACTIES_BASE,
            app=create_klantinteracties_app(data, registers["klantinteracties"]),
        ),
        Mount(
            urls.ZAAKSYSTEEM2_ZAKEN_BASE,
            app=create_zaken_app(data, registers["zaaksysteem2"], ZAAKSYSTEEM2),
        ),
        Mount(
            urls.ZAAKSYSTEEM2_CATALOGI_BASE,
            app=create_catalogi_app(registers["catalogi2"], ZAAKSYSTEEM2),
        ),
        Mount(KVK_BASE, app=create_kvk_app(registers["kvk"])),
        Mount(OBJECTEN_BASE, app=objecten),
        Mount(
            VERWERKINGENLOGGING_BASE,
            app=create_verwerkingenlogging_app(
                registers["verwerkingenlogging"], verwerkingsacties, page_size
            ),
        ),
    ]
    endpoint_names = [name for r in registers.values() for name in r.endpoint_names]
    endpoint_names.extend(expand_per_zaak_name(z) for z in (ZAAKSYSTEEM1, ZAAKSYSTEEM2))
    endpoint_names.extend(EXPAND_LATENCY_NAMES)
    check_latency_names(behaviour.latency, endpoint_names)

    app = Starlette(routes=[control.ROUTE, *mounts], middleware=[Middleware(urls.RegistersRoot)])
    app.router.redirect_slashes = False
    app.state.data = data
    app.state.latency = behaviour.latency
    app.state.faults = behaviour.faults
    app.state.toestemmingen = objecten.state.toestemmingen  # the consents served, changeable
    app.state.verwerkingsacties = verwerkingsacties
    app.state.verwerkingenlogging_page_size = page_size
    app.state.endpoint_names = tuple(endpoint_names)
    return app
