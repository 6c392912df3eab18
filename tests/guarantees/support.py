"""What the guarantee tests share: the demo registers with a few requests taken over.

`Intercepted` sits in front of the demo registers (an ASGI app) and lets a test
decide, per request path, to hang (and see whether the caller gave up on the
request), to answer itself, or to rewrite the demo's JSON answer. Everything
else goes to the demo registers unchanged, so the façade under test is the
real one, on the harness (tests/harness.py), over HTTP.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

from starlette.types import Message, Receive, Scope, Send

from facade.settings import Settings
from klantbeeld_demo.registers import DEMO_BRP_API_KEY
from tests.harness import Facade, MemorySink, demo_registers, make_facade

Rule = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass
class Hang:
    """Takes a request and never answers; counts those taken and those given up on.

    `linger` keeps a given-up request busy a little longer, as a real connection
    that is being torn down: the window in which a caller may still join it.
    """

    linger: float = 0.0
    asked: int = 0
    abandoned: int = 0
    started: asyncio.Event = field(default_factory=asyncio.Event)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.asked += 1
        self.started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.abandoned += 1
            if self.linger:
                await asyncio.sleep(self.linger)
            raise

    @property
    def running(self) -> int:
        return self.asked - self.abandoned


async def answer(send: Send, status: int, body: bytes, content_type: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type.encode()),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def respond(status: int, body: Any, content_type: str = "application/json") -> Rule:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()

    async def rule(scope: Scope, receive: Receive, send: Send) -> None:
        await answer(send, status, raw, content_type)

    return rule


class Intercepted:
    """The demo registers, with rules for some paths (first matching rule wins)."""

    def __init__(self, latency: dict[str, float] | None = None) -> None:
        self.demo = demo_registers(brp_api_key=DEMO_BRP_API_KEY, latency=latency)
        self.state = self.demo.state
        self.rules: list[tuple[Callable[[str, str], bool], Rule]] = []
        self.rewrites: list[tuple[Callable[[str, str], bool], Callable[[Any, Scope], Any]]] = []
        self.seen: list[tuple[str, str, dict[str, str]]] = []

    def on(self, matches: Callable[[str, str], bool], rule: Rule) -> None:
        self.rules.append((matches, rule))

    def rewrite(
        self, matches: Callable[[str, str], bool], change: Callable[[Any, Scope], Any]
    ) -> None:
        """Change the demo's JSON answer for these paths before the façade sees it."""
        self.rewrites.append((matches, change))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.demo(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        self.seen.append((method, path, headers))
        for matches, rule in self.rules:
            if matches(method, path):
                await rule(scope, receive, send)
                return
        for matches, change in self.rewrites:
            if matches(method, path):
                await self._rewritten(scope, receive, send, change)
                return
        await self.demo(scope, receive, send)

    async def _rewritten(
        self, scope: Scope, receive: Receive, send: Send, change: Callable[[Any, Scope], Any]
    ) -> None:
        messages: list[Message] = []

        async def keep(message: Message) -> None:
            messages.append(message)

        await self.demo(scope, receive, keep)
        start = messages[0]
        body = b"".join(m.get("body", b"") for m in messages[1:])
        if start["status"] != 200:
            await send(start)
            await send({"type": "http.response.body", "body": body})
            return
        changed = json.dumps(change(json.loads(body), scope)).encode()
        await answer(send, 200, changed, "application/json")


def path_is(*paths: str, method: str = "GET") -> Callable[[str, str], bool]:
    return lambda m, p: m == method and p in paths


def path_starts(prefix: str, method: str = "GET") -> Callable[[str, str], bool]:
    return lambda m, p: m == method and p.startswith(prefix)


def with_registers(settings: Settings, **by_name: dict[str, Any]) -> Settings:
    """The settings with some registers' fields changed, by register name."""
    registers = tuple(
        replace(r, **by_name[r.naam]) if r.naam in by_name else r for r in settings.registers
    )
    return replace(settings, registers=registers)


async def facade_on(
    settings: Settings, registers: Intercepted, sink: MemorySink | None = None
) -> AsyncIterator[Facade]:
    async for facade in make_facade(settings, registers=registers, sink=sink):  # type: ignore[arg-type]
        yield facade


def audit_records(sink: MemorySink) -> list[dict[str, Any]]:
    return [r for r in sink.records() if r["record"] == "audit"]


def bron(view: dict[str, Any], naam: str) -> dict[str, Any]:
    return next(b for b in view["bronnen"] if b["bron"] == naam)


async def eventually(check: Callable[[], bool], seconds: float = 2.0) -> bool:
    """Whether `check` becomes true within `seconds` (polled; no fixed sleep)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    while loop.time() < end:
        if check():
            return True
        await asyncio.sleep(0.01)
    return check()


def bare_app(settings: Settings, registers: Intercepted, sink: MemorySink) -> Any:
    """The façade's ASGI app itself (as the harness builds it), for tests that speak ASGI."""
    import httpx

    from connectors.httpx_transport import HttpxTransport
    from facade.app import create_app
    from facade.protocollering.setup import build_trail
    from tests.harness import DEMO_TODAY

    def transport_factory(register: Any) -> HttpxTransport:
        return HttpxTransport(
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=registers), timeout=register.deadline_ms / 1000
            )
        )

    return create_app(
        settings,
        transport_factory=transport_factory,
        trail=build_trail(settings, sink),
        today=lambda: DEMO_TODAY,
    )
