"""Where each resource lives, and how to turn that into an absolute URL.

The data holds UUIDs only; the host (and any prefix the registers app is mounted
under) is known per request, so absolute URLs are rendered at answer time.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

BRP_BASE = "/haalcentraal/api/brp"
ZAKEN_BASE = "/zaken/api/v1"
CATALOGI_BASE = "/catalogi/api/v1"
KLANTEN_BASE = "/klanten/api/v1"
CONTACTMOMENTEN_BASE = "/contactmomenten/api/v1"

_ROOT_KEY = "klantbeeld.demo.registers_root"


def zaak(uuid: str) -> str:
    return f"{ZAKEN_BASE}/zaken/{uuid}"


def status(uuid: str) -> str:
    return f"{ZAKEN_BASE}/statussen/{uuid}"


def rol(uuid: str) -> str:
    return f"{ZAKEN_BASE}/rollen/{uuid}"


def zaaktype(uuid: str) -> str:
    return f"{CATALOGI_BASE}/zaaktypen/{uuid}"


def statustype(uuid: str) -> str:
    return f"{CATALOGI_BASE}/statustypen/{uuid}"


def roltype(uuid: str) -> str:
    return f"{CATALOGI_BASE}/roltypen/{uuid}"


def catalogus(uuid: str) -> str:
    return f"{CATALOGI_BASE}/catalogussen/{uuid}"


def klant(uuid: str) -> str:
    return f"{KLANTEN_BASE}/klanten/{uuid}"


def contactmoment(uuid: str) -> str:
    return f"{CONTACTMOMENTEN_BASE}/contactmomenten/{uuid}"


def klantcontactmoment(uuid: str) -> str:
    return f"{CONTACTMOMENTEN_BASE}/klantcontactmomenten/{uuid}"


def objectcontactmoment(uuid: str) -> str:
    return f"{CONTACTMOMENTEN_BASE}/objectcontactmomenten/{uuid}"


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
