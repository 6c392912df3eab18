"""Embedded demo registers: simulated BRP, Zaken, Catalogi, Klanten, Contactmomenten,
Klantinteracties and a second zaaksysteem (Zaken + Catalogi).

They answer like the real upstream servers (UPSTREAMS.md), so the façade's demo
runs without external servers and tests can run against them. Together they show
a municipality mid-migration: see migratie.py for the records that exist twice.
"""

from facade.demo.app import (
    DEMO_BRP_API_KEY,
    DEMO_ZGW_CLIENT_ID,
    DEMO_ZGW_CREDENTIALS,
    DEMO_ZGW_SECRET,
    ENDPOINT_NAMES,
    create_registers_app,
)
from facade.demo.faults import Fault, Faults
from facade.demo.generator import build_demo_data, generate_person_with_zaken
from facade.demo.klantinteracties import DEMO_KLANTINTERACTIES_TOKEN
from facade.demo.model import DemoData, Persoon, is_valid_bsn
from facade.demo.personen import (
    AANTAL_ZAKEN_VEEL_ZAKEN,
    BSN_ALLEEN_BRP,
    BSN_ALLEEN_KLANTINTERACTIES,
    BSN_BUITENLAND,
    BSN_BUURMAN,
    BSN_GEHEIM,
    BSN_HOOFDPERSOON,
    BSN_ONBEKEND_IN_BRP,
    BSN_OVERLEDEN,
    BSN_PARTNER,
    BSN_VEEL_ZAKEN,
    demo_data,
    demo_personen,
)
from facade.demo.server import run_registers, serve_registers
from facade.demo.urls import (
    KLANTINTERACTIES_BASE,
    ZAAKSYSTEEM2_CATALOGI_BASE,
    ZAAKSYSTEEM2_ZAKEN_BASE,
)

__all__ = [
    "AANTAL_ZAKEN_VEEL_ZAKEN",
    "BSN_ALLEEN_BRP",
    "BSN_ALLEEN_KLANTINTERACTIES",
    "BSN_BUITENLAND",
    "BSN_BUURMAN",
    "BSN_GEHEIM",
    "BSN_HOOFDPERSOON",
    "BSN_ONBEKEND_IN_BRP",
    "BSN_OVERLEDEN",
    "BSN_PARTNER",
    "BSN_VEEL_ZAKEN",
    "DEMO_BRP_API_KEY",
    "DEMO_KLANTINTERACTIES_TOKEN",
    "DEMO_ZGW_CLIENT_ID",
    "DEMO_ZGW_CREDENTIALS",
    "DEMO_ZGW_SECRET",
    "ENDPOINT_NAMES",
    "KLANTINTERACTIES_BASE",
    "ZAAKSYSTEEM2_CATALOGI_BASE",
    "ZAAKSYSTEEM2_ZAKEN_BASE",
    "DemoData",
    "Fault",
    "Faults",
    "Persoon",
    "build_demo_data",
    "create_registers_app",
    "demo_data",
    "demo_personen",
    "generate_person_with_zaken",
    "is_valid_bsn",
    "run_registers",
    "serve_registers",
]
