"""The registry of source kinds: every kind of register the façade can call.

Each kind is declared by its own connector module (`SOURCE`); this list is the
one place that names them. Settings, the doel loader, the plan, the fan-out,
`bronnen` and the review document all read from it.
"""

from __future__ import annotations

from connectors import (
    brp,
    catalogi,
    contactmomenten,
    handelsregister,
    klanten,
    klantinteracties,
    toestemming,
    zaken,
)
from vocabulary.kinds import KindRegistry

KINDS = KindRegistry(
    (
        brp.SOURCE,
        zaken.SOURCE,
        catalogi.SOURCE,
        klanten.SOURCE,
        contactmomenten.SOURCE,
        klantinteracties.SOURCE,
        handelsregister.SOURCE,
        toestemming.SOURCE,
    )
)
