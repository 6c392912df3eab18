"""Zaken (Open Zaak 1.30 behaviour): auth, Accept-Crs, filters, ordering, paging, expand."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from klantbeeld_demo.registers import BSN_BUURMAN, BSN_HOOFDPERSOON, BSN_VEEL_ZAKEN

ZAKEN = "/zaken/api/v1/zaken"
CRS = {"Accept-Crs": "EPSG:4326"}
BSN_FILTER = "rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn"


async def zaken(client: httpx.AsyncClient, **params: Any) -> httpx.Response:
    return await client.get(ZAKEN, params=params, headers=CRS)


def identificaties(response: httpx.Response) -> list[str]:
    return [z["identificatie"] for z in response.json()["results"]]


@pytest.mark.asyncio
async def test_missing_accept_crs_is_412_and_another_crs_is_406(client: httpx.AsyncClient) -> None:
    missing = await client.get(ZAKEN)
    lowercase = await client.get(ZAKEN, headers={"Accept-Crs": "epsg:4326"})
    assert (missing.status_code, missing.json()["code"]) == (412, "precondition_failed")
    assert (lowercase.status_code, lowercase.json()["code"]) == (406, "not_acceptable")
    # Errors are ZGW Fout bodies as plain application/json, with the API version.
    assert missing.headers["content-type"] == "application/json"
    assert missing.headers["api-version"] == "1.5.1"


@pytest.mark.asyncio
async def test_detail_also_requires_accept_crs(client: httpx.AsyncClient) -> None:
    url = (await zaken(client, **{BSN_FILTER: BSN_HOOFDPERSOON})).json()["results"][0]["url"]
    assert (await client.get(url)).status_code == 412
    response = await client.get(url, headers=CRS)
    assert response.status_code == 200
    assert response.headers["content-crs"] == "EPSG:4326"


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("authorization", "code"),
    [
        (None, "permission_denied"),
        ("Token abc", "permission_denied"),
        ("Bearer not-a-jwt", "jwt-decode-error"),
    ],
)
async def test_missing_or_bad_token_is_403_never_401(
    client: httpx.AsyncClient, authorization: str | None, code: str
) -> None:
    client.headers.pop("Authorization")
    headers = dict(CRS) | ({"Authorization": authorization} if authorization else {})
    response = await client.get(ZAKEN, headers=headers)
    assert response.status_code == 403
    assert response.json()["code"] == code


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("claims", "secret", "code"),
    [
        ({}, "verkeerd-geheim", "invalid-jwt-signature"),
        ({"client_id": None}, None, "missing-client-identifier"),
        ({"client_id": "onbekend"}, None, "invalid-client-identifier"),
        ({"iat": None}, None, "jwt-missing-iat-claim"),
        ({"iat": 10_000}, None, "jwt-expired"),
        ({"exp": 10_000}, None, "jwt-expiredsignatureerror"),
    ],
)
async def test_open_zaak_jwt_rules(
    client: httpx.AsyncClient, make_token: Any, claims: dict, secret: str | None, code: str
) -> None:
    token = make_token(secret, **claims) if secret else make_token(**claims)
    response = await client.get(ZAKEN, headers=CRS | {"Authorization": f"Bearer {token}"})
    assert response.status_code == 403
    assert response.json()["code"] == code


@pytest.mark.asyncio
async def test_auth_is_checked_before_accept_crs(client: httpx.AsyncClient) -> None:
    client.headers.pop("Authorization")
    assert (await client.get(ZAKEN)).status_code == 403


@pytest.mark.asyncio
async def test_bsn_filter_returns_the_persons_zaken_in_any_rol(client: httpx.AsyncClient) -> None:
    response = await zaken(client, **{BSN_FILTER: BSN_HOOFDPERSOON})
    assert response.status_code == 200
    assert response.json()["count"] == 7
    assert "ZAAK-2025-0000410" in identificaties(response)  # only belanghebbende there


@pytest.mark.asyncio
async def test_rol_filters_must_match_the_same_rol(client: httpx.AsyncClient) -> None:
    as_initiator = await zaken(
        client, **{BSN_FILTER: BSN_HOOFDPERSOON, "rol__omschrijvingGeneriek": "initiator"}
    )
    assert as_initiator.json()["count"] == 6
    # The zaak has an initiator (the neighbour), but she is not it.
    assert "ZAAK-2025-0000410" not in identificaties(as_initiator)
    neighbour = await zaken(
        client, **{BSN_FILTER: BSN_BUURMAN, "rol__omschrijvingGeneriek": "initiator"}
    )
    assert identificaties(neighbour) == ["ZAAK-2025-0000410"]


@pytest.mark.asyncio
async def test_maximale_vertrouwelijkheid_hides_more_secret_zaken(
    client: httpx.AsyncClient,
) -> None:
    response = await zaken(
        client,
        **{
            BSN_FILTER: BSN_HOOFDPERSOON,
            "maximaleVertrouwelijkheidaanduiding": "zaakvertrouwelijk",
        },
    )
    levels = {z["vertrouwelijkheidaanduiding"] for z in response.json()["results"]}
    assert levels == {"openbaar", "beperkt_openbaar", "intern", "zaakvertrouwelijk"}


@pytest.mark.asyncio
async def test_ordering_by_startdatum_descending(client: httpx.AsyncClient) -> None:
    response = await zaken(client, **{BSN_FILTER: BSN_HOOFDPERSOON, "ordering": "-startdatum"})
    startdata = [z["startdatum"] for z in response.json()["results"]]
    assert startdata == sorted(startdata, reverse=True)
    ascending = await zaken(client, **{BSN_FILTER: BSN_HOOFDPERSOON, "ordering": "startdatum"})
    assert identificaties(ascending) == identificaties(response)[::-1]


@pytest.mark.asyncio
async def test_pages_have_an_absolute_next_that_keeps_the_filters(
    client: httpx.AsyncClient,
) -> None:
    first = (await zaken(client, **{BSN_FILTER: BSN_VEEL_ZAKEN, "ordering": "-startdatum"})).json()
    assert first["count"] == 130 and len(first["results"]) == 100 and first["previous"] is None
    assert first["next"].startswith("http://registers/zaken/api/v1/zaken?")
    assert f"{BSN_FILTER}={BSN_VEEL_ZAKEN}" in first["next"] and "page=2" in first["next"]
    second = (await client.get(first["next"], headers=CRS)).json()
    assert len(second["results"]) == 30 and second["next"] is None
    assert second["previous"].startswith("http://registers/zaken/api/v1/zaken?")
    seen = {z["uuid"] for z in first["results"]} | {z["uuid"] for z in second["results"]}
    assert len(seen) == 130


@pytest.mark.asyncio
async def test_page_size_is_honoured(client: httpx.AsyncClient) -> None:
    response = await zaken(client, **{BSN_FILTER: BSN_VEEL_ZAKEN, "pageSize": 50, "page": 3})
    body = response.json()
    assert len(body["results"]) == 30 and body["next"] is None and "page=2" in body["previous"]


@pytest.mark.asyncio
@pytest.mark.parametrize("page", ["3", "0", "x"])
async def test_page_past_the_end_is_404_ongeldige_pagina(
    client: httpx.AsyncClient, page: str
) -> None:
    response = await zaken(client, **{BSN_FILTER: BSN_VEEL_ZAKEN, "page": page})
    assert response.status_code == 404
    assert response.json()["detail"] == "Ongeldige pagina."


@pytest.mark.asyncio
async def test_no_results_is_one_empty_page(client: httpx.AsyncClient) -> None:
    response = await zaken(client, **{BSN_FILTER: "999990068"})
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


@pytest.mark.asyncio
async def test_unknown_parameter_is_400_unknown_parameters(client: httpx.AsyncClient) -> None:
    response = await zaken(client, bsn=BSN_HOOFDPERSOON)
    assert response.status_code == 400
    assert response.json()["invalidParams"] == [
        {
            "name": "nonFieldErrors",
            "code": "unknown-parameters",
            "reason": "Onbekende query parameters: bsn",
        }
    ]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("params", "name", "code"),
    [
        ({BSN_FILTER: "9999936530"}, BSN_FILTER, "max_length"),
        ({"expand": "zaaktype, status"}, "expand", "invalid_choice"),
        ({"expand": "onzin"}, "expand", "invalid_choice"),
        ({"ordering": "-datum"}, "ordering", "invalid_choice"),
        ({"rol__omschrijvingGeneriek": "aanvrager"}, "rol__omschrijvingGeneriek", "invalid_choice"),
    ],
)
async def test_bad_values_are_400_on_that_parameter(
    client: httpx.AsyncClient, params: dict[str, str], name: str, code: str
) -> None:
    response = await zaken(client, **params)
    assert response.status_code == 400
    assert {"name": name, "code": code} in [
        {"name": p["name"], "code": p["code"]} for p in response.json()["invalidParams"]
    ]


@pytest.mark.asyncio
async def test_expand_nests_statustype_inside_status(client: httpx.AsyncClient) -> None:
    response = await zaken(
        client, **{BSN_FILTER: BSN_HOOFDPERSOON, "expand": "zaaktype,status,status.statustype"}
    )
    by_id = {z["identificatie"]: z for z in response.json()["results"]}
    wmo = by_id["ZAAK-2025-0000214"]
    assert wmo["_expand"]["zaaktype"]["identificatie"] == "ZT-WMO-MELDING"
    assert wmo["_expand"]["status"]["url"] == wmo["status"]
    statustype = wmo["_expand"]["status"]["_expand"]["statustype"]
    assert statustype["omschrijving"] == "Keukentafelgesprek gepland"
    assert statustype["isEindstatus"] is False
    closed = by_id["ZAAK-2025-0000371"]["_expand"]["status"]["_expand"]["statustype"]
    assert closed["isEindstatus"] is True


@pytest.mark.asyncio
async def test_null_status_and_resultaat_leave_no_key_in_expand(client: httpx.AsyncClient) -> None:
    response = await zaken(
        client, **{BSN_FILTER: BSN_HOOFDPERSOON, "expand": "zaaktype,status,resultaat"}
    )
    nieuw = next(z for z in response.json()["results"] if z["identificatie"] == "ZAAK-2025-0000399")
    assert nieuw["status"] is None and nieuw["resultaat"] is None
    assert set(nieuw["_expand"]) == {"zaaktype"}


@pytest.mark.asyncio
async def test_child_expand_without_its_parent_expands_nothing(client: httpx.AsyncClient) -> None:
    response = await zaken(client, **{BSN_FILTER: BSN_HOOFDPERSOON, "expand": "status.statustype"})
    assert all(z["_expand"] == {} for z in response.json()["results"])


@pytest.mark.asyncio
async def test_expand_is_always_present_even_without_expand(client: httpx.AsyncClient) -> None:
    response = await zaken(client, **{BSN_FILTER: BSN_HOOFDPERSOON})
    assert all(z["_expand"] == {} for z in response.json()["results"])


@pytest.mark.asyncio
async def test_zaak_detail_supports_expand_and_etag(client: httpx.AsyncClient) -> None:
    url = (await zaken(client, **{BSN_FILTER: BSN_HOOFDPERSOON})).json()["results"][0]["url"]
    response = await client.get(url, params={"expand": "rollen,rollen.roltype"}, headers=CRS)
    rollen = response.json()["_expand"]["rollen"]
    assert rollen[0]["betrokkeneIdentificatie"]["inpBsn"]
    assert (
        rollen[0]["_expand"]["roltype"]["omschrijvingGeneriek"] == rollen[0]["omschrijvingGeneriek"]
    )
    again = await client.get(
        url,
        params={"expand": "rollen,rollen.roltype"},
        headers=CRS | {"If-None-Match": response.headers["etag"]},
    )
    assert again.status_code == 304


@pytest.mark.asyncio
async def test_unknown_zaak_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{ZAKEN}/00000000-0000-0000-0000-000000000000", headers=CRS)
    assert response.status_code == 404


@pytest.mark.asyncio
async def test_status_url_resolves_without_crs_headers(client: httpx.AsyncClient) -> None:
    response = await zaken(client, **{BSN_FILTER: BSN_HOOFDPERSOON, "ordering": "-startdatum"})
    status_url = next(z["status"] for z in response.json()["results"] if z["status"])
    status = await client.get(status_url)
    assert status.status_code == 200
    statustype = await client.get(status.json()["statustype"])
    assert statustype.status_code == 200
    assert statustype.headers["api-version"] == "1.3.1"
    assert "omschrijving" in statustype.json()


@pytest.mark.asyncio
async def test_zaaktype_url_resolves_in_catalogi(client: httpx.AsyncClient) -> None:
    zaak = (await zaken(client, **{BSN_FILTER: BSN_HOOFDPERSOON})).json()["results"][0]
    zaaktype = await client.get(zaak["zaaktype"])
    assert zaaktype.status_code == 200
    assert zaaktype.json()["url"] == zaak["zaaktype"]


@pytest.mark.asyncio
async def test_rollen_filter_by_bsn(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/zaken/api/v1/rollen",
        params={"betrokkeneIdentificatie__natuurlijkPersoon__inpBsn": BSN_HOOFDPERSOON},
    )
    rollen = response.json()["results"]
    assert len(rollen) == 7
    assert {r["omschrijvingGeneriek"] for r in rollen} == {"initiator", "belanghebbende"}
    wrong_name = await client.get(
        "/zaken/api/v1/rollen",
        params={"betrokkeneIdentificatie__natuurlijkPersoon__inpANummer": "1"},
    )
    assert wrong_name.status_code == 400
