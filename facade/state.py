"""What the running app holds: settings, policies, registers, the service."""

from __future__ import annotations

from dataclasses import dataclass

from facade.callers import CallerAuthenticator
from facade.klantbeeld import KlantbeeldService
from facade.metrics import Metrics
from facade.protocollering.trail import AuditTrail
from facade.registers import Registers
from facade.settings import Settings
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
    in_flight: int = 0
