"""Wiring: the configured registers as connectors, with one pooled client each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
from opentelemetry.trace import Tracer

from connectors.auth import ApiKeyAuth, NoAuth, TokenAuth, UpstreamAuth, ZgwJwtAuth
from connectors.breaker import CircuitBreaker
from connectors.brp import BrpConnector, BrpProtocolHeaders
from connectors.catalogi import CatalogiResolver
from connectors.contactmomenten import ContactmomentenConnector
from connectors.http import TlsSettings, Upstream, make_http_client
from connectors.klanten import KlantenConnector
from connectors.klantinteracties import KlantinteractiesConnector
from connectors.zaken import ZakenConnector
from facade.settings import RegisterSettings, Settings

ClientFactory = Callable[[RegisterSettings], httpx.AsyncClient]


def default_client(register: RegisterSettings) -> httpx.AsyncClient:
    tls = TlsSettings(register.ca_bundle, register.client_cert, register.client_key)
    return make_http_client(
        tls=tls,
        max_connections=register.max_connections,
        timeout_seconds=register.deadline_ms / 1000,
    )


@dataclass
class Register:
    settings: RegisterSettings
    upstream: Upstream

    @property
    def naam(self) -> str:
        return self.settings.naam

    @property
    def soort(self) -> str:
        return self.settings.soort


@dataclass
class Registers:
    all: list[Register]
    brp: list[tuple[Register, BrpConnector]] = field(default_factory=list)
    zaken: list[tuple[Register, ZakenConnector]] = field(default_factory=list)
    klanten: list[tuple[Register, KlantenConnector]] = field(default_factory=list)
    contactmomenten: list[tuple[Register, ContactmomentenConnector]] = field(default_factory=list)
    klantinteracties: list[tuple[Register, KlantinteractiesConnector]] = field(default_factory=list)
    catalogi_resolver: CatalogiResolver | None = None

    async def aclose(self) -> None:
        clients = {id(r.upstream.client): r.upstream.client for r in self.all}
        for client in clients.values():
            await client.aclose()


def build_registers(
    settings: Settings,
    client_factory: ClientFactory = default_client,
    tracer: Tracer | None = None,
) -> Registers:
    registers = Registers(all=[])
    for config in settings.registers:
        upstream = Upstream(
            naam=config.naam,
            base_url=config.url,
            client=client_factory(config),
            auth=_auth(config),
            max_response_bytes=config.max_response_bytes,
            tracer=tracer,
            breaker=CircuitBreaker(
                failures=config.breaker_failures, cooldown=config.breaker_cooldown_ms / 1000
            ),
        )
        registers.all.append(Register(config, upstream))
    # One resolver, one cache: zaaktypen are shared between zaaksystemen of one
    # municipality, and a zaken register may serve its Catalogi itself (Open Zaak).
    # A Catalogi lookup gets the catalogi register's own deadline, so a slow
    # Catalogi costs the zaaktype and status fields, not the zaken themselves.
    catalogi_deadlines = [r.settings.deadline_ms for r in registers.all if r.soort == "catalogi"]
    catalogi = registers.catalogi_resolver = CatalogiResolver(
        [r.upstream for r in registers.all if r.soort in ("catalogi", "zaken")],
        timeout_seconds=min(catalogi_deadlines, default=1000) / 1000,
    )
    for register in registers.all:
        config = register.settings
        if register.soort == "brp":
            headers = BrpProtocolHeaders(**config.brp_headers) if config.brp_headers else None
            registers.brp.append((register, BrpConnector(register.upstream, headers)))
        elif register.soort == "zaken":
            connector = ZakenConnector(
                register.upstream,
                catalogi,
                resolve=config.resolve,  # type: ignore[arg-type]
                page_size=config.page_size,
                max_pages=config.max_pages,
            )
            registers.zaken.append((register, connector))
        elif register.soort == "klanten":
            registers.klanten.append(
                (register, KlantenConnector(register.upstream, max_pages=config.max_pages))
            )
        elif register.soort == "klantinteracties":
            registers.klantinteracties.append(
                (register, KlantinteractiesConnector(register.upstream, max_pages=config.max_pages))
            )
        elif register.soort == "contactmomenten":
            registers.contactmomenten.append(
                (register, ContactmomentenConnector(register.upstream, max_pages=config.max_pages))
            )
    return registers


def _auth(config: RegisterSettings) -> UpstreamAuth:
    auth = config.auth
    if auth.type == "api-key" and auth.key:
        return ApiKeyAuth(auth.key, header=auth.header)
    if auth.type == "zgw-jwt" and auth.client_id and auth.secret:
        return ZgwJwtAuth(auth.client_id, auth.secret)
    if auth.type == "token" and auth.token:
        return TokenAuth(auth.token)
    return NoAuth()
