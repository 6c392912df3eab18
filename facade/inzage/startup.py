"""What the inzage needs from the configuration, checked once at start-up.

Its doelen must exist and be zelfbediening doelen (a refusal, like a bad doel file);
a logboek that cannot be read back (file, stdout, otlp, or a Verwerkingenlogging
without `inzage_url`) is no refusal, the endpoint then answers 503, but
`klantbeeld check-config` and the start-up log say so.
"""

from __future__ import annotations

import httpx

from connectors.auth import ZgwJwtAuth
from facade.inzage.ldv import LdvReader
from facade.inzage.reader import InzageReader, VerwerkingenloggingReader
from facade.settings import Settings
from policies.loader import PolicySet


def build_inzage_reader(settings: Settings) -> InzageReader | None:
    """The LDV lezen API when configured (unverified), else the Verwerkingenlogging's
    inzage API when the records go there; None: the inzage answers 503."""
    inzage = settings.inzage
    if inzage.logboek_lezen_url:
        return LdvReader(
            inzage.logboek_lezen_url,
            httpx.AsyncClient(timeout=inzage.deadline_ms / 1000),
            inzage.logboek_lezen_token,
        )
    vwl = settings.protocollering.verwerkingenlogging
    if settings.protocollering.sink != "verwerkingenlogging" or vwl is None or not vwl.inzage_url:
        return None
    return VerwerkingenloggingReader(
        vwl.inzage_url,
        httpx.AsyncClient(timeout=settings.inzage.deadline_ms / 1000),
        ZgwJwtAuth(vwl.client_id, vwl.secret),
    )


def _doelen(settings: Settings) -> list[tuple[str, str]]:
    inzage = settings.inzage
    named = (("doel", inzage.doel), ("doel_ondernemer", inzage.doel_ondernemer))
    return [(key, doel_id) for key, doel_id in named if doel_id]


def inzage_problems(settings: Settings, policies: PolicySet) -> list[str]:
    """A doel that is no zelfbediening doel: staff tokens could read a resident's inzage."""
    return [
        f"{settings.source_file}: inzage.{key}: doel '{doel_id}' is not a zelfbediening doel "
        "(zelfbediening = true): the inzage is for the resident's own token only"
        for key, doel_id in _doelen(settings)
        if (doel := policies.get(doel_id)) is not None and not doel.zelfbediening
    ]


def inzage_warnings(settings: Settings, policies: PolicySet | None = None) -> list[str]:
    """An unknown inzage doel (no such token gets an inzage) and a logboek not to be read."""
    found = [
        f"inzage.{key}: unknown doel '{doel_id}': GET /api/v1/mijn-verwerkingen refuses "
        "these tokens (403)"
        for key, doel_id in _doelen(settings)
        if policies is not None and policies.get(doel_id) is None
    ]
    return found + _logboek_warnings(settings)


def _logboek_warnings(settings: Settings) -> list[str]:
    if settings.inzage.logboek_lezen_url:
        return [
            "inzage.logboek_lezen_url: the LDV lezen reader is built against the saved spec "
            "only and has not been tried against a running logboek (unverified)"
        ]
    config = settings.protocollering
    if config.sink != "verwerkingenlogging":
        return [
            f"inzage: GET /api/v1/mijn-verwerkingen answers 503: inzage needs a queryable "
            f"logboek (Verwerkingenlogging with protocollering.verwerkingenlogging.inzage_url), "
            f"and protocollering.sink = '{config.sink}' cannot be read back"
        ]
    if config.verwerkingenlogging is None or not config.verwerkingenlogging.inzage_url:
        return [
            "inzage: GET /api/v1/mijn-verwerkingen answers 503: inzage needs a queryable "
            "logboek; set protocollering.verwerkingenlogging.inzage_url (the inzage API)"
        ]
    return []
