"""Wiring: each configured register as a Source of its kind, with one pooled transport each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from opentelemetry.trace import Tracer

from connectors.aiohttp_transport import AiohttpTransport, TlsSettings
from connectors.auth import ApiKeyAuth, NoAuth, TokenAuth, UpstreamAuth, ZgwJwtAuth
from connectors.breaker import CircuitBreaker
from connectors.catalogi import CatalogiResolver
from connectors.http import Upstream
from connectors.transport import Transport
from facade.settings import RegisterSettings, Settings
from facade.sources import KINDS
from vocabulary.kinds import KindRegistry, Source, SourceKind

# Tests hand in httpx transports on respx routers (connectors/httpx_transport.py).
TransportFactory = Callable[[RegisterSettings], Transport]


def default_transport(register: RegisterSettings) -> Transport:
    tls = TlsSettings(register.ca_bundle, register.client_cert, register.client_key)
    return AiohttpTransport(
        tls=tls,
        max_connections=register.max_connections,
        timeout_seconds=register.deadline_ms / 1000,
    )


@dataclass
class Register:
    """One configured register: its settings, its kind, its Upstream and its Source."""

    settings: RegisterSettings
    upstream: Upstream
    kind: SourceKind
    source: Source | None = None

    @property
    def naam(self) -> str:
        return self.settings.naam

    @property
    def soort(self) -> str:
        return self.settings.soort


@dataclass
class Registers:
    all: list[Register]
    kinds: KindRegistry = KINDS
    shared: dict[str, Any] = field(default_factory=dict)

    def of(self, soort: str) -> list[Register]:
        return [r for r in self.all if r.soort == soort]

    @property
    def catalogi_resolver(self) -> CatalogiResolver | None:
        return self.shared.get("catalogi-resolver")

    async def aclose(self) -> None:
        transports = {id(r.upstream.transport): r.upstream.transport for r in self.all}
        for transport in transports.values():
            await transport.aclose()


class _Wiring:
    """What a kind's `connect` sees of the other registers (vocabulary.kinds.Wiring)."""

    def __init__(self, registers: Registers) -> None:
        self.registers = registers

    def upstreams(self, *soorten: str) -> list[Upstream]:
        return [r.upstream for r in self.registers.all if r.soort in soorten]

    def settings(self, soort: str) -> list[RegisterSettings]:
        return [r.settings for r in self.registers.of(soort)]

    def shared(self, key: str, make: Callable[[], Any]) -> Any:
        if key not in self.registers.shared:
            self.registers.shared[key] = make()
        return self.registers.shared[key]


def build_registers(
    settings: Settings,
    transport_factory: TransportFactory = default_transport,
    tracer: Tracer | None = None,
    kinds: KindRegistry = KINDS,
) -> Registers:
    registers = Registers(all=[], kinds=kinds)
    for config in settings.registers:
        upstream = Upstream(
            naam=config.naam,
            base_url=config.url,
            transport=transport_factory(config),
            auth=_auth(config),
            max_response_bytes=config.max_response_bytes,
            tracer=tracer,
            breaker=CircuitBreaker(
                failures=config.breaker_failures, cooldown=config.breaker_cooldown_ms / 1000
            ),
        )
        registers.all.append(Register(config, upstream, kinds.get(config.soort)))
    # Connected once every Upstream exists: a kind may share objects between its
    # registers and its peers (one Catalogi resolver for every zaaksysteem).
    wiring = _Wiring(registers)
    for register in registers.all:
        if register.kind.connect is not None:
            register.source = register.kind.connect(register.settings, register.upstream, wiring)
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
