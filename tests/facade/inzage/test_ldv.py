"""The inzage read from an LDV "lezen" API (UNVERIFIED: against the saved spec only).

A respx logboek answers `POST /processing-activities` as `specs/logboek-lezen.json`
describes: filters in the body, flat `dpl.core.*` attributes, no paging.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx
import pytest
import respx

from facade.inzage.startup import inzage_warnings
from facade.protocollering.pseudonym import Pseudonymizer, PseudonymKey
from tests.harness import Facade, caller_token, demo_settings, make_facade

LDV = "https://logboek.example/api/v1"
BSN = "999993653"
KCC = "https://verwerkingsregister.voorbeeldgemeente.nl/api/v1/verwerkingsactiviteiten/8f3a2c1e-4b6d-4e0a-9c7f-1d2e3f4a5b6c"
DEMO_KEY = PseudonymKey(
    "demo-2026", b"demo-pseudoniemsleutel-alleen-voor-de-demo-niet-voor-productie"
)


def settings() -> Any:
    base = demo_settings()
    inzage = replace(base.inzage, logboek_lezen_url=LDV, logboek_lezen_token="ldv-token")
    return replace(base, inzage=inzage)


@pytest.fixture
async def facade() -> AsyncIterator[Facade]:
    async for facade in make_facade(settings()):
        yield facade


def span(name: str, span_id: str, start_ms: int, **attributes: Any) -> dict[str, Any]:
    return {
        "traceId": "0af76519-16cd-43dd-8448-eb211c80319c",
        "spanId": span_id,
        "status": "Ok",
        "name": name,
        "startTime": start_ms,
        "endTime": start_ms + 120,
        "attributes": {
            "dpl.core.processing_activity_id": KCC,
            "dpl.core.data_subject_id": Pseudonymizer(DEMO_KEY).pseudonym(BSN),
            **attributes,
        },
    }


async def test_asks_by_the_pseudonym_in_the_body_and_lists_the_processings(
    facade: Facade,
) -> None:
    answer = {
        "processingActivities": [
            span(
                "klantbeeld opvragen",
                "00000000000000a1",
                1_751_364_000_000,  # 2025-07-01T10:00:00Z
                **{
                    "klantbeeld.afnemer": "Klantcontactcentrum (KCC)",
                    "klantbeeld.categorieen": ["persoonsgegevens", "zaken"],
                },
            )
        ]
    }
    with respx.mock(assert_all_mocked=True) as logboek:
        route = logboek.post(f"{LDV}/processing-activities").mock(
            return_value=httpx.Response(200, json=answer)
        )
        token = caller_token("klantbeeld.zelfbediening", bsn=BSN)
        response = await facade.client.get(
            "/api/v1/mijn-verwerkingen", headers={"Authorization": f"Bearer {token}"}
        )

    assert response.status_code == 200, response.text
    request = route.calls.last.request
    assert request.url.query == b"" and BSN not in str(request.url)
    assert request.headers["Authorization"] == "Bearer ldv-token"
    body = json.loads(request.content)
    assert body["dpl.core.data_subject_id"] == Pseudonymizer(DEMO_KEY).pseudonym(BSN)
    assert body["dpl.core.data_subject_id_type"] == "BSN"
    assert isinstance(body["startTime"], int) and body["startTime"] < body["endTime"]
    [verwerking] = response.json()["verwerkingen"]
    assert verwerking["tijdstip"] == "2025-07-01T10:00:00.000Z"
    assert verwerking["doel"]["naam"] == "KCC: algemene vraag van een inwoner"
    assert verwerking["afnemer"] == "Klantcontactcentrum (KCC)"
    assert verwerking["categorieen"] == ["persoonsgegevens", "zaken"]


async def test_a_search_found_through_its_person_span_is_one_processing(facade: Facade) -> None:
    person = span("klantbeeld persoon", "00000000000000b2", 1_751_364_000_000)
    person["parentSpanId"] = "00000000000000a1"
    answer = {"processingActivities": [person, {**person, "spanId": "00000000000000b3"}]}
    with respx.mock(assert_all_mocked=True) as logboek:
        logboek.post(f"{LDV}/processing-activities").mock(
            return_value=httpx.Response(200, json=answer)
        )
        token = caller_token("klantbeeld.zelfbediening", bsn=BSN)
        response = await facade.client.get(
            "/api/v1/mijn-verwerkingen", headers={"Authorization": f"Bearer {token}"}
        )
    assert len(response.json()["verwerkingen"]) == 1


async def test_a_failing_ldv_logboek_is_503(facade: Facade) -> None:
    with respx.mock(assert_all_mocked=True) as logboek:
        logboek.post(f"{LDV}/processing-activities").mock(return_value=httpx.Response(401))
        token = caller_token("klantbeeld.zelfbediening", bsn=BSN)
        response = await facade.client.get(
            "/api/v1/mijn-verwerkingen", headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 503
    assert "logboek.example" not in response.text


def test_check_config_says_the_ldv_reader_is_unverified() -> None:
    assert any("unverified" in w for w in inzage_warnings(settings()))


async def test_a_span_about_another_subject_is_never_listed(facade: Facade) -> None:
    other = Pseudonymizer(DEMO_KEY).pseudonym("999990068")
    answer = {
        "processingActivities": [
            span("klantbeeld opvragen", "b7ad6b7169203331", 1_751_364_000_000,
                 **{"dpl.core.data_subject_id": other}),
        ]
    }  # fmt: skip
    with respx.mock(assert_all_mocked=True) as logboek:
        logboek.post(f"{LDV}/processing-activities").mock(
            return_value=httpx.Response(200, json=answer)
        )
        token = caller_token("klantbeeld.zelfbediening", bsn=BSN)
        response = await facade.client.get(
            "/api/v1/mijn-verwerkingen", headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 200, response.text
    assert response.json()["verwerkingen"] == []
