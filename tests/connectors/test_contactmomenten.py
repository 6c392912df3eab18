"""Contactmomenten 1.0 (Open Klant 1.x): the contact history of the person's klanten."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from connectors.contactmomenten import ContactmomentenConnector
from connectors.errors import UpstreamError
from tests.connectors.fakes import (
    CONTACTMOMENTEN,
    KLANTEN,
    ZAKEN,
    assert_zgw_token,
    context,
    fout,
    mock_router,
    paginated,
    query,
    transport_for,
    zgw_upstream,
)

CTX = context()

KLANT = f"{KLANTEN}/klanten/7f1e2d3c-0000-4000-8000-000000000001"
TWEEDE_KLANT = f"{KLANTEN}/klanten/7f1e2d3c-0000-4000-8000-000000000009"
ANDERE_KLANT = f"{KLANTEN}/klanten/7f1e2d3c-0000-4000-8000-000000000002"
ZAAK = f"{ZAKEN}/zaken/a1f3c5e7-0000-4000-8000-000000000001"


def contactmoment_url(n: int) -> str:
    return f"{CONTACTMOMENTEN}/contactmomenten/c0000000-0000-4000-8000-00000000000{n}"


def objectcontactmoment_url(n: int) -> str:
    return f"{CONTACTMOMENTEN}/objectcontactmomenten/0c000000-0000-4000-8000-00000000000{n}"


def klantcontactmoment(n: int, klant: str, contactmoment: str) -> dict[str, Any]:
    return {
        "url": f"{CONTACTMOMENTEN}/klantcontactmomenten/kc000000-0000-4000-8000-00000000000{n}",
        "contactmoment": contactmoment,
        "klant": klant,
        "rol": "gesprekspartner",
        "gelezen": False,
    }


def contactmoment_json(
    n: int,
    registratiedatum: str,
    *,
    kanaal: str = "telefoon",
    tekst: str = "Vraag over parkeervergunning",
    objectcontactmomenten: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "url": contactmoment_url(n),
        "vorigContactmoment": None,
        "volgendContactmoment": None,
        "bronorganisatie": "002220647",
        "registratiedatum": registratiedatum,
        "kanaal": kanaal,
        "voorkeurskanaal": "",
        "voorkeurstaal": "nld",
        "tekst": tekst,
        "onderwerpLinks": [],
        "initiatiefnemer": "klant",
        "medewerker": "",
        "medewerkerIdentificatie": {
            "identificatie": "kcc-17",
            "achternaam": "Bakker",
            "voorletters": "J",
            "voorvoegselAchternaam": "",
        },
        "klantcontactmomenten": [],
        "objectcontactmomenten": objectcontactmomenten or [],
    }


def objectcontactmoment_json(n: int, contactmoment: str, zaak: str) -> dict[str, Any]:
    return {
        "url": objectcontactmoment_url(n),
        "contactmoment": contactmoment,
        "object": zaak,
        "objectType": "zaak",
    }


def ok(body: dict[str, Any]) -> httpx.Response:
    return httpx.Response(200, json=body)


@pytest.fixture
def router():
    return mock_router()


@pytest.fixture
async def connector(router):
    async with transport_for(router) as transport:
        yield ContactmomentenConnector(
            zgw_upstream("open-klant-contactmomenten", CONTACTMOMENTEN, transport), max_pages=2
        )


async def test_reads_a_klants_contactmomenten_with_their_zaak_links(router, connector):
    links = router.get(f"{CONTACTMOMENTEN}/klantcontactmomenten").mock(
        return_value=paginated([klantcontactmoment(1, KLANT, contactmoment_url(1))])
    )
    moment = router.get(contactmoment_url(1)).mock(
        return_value=ok(
            contactmoment_json(
                1, "2024-02-01T09:30:00Z", objectcontactmomenten=[objectcontactmoment_url(1)]
            )
        )
    )
    zaaklink = router.get(objectcontactmoment_url(1)).mock(
        return_value=ok(objectcontactmoment_json(1, contactmoment_url(1), ZAAK))
    )

    result = await connector.contactmomenten([KLANT], CTX)

    assert result.contactmomenten == [
        {
            "bron": "open-klant-contactmomenten",
            "url": contactmoment_url(1),
            "datum": "2024-02-01T09:30:00Z",
            "kanaal": "telefoon",
            "onderwerp": None,
            "tekst": "Vraag over parkeervergunning",
            "initiatiefnemer": "klant",
            "vertrouwelijk": False,
            "gelukt": None,
            "zaakVerwijzingen": [ZAAK],
            "openstaandeVragen": [],
        }
    ]
    assert not result.afgekapt
    assert query(links.calls.last.request) == {"klant": KLANT}  # no pageSize: Open Klant 1.0 → 400
    for route in (links, moment, zaaklink):
        assert_zgw_token(route.calls.last.request, CTX)


async def test_no_klanten_means_no_calls_and_no_contactmomenten(router, connector):
    route = router.route(host="open-klant.gemeente.example").mock(return_value=paginated([]))

    result = await connector.contactmomenten([], CTX)

    assert result.contactmomenten == []
    assert not route.called


async def test_a_klant_without_contactmomenten_gives_an_empty_list(router, connector):
    router.get(f"{CONTACTMOMENTEN}/klantcontactmomenten").mock(return_value=paginated([]))

    result = await connector.contactmomenten([KLANT], CTX)

    assert result.contactmomenten == []


async def test_ignores_links_to_other_klanten_from_a_register_that_ignored_the_filter(
    router, connector
):
    router.get(f"{CONTACTMOMENTEN}/klantcontactmomenten").mock(
        return_value=paginated(
            [
                klantcontactmoment(1, KLANT, contactmoment_url(1)),
                klantcontactmoment(2, ANDERE_KLANT, contactmoment_url(2)),
            ]
        )
    )
    router.get(contactmoment_url(1)).mock(
        return_value=ok(contactmoment_json(1, "2024-02-01T09:30:00Z"))
    )
    other = router.get(contactmoment_url(2)).mock(
        return_value=ok(contactmoment_json(2, "2024-02-02T09:30:00Z"))
    )

    result = await connector.contactmomenten([KLANT], CTX)

    assert [moment["url"] for moment in result.contactmomenten] == [contactmoment_url(1)]
    assert not other.called


async def test_a_contactmoment_shared_by_two_klanten_is_read_once(router, connector):
    def links_for(request: httpx.Request) -> httpx.Response:
        klant = request.url.params["klant"]
        return paginated(
            [klantcontactmoment(1 if klant == KLANT else 2, klant, contactmoment_url(1))]
        )

    links = router.get(f"{CONTACTMOMENTEN}/klantcontactmomenten").mock(side_effect=links_for)
    moment = router.get(contactmoment_url(1)).mock(
        return_value=ok(contactmoment_json(1, "2024-02-01T09:30:00Z"))
    )

    result = await connector.contactmomenten([KLANT, TWEEDE_KLANT, KLANT], CTX)

    assert links.call_count == 2
    assert moment.call_count == 1
    assert len(result.contactmomenten) == 1


async def test_newest_first_comparing_instants_not_strings(router, connector):
    router.get(f"{CONTACTMOMENTEN}/klantcontactmomenten").mock(
        return_value=paginated(
            [klantcontactmoment(n, KLANT, contactmoment_url(n)) for n in (1, 2, 3)]
        )
    )
    # 10:30+02:00 is 08:30Z: earlier than 09:00Z although it sorts later as text.
    router.get(contactmoment_url(1)).mock(
        return_value=ok(contactmoment_json(1, "2024-05-01T10:30:00+02:00"))
    )
    router.get(contactmoment_url(2)).mock(
        return_value=ok(contactmoment_json(2, "2024-05-01T09:00:00Z"))
    )
    router.get(contactmoment_url(3)).mock(
        return_value=ok(contactmoment_json(3, "2023-12-24T16:00:00Z"))
    )

    result = await connector.contactmomenten([KLANT], CTX)

    assert [moment["url"] for moment in result.contactmomenten] == [
        contactmoment_url(2),
        contactmoment_url(1),
        contactmoment_url(3),
    ]


async def test_follows_the_next_page_and_marks_the_page_cap(router, connector):
    route = router.get(f"{CONTACTMOMENTEN}/klantcontactmomenten")
    route.side_effect = [
        paginated(
            [klantcontactmoment(1, KLANT, contactmoment_url(1))],
            next_url=f"{CONTACTMOMENTEN}/klantcontactmomenten?klant={KLANT}&page=2",
        ),
        paginated(
            [klantcontactmoment(2, KLANT, contactmoment_url(2))],
            next_url=f"{CONTACTMOMENTEN}/klantcontactmomenten?klant={KLANT}&page=3",
        ),
    ]
    router.get(contactmoment_url(1)).mock(
        return_value=ok(contactmoment_json(1, "2024-02-01T09:30:00Z"))
    )
    router.get(contactmoment_url(2)).mock(
        return_value=ok(contactmoment_json(2, "2024-02-02T09:30:00Z"))
    )

    result = await connector.contactmomenten([KLANT], CTX)

    assert route.call_count == 2
    assert query(route.calls[1].request) == {"klant": KLANT, "page": "2"}
    assert len(result.contactmomenten) == 2
    assert result.afgekapt


async def test_reads_a_contactmoment_before_the_next_page_of_links_arrives(router, connector):
    first_read = asyncio.Event()

    async def moment(request: httpx.Request) -> httpx.Response:
        first_read.set()
        return ok(contactmoment_json(1, "2024-02-01T09:30:00Z"))

    async def links(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("page") == "2":
            await asyncio.wait_for(first_read.wait(), timeout=1)
            return paginated([])
        return paginated(
            [klantcontactmoment(1, KLANT, contactmoment_url(1))],
            next_url=f"{CONTACTMOMENTEN}/klantcontactmomenten?klant={KLANT}&page=2",
        )

    router.get(f"{CONTACTMOMENTEN}/klantcontactmomenten").mock(side_effect=links)
    router.get(contactmoment_url(1)).mock(side_effect=moment)

    result = await connector.contactmomenten([KLANT], CTX)

    assert len(result.contactmomenten) == 1


async def test_reads_zaak_links_concurrently(router, connector):
    router.get(f"{CONTACTMOMENTEN}/klantcontactmomenten").mock(
        return_value=paginated([klantcontactmoment(1, KLANT, contactmoment_url(1))])
    )
    router.get(contactmoment_url(1)).mock(
        return_value=ok(
            contactmoment_json(
                1,
                "2024-02-01T09:30:00Z",
                objectcontactmomenten=[objectcontactmoment_url(1), objectcontactmoment_url(2)],
            )
        )
    )
    both_asked = asyncio.Event()
    asked = 0

    def gated(n: int, zaak: str):
        async def respond(request: httpx.Request) -> httpx.Response:
            nonlocal asked
            asked += 1
            if asked == 2:
                both_asked.set()
            await asyncio.wait_for(both_asked.wait(), timeout=1)
            return ok(objectcontactmoment_json(n, contactmoment_url(1), zaak))

        return respond

    tweede_zaak = f"{ZAKEN}/zaken/b2f3c5e7-0000-4000-8000-000000000002"
    router.get(objectcontactmoment_url(1)).mock(side_effect=gated(1, ZAAK))
    router.get(objectcontactmoment_url(2)).mock(side_effect=gated(2, tweede_zaak))

    result = await connector.contactmomenten([KLANT], CTX)

    assert result.contactmomenten[0]["zaakVerwijzingen"] == [ZAAK, tweede_zaak]


async def test_a_dead_link_is_left_out(router, connector):
    router.get(f"{CONTACTMOMENTEN}/klantcontactmomenten").mock(
        return_value=paginated(
            [
                klantcontactmoment(1, KLANT, contactmoment_url(1)),
                klantcontactmoment(2, KLANT, contactmoment_url(2)),
            ]
        )
    )
    router.get(contactmoment_url(1)).mock(
        return_value=ok(
            contactmoment_json(
                1, "2024-02-01T09:30:00Z", objectcontactmomenten=[objectcontactmoment_url(1)]
            )
        )
    )
    router.get(contactmoment_url(2)).mock(return_value=fout(404, "not_found", "Niet gevonden."))
    router.get(objectcontactmoment_url(1)).mock(
        return_value=fout(404, "not_found", "Niet gevonden.")
    )

    result = await connector.contactmomenten([KLANT], CTX)

    [moment] = result.contactmomenten
    assert moment["url"] == contactmoment_url(1)
    assert moment["zaakVerwijzingen"] == []


async def test_a_contactmoment_that_cannot_be_read_fails_the_source(router, connector):
    router.get(f"{CONTACTMOMENTEN}/klantcontactmomenten").mock(
        return_value=paginated([klantcontactmoment(1, KLANT, contactmoment_url(1))])
    )
    router.get(contactmoment_url(1)).mock(
        return_value=fout(500, "error", "Er is een serverfout opgetreden.")
    )

    with pytest.raises(UpstreamError) as caught:
        await connector.contactmomenten([KLANT], CTX)

    assert caught.value.upstream_status == 500


async def test_a_rejected_link_query_fails_the_source_with_its_code(router, connector):
    router.get(f"{CONTACTMOMENTEN}/klantcontactmomenten").mock(
        return_value=fout(
            400,
            "invalid",
            "Invalid input.",
            invalidParams=[
                {"name": "klant", "code": "invalid", "reason": "Voer een geldige URL in."}
            ],
        )
    )

    with pytest.raises(UpstreamError) as caught:
        await connector.contactmomenten([KLANT], CTX)

    assert caught.value.code == "invalid"


async def test_a_contactmoment_link_to_another_host_is_refused(router, connector):
    foreign = "https://elders.example/contactmomenten/api/v1/contactmomenten/x"
    router.get(f"{CONTACTMOMENTEN}/klantcontactmomenten").mock(
        return_value=paginated([klantcontactmoment(1, KLANT, foreign)])
    )
    elsewhere = router.get(foreign).mock(
        return_value=ok(contactmoment_json(1, "2024-02-01T09:30:00Z"))
    )

    with pytest.raises(UpstreamError) as caught:
        await connector.contactmomenten([KLANT], CTX)

    assert caught.value.code == "vreemde-url"
    assert not elsewhere.called


async def test_a_contactmoment_in_malformed_json_fails_the_source(router, connector):
    router.get(f"{CONTACTMOMENTEN}/klantcontactmomenten").mock(
        return_value=paginated([klantcontactmoment(1, KLANT, contactmoment_url(1))])
    )
    router.get(contactmoment_url(1)).mock(
        return_value=httpx.Response(
            200, content=b'{"url": "', headers={"Content-Type": "application/json"}
        )
    )

    with pytest.raises(UpstreamError) as caught:
        await connector.contactmomenten([KLANT], CTX)

    assert caught.value.code == "ongeldig-json"
