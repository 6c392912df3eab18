"""The façade as one of several worker processes: `klantbeeld serve --workers N`.

uvicorn starts each worker as a fresh interpreter (multiprocessing's spawn) and
asks it for the app by import string: `facade.asgi:create_worker_app`, a factory.
Nothing but the environment crosses from the parent, so the parent puts there
what it resolved:

- `KLANTBEELD_CONFIG`: the settings file (absolute), read again by every worker;
- `KLANTBEELD_TODAY`: the demo's pinned today (JJJJ-MM-DD), when it has one;
- `KLANTBEELD_WORKER_COUNT`: how many workers share the listening socket (and
  the protocollering's file or standard output: see facade/protocollering/lines.py);
- `KLANTBEELD_WORKER_DEMO_REGISTERS`: where the embedded demo registers run. They
  start once, in the parent (a thread, as with one worker), and every worker
  calls them there.

Host and port are uvicorn's: the parent binds the socket and hands it over. Each
worker sets up its own logging and tracing and shuts its tracer provider down
when its lifespan ends. One worker (the default) does not come here at all:
`klantbeeld serve` then runs the app in its own process, as it always has.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping
from typing import NoReturn

from opentelemetry.sdk.trace import TracerProvider
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from facade.clock import Clock, fixed, parse_today, today_in_amsterdam
from facade.settings import Settings, SettingsError, load_settings
from policies.loader import PolicyError

APP = "facade.asgi:create_worker_app"
CONFIG_ENV = "KLANTBEELD_CONFIG"
TODAY_ENV = "KLANTBEELD_TODAY"
WORKER_COUNT_ENV = "KLANTBEELD_WORKER_COUNT"
DEMO_REGISTERS_ENV = "KLANTBEELD_WORKER_DEMO_REGISTERS"
# uvicorn's exit code for "failed before it served": its supervisor then stops the
# service instead of starting the same refused worker again and again.
STARTUP_FAILURE = 3

log = logging.getLogger(__name__)


def setup_logs(settings: Settings) -> None:
    """The service's log lines (JSON or text, redacted), in every process that serves."""
    from facade.observability import setup_logging

    setup_logging(settings.observability)
    # httpx logs every request URL at INFO; redaction strips the query (and its
    # BSN), and operators rarely want a line per upstream call anyway.
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)


def demo_clock(settings: Settings, today: str | None) -> Clock:
    """The demo's calendar: pinned by `--today` / $KLANTBEELD_TODAY, else Amsterdam's."""
    if not today:
        return today_in_amsterdam
    if settings.mode != "demo":
        raise ValueError(
            f"--today / ${TODAY_ENV}: only a demo configuration takes a pinned today; "
            f"{settings.source_file} is mode {settings.mode!r}"
        )
    return fixed(parse_today(today, f"--today / ${TODAY_ENV}"))


def worker_environment(
    settings: Settings, today: Clock, demo_registers: str | None = None
) -> dict[str, str]:
    """What the parent hands its workers: `settings` with their resolved worker count,
    `demo_registers` where the parent started them.

    A clock other than Amsterdam's calendar is a pinned one (`--today`): passed on
    as the day it says."""
    env = {
        CONFIG_ENV: str(settings.source_file.resolve()),
        WORKER_COUNT_ENV: str(settings.server.workers),
    }
    if today is not today_in_amsterdam:
        env[TODAY_ENV] = today().isoformat()
    if demo_registers is not None:
        env[DEMO_REGISTERS_ENV] = demo_registers
    return env


def worker_settings(env: Mapping[str, str]) -> tuple[Settings, Clock]:
    """The settings and clock the parent resolved, rebuilt from the environment."""
    if WORKER_COUNT_ENV not in env or CONFIG_ENV not in env:
        raise SettingsError([f"{APP} is started by `klantbeeld serve --workers N`, not on its own"])
    settings = load_settings(env[CONFIG_ENV], env)
    settings = settings.with_workers(int(env[WORKER_COUNT_ENV]))
    if settings.demo.registers:
        base_url = env.get(DEMO_REGISTERS_ENV)
        if not base_url:
            raise SettingsError(
                [
                    f"{settings.source_file}: demo.registers: the demo registers start in "
                    f"`klantbeeld serve`, which passes their address as ${DEMO_REGISTERS_ENV}"
                ]
            )
        settings = settings.with_demo_registers(base_url)
    try:
        today = demo_clock(settings, env.get(TODAY_ENV))
    except ValueError as exc:
        raise SettingsError([str(exc)]) from None
    return settings, today


def demo_screens(settings: Settings, registers_url: str | None) -> list[BaseRoute]:
    """The demo's pages for a demo configuration, none for productie. Imported here
    only: the façade itself never imports the demo package."""
    if settings.mode != "demo":
        return []
    from klantbeeld_demo.screens import ScreenContext, screen_routes

    return screen_routes(ScreenContext(settings, registers_url))


def create_worker_app() -> ASGIApp:
    """uvicorn's factory in each worker: the same app `klantbeeld serve` runs with one."""
    from facade.app import create_app
    from facade.observability import tracing_provider

    try:
        settings, today = worker_settings(os.environ)
    except (SettingsError, PolicyError) as exc:
        _refuse(exc.problems)
    setup_logs(settings)
    provider = tracing_provider(settings.observability)
    try:
        screens = demo_screens(settings, os.environ.get(DEMO_REGISTERS_ENV))
        app = create_app(settings, tracer_provider=provider, today=today, screens=screens)
    except (SettingsError, PolicyError) as exc:
        if provider is not None:
            provider.shutdown()
        _refuse(exc.problems)
    except Exception:
        # Anything else would end this worker with exit code 1, and uvicorn's supervisor
        # would start the same failing worker again, without end. With STARTUP_FAILURE
        # it stops the service, as one process would stop with a traceback.
        log.exception("worker %d could not build the app", os.getpid())
        if provider is not None:
            provider.shutdown()
        sys.exit(STARTUP_FAILURE)
    return TracingShutdown(app, provider) if provider is not None else app


class TracingShutdown:
    """Shuts the worker's tracer provider down when its lifespan has ended.

    With one worker `klantbeeld serve` does this after uvicorn returns; a worker's
    uvicorn never returns to us, so the end of the lifespan is the moment. The
    provider is flushed before uvicorn hears that shutdown is complete, so the
    last spans are exported before the process ends."""

    def __init__(self, app: ASGIApp, provider: TracerProvider) -> None:
        self.app = app
        self.provider = provider

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return

        async def send_after_shutdown(message: Message) -> None:
            if message["type"] in ("lifespan.shutdown.complete", "lifespan.shutdown.failed"):
                self.provider.shutdown()
            await send(message)

        await self.app(scope, receive, send_after_shutdown)


def _refuse(problems: list[str]) -> NoReturn:
    print(f"Configuration refused (worker {os.getpid()}):", file=sys.stderr)
    for problem in problems:
        print(f"  - {problem}", file=sys.stderr)
    sys.exit(STARTUP_FAILURE)
