"""Building the protocollering from the settings: the sink, the pseudonym keys, the trail."""

from __future__ import annotations

import httpx
from opentelemetry.sdk.resources import Resource

from connectors.auth import ZgwJwtAuth
from facade.protocollering.lines import FileSink, StdoutSink
from facade.protocollering.otlp import OtlpSink
from facade.protocollering.pseudonym import Pseudonymizer, PseudonymKey
from facade.protocollering.sink import AuditSink
from facade.protocollering.trail import AuditTrail
from facade.protocollering.verwerkingenlogging import VerwerkingenloggingSink
from facade.settings import PseudonymKeySettings, Settings

SERVICE_NAME = "klantbeeld-facade"


def build_sink(settings: Settings) -> AuditSink:
    config = settings.protocollering
    # Several workers write to one file or one standard output: each batch under a lock.
    shared = settings.server.workers > 1
    if config.sink == "stdout":
        return StdoutSink(shared=shared)
    if config.sink == "otlp":
        assert config.otlp_endpoint
        return OtlpSink(config.otlp_endpoint, httpx.AsyncClient(timeout=config.deadline_ms / 1000))
    if config.sink == "verwerkingenlogging":
        vwl = config.verwerkingenlogging
        assert vwl is not None
        extra = {"bewaartermijn": vwl.bewaartermijn} if vwl.bewaartermijn else {}
        return VerwerkingenloggingSink(
            vwl.url,
            httpx.AsyncClient(timeout=config.deadline_ms / 1000),
            ZgwJwtAuth(vwl.client_id, vwl.secret),
            uitvoerder=vwl.uitvoerder,
            **extra,
        )
    assert config.file is not None
    return FileSink(config.file, shared=shared)


def build_pseudonymizer(settings: Settings) -> Pseudonymizer:
    config = settings.protocollering
    assert config.pseudonym is not None, "settings validation requires a pseudonym key"
    return Pseudonymizer(_key(config.pseudonym), [_key(k) for k in config.previous_pseudonyms])


def build_trail(settings: Settings, sink: AuditSink | None = None) -> AuditTrail:
    from importlib.metadata import PackageNotFoundError, version

    try:
        service_version = version("klantbeeld-facade")
    except PackageNotFoundError:
        service_version = "0"
    return AuditTrail(
        sink or build_sink(settings),
        build_pseudonymizer(settings),
        deadline_seconds=settings.protocollering.deadline_ms / 1000,
        resource=Resource.create(
            {"service.name": SERVICE_NAME, "service.version": service_version}
        ),
    )


def _key(config: PseudonymKeySettings) -> PseudonymKey:
    return PseudonymKey(config.key_id, config.secret.encode())
