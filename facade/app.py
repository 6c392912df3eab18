"""The ASGI application: routes, error handling, headers on every response."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence

from opentelemetry.sdk.trace import TracerProvider
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp

from connectors.tracing import TRACER_NAME
from facade import routes, zoeken
from facade.callers import CallerAuthenticator
from facade.clock import Clock, today_in_amsterdam
from facade.coverage import register_coverage
from facade.handles import HandleCodec, handle_key
from facade.inzage import route as inzage_route
from facade.inzage.startup import build_inzage_reader, inzage_problems, inzage_warnings
from facade.klantbeeld import KlantbeeldService
from facade.metrics import Metrics, setup_metrics
from facade.middleware import ApiHeaders, Arrival, ErrorShield
from facade.observability import AccessLog, install_redaction
from facade.openapi import document as openapi_document
from facade.openapi import openapi
from facade.problems import Problem, ProblemResponse, internal_error
from facade.protocollering.setup import build_trail
from facade.protocollering.trail import AuditTrail
from facade.registers import TransportFactory, build_registers, default_transport
from facade.settings import Settings, SettingsError
from facade.sources import KINDS
from facade.state import AppState
from facade.zoeker import PersonenZoeker
from policies.loader import PolicySet, load_policies
from policies.plan import Plans
from vocabulary.kinds import KindRegistry

log = logging.getLogger(__name__)


def create_app(
    settings: Settings,
    *,
    policies: PolicySet | None = None,
    transport_factory: TransportFactory = default_transport,
    trail: AuditTrail | None = None,
    tracer_provider: TracerProvider | None = None,
    today: Clock = today_in_amsterdam,
    kinds: KindRegistry = KINDS,
    wall_clock: Callable[[], float] = time.time,
    screens: Sequence[BaseRoute] = (),
) -> ASGIApp:
    """The façade. `tracer_provider` is the operators' tracing (none: no-op).

    `wall_clock` (seconds since the epoch) is when a `zoekresultaat` expires; tests
    move it, the calendar of the demo (`today`) never does. `screens`: the demo's pages
    (klantbeeld_demo.screens), which a productie configuration refuses."""
    if screens and settings.mode != "demo":
        raise SettingsError(
            [f"{settings.source_file}: mode: the demo screens are served in demo mode only"]
        )
    # Before anything can log: no query string (with its BSN) in any log line.
    install_redaction()
    policies, warnings = check_startup(settings, policies, kinds)
    for warning in warnings:
        log.warning("configuration: %s", warning)
    connector_tracer = tracer_provider.get_tracer(TRACER_NAME) if tracer_provider else None
    registers = build_registers(settings, transport_factory, connector_tracer, kinds)
    trail = trail or build_trail(settings)
    obs = settings.observability
    meter_provider, metrics_registry = setup_metrics(
        obs.metrics_exporter, obs.metrics_endpoint, obs.service_name
    )
    metrics = Metrics(meter_provider.get_meter("klantbeeld") if meter_provider else None)
    metrics.observe_registers(registers)
    state = AppState(
        settings=settings,
        policies=policies,
        registers=registers,
        authenticator=CallerAuthenticator(settings.caller_auth),
        service=KlantbeeldService(
            registers,
            total_budget_ms=settings.total_budget_ms,
            metrics=metrics,
            today=today,
            wall_clock=wall_clock,
        ),
        trail=trail,
        metrics=metrics,
        plans=Plans(policies.kinds),
        zoeker=PersonenZoeker(registers, total_budget_ms=settings.total_budget_ms),
        handles=HandleCodec(handle_key(settings.zoeken.key), now=wall_clock)
        if settings.zoeken.key
        else None,
        inzage=build_inzage_reader(settings),
        today=today,
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await registers.aclose()
            if meter_provider is not None:
                meter_provider.shutdown()
            await trail.sink.aclose()
            if state.inzage is not None:
                await state.inzage.aclose()

    app = Starlette(
        routes=[
            Route("/api/v1/klantbeeld", routes.klantbeeld, methods=["POST"]),
            Route("/api/v1/personen/zoeken", zoeken.personen_zoeken, methods=["POST"]),
            Route("/api/v1/mijn-verwerkingen", inzage_route.mijn_verwerkingen, methods=["GET"]),
            Route("/api/v1/doelen", routes.doelen, methods=["GET"]),
            Route("/api/v1/doelen/{doel_id}", routes.doel, methods=["GET"]),
            Route("/api/v1/openapi.json", openapi, methods=["GET"]),
            Route("/healthz", routes.healthz, methods=["GET"]),
            Route("/readyz", routes.readyz, methods=["GET"]),
            *screens,
            # After the screens: in demo mode the demo's index page is `/` instead.
            Route("/", routes.root, methods=["GET"]),
            *(
                [Route("/metrics", routes.prometheus(metrics_registry), methods=["GET"])]
                if metrics_registry is not None
                else []
            ),
        ],
        exception_handlers={
            Problem: _problem_handler,
            HTTPException: _http_exception_handler,
            Exception: _unexpected_handler,
        },
        lifespan=lifespan,
    )
    if settings.server.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.server.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "X-Doelbinding",
                "X-Verwerking",
                "X-Gebruiker",
                "traceparent",
            ],
            expose_headers=["API-Version"],
            max_age=600,
        )
    # NL API Design Rules: no trailing-slash redirects, a trailing slash is a 404.
    app.router.redirect_slashes = False
    app.state.facade = state
    # Arrival first, then AccessLog: it logs the status that was actually sent.
    request_tracer = tracer_provider.get_tracer("klantbeeld.facade") if tracer_provider else None
    return Arrival(AccessLog(ErrorShield(ApiHeaders(app)), tracer=request_tracer))


def check_startup(
    settings: Settings, policies: PolicySet | None = None, kinds: KindRegistry = KINDS
) -> tuple[PolicySet, list[str]]:
    """What create_app refuses before it builds anything (raises), and its warnings.

    `klantbeeld serve --workers` runs it once in the parent, so that a refusal is
    reported once, before any worker starts."""
    policies = policies or load_policies(settings.doelen_dir, settings.toegang_file, kinds)
    coverage = register_coverage(settings.registers, policies)
    if coverage.errors:
        raise SettingsError(coverage.errors)
    openapi_document()  # now: a stale facade/openapi_static.yaml refuses start-up
    inzage = inzage_problems(settings, policies)
    if inzage:
        raise SettingsError(inzage)
    return policies, [*coverage.warnings, *inzage_warnings(settings, policies)]


async def _problem_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Problem)
    return ProblemResponse(exc)


async def _http_exception_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        problem = Problem(
            405,
            "methode-niet-toegestaan",
            "Methode niet toegestaan.",
            "Deze methode is niet toegestaan op dit pad.",
            headers=dict(exc.headers or {}),
        )
    elif exc.status_code == 404:
        problem = Problem(404, "niet-gevonden", "Niet gevonden.", "Dit pad bestaat niet.")
    else:
        problem = Problem(
            exc.status_code, "http-fout", "Fout.", "Het verzoek kon niet worden verwerkt."
        )
    return ProblemResponse(problem)


async def _unexpected_handler(request: Request, exc: Exception) -> Response:
    # Starlette re-raises after this; ErrorShield logs the type and swallows it.
    return ProblemResponse(internal_error())
