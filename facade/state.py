"""What the running app holds: settings, policies, registers, the service."""

from __future__ import annotations

from dataclasses import dataclass

from facade.callers import CallerAuthenticator
from facade.clock import Clock, today_in_amsterdam
from facade.handles import HandleCodec
from facade.inzage.reader import InzageReader
from facade.klantbeeld import KlantbeeldService
from facade.metrics import Metrics
from facade.protocollering.trail import AuditTrail
from facade.registers import Registers
from facade.settings import Settings
from facade.zoeker import PersonenZoeker
from policies.loader import PolicySet
from policies.plan import Plans


@dataclass
class AppState:
    settings: Settings
    policies: PolicySet
    registers: Registers
    authenticator: CallerAuthenticator
    service: KlantbeeldService
    trail: AuditTrail
    metrics: Metrics
    plans: Plans
    zoeker: PersonenZoeker
    # None: no `[zoeken] key` configured, so no search and no zoekresultaat.
    handles: HandleCodec | None = None
    # None: no queryable logboek configured, so GET /api/v1/mijn-verwerkingen is a 503.
    inzage: InzageReader | None = None
    today: Clock = today_in_amsterdam
    in_flight: int = 0
