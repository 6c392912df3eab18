"""Domain enumerations of the VNG standards, shared by policies and connectors."""

from __future__ import annotations

from typing import Literal

# The Zaken API's vertrouwelijkheidaanduiding, least to most confidential.
VERTROUWELIJKHEIDAANDUIDINGEN: tuple[str, ...] = (
    "openbaar",
    "beperkt_openbaar",
    "intern",
    "zaakvertrouwelijk",
    "vertrouwelijk",
    "confidentieel",
    "geheim",
    "zeer_geheim",
)

# The Zaken API's rol `omschrijvingGeneriek`.
ROLLEN: tuple[str, ...] = (
    "adviseur",
    "behandelaar",
    "belanghebbende",
    "beslisser",
    "initiator",
    "klantcontacter",
    "zaakcoordinator",
    "mede_initiator",
)

# How a register's part of one klantbeeld ended (DESIGN.md, "bronnen").
BronStatus = Literal["ok", "niet-gevonden", "niet-gevraagd", "fout", "timeout"]
