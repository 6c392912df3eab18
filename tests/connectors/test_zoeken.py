"""Searching the registers: BRP Personen 2.x search types, Klantinteracties digitale adressen."""

from __future__ import annotations

import json

import httpx
import pytest

from connectors.auth import TokenAuth
from connectors.brp import BrpConnector
from connectors.brp_zoeken import BrpZoeker
from connectors.errors import UpstreamError
from connectors.http import Upstream
from connectors.klantinteracties_zoeken import DigitaalAdresZoeker
from tests.connectors.fakes import (
    ANDER_BSN,
    BRP,
    BRP_API_KEY,
    BSN,
    brp_upstream,
    context,
    mock_router,
    paginated,
    query,
    transport_for,
)
from vocabulary.zoeken import normalised_phone

CTX = context()
FIELDS = ("adressering.adresregel1", "adressering.adresregel2", "burgerservicenummer",
          "geboorte.datum", "naam.volledigeNaam")  # fmt: skip
KLANTINTERACTIES = "https://open-klant-2.gemeente.example/klantinteracties/api/v1"
TOKEN = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b"
PARTIJ_UUID = "a0000000-0000-4000-8000-00000000000a"
ANDERE_PARTIJ_UUID = "b0000000-0000-4000-8000-00000000000b"


def persoon_beperkt(bsn: str = BSN) -> dict:
    """A persoon of a search answer: PersoonBeperkt, only the fields asked (BRP 2.7)."""
    return {
        "burgerservicenummer": bsn,
        "naam": {"volledigeNaam": "Saskia Johanna van den Berg"},
        "geboorte": {
            "datum": {"type": "Datum", "datum": "1983-05-26", "langFormaat": "26 mei 1983"}
        },
        "adressering": {"adresregel1": "Kastanjelaan 12 A", "adresregel2": "1998 AB  KLAVERDAM"},
    }


@pytest.fixture
def router():
    return mock_router()


@pytest.fixture
async def zoeker(router):
    async with transport_for(router) as transport:
        yield BrpZoeker(BrpConnector(brp_upstream(transport)))


async def test_a_name_search_is_its_brp_search_type_with_the_values_and_fields_in_the_body(
    router, zoeker
):
    route = router.post(f"{BRP}/personen").mock(
        return_value=httpx.Response(
            200,
            json={"type": "ZoekMetGeslachtsnaamEnGeboortedatum", "personen": [persoon_beperkt()]},
        )
    )

    found = await zoeker.zoek(
        "ZoekMetGeslachtsnaamEnGeboortedatum",
        {"geslachtsnaam": "Berg", "geboortedatum": "1983-05-26", "voorvoegsel": "van den"},
        FIELDS,
        CTX,
    )

    assert [p["burgerservicenummer"] for p in found] == [BSN]
    request = route.calls.last.request
    assert request.url.query == b""  # nothing of the search in the URL
    assert json.loads(request.content) == {
        "type": "ZoekMetGeslachtsnaamEnGeboortedatum",
        "geslachtsnaam": "Berg",
        "geboortedatum": "1983-05-26",
        "voorvoegsel": "van den",
        "fields": list(FIELDS),
    }
    assert request.headers["content-type"].startswith("application/json")
    assert request.headers["x-api-key"] == BRP_API_KEY
    assert request.headers["x-doelbinding"] == CTX.brp_doelbinding
    assert request.headers["x-gebruiker"] == CTX.gebruiker_weergave
    assert request.headers["x-verwerking"] == CTX.verwerking


async def test_the_automatic_fields_are_never_asked(router, zoeker):
    route = router.post(f"{BRP}/personen").mock(
        return_value=httpx.Response(200, json={"type": "x", "personen": []})
    )
    await zoeker.zoek(
        "ZoekMetPostcodeEnHuisnummer",
        {"postcode": "1998AB", "huisnummer": 12},
        ("burgerservicenummer", "geheimhoudingPersoonsgegevens", "naam.volledigeNaam"),
        CTX,
    )
    assert json.loads(route.calls.last.request.content)["fields"] == [
        "burgerservicenummer",
        "naam.volledigeNaam",
    ]


@pytest.mark.parametrize(
    "personen",
    [
        [{"naam": {"volledigeNaam": "Zonder BSN"}}],
        [{"burgerservicenummer": "12345"}],
        "geen lijst",
    ],
)
async def test_an_answer_without_a_well_formed_bsn_per_persoon_is_refused(router, zoeker, personen):
    router.post(f"{BRP}/personen").mock(
        return_value=httpx.Response(200, json={"type": "x", "personen": personen})
    )
    with pytest.raises(UpstreamError) as raised:
        await zoeker.zoek("ZoekMetPostcodeEnHuisnummer", {}, FIELDS, CTX)
    assert raised.value.code == "ongeldige-vorm"


async def test_raadplegen_asks_all_bsns_at_once_and_refuses_anyone_else(router, zoeker):
    route = router.post(f"{BRP}/personen").mock(
        return_value=httpx.Response(
            200,
            json={"type": "RaadpleegMetBurgerservicenummer", "personen": [persoon_beperkt()]},
        )
    )
    assert len(await zoeker.raadpleeg([BSN, ANDER_BSN], FIELDS, CTX)) == 1
    body = json.loads(route.calls.last.request.content)
    assert body == {
        "type": "RaadpleegMetBurgerservicenummer",
        "burgerservicenummer": [BSN, ANDER_BSN],
        "fields": list(FIELDS),
    }

    route.mock(
        return_value=httpx.Response(
            200, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [persoon_beperkt()]}
        )
    )
    with pytest.raises(UpstreamError) as raised:
        await zoeker.raadpleeg([ANDER_BSN], FIELDS, CTX)
    assert raised.value.code == "andere-persoon"


async def test_raadplegen_offers_no_deceased_person_as_the_search_types_do(router, zoeker):
    overleden = {
        **persoon_beperkt(ANDER_BSN),
        "opschortingBijhouding": {
            "reden": {"code": "O", "omschrijving": "overlijden"},
            "datum": {"type": "Datum", "datum": "2024-02-01", "langFormaat": "1 februari 2024"},
        },
    }
    router.post(f"{BRP}/personen").mock(
        return_value=httpx.Response(
            200,
            json={
                "type": "RaadpleegMetBurgerservicenummer",
                "personen": [persoon_beperkt(), overleden],
            },
        )
    )

    found = await zoeker.raadpleeg([BSN, ANDER_BSN], FIELDS, CTX)

    assert [p["burgerservicenummer"] for p in found] == [BSN]


# ---- Klantinteracties: digitale adressen → partij → BSN ----------------------------------


def digitaal_adres(adres: str, partij: str | None, soort: str = "telefoonnummer") -> dict:
    """A DigitaalAdres as Open Klant 2.18 lists it (klantinteracties-2.x.yaml)."""
    return {
        "uuid": "d0000000-0000-4000-8000-000000000001",
        "url": f"{KLANTINTERACTIES}/digitaleadressen/d0000000-0000-4000-8000-000000000001",
        "verstrektDoorBetrokkene": None,
        "verstrektDoorPartij": {
            "uuid": partij,
            "url": f"{KLANTINTERACTIES}/partijen/{partij}",
        }
        if partij
        else None,
        "adres": adres,
        "soortDigitaalAdres": soort,
        "isStandaardAdres": True,
        "omschrijving": "mobiel",
        "referentie": "",
        "verificatieDatum": None,
    }


def partij(uuid: str, bsn: str, *, actief: bool = True) -> dict:
    return {
        "uuid": uuid,
        "url": f"{KLANTINTERACTIES}/partijen/{uuid}",
        "soortPartij": "persoon",
        "indicatieActief": actief,
        "indicatieGeheimhouding": False,
        "partijIdentificatoren": [
            {
                "uuid": "e0000000-0000-4000-8000-000000000001",
                "anderePartijIdentificator": "",
                "partijIdentificator": {
                    "codeObjecttype": "natuurlijk_persoon",
                    "codeSoortObjectId": "bsn",
                    "objectId": bsn,
                    "codeRegister": "brp",
                },
                "subIdentificatorVan": None,
            }
        ],
    }


@pytest.fixture
async def adressen(router):
    async with transport_for(router) as transport:
        upstream = Upstream(
            naam="openklant2", base_url=KLANTINTERACTIES, transport=transport, auth=TokenAuth(TOKEN)
        )
        yield DigitaalAdresZoeker(upstream)


async def test_a_phone_number_is_looked_up_by_its_last_8_digits_and_kept_only_when_equal(
    router, adressen
):
    lijst = router.get(f"{KLANTINTERACTIES}/digitaleadressen").mock(
        return_value=paginated(
            [
                digitaal_adres("06-87001122", PARTIJ_UUID),
                # Contains the digits (as icontains matches), but is another number.
                digitaal_adres("+32487001122", ANDERE_PARTIJ_UUID),
            ]
        )
    )
    lees = router.get(f"{KLANTINTERACTIES}/partijen/{PARTIJ_UUID}").mock(
        return_value=httpx.Response(200, json=partij(PARTIJ_UUID, BSN))
    )

    bsns, afgekapt = await adressen.bsns("telefoonnummer", "+31687001122", CTX)

    assert (bsns, afgekapt) == ([BSN], False)
    request = lijst.calls.last.request
    assert query(request) == {
        "adres__icontains": "87001122",
        "soortDigitaalAdres": "telefoonnummer",
    }
    assert request.headers["authorization"] == f"Token {TOKEN}"
    assert lees.calls.last.request.headers["authorization"] == f"Token {TOKEN}"
    assert len(lees.calls) == 1


async def test_more_partijen_than_a_search_may_show_are_not_read(router):
    router.get(f"{KLANTINTERACTIES}/digitaleadressen").mock(
        return_value=paginated(
            [
                digitaal_adres("0687001122", PARTIJ_UUID),
                digitaal_adres("+31687001122", ANDERE_PARTIJ_UUID),
            ]
        )
    )
    lees = router.get(url__startswith=f"{KLANTINTERACTIES}/partijen/")
    async with transport_for(router) as transport:
        upstream = Upstream(
            naam="openklant2", base_url=KLANTINTERACTIES, transport=transport, auth=TokenAuth(TOKEN)
        )
        zoeker = DigitaalAdresZoeker(upstream, max_partijen=1)

        bsns, te_veel = await zoeker.bsns("telefoonnummer", "+31687001122", CTX)

    assert (bsns, te_veel) == ([], True)
    assert not lees.called  # no person processed for an answer that is "te veel" anyway


async def test_an_email_address_matches_case_insensitively_and_an_inactive_partij_is_nobody(
    router, adressen
):
    router.get(f"{KLANTINTERACTIES}/digitaleadressen").mock(
        return_value=paginated(
            [
                digitaal_adres("S.vandenBerg@Example.nl", PARTIJ_UUID, "email"),
                digitaal_adres("s.vandenberg@example.nl", ANDERE_PARTIJ_UUID, "email"),
                digitaal_adres("s.vandenberg@example.nl", None, "email"),  # a betrokkene's
            ]
        )
    )
    router.get(f"{KLANTINTERACTIES}/partijen/{PARTIJ_UUID}").mock(
        return_value=httpx.Response(200, json=partij(PARTIJ_UUID, BSN))
    )
    router.get(f"{KLANTINTERACTIES}/partijen/{ANDERE_PARTIJ_UUID}").mock(
        return_value=httpx.Response(200, json=partij(ANDERE_PARTIJ_UUID, ANDER_BSN, actief=False))
    )

    bsns, _ = await adressen.bsns("emailadres", "s.vandenberg@example.nl", CTX)

    assert bsns == [BSN]


@pytest.mark.parametrize(
    ("written", "e164"),
    [
        ("06-87001122", "+31687001122"),
        ("+31 6 8700 1122", "+31687001122"),
        ("0031 (0)6 87001122", "+31687001122"),
        ("+31 06 8700 1122", "+31687001122"),
        ("(010) 123 4567", "+31101234567"),
        ("+32 487 00 11 22", "+32487001122"),
        ("0612345", None),
        ("bel me", None),
        ("612345678", None),
    ],
)
def test_phone_numbers_are_compared_in_e164(written, e164):
    assert normalised_phone(written) == e164
