"""Both servers on one event loop in a daemon thread."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from typing import Any

import uvicorn
from starlette.applications import Starlette

from facade.clock import Clock
from facade.settings import Settings
from klantbeeld_demo.registers.server import serve_registers
from klantbeeld_demo.testkit.config import TestkitError

_STOP_TIMEOUT_SECONDS = 15.0
_GRACEFUL_SHUTDOWN_SECONDS = 3


class _EmbeddedServer(uvicorn.Server):
    # The host program (pytest, a test runner) keeps its own signal handling.
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class _Runner:
    """Both servers on one event loop in a daemon thread."""

    def __init__(
        self, settings: Settings, registers_app: Starlette, port: int, clock: Clock
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.registers_app = registers_app
        self.port = port
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, name="klantbeeld-testkit", daemon=True)
        self.started = threading.Event()
        self.error: BaseException | None = None
        self.registers_url = ""
        self.facade_url = ""
        self.facade_state: Any = None
        self._stop: asyncio.Event | None = None

    def start(self, timeout: float) -> None:
        self.thread.start()
        if not self.started.wait(timeout):
            self.stop(timeout=_STOP_TIMEOUT_SECONDS)
            raise TestkitError(f"the façade did not start within {timeout} s")
        if self.error is not None:
            self.thread.join(_STOP_TIMEOUT_SECONDS)
            raise TestkitError(f"the façade could not start: {self.error!r}") from self.error

    def stop(self, timeout: float = _STOP_TIMEOUT_SECONDS) -> None:
        if self.thread.is_alive() and self._stop is not None:
            self.loop.call_soon_threadsafe(self._stop.set)
        self.thread.join(timeout)
        if self.thread.is_alive():
            raise TestkitError(f"the façade did not stop within {timeout} s")

    def call(self, function: Any) -> Any:
        """Run `function()` on the servers' event loop and wait for it."""

        async def run() -> Any:
            return function()

        future = asyncio.run_coroutine_threadsafe(run(), self.loop)
        return future.result(timeout=_STOP_TIMEOUT_SECONDS)

    def close_breakers(self) -> None:
        from connectors.breaker import CircuitBreaker

        for register in self.facade_state.registers.all:
            old = register.upstream.breaker
            register.upstream.breaker = CircuitBreaker(
                failures=old.threshold, cooldown=old.cooldown
            )

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._serve())
        except BaseException as exc:  # reported to the starting thread
            self.error = exc
        finally:
            self.started.set()
            self.loop.run_until_complete(self.loop.shutdown_asyncgens())
            self.loop.close()

    async def _serve(self) -> None:
        from facade.app import create_app

        self._stop = asyncio.Event()
        async with serve_registers(app=_QuietDisconnects(self.registers_app)) as registers_url:
            self.registers_url = registers_url
            settings = self.settings.with_demo_registers(registers_url)
            self.settings = settings
            app = create_app(settings, today=self.clock)
            self.facade_state = _facade_state(app)
            config = uvicorn.Config(
                app,
                host="127.0.0.1",
                port=self.port,
                access_log=False,  # URLs never reach a log
                log_config=None,  # the host program's logging stays as it is
                lifespan="on",
                timeout_graceful_shutdown=_GRACEFUL_SHUTDOWN_SECONDS,
            )
            server = _EmbeddedServer(config)
            task = asyncio.create_task(server.serve())
            while not server.started:
                if task.done():
                    task.result()
                    raise TestkitError("the façade stopped while starting")
                await asyncio.sleep(0.01)
            port = server.servers[0].sockets[0].getsockname()[1]
            self.facade_url = f"http://127.0.0.1:{port}"
            self.started.set()
            try:
                await self._stop.wait()
            finally:
                # Hanging requests resume, so shutting down does not wait for them.
                self.registers_app.state.faults.clear()
                server.should_exit = True
                await task


class _QuietDisconnects:
    """A register answer cut off by the façade's deadline (`slow`) raises
    ClientDisconnect when the delayed handler reads its body at last: expected
    here, so it does not print a traceback into the consumer's test output."""

    def __init__(self, app: Starlette) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        from starlette.requests import ClientDisconnect

        with contextlib.suppress(ClientDisconnect):
            await self.app(scope, receive, send)


def _facade_state(app: Any) -> Any:
    """The AppState inside the middleware around the façade's Starlette app."""
    while app is not None:
        state = getattr(getattr(app, "state", None), "facade", None)
        if state is not None:
            return state
        app = getattr(app, "app", None)
    raise TestkitError("the façade app exposes no state (facade.app changed?)")
