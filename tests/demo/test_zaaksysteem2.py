"""The second zaaksysteem: Open Zaak behaviour, its own Catalogi, one zaak shared with the first."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette

from klantbeeld_demo.registers import (
    BSN_BUITENLAND,
    BSN_HOOFDPERSOON,
    ZAAKSYSTEEM2_CATALOGI_BASE,
    ZAAKSYSTEEM2_ZAKEN_BASE,
    Fault,
)
from klantbeeld_demo.registers.catalogus_zaaksysteem2 import BRONORGANISATIE_BELASTINGEN
from klantbeeld_demo.registers.migratie import GEDUPLICEERDE_ZAAK
from tests.harness import demo_registers

ZAKEN_1 = "/zaken/api/v1/zaken"
ZAKEN_2 = f"{ZAAKSYSTEEM2_ZAKEN_BASE}/zaken"
CRS = {"Accept-Crs": "EPSG:4326"}
BSN_FILTER = "rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn"


async def zaken(client: httpx.AsyncClient, path: str, **params: str) -> list[dict]:
    response = await client.get(path, params=params, headers=CRS)
    assert response.status_code == 200, response.text
    return response.json()["results"]


@pytest.mark.asyncio
async def test_main_person_has_her_own_zaken_in_the_second_system(
    client: httpx.AsyncClient,
) -> None:
    found = await zaken(client, ZAKEN_2, **{BSN_FILTER: BSN_HOOFDPERSOON})
    assert {z["identificatie"] for z in found} == {
        GEDUPLICEERDE_ZAAK,
        "WMO-2025-000187",
        "BLS-2025-004711",
    }
    assert all(z["url"].startswith(f"http://registers{ZAKEN_2}/") for z in found)


@pytest.mark.asyncio
async def test_one_zaak_is_in_both_systems_with_the_same_identity(
    client: httpx.AsyncClient,
) -> None:
    (eerste,) = await zaken(client, ZAKEN_1, identificatie=GEDUPLICEERDE_ZAAK)
    (tweede,) = await zaken(client, ZAKEN_2, identificatie=GEDUPLICEERDE_ZAAK)
    assert eerste["bronorganisatie"] == tweede["bronorganisatie"]
    assert eerste["uuid"] != tweede["uuid"]
    assert eerste["zaaktype"] != tweede["zaaktype"]


@pytest.mark.asyncio
async def test_the_second_system_keeps_its_own_zaken_out_of_the_first(
    client: httpx.AsyncClient,
) -> None:
    eerste = await zaken(client, ZAKEN_1, **{BSN_FILTER: BSN_HOOFDPERSOON})
    assert "WMO-2025-000187" not in {z["identificatie"] for z in eerste}
    assert len(eerste) == 7


@pytest.mark.asyncio
async def test_zaaktypen_come_from_the_second_systems_own_catalogi(
    client: httpx.AsyncClient,
) -> None:
    found = await zaken(
        client,
        ZAKEN_2,
        **{BSN_FILTER: BSN_HOOFDPERSOON},
        expand="zaaktype,status,status.statustype",
    )
    for zaak in found:
        assert zaak["zaaktype"].startswith(f"http://registers{ZAAKSYSTEEM2_CATALOGI_BASE}/")
        assert zaak["_expand"]["zaaktype"]["url"] == zaak["zaaktype"]
        assert zaak["_expand"]["status"]["_expand"]["statustype"]["url"].startswith(
            f"http://registers{ZAAKSYSTEEM2_CATALOGI_BASE}/statustypen/"
        )
    followed = await client.get(found[0]["zaaktype"])
    assert followed.status_code == 200
    assert followed.json()["verantwoordelijke"] == "Samenwerking Klaverstreek"


@pytest.mark.asyncio
async def test_belasting_zaken_have_another_bronorganisatie(client: httpx.AsyncClient) -> None:
    found = await zaken(client, ZAKEN_2, bronorganisatie=BRONORGANISATIE_BELASTINGEN)
    assert {z["identificatie"] for z in found} == {
        "BLS-2025-004711",
        "BLS-2024-002318",
        "BLS-2025-003902",
    }


@pytest.mark.asyncio
async def test_another_person_has_zaken_only_in_the_second_system_too(
    client: httpx.AsyncClient,
) -> None:
    found = await zaken(client, ZAKEN_2, **{BSN_FILTER: BSN_BUITENLAND}, ordering="-startdatum")
    assert [z["identificatie"] for z in found] == ["BLS-2025-003902", "BLS-2024-002318"]


@pytest.mark.asyncio
async def test_status_and_rol_links_resolve_in_the_second_system(
    client: httpx.AsyncClient,
) -> None:
    (zaak,) = await zaken(client, ZAKEN_2, identificatie="BLS-2025-004711")
    status = await client.get(zaak["status"])
    rol = await client.get(zaak["rollen"][0])
    assert status.status_code == rol.status_code == 200
    assert rol.json()["betrokkeneIdentificatie"]["inpBsn"] == BSN_HOOFDPERSOON


@pytest.mark.asyncio
async def test_same_open_zaak_rules_apply(client: httpx.AsyncClient) -> None:
    missing_crs = await client.get(ZAKEN_2)
    no_token = await client.get(ZAKEN_2, headers={**CRS, "Authorization": ""})
    unknown = await client.get(ZAKEN_2, params={"foo": "bar"}, headers=CRS)
    assert (missing_crs.status_code, missing_crs.headers["api-version"]) == (412, "1.5.1")
    assert (no_token.status_code, no_token.json()["code"]) == (403, "permission_denied")
    assert unknown.status_code == 400


@pytest.mark.asyncio
async def test_a_fault_in_the_second_system_leaves_the_first_alone(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    app.state.faults.set("zaaksysteem2", Fault.http_status(503))
    assert (await client.get(ZAKEN_2, headers=CRS)).status_code == 503
    assert (await client.get(ZAKEN_1, headers=CRS)).status_code == 200
    # Its Catalogi is a register of its own.
    assert (await client.get(f"{ZAAKSYSTEEM2_CATALOGI_BASE}/zaaktypen")).status_code == 200


def test_latency_names_of_the_new_registers_are_accepted() -> None:
    demo_registers(
        latency={
            "zaaksysteem2.list": 0.1,
            "zaaksysteem2.list.expand_per_zaak": 0.09,
            "catalogi2.zaaktype": 0.07,
            "klantinteracties.klantcontacten.expand": 0.12,
        }
    )
