"""Embedded demo registers: simulated BRP, Zaken, Catalogi, Klanten, Contactmomenten,
Klantinteracties and a second zaaksysteem (Zaken + Catalogi).

They answer like the real upstream servers (UPSTREAMS.md), so the façade's demo
runs without external servers and tests can run against them. Together they show
a municipality mid-migration: see migratie.py for the records that exist twice.
"""

from klantbeeld_demo.registers.app import (
    DEMO_BRP_API_KEY,
    DEMO_ZGW_CLIENT_ID,
    DEMO_ZGW_CREDENTIALS,
    DEMO_ZGW_SECRET,
    ENDPOINT_NAMES,
    create_registers_app,
)
from klantbeeld_demo.registers.faults import Fault, Faults
from klantbeeld_demo.registers.generator import build_demo_data, generate_person_with_zaken
from klantbeeld_demo.registers.klantinteracties import DEMO_KLANTINTERACTIES_TOKEN
from klantbeeld_demo.registers.model import DemoData, Persoon, is_valid_bsn
from klantbeeld_demo.registers.personen import (
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
from klantbeeld_demo.registers.server import run_registers, serve_registers
from klantbeeld_demo.registers.urls import (
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
