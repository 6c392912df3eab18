"""Klanten 1.0 (Open Klant 1.x): the person's self-reported contact details."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from connectors.errors import UpstreamError
from connectors.klanten import KlantenConnector
from tests.connectors.fakes import (
    ANDER_BSN,
    BSN,
    KLANTEN,
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


def klant_json(uuid: str, bsn: str, **fields: Any) -> dict[str, Any]:
    """A klant as Open Klant 1.0 returns it: unset strings are "", not null."""
    return {
        "url": f"{KLANTEN}/klanten/{uuid}",
        "bronorganisatie": "002220647",
        "klantnummer": "K-000123",
        "bedrijfsnaam": "",
        "functie": "",
        "websiteUrl": "",
        "voornaam": "Anna",
        "voorvoegselAchternaam": "de",
        "achternaam": "Vries",
        "telefoonnummer": "0612345678",
        "emailadres": "anna.devries@example.nl",
        "adres": None,
        "subject": "",
        "subjectType": "natuurlijk_persoon",
        "aanmaakkanaal": "webformulier",
        "geverifieerd": False,
        "subjectIdentificatie": {
            "inpBsn": bsn,
            "anpIdentificatie": "",
            "inpANummer": "",
            "geslachtsnaam": "Vries",
            "voorvoegselGeslachtsnaam": "de",
            "voorletters": "A",
            "voornamen": "Anna",
            "geslachtsaanduiding": "v",
            "geboortedatum": "1983-05-26",
            "verblijfsadres": None,
            "subVerblijfBuitenland": None,
        },
        **fields,
    }


ANNA = klant_json("7f1e2d3c-0000-4000-8000-000000000001", BSN)
IEMAND_ANDERS = klant_json(
    "7f1e2d3c-0000-4000-8000-000000000002",
    ANDER_BSN,
    voornaam="Bram",
    achternaam="Jansen",
    emailadres="bram@example.nl",
)


@pytest.fixture
def router():
    return mock_router()


@pytest.fixture
async def klanten(router):
    async with transport_for(router) as transport:
        yield KlantenConnector(zgw_upstream("open-klant", KLANTEN, transport), max_pages=3)


async def test_asks_for_the_klanten_of_the_bsn_with_a_zgw_token(router, klanten):
    route = router.get(f"{KLANTEN}/klanten").mock(return_value=paginated([ANNA]))

    await klanten.klanten(BSN, CTX)

    request = route.calls.last.request
    assert query(request) == {"subjectNatuurlijkPersoon__inpBsn": BSN}
    assert "Accept-Crs" not in request.headers
    assert_zgw_token(request, CTX)


async def test_normalizes_a_klant_and_turns_empty_strings_into_none(router, klanten):
    router.get(f"{KLANTEN}/klanten").mock(
        return_value=paginated([{**ANNA, "telefoonnummer": "", "klantnummer": ""}])
    )

    result = await klanten.klanten(BSN, CTX)

    assert result.klanten == [
        {
            "bron": "open-klant",
            "url": ANNA["url"],
            "klantnummer": None,
            "emailadres": "anna.devries@example.nl",
            "telefoonnummer": None,
            "voornaam": "Anna",
            "voorvoegselAchternaam": "de",
            "achternaam": "Vries",
        }
    ]
    assert not result.afgekapt


async def test_drops_other_peoples_klanten_when_the_filter_was_ignored(router, klanten):
    # Open Klant 1.0 ignores a parameter it does not know and returns every klant.
    zonder_bsn = klant_json("7f1e2d3c-0000-4000-8000-000000000003", "")
    router.get(f"{KLANTEN}/klanten").mock(return_value=paginated([IEMAND_ANDERS, ANNA, zonder_bsn]))

    result = await klanten.klanten(BSN, CTX)

    assert [klant["url"] for klant in result.klanten] == [ANNA["url"]]


async def test_no_klanten_is_an_empty_result(router, klanten):
    router.get(f"{KLANTEN}/klanten").mock(return_value=paginated([]))

    result = await klanten.klanten(BSN, CTX)

    assert result.klanten == []
    assert not result.afgekapt


async def test_follows_next_pages_up_to_the_cap(router, klanten):
    route = router.get(f"{KLANTEN}/klanten")
    route.side_effect = [
        paginated(
            [ANNA], next_url=f"{KLANTEN}/klanten?page=2&subjectNatuurlijkPersoon__inpBsn={BSN}"
        ),
        paginated(
            [IEMAND_ANDERS],
            next_url=f"{KLANTEN}/klanten?page=3&subjectNatuurlijkPersoon__inpBsn={BSN}",
        ),
        paginated([], next_url=f"{KLANTEN}/klanten?page=4&subjectNatuurlijkPersoon__inpBsn={BSN}"),
    ]

    result = await klanten.klanten(BSN, CTX)

    assert route.call_count == 3
    assert query(route.calls[1].request) == {"page": "2", "subjectNatuurlijkPersoon__inpBsn": BSN}
    assert [klant["url"] for klant in result.klanten] == [ANNA["url"]]
    assert result.afgekapt


async def test_an_auth_failure_is_a_fout(router, klanten):
    router.get(f"{KLANTEN}/klanten").mock(
        return_value=fout(403, "invalid-client-identifier", "Client identifier bestaat niet")
    )

    with pytest.raises(UpstreamError) as caught:
        await klanten.klanten(BSN, CTX)

    assert caught.value.problem() == {
        "title": "Het register weigerde de toegang.",
        "status": 403,
        "code": "invalid-client-identifier",
    }


async def test_a_server_error_without_json_is_a_fout(router, klanten):
    router.get(f"{KLANTEN}/klanten").mock(
        return_value=httpx.Response(
            500, text="Server Error (500)", headers={"Content-Type": "text/html"}
        )
    )

    with pytest.raises(UpstreamError) as caught:
        await klanten.klanten(BSN, CTX)

    assert caught.value.upstream_status == 500


async def test_malformed_json_is_a_fout(router, klanten):
    router.get(f"{KLANTEN}/klanten").mock(
        return_value=httpx.Response(
            200,
            content=b'{"count": 1, "results": [{"url":',
            headers={"Content-Type": "application/json"},
        )
    )

    with pytest.raises(UpstreamError) as caught:
        await klanten.klanten(BSN, CTX)

    assert caught.value.code == "ongeldig-json"
