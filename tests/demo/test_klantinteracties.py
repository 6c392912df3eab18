"""Klantinteracties as Open Klant 2.x serves it: Token auth, exact filters, `_expand` shapes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from starlette.applications import Starlette

from klantbeeld_demo.registers import (
    BSN_ALLEEN_BRP,
    BSN_GEHEIM,
    BSN_HOOFDPERSOON,
    DEMO_KLANTINTERACTIES_TOKEN,
    KLANTINTERACTIES_BASE,
    Fault,
)
from klantbeeld_demo.registers.migratie import GEKOPPELDE_ZAAK
from klantbeeld_demo.registers.ondernemers import BV_KVK, BV_NEVENVESTIGING, EENMANSZAAK_KVK
from tests.demo.conftest import BASE_URL, zgw_headers

PARTIJEN = f"{KLANTINTERACTIES_BASE}/partijen"
KLANTCONTACTEN = f"{KLANTINTERACTIES_BASE}/klantcontacten"
INTERNETAKEN = f"{KLANTINTERACTIES_BASE}/internetaken"
PARTIJ_BSN = "partijIdentificator__objectId"
CONTACT_BSN = "hadBetrokkene__wasPartij__partijIdentificator__objectId"


def partij_filter(bsn: str, **overrides: str) -> dict[str, str]:
    """The full identificator filter, as UPSTREAMS.md §5 sends it."""
    return {
        "partijIdentificator__codeObjecttype": "natuurlijk_persoon",
        "partijIdentificator__codeSoortObjectId": "bsn",
        PARTIJ_BSN: bsn,
        "partijIdentificator__codeRegister": "brp",
        **overrides,
    }


def contact_filter(bsn: str, **extra: str) -> dict[str, str]:
    return {
        "hadBetrokkene__wasPartij__partijIdentificator__codeSoortObjectId": "bsn",
        CONTACT_BSN: bsn,
        **extra,
    }


@pytest_asyncio.fixture
async def ki(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url=BASE_URL,
        headers={"Authorization": f"Token {DEMO_KLANTINTERACTIES_TOKEN}"},
    ) as c:
        yield c


async def results(client: httpx.AsyncClient, path: str, **params: str) -> list[dict[str, Any]]:
    response = await client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()["results"]


# --- auth -----------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize("authorization", [None, "zgw-jwt"])
async def test_missing_or_bearer_token_is_401_not_authenticated(
    ki: httpx.AsyncClient, authorization: str | None
) -> None:
    ki.headers.pop("Authorization")
    headers = zgw_headers() if authorization else {}
    response = await ki.get(PARTIJEN, headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response.headers["www-authenticate"] == "Token"
    assert response.headers["api-version"] == "0.9.0"


@pytest.mark.asyncio
async def test_wrong_token_is_401_authentication_failed(ki: httpx.AsyncClient) -> None:
    response = await ki.get(PARTIJEN, headers={"Authorization": "Token verkeerd"})
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert response.headers["content-type"] == "application/json"


# --- partijen -------------------------------------------------------------------


@pytest.mark.asyncio
async def test_partij_found_by_the_full_bsn_identificator(ki: httpx.AsyncClient) -> None:
    (partij,) = await results(ki, PARTIJEN, **partij_filter(BSN_HOOFDPERSOON))
    (identificator,) = partij["partijIdentificatoren"]
    assert identificator["partijIdentificator"]["objectId"] == BSN_HOOFDPERSOON
    assert partij["soortPartij"] == "persoon"
    assert partij["voorkeurstaal"] == "nld"
    assert partij["indicatieGeheimhouding"] is None
    assert partij["partijIdentificatie"]["volledigeNaam"] == "Saskia van den Berg"


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "override",
    [
        {"partijIdentificator__codeSoortObjectId": "BSN"},
        {"partijIdentificator__codeObjecttype": "persoon"},
        {"partijIdentificator__codeRegister": "BRP"},
    ],
)
async def test_partij_filter_values_are_exact_and_case_sensitive(
    ki: httpx.AsyncClient, override: dict[str, str]
) -> None:
    response = await ki.get(PARTIJEN, params=partij_filter(BSN_HOOFDPERSOON, **override))
    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.asyncio
async def test_unset_addresses_are_objects_of_empty_strings(ki: httpx.AsyncClient) -> None:
    (partij,) = await results(ki, PARTIJEN, **partij_filter(BSN_HOOFDPERSOON))
    for group in ("bezoekadres", "correspondentieadres"):
        assert partij[group] and set(partij[group].values()) == {""}


@pytest.mark.asyncio
async def test_expand_digitale_adressen_gives_full_objects(ki: httpx.AsyncClient) -> None:
    params = partij_filter(BSN_HOOFDPERSOON, expand="digitaleAdressen")
    (partij,) = await results(ki, PARTIJEN, **params)
    adressen = partij["_expand"]["digitaleAdressen"]
    assert [a["url"] for a in adressen] == [a["url"] for a in partij["digitaleAdressen"]]
    assert {a["soortDigitaalAdres"] for a in adressen} == {"email", "telefoonnummer"}
    standaard_email = next(
        a for a in adressen if a["soortDigitaalAdres"] == "email" and a["isStandaardAdres"]
    )
    assert partij["voorkeursDigitaalAdres"]["uuid"] == standaard_email["uuid"]


@pytest.mark.asyncio
async def test_expand_without_related_records_gives_empty_lists(ki: httpx.AsyncClient) -> None:
    params = partij_filter(BSN_GEHEIM, expand="digitaleAdressen,betrokkenen")
    (partij,) = await results(ki, PARTIJEN, **params)
    assert partij["_expand"] == {"digitaleAdressen": [], "betrokkenen": []}


@pytest.mark.asyncio
async def test_geheim_person_has_a_partij_marked_secret(ki: httpx.AsyncClient) -> None:
    (partij,) = await results(ki, PARTIJEN, **partij_filter(BSN_GEHEIM))
    assert partij["indicatieGeheimhouding"] is True


@pytest.mark.asyncio
async def test_person_without_partij_finds_nothing(ki: httpx.AsyncClient) -> None:
    assert await results(ki, PARTIJEN, **partij_filter(BSN_ALLEEN_BRP)) == []


@pytest.mark.asyncio
async def test_expand_betrokkenen_with_their_klantcontact(ki: httpx.AsyncClient) -> None:
    params = partij_filter(BSN_HOOFDPERSOON, expand="betrokkenen,betrokkenen.hadKlantcontact")
    (partij,) = await results(ki, PARTIJEN, **params)
    betrokkenen = partij["_expand"]["betrokkenen"]
    assert len(betrokkenen) == 4
    for betrokkene in betrokkenen:
        contact = betrokkene["_expand"]["hadKlantcontact"]
        assert contact["url"] == betrokkene["hadKlantcontact"]["url"]


@pytest.mark.asyncio
async def test_partij_detail_and_unknown_uuid(ki: httpx.AsyncClient) -> None:
    (partij,) = await results(ki, PARTIJEN, **partij_filter(BSN_HOOFDPERSOON))
    detail = await ki.get(partij["url"], params={"expand": "digitaleAdressen"})
    assert detail.json()["_expand"]["digitaleAdressen"]
    missing = await ki.get(f"{PARTIJEN}/00000000-0000-0000-0000-000000000000")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")


@pytest.mark.asyncio
async def test_digitale_adressen_by_bsn(ki: httpx.AsyncClient) -> None:
    adressen = await results(
        ki,
        f"{KLANTINTERACTIES_BASE}/digitaleadressen",
        verstrektDoorPartij__partijIdentificator__objectId=BSN_HOOFDPERSOON,
    )
    assert len(adressen) == 3
    detail = await ki.get(adressen[0]["url"])
    assert detail.json()["adres"] == adressen[0]["adres"]


# --- klantcontacten -------------------------------------------------------------


@pytest.mark.asyncio
async def test_klantcontacten_by_bsn_newest_first(ki: httpx.AsyncClient) -> None:
    contacten = await results(ki, KLANTCONTACTEN, **contact_filter(BSN_HOOFDPERSOON))
    dates = [c["plaatsgevondenOp"] for c in contacten]
    assert len(contacten) == 4 and dates == sorted(dates, reverse=True)


@pytest.mark.asyncio
async def test_klantcontacten_by_partij_uuid_equal_those_by_bsn(ki: httpx.AsyncClient) -> None:
    (partij,) = await results(ki, PARTIJEN, **partij_filter(BSN_HOOFDPERSOON))
    by_uuid = await results(ki, KLANTCONTACTEN, hadBetrokkene__wasPartij__uuid=partij["uuid"])
    by_bsn = await results(ki, KLANTCONTACTEN, **contact_filter(BSN_HOOFDPERSOON))
    assert by_uuid == by_bsn


@pytest.mark.asyncio
async def test_contacts_include_a_confidential_and_a_failed_one(ki: httpx.AsyncClient) -> None:
    contacten = await results(ki, KLANTCONTACTEN, **contact_filter(BSN_HOOFDPERSOON))
    assert [c["vertrouwelijk"] for c in contacten].count(True) == 1
    assert [c["indicatieContactGelukt"] for c in contacten].count(False) == 1


@pytest.mark.asyncio
async def test_nested_expand_puts_the_partij_on_the_betrokkene(ki: httpx.AsyncClient) -> None:
    params = contact_filter(BSN_HOOFDPERSOON, expand="hadBetrokkenen,hadBetrokkenen.wasPartij")
    contact = (await results(ki, KLANTCONTACTEN, **params))[0]
    (betrokkene,) = contact["_expand"]["hadBetrokkenen"]
    partij = betrokkene["_expand"]["wasPartij"]
    assert partij["uuid"] == betrokkene["wasPartij"]["uuid"]
    assert partij["partijIdentificatoren"][0]["partijIdentificator"]["objectId"] == (
        BSN_HOOFDPERSOON
    )
    assert betrokkene["rol"] == "klant" and isinstance(betrokkene["initiator"], bool)


@pytest.mark.asyncio
async def test_parent_expand_alone_leaves_the_child_unexpanded(ki: httpx.AsyncClient) -> None:
    params = contact_filter(BSN_HOOFDPERSOON, expand="hadBetrokkenen")
    contact = (await results(ki, KLANTCONTACTEN, **params))[0]
    assert "_expand" not in contact["_expand"]["hadBetrokkenen"][0]


@pytest.mark.asyncio
async def test_child_expand_alone_gives_an_empty_expand(ki: httpx.AsyncClient) -> None:
    params = contact_filter(BSN_HOOFDPERSOON, expand="hadBetrokkenen.wasPartij")
    for contact in await results(ki, KLANTCONTACTEN, **params):
        assert contact["_expand"] == {}


@pytest.mark.asyncio
async def test_detail_without_expansions_has_no_expand_key(ki: httpx.AsyncClient) -> None:
    contact = (await results(ki, KLANTCONTACTEN, **contact_filter(BSN_HOOFDPERSOON)))[0]
    detail = (await ki.get(contact["url"], params={"expand": "hadBetrokkenen.wasPartij"})).json()
    assert "_expand" not in detail


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "params",
    [
        {"ordering": "-plaatsgevondenOp"},
        {"plaatsgevondenOp__gte": "2025-01-01T00:00:00Z"},
        {"foo": "bar"},
    ],
)
async def test_ordering_and_unsupported_filters_are_400(
    ki: httpx.AsyncClient, params: dict[str, str]
) -> None:
    response = await ki.get(KLANTCONTACTEN, params=contact_filter(BSN_HOOFDPERSOON, **params))
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["code"] == "unknown-parameters"


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"expand": "hadBetrokkenen, gingOverOnderwerpobjecten"}, "expand"),
        ({"hadBetrokkene__wasPartij__uuid": "geen-uuid"}, "hadBetrokkene__wasPartij__uuid"),
    ],
)
async def test_bad_expand_or_uuid_is_400_on_that_name(
    ki: httpx.AsyncClient, params: dict[str, str], name: str
) -> None:
    response = await ki.get(KLANTCONTACTEN, params=params)
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == name


@pytest.mark.asyncio
async def test_pagination_follows_next_and_a_page_past_the_end_is_404(
    ki: httpx.AsyncClient,
) -> None:
    url: str | None = KLANTCONTACTEN
    params: dict[str, str] | None = contact_filter(BSN_HOOFDPERSOON, pageSize="3")
    seen: list[str] = []
    while url:
        body = (await ki.get(url, params=params)).json()
        seen += [c["uuid"] for c in body["results"]]
        url, params = body["next"], None
    assert len(seen) == len(set(seen)) == 4
    past = await ki.get(KLANTCONTACTEN, params=contact_filter(BSN_HOOFDPERSOON, page="3"))
    assert past.status_code == 404


@pytest.mark.asyncio
async def test_contact_about_a_zaak_is_found_by_the_zaak_uuid(
    ki: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    zaken = await client.get(
        "/zaken/api/v1/zaken",
        params={"identificatie": GEKOPPELDE_ZAAK},
        headers={"Accept-Crs": "EPSG:4326"},
    )
    (zaak,) = zaken.json()["results"]
    (contact,) = await results(
        ki, KLANTCONTACTEN, onderwerpobject__onderwerpobjectidentificatorObjectId=zaak["uuid"]
    )
    onderwerp = (await ki.get(contact["gingOverOnderwerpobjecten"][0]["url"])).json()
    assert onderwerp["onderwerpobjectidentificator"] == {
        "objectId": zaak["uuid"],
        "codeObjecttype": "zaak",
        "codeRegister": "openzaak",
        "codeSoortObjectId": "uuid",
    }


@pytest.mark.asyncio
async def test_one_contact_is_also_a_contactmoment_of_contactmomenten_1(
    ki: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    klanten = await client.get(
        "/klanten/api/v1/klanten", params={"subjectNatuurlijkPersoon__inpBsn": BSN_HOOFDPERSOON}
    )
    cm = await client.get(
        "/contactmomenten/api/v1/contactmomenten",
        params={"klant": klanten.json()["results"][0]["url"]},
    )
    oud = {(c["registratiedatum"], c["kanaal"], c["tekst"]) for c in cm.json()["results"]}
    nieuw = await results(ki, KLANTCONTACTEN, **contact_filter(BSN_HOOFDPERSOON))
    dubbel = [c for c in nieuw if (c["plaatsgevondenOp"], c["kanaal"], c["inhoud"]) in oud]
    assert len(dubbel) == 1


@pytest.mark.asyncio
async def test_every_link_in_an_expanded_contact_resolves(ki: httpx.AsyncClient) -> None:
    contact = (await results(ki, KLANTCONTACTEN, **contact_filter(BSN_HOOFDPERSOON)))[0]
    links = [
        *contact["hadBetrokkenen"],
        *contact["gingOverOnderwerpobjecten"],
        *contact["leiddeTotInterneTaken"],
        *contact["hadBetrokkenActoren"],
    ]
    assert len(links) >= 4
    for link in links:
        response = await ki.get(link["url"])
        assert response.status_code == 200 and response.json()["uuid"] == link["uuid"]


# --- internetaken ---------------------------------------------------------------


@pytest.mark.asyncio
async def test_her_contacts_led_to_one_open_and_one_done_internetaak(
    ki: httpx.AsyncClient,
) -> None:
    params = contact_filter(BSN_HOOFDPERSOON, expand="leiddeTotInterneTaken")
    contacten = await results(ki, KLANTCONTACTEN, **params)
    taken = [t for c in contacten for t in c["_expand"]["leiddeTotInterneTaken"]]
    by_status = {t["status"]: t for t in taken}
    assert len(taken) == 2 and set(by_status) == {"te_verwerken", "verwerkt"}
    assert by_status["verwerkt"]["afgehandeldOp"] is not None
    assert by_status["te_verwerken"]["afgehandeldOp"] is None


@pytest.mark.asyncio
async def test_internetaken_filter_by_status_and_klantcontact(ki: httpx.AsyncClient) -> None:
    (open_taak,) = await results(ki, INTERNETAKEN, status="te_verwerken")
    contact_uuid = open_taak["aanleidinggevendKlantcontact"]["uuid"]
    assert await results(ki, INTERNETAKEN, klantcontact__uuid=contact_uuid) == [open_taak]
    bad = await ki.get(INTERNETAKEN, params={"status": "open"})
    assert (bad.status_code, bad.json()["invalidParams"][0]["code"]) == (400, "invalid_choice")


# --- behaviour knobs ------------------------------------------------------------


@pytest.mark.asyncio
async def test_register_fault_hits_every_klantinteracties_endpoint(
    app: Starlette, ki: httpx.AsyncClient
) -> None:
    app.state.faults.set("klantinteracties", Fault.http_status(502))
    assert (await ki.get(PARTIJEN)).status_code == 502
    assert (await ki.get(INTERNETAKEN)).status_code == 502
    app.state.faults.clear()
    assert (await ki.get(PARTIJEN)).status_code == 200


# --- businesses -----------------------------------------------------------------


def hr_filter(soort: str, object_id: str, objecttype: str) -> dict[str, str]:
    """The identificator filter the connector sends for a business or a branch."""
    return partij_filter(
        object_id,
        partijIdentificator__codeObjecttype=objecttype,
        partijIdentificator__codeSoortObjectId=soort,
        partijIdentificator__codeRegister="hr",
    )


@pytest.mark.asyncio
async def test_the_bv_is_an_organisatie_partij_by_kvk_nummer(ki: httpx.AsyncClient) -> None:
    params = hr_filter("kvk_nummer", BV_KVK, "niet_natuurlijk_persoon")
    [partij] = await results(ki, PARTIJEN, **params, expand="digitaleAdressen")
    assert partij["soortPartij"] == "organisatie"
    assert partij["partijIdentificatie"] == {"naam": "Voorbeeld Bouw B.V."}
    [identificator] = partij["partijIdentificatoren"]
    assert identificator["partijIdentificator"] == {
        "codeObjecttype": "niet_natuurlijk_persoon",
        "codeSoortObjectId": "kvk_nummer",
        "objectId": BV_KVK,
        "codeRegister": "hr",
    }
    adressen = {a["soortDigitaalAdres"] for a in partij["_expand"]["digitaleAdressen"]}
    assert adressen == {"email", "telefoonnummer"}


@pytest.mark.asyncio
async def test_a_branch_is_a_partij_of_its_own_under_the_kvk_nummer(
    ki: httpx.AsyncClient,
) -> None:
    bv = await results(ki, PARTIJEN, **hr_filter("kvk_nummer", BV_KVK, "niet_natuurlijk_persoon"))
    params = hr_filter("vestigingsnummer", BV_NEVENVESTIGING, "vestiging")
    [partij] = await results(ki, PARTIJEN, **params)
    assert partij["uuid"] != bv[0]["uuid"]
    [identificator] = partij["partijIdentificatoren"]
    assert identificator["partijIdentificator"]["objectId"] == BV_NEVENVESTIGING
    # In the spec a vestigingsnummer is a sub-identificator of the kvk_nummer.
    parent = bv[0]["partijIdentificatoren"][0]
    assert identificator["subIdentificatorVan"] == {"uuid": parent["uuid"], "url": parent["url"]}


@pytest.mark.asyncio
async def test_the_eenmanszaak_has_a_partij_with_a_digitaal_adres(ki: httpx.AsyncClient) -> None:
    params = hr_filter("kvk_nummer", EENMANSZAAK_KVK, "niet_natuurlijk_persoon")
    [partij] = await results(ki, PARTIJEN, **params, expand="digitaleAdressen")
    [adres] = partij["_expand"]["digitaleAdressen"]
    assert adres["soortDigitaalAdres"] == "email" and adres["isStandaardAdres"] is True


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("soort", "object_id", "onderwerp"),
    [
        ("kvk_nummer", BV_KVK, "Omgevingsvergunning bedrijfshal"),
        ("vestigingsnummer", BV_NEVENVESTIGING, "Container Havenkade 5"),
    ],
)
async def test_klantcontacten_by_kvk_or_vestigingsnummer_are_that_partijs_own(
    ki: httpx.AsyncClient, soort: str, object_id: str, onderwerp: str
) -> None:
    params = {
        "hadBetrokkene__wasPartij__partijIdentificator__codeSoortObjectId": soort,
        CONTACT_BSN: object_id,
        "expand": "hadBetrokkenen,hadBetrokkenen.wasPartij",
    }
    [contact] = await results(ki, KLANTCONTACTEN, **params)
    assert contact["onderwerp"] == onderwerp
    assert contact["kanaal"] and contact["indicatieContactGelukt"] is True
    [betrokkene] = contact["_expand"]["hadBetrokkenen"]
    partij = betrokkene["_expand"]["wasPartij"]
    assert partij["partijIdentificatoren"][0]["partijIdentificator"]["objectId"] == object_id
    assert betrokkene["organisatienaam"] == partij["partijIdentificatie"]["naam"]


@pytest.mark.asyncio
async def test_a_kvk_nummer_is_no_bsn(ki: httpx.AsyncClient) -> None:
    # Code soorten are matched too: a kvk_nummer asked for as a BSN finds nothing.
    assert await results(ki, PARTIJEN, **partij_filter(BV_KVK)) == []
    assert await results(ki, KLANTCONTACTEN, **contact_filter(BV_KVK)) == []


@pytest.mark.asyncio
async def test_soort_partij_filters_persons_from_organisaties(ki: httpx.AsyncClient) -> None:
    organisaties = await results(ki, PARTIJEN, soortPartij="organisatie")
    personen = await results(ki, PARTIJEN, soortPartij="persoon")
    assert len(organisaties) == 3
    assert all(p["soortPartij"] == "persoon" for p in personen) and personen
