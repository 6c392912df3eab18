"""BRP Personen 2.x: one persoon by BSN, the doel's fields pushed down, protocollering sent."""

from __future__ import annotations

import json

import httpx
import pytest

from connectors.brp import BrpConnector, BrpProtocolHeaders
from connectors.errors import UpstreamError
from tests.connectors.fakes import (
    ANDER_BSN,
    BRP,
    BRP_API_KEY,
    BSN,
    brp_upstream,
    context,
    mock_router,
    problem,
    transport_for,
)

# Sorted, as the plan gives them and the connector sends them.
FIELDS = ["adressering", "burgerservicenummer", "geboorte", "naam", "verblijfplaats"]

PERSOON = {
    "burgerservicenummer": BSN,
    "geheimhoudingPersoonsgegevens": True,
    "naam": {
        "voornamen": "Anna",
        "voorvoegsel": "de",
        "geslachtsnaam": "Vries",
        "voorletters": "A.",
        "volledigeNaam": "Anna de Vries",
    },
    "geboorte": {
        "datum": {"type": "Datum", "datum": "1983-05-26", "langFormaat": "26 mei 1983"},
        "plaats": {"code": "0518", "omschrijving": "'s-Gravenhage"},
        "land": {"code": "6030", "omschrijving": "Nederland"},
    },
    "verblijfplaats": {
        "type": "Adres",
        "verblijfadres": {
            "officieleStraatnaam": "Spui",
            "korteStraatnaam": "Spui",
            "huisnummer": 70,
            "postcode": "2511BT",
            "woonplaats": "'s-Gravenhage",
        },
    },
    "adressering": {
        "adresregel1": "Spui 70",
        "adresregel2": "2511 BT  'S-GRAVENHAGE",
        "aanhef": "Geachte mevrouw De Vries",
    },
}


def personen(*found: dict) -> httpx.Response:
    return httpx.Response(
        200, json={"type": "RaadpleegMetBurgerservicenummer", "personen": list(found)}
    )


@pytest.fixture
def router():
    return mock_router()


@pytest.fixture
async def brp(router):
    async with transport_for(router) as transport:
        yield BrpConnector(brp_upstream(transport))


async def test_asks_for_one_persoon_by_bsn_in_the_body_with_the_doels_fields(router, brp):
    route = router.post(f"{BRP}/personen").mock(return_value=personen(PERSOON))

    persoon = await brp.persoon(BSN, FIELDS, context())

    assert persoon == PERSOON
    request = route.calls.last.request
    assert request.url == f"{BRP}/personen"  # the BSN is in no URL
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    assert request.headers["X-API-KEY"] == BRP_API_KEY
    assert json.loads(request.content) == {
        "type": "RaadpleegMetBurgerservicenummer",
        "burgerservicenummer": [BSN],
        "fields": FIELDS,
    }


async def test_always_asks_for_the_burgerservicenummer_the_lookup_is_by(router, brp):
    route = router.post(f"{BRP}/personen").mock(return_value=personen(PERSOON))

    await brp.persoon(BSN, ["verblijfplaats", "naam"], context())

    fields = json.loads(route.calls.last.request.content)["fields"]
    assert fields == ["burgerservicenummer", "naam", "verblijfplaats"]


async def test_sends_the_gateway_protocollering_headers_from_the_call_context(router, brp):
    route = router.post(f"{BRP}/personen").mock(return_value=personen(PERSOON))

    await brp.persoon(BSN, FIELDS, context())

    headers = route.calls.last.request.headers
    assert headers["x-doelbinding"] == "BRPKCC-Klantbeeld"
    assert headers["x-verwerking"] == "Klantcontact"
    assert headers["x-origin-oin"] == "00000001001234567000"


async def test_names_the_user_as_the_caller_states_them_in_x_gebruiker(router, brp):
    route = router.post(f"{BRP}/personen").mock(return_value=personen(PERSOON))

    await brp.persoon(
        BSN, FIELDS, context(gebruiker="kcc-medewerker-17", gebruiker_weergave="A. de Vries (KCC)")
    )

    assert route.calls.last.request.headers["x-gebruiker"] == "A. de Vries (KCC)"


async def test_names_the_authenticated_user_when_no_user_is_stated(router, brp):
    route = router.post(f"{BRP}/personen").mock(return_value=personen(PERSOON))

    await brp.persoon(BSN, FIELDS, context(gebruiker="kcc-medewerker-17", gebruiker_weergave=""))

    assert route.calls.last.request.headers["x-gebruiker"] == "kcc-medewerker-17"


async def test_leaves_out_protocollering_headers_that_have_no_value(router, brp):
    route = router.post(f"{BRP}/personen").mock(return_value=personen(PERSOON))

    await brp.persoon(BSN, FIELDS, context(brp_doelbinding=None, verwerking=None, origin_oin=None))

    headers = route.calls.last.request.headers
    assert headers["x-gebruiker"] == "A. de Vries (KCC)"
    assert "x-doelbinding" not in headers
    assert "x-verwerking" not in headers
    assert "x-origin-oin" not in headers


async def test_uses_the_header_names_the_gateway_wants_and_skips_unnamed_ones(router):
    route = router.post(f"{BRP}/personen").mock(return_value=personen(PERSOON))
    names = BrpProtocolHeaders(
        doelbinding="X-DOELBINDING",
        verwerking="X-VERWERKING",
        gebruiker="X-GEBRUIKER",
        origin_oin=None,
    )
    async with transport_for(router) as transport:
        await BrpConnector(brp_upstream(transport), names).persoon(BSN, FIELDS, context())

    raw_names = [name for name, _ in route.calls.last.request.headers.raw]
    assert {b"X-DOELBINDING", b"X-VERWERKING", b"X-GEBRUIKER"} <= set(raw_names)
    assert b"x-origin-oin" not in {name.lower() for name in raw_names}


async def test_truncates_protocollering_values_to_242_characters(router, brp):
    route = router.post(f"{BRP}/personen").mock(return_value=personen(PERSOON))

    await brp.persoon(BSN, FIELDS, context(gebruiker_weergave="g" * 300, verwerking="v" * 242))

    headers = route.calls.last.request.headers
    assert headers["x-gebruiker"] == "g" * 242
    assert headers["x-verwerking"] == "v" * 242


async def test_sends_a_non_ascii_user_name_as_utf8_and_strips_line_breaks(router, brp):
    route = router.post(f"{BRP}/personen").mock(return_value=personen(PERSOON))

    await brp.persoon(BSN, FIELDS, context(gebruiker_weergave="José Müller\r\nX-Evil: 1"))

    raw = dict(route.calls.last.request.headers.raw)
    assert raw[b"x-gebruiker"] == "José Müller  X-Evil: 1".encode()


async def test_never_asks_for_the_fields_the_brp_adds_itself(router, brp):
    route = router.post(f"{BRP}/personen").mock(return_value=personen(PERSOON))
    asked = [
        "naam",
        "geheimhoudingPersoonsgegevens",
        "inOnderzoek",
        "opschortingBijhouding.reden",
        "rni",
        "verificatie",
        "indicatieVastgesteldVerblijftNietOpAdres",
        "geboorte.datum",
        "naam",
    ]

    await brp.persoon(BSN, asked, context())

    assert json.loads(route.calls.last.request.content)["fields"] == [
        "burgerservicenummer",
        "geboorte.datum",
        "naam",
    ]


async def test_no_personen_means_niet_gevonden(router, brp):
    router.post(f"{BRP}/personen").mock(return_value=personen())

    assert await brp.persoon(BSN, FIELDS, context()) is None


async def test_a_persoon_with_another_bsn_is_refused(router, brp):
    router.post(f"{BRP}/personen").mock(
        return_value=personen({**PERSOON, "burgerservicenummer": ANDER_BSN})
    )

    with pytest.raises(UpstreamError) as caught:
        await brp.persoon(BSN, FIELDS, context())

    assert caught.value.code == "andere-persoon"
    assert BSN not in str(caught.value.problem())
    assert ANDER_BSN not in str(caught.value.problem())


async def test_a_persoon_without_a_bsn_is_refused_even_when_the_doel_did_not_ask_it(router, brp):
    without_bsn = {key: value for key, value in PERSOON.items() if key != "burgerservicenummer"}
    router.post(f"{BRP}/personen").mock(return_value=personen(without_bsn))

    with pytest.raises(UpstreamError) as caught:
        await brp.persoon(BSN, ["naam"], context())

    assert caught.value.code == "andere-persoon"
    assert BSN not in str(caught.value.problem())


@pytest.mark.parametrize(
    "body",
    [
        {"type": "RaadpleegMetBurgerservicenummer"},
        {"type": "RaadpleegMetBurgerservicenummer", "personen": {"burgerservicenummer": BSN}},
        {"type": "RaadpleegMetBurgerservicenummer", "personen": ["999993653"]},
        {"type": "RaadpleegMetBurgerservicenummer", "personen": [PERSOON, PERSOON]},
        [PERSOON],
    ],
    ids=[
        "no-personen",
        "personen-not-a-list",
        "persoon-not-an-object",
        "two-personen",
        "bare-list",
    ],
)
async def test_an_answer_in_another_shape_is_a_fout(router, brp, body):
    router.post(f"{BRP}/personen").mock(return_value=httpx.Response(200, json=body))

    with pytest.raises(UpstreamError) as caught:
        await brp.persoon(BSN, FIELDS, context())

    assert caught.value.code == "ongeldige-vorm"


async def test_a_brp_validation_problem_is_a_fout_with_its_code(router, brp):
    router.post(f"{BRP}/personen").mock(
        return_value=problem(
            400,
            "paramsValidation",
            "Een of meerdere parameters zijn niet correct.",
            invalidParams=[
                {
                    "code": "pattern",
                    "name": "burgerservicenummer[0]",
                    "reason": "Waarde voldoet niet aan patroon ^[0-9]{9}$.",
                }
            ],
        )
    )

    with pytest.raises(UpstreamError) as caught:
        await brp.persoon(BSN, FIELDS, context())

    assert caught.value.upstream_status == 400
    assert caught.value.code == "paramsValidation"


async def test_the_brp_being_unavailable_is_a_retryable_fout(router, brp):
    router.post(f"{BRP}/personen").mock(
        return_value=problem(503, "notAvailable", "Bronservice is niet beschikbaar.")
    )

    with pytest.raises(UpstreamError) as caught:
        await brp.persoon(BSN, FIELDS, context())

    assert caught.value.retryable
    assert caught.value.upstream_status == 503


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        (
            httpx.Response(
                200, content=b'{"personen": [', headers={"Content-Type": "application/json"}
            ),
            "ongeldig-json",
        ),
        (
            httpx.Response(
                200, text="<html>Inloggen</html>", headers={"Content-Type": "text/html"}
            ),
            "ongeldig-type",
        ),
    ],
    ids=["malformed-json", "html"],
)
async def test_an_unreadable_answer_is_a_fout(router, brp, answer, code):
    router.post(f"{BRP}/personen").mock(return_value=answer)

    with pytest.raises(UpstreamError) as caught:
        await brp.persoon(BSN, FIELDS, context())

    assert caught.value.code == code


async def test_asking_for_no_requestable_field_is_a_programming_error(brp):
    with pytest.raises(ValueError):
        await brp.persoon(BSN, ["inOnderzoek"], context())
