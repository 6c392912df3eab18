"""The test harness: a façade on the in-process demo registers, a recorder of every
upstream call, an in-memory protocollering sink, caller tokens."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import jwt
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from starlette.applications import Starlette
from starlette.types import ASGIApp

from connectors.httpx_transport import HttpxTransport
from facade.app import create_app
from facade.clock import fixed
from facade.demokeys import ensure_demo_keys
from facade.protocollering.records import span_record
from facade.protocollering.setup import build_trail
from facade.settings import RegisterSettings, Settings, load_settings
from klantbeeld_demo.registers import DEMO_BRP_API_KEY, create_registers_app
from klantbeeld_demo.registers.calendar import AUTHORED_ON

CONFIG = Path(__file__).resolve().parents[1] / "config"
# The pair config/demo.toml generates on first start ([demo] keys): never committed.
DEMO_KEYS = ensure_demo_keys(CONFIG.parent / "var" / "demo")
DEMO_KEY = DEMO_KEYS.private_key()
REGISTERS = "http://registers"
# The day the demo data is written for: the harness sees it unmoved, and a
# façade on the real calendar (the kit, `./dev demo`) sees the same picture
# moved to its today.
DEMO_TODAY = AUTHORED_ON


def demo_registers(today: date = DEMO_TODAY, **kwargs: Any) -> Starlette:
    """The simulated registers on the harness's calendar (DEMO_TODAY unless told)."""
    return create_registers_app(today=fixed(today), **kwargs)


@dataclass
class UpstreamCall:
    method: str
    path: str
    params: dict[str, str]
    headers: httpx.Headers
    body: bytes


class RecordingTransport(httpx.AsyncBaseTransport):
    """Passes requests to the demo registers and remembers them, in order."""

    def __init__(self, inner: httpx.AsyncBaseTransport, calls: list[UpstreamCall]) -> None:
        self.inner = inner
        self.calls = calls

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        self.calls.append(
            UpstreamCall(
                request.method,
                request.url.path,
                dict(request.url.params),
                request.headers,
                body,
            )
        )
        return await self.inner.handle_async_request(request)


class MemorySink:
    """A protocollering sink for tests: keeps every batch; can fail or hang on demand."""

    name = "memory"

    def __init__(self) -> None:
        self.batches: list[list[ReadableSpan]] = []
        self.fail: Exception | None = None
        self.hang = False

    async def write(self, spans: Sequence[ReadableSpan]) -> None:
        if self.hang:
            await asyncio.Event().wait()
        if self.fail is not None:
            raise self.fail
        self.batches.append(list(spans))

    async def ready(self) -> bool:
        return self.fail is None and not self.hang

    async def aclose(self) -> None:
        return None

    def records(self) -> list[dict[str, Any]]:
        return [span_record(span) for batch in self.batches for span in batch]


@dataclass
class Facade:
    client: httpx.AsyncClient
    registers: Starlette
    calls: list[UpstreamCall] = field(default_factory=list)
    sink: MemorySink = field(default_factory=MemorySink)

    async def klantbeeld(
        self,
        bsn: str | None = "999993653",
        *,
        doel: str | None = "kcc-algemene-vraag",
        token: str | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        all_headers = {"Authorization": f"Bearer {token or caller_token()}"}
        if doel is not None:
            all_headers["X-Doelbinding"] = doel
        all_headers.update(headers or {})
        payload = body if body is not None else {"burgerservicenummer": bsn}
        return await self.client.post("/api/v1/klantbeeld", json=payload, headers=all_headers)

    async def zoeken(
        self,
        zoekvraag: Any,
        *,
        doel: str | None = "kcc-algemene-vraag",
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        all_headers = {"Authorization": f"Bearer {token or caller_token()}"}
        if doel is not None:
            all_headers["X-Doelbinding"] = doel
        all_headers.update(headers or {})
        return await self.client.post(
            "/api/v1/personen/zoeken", json=zoekvraag, headers=all_headers
        )

    def paths(self) -> list[str]:
        return [c.path for c in self.calls]


def caller_token(
    scope: str | None = "klantbeeld.kcc",
    *,
    key: bytes = DEMO_KEY,
    **claims: Any,
) -> str:
    now = int(time.time())
    payload: dict[str, Any] = {
        "iss": "https://idp.demo.klantbeeld.example",
        "aud": "klantbeeld-facade",
        "sub": "kcc-medewerker-1",
        "iat": now,
        "exp": now + 300,
        "scope": scope,
    }
    payload.update(claims)
    return jwt.encode({k: v for k, v in payload.items() if v is not None}, key, algorithm="RS256")


def demo_settings(**register_overrides: Any) -> Settings:
    settings = load_settings(CONFIG / "demo.toml", env={}).with_demo_registers(REGISTERS)
    if register_overrides:
        registers = tuple(replace(r, **register_overrides) for r in settings.registers)
        settings = replace(settings, registers=registers)
    return settings


async def make_facade(
    settings: Settings,
    registers: Starlette | None = None,
    sink: MemorySink | None = None,
    tracer_provider: TracerProvider | None = None,
    today: date = DEMO_TODAY,
    outer: Callable[[ASGIApp], ASGIApp] | None = None,
    wall_clock: Callable[[], float] = time.time,
) -> AsyncIterator[Facade]:
    """`outer` wraps the app as a layer in front of it would (a proxy, the server)."""
    registers = registers or demo_registers(today, brp_api_key=DEMO_BRP_API_KEY)
    calls: list[UpstreamCall] = []
    sink = sink or MemorySink()

    def transport_factory(register: RegisterSettings) -> HttpxTransport:
        transport = RecordingTransport(httpx.ASGITransport(app=registers), calls)
        return HttpxTransport(
            httpx.AsyncClient(transport=transport, timeout=register.deadline_ms / 1000)
        )

    app = create_app(
        settings,
        transport_factory=transport_factory,
        trail=build_trail(settings, sink),
        tracer_provider=tracer_provider,
        # One calendar for the registers and the doelen's windows (closed within
        # 90 days, …): the same views whatever the machine's clock says.
        today=fixed(today),
        wall_clock=wall_clock,
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=outer(app) if outer else app), base_url="http://facade"
    ) as client:
        yield Facade(client, registers, calls, sink)
