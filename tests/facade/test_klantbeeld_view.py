"""The klantbeeld end to end through the ASGI app, on the demo registers."""

from __future__ import annotations

import json
from typing import Any

from klantbeeld_demo.registers import (
    BSN_ALLEEN_BRP,
    BSN_GEHEIM,
    BSN_HOOFDPERSOON,
    BSN_ONBEKEND_IN_BRP,
    BSN_OVERLEDEN,
    BSN_VEEL_ZAKEN,
)
from tests.harness import Facade, caller_token, demo_settings, make_facade

UNKNOWN_EVERYWHERE = "999990111"


def bronnen(view: dict[str, Any]) -> dict[str, str]:
    return {b["bron"]: b["status"] for b in view["bronnen"]}


async def test_the_main_person_gets_klant_zaken_contacts_bronnen_and_verwerking(
    facade: Facade,
) -> None:
    response = await facade.klantbeeld(
        BSN_HOOFDPERSOON,
        headers={"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["api-version"] == "1.1.0"
    view = response.json()
    assert set(view) == {"klant", "zaken", "contactmomenten", "bronnen", "verwerking"}
    assert view["klant"]["naam"]["volledigeNaam"] == "Saskia Johanna van den Berg"
    # The same address in Klanten 1.0 and Klantinteracties is shown once.
    assert view["klant"]["emailadressen"] == [
        {"adres": "s.vandenberg@example.nl", "bron": "openklant2-klantinteracties",
         "isStandaard": True},
        {"adres": "saskia.vandenberg@werk.example.nl", "bron": "openklant2-klantinteracties",
         "isStandaard": False},
    ]  # fmt: skip
    startdata = [z["startdatum"] for z in view["zaken"]]
    assert startdata == sorted(startdata, reverse=True)
    datums = [c["datum"] for c in view["contactmomenten"]]
    assert datums and datums == sorted(datums, reverse=True)
    assert bronnen(view) == {
        "brp": "ok",
        "openzaak": "ok",
        "openzaak-catalogi": "ok",
        "openklant-klanten": "ok",
        "openklant-contactmomenten": "ok",
        "zaaksysteem2": "ok",
        # Its zaken are above this doel's vertrouwelijkheid: no zaaktype to look up.
        "zaaksysteem2-catalogi": "niet-gevraagd",
        "openklant2-klantinteracties": "ok",
        "kvk-handelsregister": "niet-gevraagd",  # a person: the KvK is never asked
        "objecten-toestemmingen": "niet-gevraagd",  # a doel without [toestemming]
    }
    assert all(isinstance(b["duurMs"], int) and b["afgekapt"] is False for b in view["bronnen"])
    assert view["verwerking"]["doel"] == "kcc-algemene-vraag"
    assert view["verwerking"]["traceId"] == "0af7651916cd43dd8448eb211c80319c"
    assert view["verwerking"]["beleidsversie"].startswith("sha256:")
    assert view["verwerking"]["tijdstip"].endswith("Z")


async def test_zaken_are_resolved_with_zaaktype_and_status_from_catalogi(facade: Facade) -> None:
    view = (await facade.klantbeeld(BSN_HOOFDPERSOON, doel="kcc-zaakstatus")).json()
    with_status = [z for z in view["zaken"] if "status" in z]
    assert with_status, view["zaken"]
    for zaak in view["zaken"]:
        assert zaak["zaaktype"]["omschrijving"]
    assert {"omschrijving", "statustekst", "datumStatusGezet", "isEindstatus"} >= set(
        with_status[0]["status"]
    )


async def test_a_person_unknown_to_the_brp_still_gets_contact_details_and_zaken(
    facade: Facade,
) -> None:
    view = (await facade.klantbeeld(BSN_ONBEKEND_IN_BRP)).json()
    assert bronnen(view)["brp"] == "niet-gevonden"
    assert "naam" not in view["klant"]
    assert view["klant"]["emailadressen"] or view["klant"]["telefoonnummers"]


async def test_a_person_unknown_everywhere_gets_klant_null_and_empty_sections(
    facade: Facade,
) -> None:
    response = await facade.klantbeeld(UNKNOWN_EVERYWHERE)
    assert response.status_code == 200
    view = response.json()
    assert view["klant"] is None
    assert view["zaken"] == [] and view["contactmomenten"] == []
    assert bronnen(view)["brp"] == "niet-gevonden"
    assert bronnen(view)["openklant-klanten"] == "niet-gevonden"
    assert bronnen(view)["openklant-contactmomenten"] == "niet-gevonden"


async def test_geheimhouding_travels_with_the_klant(facade: Facade) -> None:
    view = (await facade.klantbeeld(BSN_GEHEIM)).json()
    assert view["klant"]["geheimhoudingPersoonsgegevens"] is True


async def test_a_deceased_person_shows_overlijden_and_opschorting(facade: Facade) -> None:
    view = (await facade.klantbeeld(BSN_OVERLEDEN)).json()
    assert view["klant"]["overlijden"]["datum"]
    assert view["klant"]["opschortingBijhouding"]["reden"]["code"] == "O"


async def test_a_person_known_only_to_the_brp_has_empty_other_sections(facade: Facade) -> None:
    view = (await facade.klantbeeld(BSN_ALLEEN_BRP)).json()
    assert view["klant"]["naam"]
    assert "emailadressen" not in view["klant"]
    assert view["zaken"] == [] and view["contactmomenten"] == []


async def test_many_zaken_are_read_over_several_pages() -> None:
    async for facade in make_facade(demo_settings(page_size=20)):
        response = await facade.klantbeeld(BSN_VEEL_ZAKEN, doel="kcc-zaakstatus")
        assert response.status_code == 200
        pages = [c for c in facade.calls if c.path == "/zaken/api/v1/zaken"]
        numbers = [c.params.get("page", "1") for c in pages]
        assert len(numbers) >= 3
        assert numbers == [str(n) for n in range(1, len(numbers) + 1)]
        assert all(c.params["pageSize"] == "20" for c in pages)
        entry = next(b for b in response.json()["bronnen"] if b["bron"] == "openzaak")
        assert entry["afgekapt"] is False


async def test_the_page_cap_marks_the_source_afgekapt() -> None:
    async for facade in make_facade(demo_settings(page_size=20, max_pages=2)):
        view = (await facade.klantbeeld(BSN_VEEL_ZAKEN, doel="kcc-zaakstatus")).json()
        entry = next(b for b in view["bronnen"] if b["bron"] == "openzaak")
        assert entry["status"] == "ok" and entry["afgekapt"] is True


async def test_the_response_never_contains_the_upstream_urls(facade: Facade) -> None:
    body = (
        await facade.klantbeeld(
            BSN_HOOFDPERSOON,
            doel="wmo-consulent",
            token=caller_token(None, roles=["wmo-consulent"]),
        )
    ).text
    assert "http://registers" not in body
    assert json.loads(body)["zaken"]
