"""What the inzage needs from the configuration, checked once at start-up.

Its doelen must exist and be zelfbediening doelen (a refusal, like a bad doel file);
a logboek that cannot be read back (file, stdout, otlp, or a Verwerkingenlogging
without `inzage_url`) is no refusal, the endpoint then answers 503, but
`klantbeeld check-config` and the start-up log say so.
"""

from __future__ import annotations

import httpx

from connectors.auth import ZgwJwtAuth
from facade.inzage.reader import VerwerkingenloggingReader
from facade.settings import Settings
from policies.loader import PolicySet


def build_inzage_reader(settings: Settings) -> VerwerkingenloggingReader | None:
    vwl = settings.protocollering.verwerkingenlogging
    if settings.protocollering.sink != "verwerkingenlogging" or vwl is None or not vwl.inzage_url:
        return None
    return VerwerkingenloggingReader(
        vwl.inzage_url,
        httpx.AsyncClient(timeout=settings.inzage.deadline_ms / 1000),
        ZgwJwtAuth(vwl.client_id, vwl.secret),
    )


def inzage_problems(settings: Settings, policies: PolicySet) -> list[str]:
    where = f"{settings.source_file}: inzage"
    problems = []
    for key, doel_id in (
        ("doel", settings.inzage.doel),
        ("doel_ondernemer", settings.inzage.doel_ondernemer),
    ):
        if doel_id is None:
            continue
        doel = policies.get(doel_id)
        if doel is None:
            problems.append(f"{where}.{key}: unknown doel '{doel_id}'")
        elif not doel.zelfbediening:
            problems.append(
                f"{where}.{key}: doel '{doel_id}' is not a zelfbediening doel "
                "(zelfbediening = true): the inzage is for the resident's own token only"
            )
    return problems


def inzage_warnings(settings: Settings) -> list[str]:
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
