"""Serve the simulated registers over real HTTP on loopback, with uvicorn.

The access log stays off: request URLs carry BSNs in their query strings and
must never reach a log.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import uvicorn

from klantbeeld_demo.registers.app import create_registers_app

# Hanging requests (fault injection) must not keep a test waiting at shutdown.
_GRACEFUL_SHUTDOWN_SECONDS = 2


class _EmbeddedServer(uvicorn.Server):
    # Leave signal handling to the host program (pytest, the façade, a benchmark).
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@contextlib.asynccontextmanager
async def serve_registers(
    host: str = "127.0.0.1", port: int = 0, **app_kwargs: Any
) -> AsyncIterator[str]:
    """Run the registers app in the current event loop; yields e.g. "http://127.0.0.1:54321".

    `port=0` binds a free port. `app_kwargs` go to `create_registers_app` (or pass
    `app=` to serve an app you built, e.g. to keep a handle on its faults).
    """
    app = app_kwargs.pop("app", None) or create_registers_app(**app_kwargs)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        access_log=False,
        log_config=None,  # do not reconfigure the host program's logging
        log_level="warning",
        lifespan="off",
        timeout_graceful_shutdown=_GRACEFUL_SHUTDOWN_SECONDS,
    )
    server = _EmbeddedServer(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()  # startup failed (e.g. port in use): raise that error here
            raise RuntimeError("registers-server stopte tijdens het opstarten")
        await asyncio.sleep(0.01)
    bound_port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://{host}:{bound_port}"
    finally:
        server.should_exit = True
        await task


def run_registers(host: str = "127.0.0.1", port: int = 8010, **app_kwargs: Any) -> None:
    """Blocking entry point: serve the demo registers until interrupted."""
    uvicorn.run(
        create_registers_app(**app_kwargs),
        host=host,
        port=port,
        access_log=False,
        timeout_graceful_shutdown=_GRACEFUL_SHUTDOWN_SECONDS,
    )
