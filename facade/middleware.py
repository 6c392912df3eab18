"""ASGI wrappers around the whole app: headers on every response, no traceback in any log.

They sit outside Starlette's own middleware stack on purpose: Starlette answers
an unhandled exception with our 500 problem and then re-raises it, and uvicorn
would log the full traceback (whose message may quote personal data).
"""

from __future__ import annotations

import json
import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from facade.problems import API_VERSION, internal_error

log = logging.getLogger(__name__)


class ApiHeaders:
    """`API-Version` (NL API Design Rules) and `X-Content-Type-Options` on every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"api-version", API_VERSION.encode()))
                headers.append((b"x-content-type-options", b"nosniff"))
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
