"""Where each resource lives, and how to turn that into an absolute URL.

The data holds UUIDs only; the host (and any prefix the registers app is mounted
under) is known per request, so absolute URLs are rendered at answer time.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

BRP_BASE = "/haalcentraal/api/brp"
ZAKEN_BASE = "/zaken/api/v1"
CATALOGI_BASE = "/catalogi/api/v1"
KLANTEN_BASE = "/klanten/api/v1"
CONTACTMOMENTEN_BASE = "/contactmomenten/api/v1"
KLANTINTERACTIES_BASE = "/klantinteracties/api/v1"
# A second zaaksysteem on the same host, under its own prefix, with its own Catalogi.
ZAAKSYSTEEM2_ZAKEN_BASE = "/zaaksysteem2/zaken/api/v1"
ZAAKSYSTEEM2_CATALOGI_BASE = "/zaaksysteem2/catalogi/api/v1"

_ROOT_KEY = "klantbeeld.demo.registers_root"


@dataclass(frozen=True)
class ZaakPaden:
    """Where one zaaksysteem's Zaken API and its Catalogi API live."""

    zaken_base: str
    catalogi_base: str

    def zaak(self, uuid: str) -> str:
        return f"{self.zaken_base}/zaken/{uuid}"

    def status(self, uuid: str) -> str:
        return f"{self.zaken_base}/statussen/{uuid}"

    def rol(self, uuid: str) -> str:
        return f"{self.zaken_base}/rollen/{uuid}"

    def zaaktype(self, uuid: str) -> str:
        return f"{self.catalogi_base}/zaaktypen/{uuid}"

    def statustype(self, uuid: str) -> str:
        return f"{self.catalogi_base}/statustypen/{uuid}"

    def roltype(self, uuid: str) -> str:
        return f"{self.catalogi_base}/roltypen/{uuid}"

    def catalogus(self, uuid: str) -> str:
        return f"{self.catalogi_base}/catalogussen/{uuid}"


ZAAKSYSTEEM1 = ZaakPaden(ZAKEN_BASE, CATALOGI_BASE)
ZAAKSYSTEEM2 = ZaakPaden(ZAAKSYSTEEM2_ZAKEN_BASE, ZAAKSYSTEEM2_CATALOGI_BASE)

# The first zaaksysteem's paths, as module functions (Contactmomenten links to it).
zaak = ZAAKSYSTEEM1.zaak
status = ZAAKSYSTEEM1.status
rol = ZAAKSYSTEEM1.rol
zaaktype = ZAAKSYSTEEM1.zaaktype
statustype = ZAAKSYSTEEM1.statustype
roltype = ZAAKSYSTEEM1.roltype
catalogus = ZAAKSYSTEEM1.catalogus


def klant(uuid: str) -> str:
    return f"{KLANTEN_BASE}/klanten/{uuid}"


def contactmoment(uuid: str) -> str:
    return f"{CONTACTMOMENTEN_BASE}/contactmomenten/{uuid}"


def klantcontactmoment(uuid: str) -> str:
    return f"{CONTACTMOMENTEN_BASE}/klantcontactmomenten/{uuid}"


def objectcontactmoment(uuid: str) -> str:
    return f"{CONTACTMOMENTEN_BASE}/objectcontactmomenten/{uuid}"


def klantinteracties(resource: str, uuid: str) -> str:
    """E.g. ("partijen", uuid); resource is the collection's path segment."""
    return f"{KLANTINTERACTIES_BASE}/{resource}/{uuid}"


class RegistersRoot:
    """ASGI middleware remembering where the registers app itself is mounted.

    Mounted sub-apps see a longer root_path; links must start at the registers
    root, so it is captured once at the top.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope[_ROOT_KEY] = scope.get("root_path", "")
        await self.app(scope, receive, send)


class Linker:
    """Renders stored paths as absolute URLs for one request."""

    def __init__(self, request: Request) -> None:
        root = request.scope.get(_ROOT_KEY, "")
        self.base = f"{request.url.scheme}://{request.url.netloc}{root}"

    def __call__(self, path: str | None) -> str | None:
        return None if path is None else self.base + path

    def url(self, path: str) -> str:
        return self.base + path

    def path_of(self, url: str) -> str | None:
        """The stored path for one of our absolute URLs; None for someone else's."""
        return url[len(self.base) :] if url.startswith(self.base + "/") else None
