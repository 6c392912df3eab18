"""Klanten and Contactmomenten as Open Klant 1.0 serves them, quirks included."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from klantbeeld_demo.registers import BSN_HOOFDPERSOON, BSN_ONBEKEND_IN_BRP, demo_data
from klantbeeld_demo.registers.ondernemers import BV_HOOFDVESTIGING, BV_NEVENVESTIGING, BV_RSIN

KLANTEN = "/klanten/api/v1/klanten"
CM = "/contactmomenten/api/v1"


async def klant_url(client: httpx.AsyncClient, bsn: str) -> str:
    response = await client.get(KLANTEN, params={"subjectNatuurlijkPersoon__inpBsn": bsn})
    (klant,) = response.json()["results"]
    return klant["url"]


@pytest.mark.asyncio
async def test_klant_by_bsn_has_contact_details(client: httpx.AsyncClient) -> None:
    response = await client.get(
        KLANTEN, params={"subjectNatuurlijkPersoon__inpBsn": BSN_HOOFDPERSOON}
    )
    assert response.status_code == 200
    assert response.headers["api-version"] == "1.0.0"
    (klant,) = response.json()["results"]
    assert klant["subjectIdentificatie"]["inpBsn"] == BSN_HOOFDPERSOON
    assert klant["emailadres"] and klant["telefoonnummer"]
    assert klant["url"].startswith("http://registers/klanten/api/v1/klanten/")


@pytest.mark.asyncio
@pytest.mark.parametrize("wrong_filter", ["subjectIdentificatie__inpBsn", "inpBsn", "bsn"])
async def test_unknown_filters_are_ignored_and_return_every_klant(
    client: httpx.AsyncClient, wrong_filter: str
) -> None:
    response = await client.get(
        KLANTEN, params={wrong_filter: BSN_HOOFDPERSOON, "pageSize": 1, "ordering": "-achternaam"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(demo_data().klanten) > 1
    # Every klant, the businesses' (which have no inpBsn) included.
    assert len({k["url"] for k in body["results"]}) == body["count"]
    assert {k["subjectType"] for k in body["results"]} == {
        "natuurlijk_persoon",
        "niet_natuurlijk_persoon",
        "vestiging",
    }


@pytest.mark.asyncio
async def test_malformed_bsn_finds_no_klant(client: httpx.AsyncClient) -> None:
    response = await client.get(KLANTEN, params={"subjectNatuurlijkPersoon__inpBsn": "12"})
    assert response.json()["count"] == 0


@pytest.mark.asyncio
async def test_person_unknown_to_brp_still_has_a_klant(client: httpx.AsyncClient) -> None:
    assert await klant_url(client, BSN_ONBEKEND_IN_BRP)


@pytest.mark.asyncio
async def test_klantcontactmomenten_lead_to_contactmoment_details(
    client: httpx.AsyncClient,
) -> None:
    url = await klant_url(client, BSN_HOOFDPERSOON)
    response = await client.get(f"{CM}/klantcontactmomenten", params={"klant": url})
    links = response.json()["results"]
    assert len(links) == 4
    assert {link["rol"] for link in links} <= {"belanghebbende", "gesprekspartner"}
    details = [(await client.get(link["contactmoment"])).json() for link in links]
    assert {d["kanaal"] for d in details} == {"balie", "telefoon", "e-mail", "website"}
    for detail in details:
        assert {"registratiedatum", "tekst", "initiatiefnemer"} <= set(detail)
        assert "onderwerp" not in detail  # Contactmomenten 1.0 has no such field


@pytest.mark.asyncio
async def test_klantcontactmomenten_need_a_url_and_an_unknown_url_finds_nothing(
    client: httpx.AsyncClient,
) -> None:
    not_a_url = await client.get(f"{CM}/klantcontactmomenten", params={"klant": "abc"})
    assert not_a_url.status_code == 400
    unknown = await client.get(
        f"{CM}/klantcontactmomenten", params={"klant": "http://registers/klanten/api/v1/klanten/x"}
    )
    assert unknown.json()["count"] == 0


@pytest.mark.asyncio
async def test_one_contact_is_linked_to_a_zaak_via_objectcontactmomenten(
    client: httpx.AsyncClient,
) -> None:
    zaak = next(z for z in demo_data().zaken.values() if z.identificatie == "ZAAK-2025-0000214")
    zaak_url = f"http://registers/zaken/api/v1/zaken/{zaak.uuid}"
    response = await client.get(f"{CM}/objectcontactmomenten", params={"object": zaak_url})
    (link,) = response.json()["results"]
    assert link["objectType"] == "zaak"
    contact = (await client.get(link["contactmoment"])).json()
    assert contact["kanaal"] == "e-mail" and contact["initiatiefnemer"] == "gemeente"


@pytest.mark.asyncio
async def test_open_klant_deviation_lists_contacts_of_a_klant_in_one_call(
    client: httpx.AsyncClient,
) -> None:
    url = await klant_url(client, BSN_HOOFDPERSOON)
    response = await client.get(
        f"{CM}/contactmomenten",
        params={"klant": url, "expand": "klantcontactmomenten", "ordering": "-registratiedatum"},
    )
    results = response.json()["results"]
    dates = [c["registratiedatum"] for c in results]
    assert len(results) == 4 and dates == sorted(dates, reverse=True)
    # Expanded inline: objects in place of URLs, and no `_expand`.
    assert results[0]["klantcontactmomenten"][0]["klant"] == url
    assert "_expand" not in results[0]


@pytest.mark.asyncio
@pytest.mark.parametrize("params", [{"pageSize": "10"}, {"foo": "bar"}])
async def test_contactmomenten_refuse_unknown_parameters_including_page_size(
    client: httpx.AsyncClient, params: dict[str, Any]
) -> None:
    response = await client.get(f"{CM}/contactmomenten", params=params)
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["code"] == "unknown-parameters"


@pytest.mark.asyncio
async def test_open_klant_accepts_a_token_without_iat(
    client: httpx.AsyncClient, make_token: Any
) -> None:
    response = await client.get(
        KLANTEN, headers={"Authorization": f"Bearer {make_token(iat=None)}"}
    )
    assert response.status_code == 200


@pytest.mark.asyncio
async def test_open_klant_crashes_on_a_future_iat(
    client: httpx.AsyncClient, make_token: Any
) -> None:
    token = make_token(iat=4_000_000_000)
    response = await client.get(KLANTEN, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 500


@pytest.mark.asyncio
async def test_open_klant_refuses_missing_token_with_403(client: httpx.AsyncClient) -> None:
    client.headers.pop("Authorization")
    response = await client.get(f"{CM}/klantcontactmomenten")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


# --- businesses -------------------------------------------------------------------


@pytest.mark.asyncio
async def test_a_business_is_a_klant_by_its_rsin(client: httpx.AsyncClient) -> None:
    response = await client.get(KLANTEN, params={"subjectNietNatuurlijkPersoon__innNnpId": BV_RSIN})
    (klant,) = response.json()["results"]
    assert klant["subjectType"] == "niet_natuurlijk_persoon"
    assert klant["subjectIdentificatie"]["innNnpId"] == BV_RSIN
    assert klant["subjectIdentificatie"]["statutaireNaam"] == "Voorbeeld Bouw B.V."
    assert klant["bedrijfsnaam"] == "Voorbeeld Bouw B.V."
    assert klant["emailadres"] and klant["telefoonnummer"]
    assert "inpBsn" not in klant["subjectIdentificatie"]


@pytest.mark.asyncio
async def test_a_branch_is_a_klant_of_its_own_by_vestigingsnummer(
    client: httpx.AsyncClient,
) -> None:
    by_branch = {"subjectVestiging__vestigingsNummer": BV_NEVENVESTIGING}
    (klant,) = (await client.get(KLANTEN, params=by_branch)).json()["results"]
    assert klant["subjectType"] == "vestiging"
    assert klant["subjectIdentificatie"]["vestigingsNummer"] == BV_NEVENVESTIGING
    assert klant["subjectIdentificatie"]["handelsnaam"] == ["Voorbeeld Renovatie"]
    # The hoofdvestiging is no klant of its own; the business is, by its RSIN.
    hoofd = {"subjectVestiging__vestigingsNummer": BV_HOOFDVESTIGING}
    assert (await client.get(KLANTEN, params=hoofd)).json()["count"] == 0


@pytest.mark.asyncio
async def test_an_rsin_is_no_bsn_and_a_bsn_no_rsin(client: httpx.AsyncClient) -> None:
    as_bsn = {"subjectNatuurlijkPersoon__inpBsn": BV_RSIN}
    as_rsin = {"subjectNietNatuurlijkPersoon__innNnpId": BSN_HOOFDPERSOON}
    assert (await client.get(KLANTEN, params=as_bsn)).json()["count"] == 0
    assert (await client.get(KLANTEN, params=as_rsin)).json()["count"] == 0


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("subject_filter", "value"),
    [
        ("subjectNietNatuurlijkPersoon__innNnpId", BV_RSIN),
        ("subjectVestiging__vestigingsNummer", BV_NEVENVESTIGING),
    ],
)
async def test_a_business_klant_has_contactmomenten_of_its_own(
    client: httpx.AsyncClient, subject_filter: str, value: str
) -> None:
    (klant,) = (await client.get(KLANTEN, params={subject_filter: value})).json()["results"]
    links = await client.get(f"{CM}/klantcontactmomenten", params={"klant": klant["url"]})
    [link] = links.json()["results"]
    moment = (await client.get(link["contactmoment"])).json()
    assert moment["tekst"] and moment["kanaal"]
