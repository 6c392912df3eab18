"""What the kit offers a test: the demo persons by role, and the ways to break a register."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from klantbeeld_demo.registers import (
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
    Fault,
)
from klantbeeld_demo.registers.personen import BSN_KIND_1

BSN_ONBEKEND = BSN_KIND_1  # a child: only inside its parents' BRP records

PERSONEN: Mapping[str, str] = MappingProxyType(
    {
        "hoofdpersoon": BSN_HOOFDPERSOON,  # everything: zaken, contacts, both zaaksystemen
        "veel-zaken": BSN_VEEL_ZAKEN,  # 130 zaken, several pages
        "onbekend-in-brp": BSN_ONBEKEND_IN_BRP,  # no BRP; klant, zaak, contactmoment
        "geheim": BSN_GEHEIM,  # geheimhoudingPersoonsgegevens
        "overleden": BSN_OVERLEDEN,
        "alleen-brp": BSN_ALLEEN_BRP,
        "buitenland": BSN_BUITENLAND,  # VerblijfplaatsBuitenland
        "onbekend": BSN_ONBEKEND,  # unknown everywhere: klant null
        "alleen-klantinteracties": BSN_ALLEEN_KLANTINTERACTIES,  # BRP + Klantinteracties
        "partner": BSN_PARTNER,
        "buurman": BSN_BUURMAN,
    }
)
"""The demo persons by role → BSN (fictional, 999 range, pass the elfproef)."""

FAULTS: Mapping[str, Fault] = MappingProxyType(
    {
        "503": Fault.http_status(503),  # an HTML 503, as a gateway or load balancer sends
        "500": Fault.server_error(500),  # the register's own error format
        "hang": Fault.hang(),  # no answer until heal(): the façade reports `timeout`
        "invalid-json": Fault.invalid_json(),  # 200 with a truncated JSON body
    }
)
"""The ways `RegistersHandle.fail` can break a register."""


# The demo's ondernemers (klantbeeld_demo/registers/ondernemers.py): kvkNummer and branches.
ONDERNEMERS: Mapping[str, str] = MappingProxyType(
    {
        "bv": "68750110",  # Voorbeeld Bouw B.V.: RSIN, two vestigingen, a zaak of each
        "bv-nevenvestiging": "000037178601",  # its second vestiging (a vestigingsnummer)
        "eenmanszaak": "69599084",  # Bakkerij De Korenbloem: shielded bezoekadres, no RSIN
        "onbekend": "12345678",  # unknown to the KvK: klant null, `niet-gevonden`
    }
)
