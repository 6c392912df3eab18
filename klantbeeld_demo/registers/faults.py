"""Fault injection: make a register misbehave the way real registers and gateways do.

    faults = app.state.faults
    faults.set("zaken", Fault.http_status(503))       # every Zaken endpoint
    faults.set("zaken.list", Fault.hang())            # one endpoint (names: see app.py)
    with faults.injected("brp", Fault.invalid_json()):
        ...
    faults.clear()                                    # everything back to normal

An endpoint-specific fault wins over a register-wide one.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http import HTTPStatus
from typing import Literal

from starlette.responses import JSONResponse, Response

FaultKind = Literal["http_status", "hang", "invalid_json", "server_error"]

# How often a hanging request checks whether its fault was cleared. Polling keeps
# Faults independent of any event loop (tests often run one loop per test).
_HANG_POLL_SECONDS = 0.02


@dataclass(frozen=True, eq=False)
class Fault:
    kind: FaultKind
    status: int = 503

    @classmethod
    def http_status(cls, status: int = 503) -> Fault:
        """Answer `status` with an HTML body, as a gateway or load balancer would."""
        return cls("http_status", status)

    @classmethod
    def hang(cls) -> Fault:
        """Never answer while the fault is set; the request resumes normally once cleared."""
        return cls("hang")

    @classmethod
    def invalid_json(cls) -> Fault:
        """200 with `Content-Type: application/json` and a truncated body."""
        return cls("invalid_json", 200)

    @classmethod
    def server_error(cls, status: int = 500) -> Fault:
        """An error in the register's own error format (ZGW Fout or BRP problem+json)."""
        return cls("server_error", status)


class Faults:
    def __init__(self) -> None:
        self._active: dict[str, Fault] = {}

    def set(self, target: str, fault: Fault) -> None:
        """`target` is a register name ("zaken") or an endpoint name ("zaken.list")."""
        self._active[target] = fault

    def clear(self, target: str | None = None) -> None:
        if target is None:
            self._active.clear()
        else:
            self._active.pop(target, None)

    @contextmanager
    def injected(self, target: str, fault: Fault) -> Iterator[Fault]:
        self.set(target, fault)
        try:
            yield fault
        finally:
            if self._active.get(target) is fault:
                self.clear(target)

    def lookup(self, endpoint_name: str) -> Fault | None:
        register = endpoint_name.split(".", 1)[0]
        return self._active.get(endpoint_name) or self._active.get(register)

    async def response_for(self, endpoint_name: str, error_media_type: str) -> Response | None:
        """The faulty answer for this endpoint, or None to answer normally."""
        fault = self.lookup(endpoint_name)
        if fault is None:
            return None
        if fault.kind == "hang":
            while self.lookup(endpoint_name) is fault:
                await asyncio.sleep(_HANG_POLL_SECONDS)
            return await self.response_for(endpoint_name, error_media_type)
        if fault.kind == "invalid_json":
            return Response(b'{"count": 3, "results": [{"url": "', media_type="application/json")
        if fault.kind == "server_error":
            return JSONResponse(
                {
                    "type": None,
                    "code": "error",
                    "title": "Er is een serverfout opgetreden.",
                    "status": fault.status,
                    "detail": "Er is een serverfout opgetreden.",
                    "instance": f"urn:uuid:{uuid.uuid4()}",
                },
                status_code=fault.status,
                media_type=error_media_type,
            )
        return Response(
            f"<html><body><h1>{fault.status} {HTTPStatus(fault.status).phrase}</h1></body></html>",
            status_code=fault.status,
            media_type="text/html",
        )
