"""The demo municipality's two zaaksystemen: where each lives, its catalogus, its zaken.

Both answer like Open Zaak 1.30 (zaken.py, catalogi.py); they differ in data only.
The second one is the regional system Klaverdam is migrating to, with its own
Catalogi, so its zaaktype URLs point to its own host prefix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from klantbeeld_demo.registers import catalogus, catalogus_zaaksysteem2, urls
from klantbeeld_demo.registers.catalogus import Catalogus
from klantbeeld_demo.registers.model import DemoData, Zaakregister


@dataclass(frozen=True)
class Zaaksysteem:
    zaken_register: str  # register name: prefix of endpoint names, fault target
    catalogi_register: str
    paden: urls.ZaakPaden
    catalogus: Catalogus
    zaken_van: Callable[[DemoData], Zaakregister]


ZAAKSYSTEEM1 = Zaaksysteem(
    "zaken", "catalogi", urls.ZAAKSYSTEEM1, catalogus.CATALOGUS, lambda d: d.zaaksysteem1
)
ZAAKSYSTEEM2 = Zaaksysteem(
    "zaaksysteem2",
    "catalogi2",
    urls.ZAAKSYSTEEM2,
    catalogus_zaaksysteem2.CATALOGUS,
    lambda d: d.zaaksysteem2,
)
