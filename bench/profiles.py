"""Latency profiles for the simulated registers (seconds per endpoint).

`issue` is the profile of the speed issue (close to Open Zaak / Open Klant
timings). `observed` is what UPSTREAMS.md §8 measured on real servers, single
requests on loopback; there Zaken's `expand` costs about 87 ms per zaak on top
of the plain list ((417 − 156) / 3).

The issue gives no price for `expand`; its profile scales the observed per-zaak
cost by the ratio of the two list latencies (50 / 156 · 87 ms ≈ 28 ms).
`/rollen` is priced like the zaken list (a similar query on the same server).

`zero` injects no latency at all: what is left is the CPU cost of the HTTP
hops and of the work itself (the throughput target is set on it).
"""

from __future__ import annotations

PROFILES: dict[str, dict[str, float]] = {
    "issue": {
        "brp.personen": 0.040,
        "zaken.list": 0.050,
        "zaken.list.expand_per_zaak": 0.028,
        "zaken.rollen": 0.050,
        "zaken.status": 0.040,
        "catalogi.statustype": 0.030,
        "catalogi.zaaktype": 0.035,
        "klanten.list": 0.015,
        "contactmomenten.klantcontactmomenten": 0.010,
        "contactmomenten.contactmoment": 0.018,
        "contactmomenten.objectcontactmoment": 0.010,
    },
    "observed": {
        "brp.personen": 0.040,
        "zaken.list": 0.156,
        "zaken.list.expand_per_zaak": 0.087,
        "zaken.rollen": 0.156,
        "zaken.status": 0.112,
        "catalogi.statustype": 0.065,
        "catalogi.zaaktype": 0.072,
        "klanten.list": 0.020,
        "contactmomenten.klantcontactmomenten": 0.012,
        "contactmomenten.contactmoment": 0.020,
        "contactmomenten.objectcontactmoment": 0.012,
    },
    "zero": {},
}
