"""What the benchmark asks, of whom: persons, the bench doel, and the critical-path model.

Shared by the processes of one run (upstreams, façade, driver, reference), so
they agree on the persons and the calls without talking to each other.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path

import jwt

from facade.demokeys import ensure_demo_keys
from klantbeeld_demo.registers import generate_person_with_zaken
from klantbeeld_demo.registers.model import Persoon

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "config"
DEMO_KEYS = ensure_demo_keys(ROOT / "var" / "demo")  # as config/demo.toml makes them

SIZES = (0, 3, 25, 200)
CONTACTMOMENTEN_PER_PERSON = 3  # generate_person_with_zaken's default
PAGE_SIZE = 100  # the demo registers' (and Open Zaak's) default page; the façade sends none

DOEL_ID = "bench"
SCOPE = "klantbeeld.bench"
ISSUER = "https://idp.demo.klantbeeld.example"
AUDIENCE = "klantbeeld-facade"

# A doel that shows every zaak and contact field and filters no record: every
# call the contract can make for a person is made (BRP, all zaken with status
# and zaaktype, Klanten, every contactmoment with its zaak links).
DOEL_TOML = f'''id = "{DOEL_ID}"
naam = "Benchmark: alles zien"
omschrijving = "Alleen voor de benchmark: alle registers en velden, geen filters."
verwerkingsactiviteit = "https://verwerkingsregister.example/api/v1/verwerkingsactiviteiten/bench"
grondslag = "Benchmark (geen echte verwerking)"
bronnen = ["brp", "zaken", "klanten", "contactmomenten"]

[brp]
doelbinding = "BRPACT-Bench"

[velden]
klant = [
    "burgerservicenummer", "naam", "geboorte", "verblijfplaats", "adressering",
    "emailadressen", "telefoonnummers",
]
zaken = [
    "bron", "uuid", "identificatie", "bronorganisatie", "omschrijving", "toelichting",
    "zaaktype", "status", "registratiedatum", "startdatum", "einddatum", "einddatumGepland",
    "uiterlijkeEinddatumAfdoening", "vertrouwelijkheidaanduiding",
]
contactmomenten = [
    "bron", "datum", "kanaal", "tekst", "initiatiefnemer", "vertrouwelijk", "zaken",
]  # (onderwerp, gelukt: Klantinteracties only, which the bench's registers do not include)
'''

TOEGANG_TOML = f'''[[toegang]]
scope = "{SCOPE}"
afnemer = "Bench"
doelen = ["{DOEL_ID}"]
'''


PERSONS_PER_SIZE = 64  # >= the highest concurrency: requests in flight ask for different persons


def persons(
    sizes: tuple[int, ...] = SIZES, per_size: int = PERSONS_PER_SIZE
) -> dict[int, list[Persoon]]:
    """`per_size` synthetic persons per size (the same BSNs in every process of a run)."""
    return {
        n: [generate_person_with_zaken(n, index=i * per_size + j) for j in range(per_size)]
        for i, n in enumerate(sizes)
    }


def caller_token(ttl: int = 3 * 3600) -> str:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "bench-medewerker",
        "iat": now,
        "exp": now + ttl,
        "scope": SCOPE,
        "client_id": "bench",
    }
    return jwt.encode(claims, DEMO_KEYS.private_key(), algorithm="RS256")


@dataclass(frozen=True)
class Model:
    """The calls the contract forces for one person and what they cost under a profile (ms)."""

    critical_warm: float  # Catalogi cached (the steady state: a 1-hour cache)
    critical_cold: float  # Catalogi not yet cached (a service's first request)
    sequential_warm: float
    calls_warm: int
    chain: str  # the longest chain, warm


def model(profile: dict[str, float], zaken: int, contactmomenten: int | None = None) -> Model:
    """Critical path = max over dependency chains of the summed injected latencies.

    Chains (follow-up resolution, as configured):
      BRP:      POST /personen
      Zaken:    GET /zaken pages ∥ GET /rollen pages (a zaak is followed up only
                once the rollen prove it the person's) → GET status → GET statustype
                (cold only); GET zaaktype hangs off the zaken page (cold only)
      Contact:  GET /klanten → GET /klantcontactmomenten → GET contactmoment
                → GET objectcontactmoment (only for contacts linked to a zaak)
    """
    ms = {name: seconds * 1000 for name, seconds in profile.items()}

    def cost(name: str) -> float:
        return ms.get(name, 0.0)

    contacts = CONTACTMOMENTEN_PER_PERSON if contactmomenten is None else contactmomenten
    linked = min(zaken, contacts)  # the generator links contact i to zaak i
    pages = max(1, math.ceil(zaken / PAGE_SIZE))
    lists = pages * max(cost("zaken.list"), cost("zaken.rollen"))
    zaken_warm = lists + (cost("zaken.status") if zaken else 0.0)
    zaken_cold = max(
        lists + (cost("zaken.status") + cost("catalogi.statustype") if zaken else 0.0),
        pages * cost("zaken.list") + (cost("catalogi.zaaktype") if zaken else 0.0),
    )
    contact = (
        cost("klanten.list")
        + cost("contactmomenten.klantcontactmomenten")
        + (cost("contactmomenten.contactmoment") if contacts else 0.0)
        + (cost("contactmomenten.objectcontactmoment") if linked else 0.0)
    )
    brp = cost("brp.personen")
    chains = {"brp": brp, "zaken": zaken_warm, "contact": contact}
    longest = max(chains, key=lambda k: chains[k])
    sequential = (
        brp
        + pages * (cost("zaken.list") + cost("zaken.rollen"))
        + zaken * cost("zaken.status")
        + cost("klanten.list")
        + cost("contactmomenten.klantcontactmomenten")
        + contacts * cost("contactmomenten.contactmoment")
        + linked * cost("contactmomenten.objectcontactmoment")
    )
    calls = 1 + 2 * pages + zaken + 1 + 1 + contacts + linked
    return Model(
        critical_warm=max(chains.values()),
        critical_cold=max(brp, zaken_cold, contact),
        sequential_warm=sequential,
        calls_warm=calls,
        chain=longest,
    )
