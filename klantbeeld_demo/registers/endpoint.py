"""How every simulated endpoint runs: latency, then faults, then auth, then the handler.

Handlers raise `ApiError` to answer with an error; that keeps validation code
linear instead of threading early-return responses through every helper.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from klantbeeld_demo.registers.faults import Faults

Handler = Callable[[Request], Awaitable[Response]]
Guard = Callable[[Request], None]


class ApiError(Exception):
    """Carries the error response a handler wants to send."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


@dataclass
class Behaviour:
    """Shared, mutable knobs of one registers app (tests may change them at run time)."""

    latency: dict[str, float] = field(default_factory=dict)
    faults: Faults = field(default_factory=Faults)


@dataclass
class Register:
    """One simulated register: its name, error format, auth and endpoints."""

    name: str
    behaviour: Behaviour
    error_media_type: str = "application/json"
    guard: Guard | None = None
    endpoint_names: list[str] = field(default_factory=list)

    def route(
        self, path: str, endpoint: str, handler: Handler, methods: Collection[str] = ("GET",)
    ) -> Route:
        name = f"{self.name}.{endpoint}"
        self.endpoint_names.append(name)
        return Route(path, self._run(name, handler), methods=list(methods), name=name)

    def _run(self, name: str, handler: Handler) -> Handler:
        async def run(request: Request) -> Response:
            delay = self.behaviour.latency.get(name, 0.0)
            if delay > 0:
                await asyncio.sleep(delay)
            faulty = await self.behaviour.faults.response_for(name, self.error_media_type)
            if faulty is not None:
                return faulty
            try:
                if self.guard is not None:
                    self.guard(request)
                return await handler(request)
            except ApiError as error:
                return error.response

        return run


def check_latency_names(latency: Mapping[str, float], known: Collection[str]) -> None:
    """Refuse typos: a misspelt endpoint name would silently add no latency."""
    unknown = sorted(set(latency) - set(known))
    if unknown:
        raise ValueError(
            f"onbekende endpoint-namen in latency: {', '.join(unknown)}; "
            f"bekend zijn: {', '.join(sorted(known))}"
        )
