"""Doelbinding end to end: per doel, exactly these fields leave and these registers are asked.

The expected field paths and upstream endpoints per (doel, person) are in
`golden/doelbinding.json`, a file a privacy officer can read. After a deliberate
change to a doel, regenerate it with `UPDATE_GOLDEN=1 ./dev test tests/facade/test_doelbinding.py`
and review the diff.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import jwt
import pytest
import pytest_asyncio

from klantbeeld_demo.registers import (
    BSN_GEHEIM,
    BSN_HOOFDPERSOON,
    BSN_ONBEKEND_IN_BRP,
    DEMO_ZGW_SECRET,
)
from policies.projection import delivered_paths
from tests.harness import Facade, caller_token, demo_settings, make_facade

GOLDEN = Path(__file__).parent / "golden" / "doelbinding.json"
PERSONS = {
    "hoofdpersoon": BSN_HOOFDPERSOON,
    "geheim": BSN_GEHEIM,
    "onbekend-in-brp": BSN_ONBEKEND_IN_BRP,
}
TOKENS = {
    "kcc-algemene-vraag": lambda bsn: caller_token("klantbeeld.kcc"),
    "kcc-zaakstatus": lambda bsn: caller_token("klantbeeld.kcc"),
    "wmo-consulent": lambda bsn: caller_token(None, roles=["wmo-consulent"]),
    "belastingen": lambda bsn: caller_token("klantbeeld.belastingen"),
    "burgerzaken-balie": lambda bsn: caller_token("klantbeeld.burgerzaken"),
    "mijn-gegevens": lambda bsn: caller_token("klantbeeld.zelfbediening", bsn=bsn),
}
CASES = [(doel, person) for doel in TOKENS for person in PERSONS]


def endpoint(path: str) -> str:
    """`/zaken/api/v1/statussen/<uuid>` → `/zaken/api/v1/statussen`."""
    return "/".join(path.split("/")[:5])


async def observe(facade: Facade, doel: str, bsn: str) -> dict[str, Any]:
    facade.calls.clear()
    response = await facade.klantbeeld(bsn, doel=doel, token=TOKENS[doel](bsn))
    assert response.status_code == 200, response.text
    view = response.json()
    data = {k: view[k] for k in ("klant", "zaken", "contactmomenten") if k in view}
    brp = [json.loads(c.body)["fields"] for c in facade.calls if c.path.endswith("/personen")]
    return {
        "secties": sorted(data),
        "paden": sorted(delivered_paths(data)),
        "registers": sorted({endpoint(c.path) for c in facade.calls}),
        "brpFields": sorted(brp[0]) if brp else None,
        "zaken": [z["identificatie"] for z in view.get("zaken", [])],
    }


@pytest_asyncio.fixture
async def facade() -> AsyncIterator[Facade]:
    # A fresh façade per case: a warm Catalogi cache would hide Catalogi calls.
    async for f in make_facade(demo_settings()):
        yield f


@pytest.fixture(scope="module")
def golden() -> dict[str, Any]:
    return json.loads(GOLDEN.read_text(encoding="utf-8")) if GOLDEN.exists() else {}


@pytest.mark.parametrize(("doel", "person"), CASES)
async def test_exactly_the_doels_fields_leave_and_only_its_registers_are_called(
    facade: Facade, golden: dict[str, Any], doel: str, person: str
) -> None:
    observed = await observe(facade, doel, PERSONS[person])
    key = f"{doel} / {person}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden[key] = observed
        GOLDEN.write_text(json.dumps(golden, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        return
    assert observed == golden[key]


def test_the_golden_file_covers_every_case(golden: dict[str, Any]) -> None:
    assert set(golden) == {f"{d} / {p}" for d, p in CASES}


async def test_three_doelen_show_the_same_person_visibly_differently(facade: Facade) -> None:
    views = {
        doel: await observe(facade, doel, BSN_HOOFDPERSOON)
        for doel in ("kcc-zaakstatus", "wmo-consulent", "burgerzaken-balie")
    }
    assert views["kcc-zaakstatus"]["secties"] == ["klant", "zaken"]
    # The balie sees the BRP only, plus her Wmo zaken while her consent (demo) is valid.
    assert views["burgerzaken-balie"]["secties"] == ["klant", "zaken"]
    assert set(views["burgerzaken-balie"]["zaken"]) <= set(views["wmo-consulent"]["zaken"])
    assert "contactmomenten.tekst" in views["wmo-consulent"]["paden"]
    assert "klant.partners.naam.voornamen" not in views["kcc-zaakstatus"]["paden"]
    assert set(views["wmo-consulent"]["zaken"]).isdisjoint(views["kcc-zaakstatus"]["zaken"])


async def test_self_service_reads_the_own_klantbeeld_and_tells_registers_burgerzelf(
    facade: Facade,
) -> None:
    token = caller_token("klantbeeld.zelfbediening", bsn=BSN_HOOFDPERSOON, sub="digid-sessie-42")
    response = await facade.klantbeeld(
        BSN_HOOFDPERSOON,
        doel="mijn-gegevens",
        token=token,
        headers={"X-Gebruiker": "iemand anders"},
    )
    assert response.status_code == 200
    brp = next(c for c in facade.calls if c.path.endswith("/personen"))
    assert brp.headers["x-gebruiker"] == "BurgerZelf"
    assert brp.headers["x-doelbinding"] == "BRPACT-Zelfbediening"


async def test_caller_fields_narrow_the_view_and_skip_registers(facade: Facade) -> None:
    body = {"burgerservicenummer": BSN_HOOFDPERSOON, "fields": ["zaken.identificatie"]}
    view = (await facade.klantbeeld(body=body)).json()
    assert set(view) == {"zaken", "bronnen", "verwerking"}
    # No BRP, no klanten, and no status or zaaktype look-ups nobody will see.
    assert {endpoint(c.path) for c in facade.calls} == {
        "/zaken/api/v1/zaken",
        "/zaken/api/v1/rollen",
        "/zaaksysteem2/zaken/api/v1",  # both zaaksystemen, zaken and rollen only
    }
    assert delivered_paths({"zaken": view["zaken"]}) == {
        "zaken.identificatie",
        "zaken.bron",
        "zaken.vertrouwelijkheidaanduiding",
    }


async def test_the_brp_gateway_gets_the_doels_doelbinding_and_the_stated_user(
    facade: Facade,
) -> None:
    await facade.klantbeeld(
        BSN_HOOFDPERSOON, headers={"X-Gebruiker": "j.jansen", "X-Verwerking": "KCC telefonie"}
    )
    brp = next(c for c in facade.calls if c.path.endswith("/personen"))
    assert brp.headers["x-doelbinding"] == "BRPACT-KCC-Algemeen"
    assert brp.headers["x-gebruiker"] == "j.jansen"
    assert brp.headers["x-verwerking"] == "KCC telefonie"


async def test_zgw_registers_see_the_token_subject_as_user_and_the_stated_user_as_its_name(
    facade: Facade,
) -> None:
    await facade.klantbeeld(BSN_HOOFDPERSOON, headers={"X-Gebruiker": "j.jansen"})
    zaken = next(c for c in facade.calls if c.path.endswith("/zaken"))
    claims = jwt.decode(
        zaken.headers["authorization"].removeprefix("Bearer "),
        DEMO_ZGW_SECRET,
        algorithms=["HS256"],
    )
    assert claims["user_id"] == "kcc-medewerker-1"
    assert claims["user_representation"] == "j.jansen"
