"""Toestemming (Objects API 2.x): the connector trusts no consent it did not check itself.

Mocks shaped as `objects-api-2.x.yaml`: `POST /objects/search` with `type` and
`data_attrs` in the body and `Content-Crs`, a paginated list of objects whose
`record.data` follows `docs/toestemming.schema.json`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from connectors.auth import TokenAuth
from connectors.errors import UpstreamError
from connectors.http import Upstream
from connectors.toestemming import DOEL, NU, UITBREIDINGEN, GeldigeToestemming, ToestemmingSource
from tests.connectors.fakes import context, mock_router, transport_for
from vocabulary.identifiers import BURGERSERVICENUMMER, Subject
from vocabulary.kinds import SourceQuery

OBJECTS = "https://objecten.example/api/v2"
OBJECTTYPE = "https://objecttypen.example/api/v2/objecttypes/0d1e2f3a-aaaa-4bbb-8ccc-123456789abc"
BSN = "999993653"
OTHER_BSN = "999990068"
NOW = datetime(2026, 5, 4, 10, 30, tzinfo=UTC)
CTX = context()


def consent(
    n: int,
    *,
    bsn: str = BSN,
    doel: str = "balie",
    uitbreiding: str = "wmo-zaken",
    vanaf: str = "2026-05-04T09:00:00+02:00",
    tot: str = "2026-05-04T17:00:00+02:00",
) -> dict[str, Any]:
    return {
        "url": f"{OBJECTS}/objects/0000000{n}-1111-4222-8333-444455556666",
        "uuid": f"0000000{n}-1111-4222-8333-444455556666",
        "type": OBJECTTYPE,
        "record": {
            "index": 1,
            "typeVersion": 1,
            "data": {
                "bsn": bsn,
                "doel": doel,
                "uitbreiding": uitbreiding,
                "geldigVanaf": vanaf,
                "geldigTot": tot,
                "kanaal": "balie",
            },
            "startAt": "2026-05-04",
            "endAt": None,
        },
    }


def page(*objects: dict[str, Any]) -> httpx.Response:
    body = {"count": len(objects), "next": None, "previous": None, "results": list(objects)}
    return httpx.Response(200, json=body)


async def found(*objects: dict[str, Any]) -> tuple[GeldigeToestemming | None, httpx.Request]:
    router = mock_router()
    route = router.post(f"{OBJECTS}/objects/search").mock(return_value=page(*objects))
    upstream = Upstream(
        naam="objecten", base_url=OBJECTS, transport=transport_for(router), auth=TokenAuth("t0k")
    )
    query = SourceQuery(
        Subject(BURGERSERVICENUMMER, BSN),
        frozenset(),
        opties={DOEL: "balie", UITBREIDINGEN: ("wmo-zaken",), NU: NOW},
    )
    contribution = await ToestemmingSource(upstream, OBJECTTYPE).fetch(query, CTX)
    return (None if contribution is None else contribution.resultaat), route.calls.last.request


async def test_the_search_sends_type_and_data_attrs_in_the_body_with_token_and_crs() -> None:
    _, request = await found()
    assert request.method == "POST"
    assert request.url.path == "/api/v2/objects/search"
    assert dict(request.url.params) == {"pageSize": "100"}
    assert request.headers["authorization"] == "Token t0k"
    assert request.headers["content-crs"] == "EPSG:4326"
    assert request.headers["content-type"].split(";")[0] == "application/json"
    assert json.loads(request.content) == {
        "type": OBJECTTYPE,
        "data_attrs": f"bsn__exact__{BSN},doel__exact__balie",
    }
    assert BSN not in str(request.url)


async def test_a_consent_valid_now_is_found_with_its_url() -> None:
    toestemming, _ = await found(consent(1))
    assert toestemming is not None
    assert toestemming.url.endswith("/objects/00000001-1111-4222-8333-444455556666")
    assert toestemming.uitbreiding == "wmo-zaken"


async def test_an_expired_or_future_consent_is_not_valid() -> None:
    expired = consent(1, tot="2026-05-04T12:00:00+02:00")  # 10:00 UTC: just ended
    future = consent(2, vanaf="2026-05-04T13:00:00+02:00")
    assert (await found(expired, future))[0] is None


async def test_a_consent_of_another_person_doel_or_unknown_uitbreiding_is_ignored() -> None:
    # The register's filter is not trusted: each object is checked again.
    wrong = (
        consent(1, bsn=OTHER_BSN),
        consent(2, doel="kcc"),
        consent(3, uitbreiding="alles"),
    )
    assert (await found(*wrong))[0] is None


async def test_a_validity_without_an_offset_is_no_validity() -> None:
    assert (await found(consent(1, vanaf="2026-05-04T09:00:00")))[0] is None


async def test_of_two_valid_consents_the_longest_lasting_is_named() -> None:
    short, long = consent(1), consent(2, tot="2026-05-05T00:00:00+02:00")
    toestemming, _ = await found(short, long)
    assert toestemming is not None and toestemming.url == long["url"]


async def test_an_answer_of_another_shape_is_a_register_fault() -> None:
    router = mock_router()
    router.post(f"{OBJECTS}/objects/search").mock(return_value=httpx.Response(200, json=[]))
    upstream = Upstream(
        naam="objecten", base_url=OBJECTS, transport=transport_for(router), auth=TokenAuth("t")
    )
    query = SourceQuery(
        Subject(BURGERSERVICENUMMER, BSN),
        frozenset(),
        opties={DOEL: "balie", UITBREIDINGEN: ("wmo-zaken",), NU: NOW},
    )
    with pytest.raises(UpstreamError) as info:
        await ToestemmingSource(upstream, OBJECTTYPE).fetch(query, CTX)
    assert info.value.code == "ongeldige-vorm"


async def test_the_own_consents_are_every_consent_about_this_person_and_no_other() -> None:
    router = mock_router()
    route = router.post(f"{OBJECTS}/objects/search").mock(
        return_value=page(
            consent(1, doel="kcc"),
            consent(2, bsn=OTHER_BSN),
            consent(3, tot="2026-05-01T00:00:00+02:00"),  # expired: still hers, still listed
        )
    )
    upstream = Upstream(
        naam="objecten", base_url=OBJECTS, transport=transport_for(router), auth=TokenAuth("t")
    )
    query = SourceQuery(Subject(BURGERSERVICENUMMER, BSN), frozenset({"klant.toestemmingen"}))
    contribution = await ToestemmingSource(upstream, OBJECTTYPE).fetch(query, CTX)
    assert contribution is not None
    assert [t["doel"] for t in contribution.toestemmingen] == ["kcc", "balie"]
    assert json.loads(route.calls.last.request.content)["data_attrs"] == f"bsn__exact__{BSN}"
