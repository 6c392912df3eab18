"""ASGI wrappers around the whole app: headers on every response, no traceback in any log.

They sit outside Starlette's own middleware stack on purpose: Starlette answers
an unhandled exception with our 500 problem and then re-raises it, and uvicorn
would log the full traceback (whose message may quote personal data).
"""

from __future__ import annotations

import asyncio
import json
import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from facade.problems import API_VERSION, internal_error

log = logging.getLogger(__name__)


ARRIVAL = "klantbeeld.arrival"


class Arrival:
    """Stamps when a request reached the façade (loop time) in its scope, under `ARRIVAL`.

    A klantbeeld's budget counts from here, not from when its handler got the
    CPU: under overload the wait before the handler is the caller's wait too.
    (What came before this layer ran — the kernel's accept queue, the loop
    reaching uvicorn's parser — is not seen by any ASGI app.)
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            # setdefault: a stamp already there (put by a layer in front on this same
            # loop, as the tests do) stays; a client cannot set scope keys.
            scope.setdefault(ARRIVAL, asyncio.get_running_loop().time())
        await self.app(scope, receive, send)


class ApiHeaders:
    """Headers the NL API Design Rules ask on every response.

    `API-Version`; `X-Content-Type-Options`; frame denial (`X-Frame-Options`
    and CSP `frame-ancestors`); `Cache-Control: no-store` unless a route set its
    own (an API about persons caches nothing by default); HSTS when the
    request came over TLS (directly, or per `X-Forwarded-Proto` from a trusted
    proxy, which uvicorn's `proxy_headers` turns into the scheme).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers.append((b"api-version", API_VERSION.encode()))
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"x-frame-options", b"DENY"))
                headers.append((b"content-security-policy", b"frame-ancestors 'none'"))
                if b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                if scope.get("scheme") == "https":
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ErrorShield:
    """The last line: an escaped exception is logged by type only, never re-raised."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            log.error("unhandled error", extra={"error": type(exc).__name__})
            if scope["type"] == "http" and not started:
                body = json.dumps(internal_error().body(), ensure_ascii=False).encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": 500,
                        "headers": [
                            (b"content-type", b"application/problem+json"),
                            (b"cache-control", b"no-store"),
                            (b"api-version", API_VERSION.encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
