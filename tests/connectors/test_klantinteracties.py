"""Klantinteracties (Open Klant 2.x): the person's partij, contact details and klantcontacten."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from connectors.auth import TokenAuth
from connectors.errors import UpstreamError
from connectors.http import Upstream
from connectors.klantinteracties import KlantinteractiesConnector
from tests.connectors.fakes import (
    ANDER_BSN,
    BSN,
    ZAKEN,
    context,
    fout,
    mock_router,
    paginated,
    query,
    transport_for,
)

CTX = context()

KLANTINTERACTIES = "https://open-klant-2.gemeente.example/klantinteracties/api/v1"
PARTIJEN = f"{KLANTINTERACTIES}/partijen"
KLANTCONTACTEN = f"{KLANTINTERACTIES}/klantcontacten"
# A DRF token as Open Klant 2.x issues them: 40 hex characters.
TOKEN = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b"
NAAM = "open-klant-klantinteracties"

PARTIJ_QUERY = {
    "partijIdentificator__codeObjecttype": "natuurlijk_persoon",
    "partijIdentificator__codeSoortObjectId": "bsn",
    "partijIdentificator__objectId": BSN,
    "partijIdentificator__codeRegister": "brp",
    "expand": "digitaleAdressen",
}
KLANTCONTACT_QUERY = {
    "hadBetrokkene__wasPartij__partijIdentificator__codeSoortObjectId": "bsn",
    "hadBetrokkene__wasPartij__partijIdentificator__objectId": BSN,
    "expand": "gingOverOnderwerpobjecten,hadBetrokkenen,hadBetrokkenen.wasPartij,"
    "leiddeTotInterneTaken",
}

ANNA = "a0000000-0000-4000-8000-00000000000a"
BRAM = "b0000000-0000-4000-8000-00000000000b"
ZAAK_UUID = "a1f3c5e7-0000-4000-8000-000000000001"
ZAAK_URL = f"{ZAKEN}/zaken/b2f3c5e7-0000-4000-8000-000000000002"


# ---- bodies shaped like Open Klant 2.18 (klantinteracties-2.x.yaml, UPSTREAMS §5) ----


def ref(kind: str, uuid: str) -> dict[str, str]:
    """A `…ForeignKey`: every link in Klantinteracties is `{uuid, url}`."""
    return {"uuid": uuid, "url": f"{KLANTINTERACTIES}/{kind}/{uuid}"}


def leeg_adres() -> dict[str, Any]:
    # Open Klant 2.x sends an unset address as an object of empty strings, not null.
    return {
        "nummeraanduidingId": "",
        "straatnaam": "",
        "huisnummer": None,
        "huisnummertoevoeging": "",
        "postcode": "",
        "stad": "",
        "adresregel1": "",
        "adresregel2": "",
        "adresregel3": "",
        "land": "",
    }


def identificator_json(partij_uuid: str, bsn: str) -> dict[str, Any]:
    uuid = f"1d{partij_uuid[2:]}"
    return {
        **ref("partij-identificatoren", uuid),
        "identificeerdePartij": ref("partijen", partij_uuid),
        "anderePartijIdentificator": "",
        "partijIdentificator": {
            "codeObjecttype": "natuurlijk_persoon",
            "codeSoortObjectId": "bsn",
            "objectId": bsn,
            "codeRegister": "brp",
        },
        "subIdentificatorVan": None,
    }


def digitaal_adres_json(
    n: int, partij_uuid: str, soort: str, adres: str, *, standaard: bool = False
) -> dict[str, Any]:
    return {
        **ref("digitaleadressen", f"da000000-0000-4000-8000-00000000000{n}"),
        "verstrektDoorBetrokkene": None,
        "verstrektDoorPartij": ref("partijen", partij_uuid),
        "adres": adres,
        "soortDigitaalAdres": soort,
        "isStandaardAdres": standaard,
        "omschrijving": "",
        "referentie": "",
        "verificatieDatum": None,
    }


def partij_json(
    uuid: str,
    bsn: str | None,
    *,
    adressen: list[dict[str, Any]] | None = None,
    voorkeur: dict[str, Any] | None = None,
    expand: bool = True,
    **fields: Any,
) -> dict[str, Any]:
    adressen = adressen or []
    body = {
        **ref("partijen", uuid),
        "nummer": "0000000001",
        "interneNotitie": "",
        "betrokkenen": [],
        "categorieRelaties": [],
        "digitaleAdressen": [{"uuid": a["uuid"], "url": a["url"]} for a in adressen],
        "voorkeursDigitaalAdres": (
            {"uuid": voorkeur["uuid"], "url": voorkeur["url"]} if voorkeur else None
        ),
        "vertegenwoordigden": [],
        "rekeningnummers": [],
        "voorkeursRekeningnummer": None,
        "partijIdentificatoren": [identificator_json(uuid, bsn)] if bsn else [],
        "soortPartij": "persoon",
        "indicatieGeheimhouding": False,
        "voorkeurstaal": "nld",
        "indicatieActief": True,
        "bezoekadres": leeg_adres(),
        "correspondentieadres": leeg_adres(),
        "partijIdentificatie": {
            "contactnaam": {
                "voorletters": "A",
                "voornaam": "Anna",
                "voorvoegselAchternaam": "de",
                "achternaam": "Vries",
            },
            "volledigeNaam": "Anna de Vries",
        },
        **fields,
    }
    if expand:
        body["_expand"] = {"digitaleAdressen": adressen}
    return body


def klantcontact_uuid(n: int) -> str:
    return f"c0000000-0000-4000-8000-00000000000{n}"


def klantcontact_url(n: int) -> str:
    return f"{KLANTCONTACTEN}/{klantcontact_uuid(n)}"


def betrokkene_json(
    n: int,
    contact: int,
    partij: dict[str, Any] | None,
    *,
    initiator: bool,
    expand_partij: bool = True,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        **ref("betrokkenen", f"be000000-0000-4000-8000-0000000000{contact}{n}"),
        "wasPartij": {"uuid": partij["uuid"], "url": partij["url"]} if partij else None,
        "hadKlantcontact": ref("klantcontacten", klantcontact_uuid(contact)),
        "digitaleAdressen": [],
        "bezoekadres": None,
        "correspondentieadres": None,
        "contactnaam": {
            "voorletters": "A",
            "voornaam": "Anna",
            "voorvoegselAchternaam": "de",
            "achternaam": "Vries",
        },
        "volledigeNaam": "Anna de Vries",
        "rol": "klant",
        "organisatienaam": "",
        "initiator": initiator,
    }
    # Live: `_expand.hadBetrokkenen[i]._expand.wasPartij`; without the child expand, `{}`.
    body["_expand"] = {"wasPartij": partij} if partij and expand_partij else {}
    return body


def onderwerpobject_json(
    n: int, contact: int, codeObjecttype: str, objectId: str
) -> dict[str, Any]:
    return {
        **ref("onderwerpobjecten", f"0b000000-0000-4000-8000-0000000000{contact}{n}"),
        "klantcontact": ref("klantcontacten", klantcontact_uuid(contact)),
        "wasKlantcontact": None,
        "onderwerpobjectidentificator": {
            "objectId": objectId,
            "codeObjecttype": codeObjecttype,
            "codeRegister": "openzaak",
            "codeSoortObjectId": "uuid" if "/" not in objectId else "url",
        },
    }


def internetaak_json(n: int, contact: int, status: str, **fields: Any) -> dict[str, Any]:
    return {
        **ref("internetaken", f"17000000-0000-4000-8000-0000000000{contact}{n}"),
        "nummer": f"000000{contact}{n:03d}",
        "referentienummer": f"000000{contact}{n:03d}",
        "gevraagdeHandeling": "Terugbellen",
        "aanleidinggevendKlantcontact": ref("klantcontacten", klantcontact_uuid(contact)),
        "toegewezenAanActor": ref("actoren", "ac000000-0000-4000-8000-000000000001"),
        "toegewezenAanActoren": [ref("actoren", "ac000000-0000-4000-8000-000000000001")],
        "toelichting": "Burger wil weten wanneer de vergunning komt",
        "status": status,
        "toegewezenOp": "2024-05-01T10:05:00+02:00",
        "afgehandeldOp": None,
        **fields,
    }


def klantcontact_json(
    n: int,
    plaatsgevonden_op: str,
    *,
    betrokkenen: list[dict[str, Any]],
    onderwerpobjecten: list[dict[str, Any]] | None = None,
    internetaken: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    onderwerpobjecten = onderwerpobjecten or []
    internetaken = internetaken or []

    def refs(items: list[dict[str, Any]]) -> list[dict[str, str]]:
        return [{"uuid": item["uuid"], "url": item["url"]} for item in items]

    return {
        **ref("klantcontacten", klantcontact_uuid(n)),
        "gingOverOnderwerpobjecten": refs(onderwerpobjecten),
        "hadBetrokkenActoren": [],
        "omvatteBijlagen": [],
        "hadBetrokkenen": refs(betrokkenen),
        "leiddeTotInterneTaken": refs(internetaken),
        "nummer": f"000000000{n}",
        "referentienummer": f"000000000{n}",
        "kanaal": "telefoon",
        "onderwerp": "Parkeervergunning",
        "inhoud": "Vraag over de status van de aanvraag",
        "reactie": "",
        "indicatieContactGelukt": True,
        "hoofdOnderwerpType": "",
        "verdereActieOndernomen": False,
        "taal": "nld",
        "vertrouwelijk": False,
        "plaatsgevondenOp": plaatsgevonden_op,
        "metadata": {},
        "_expand": {
            "hadBetrokkenen": betrokkenen,
            "gingOverOnderwerpobjecten": onderwerpobjecten,
            "leiddeTotInterneTaken": internetaken,
        },
        **fields,
    }


ANNA_PARTIJ = partij_json(ANNA, BSN, expand=False)
BRAM_PARTIJ = partij_json(BRAM, ANDER_BSN, expand=False)


def contact_met_anna(n: int, plaatsgevonden_op: str, **fields: Any) -> dict[str, Any]:
    return klantcontact_json(
        n,
        plaatsgevonden_op,
        betrokkenen=[betrokkene_json(1, n, ANNA_PARTIJ, initiator=True)],
        **fields,
    )


def next_url(path: str, params: dict[str, str], page: int) -> str:
    """`next` as Open Klant 2.x sends it: absolute, keeping the filters."""
    return str(httpx.URL(path, params={**params, "page": str(page)}))


def assert_token(request: httpx.Request) -> None:
    # Open Klant 2.x knows only DRF tokens: `Bearer` (a ZGW JWT) gets a 401.
    assert request.headers["Authorization"] == f"Token {TOKEN}"


@pytest.fixture
def router():
    return mock_router()


@pytest.fixture
async def connector(router):
    async with transport_for(router) as transport:
        upstream = Upstream(
            naam=NAAM, base_url=KLANTINTERACTIES, transport=transport, auth=TokenAuth(TOKEN)
        )
        yield KlantinteractiesConnector(upstream, max_pages=2)


# ---- partij ---------------------------------------------------------------------


async def test_partij_is_asked_by_bsn_with_its_digitale_adressen_expanded(router, connector):
    email = digitaal_adres_json(1, ANNA, "email", "anna.devries@example.nl", standaard=True)
    telefoon = digitaal_adres_json(2, ANNA, "telefoonnummer", "0612345678")
    website = digitaal_adres_json(3, ANNA, "overig", "https://anna.example.nl")
    route = router.get(PARTIJEN).mock(
        return_value=paginated([partij_json(ANNA, BSN, adressen=[email, telefoon, website])])
    )

    result = await connector.partij(BSN, CTX)

    assert result.partijen == [
        {
            "bron": NAAM,
            "url": f"{PARTIJEN}/{ANNA}",
            "uuid": ANNA,
            "indicatieGeheimhouding": False,
            "indicatieActief": True,
            "voorkeurstaal": "nld",
            "emailadressen": [
                {"adres": "anna.devries@example.nl", "bron": NAAM, "isStandaard": True}
            ],
            "telefoonnummers": [{"nummer": "0612345678", "bron": NAAM, "isStandaard": False}],
        }
    ]
    assert not result.afgekapt
    request = route.calls.last.request
    assert query(request) == PARTIJ_QUERY
    assert_token(request)


async def test_the_voorkeursdigitaaladres_is_a_standard_address(router, connector):
    oud = digitaal_adres_json(1, ANNA, "telefoonnummer", "0201234567")
    voorkeur = digitaal_adres_json(2, ANNA, "telefoonnummer", "+31612345678")
    router.get(PARTIJEN).mock(
        return_value=paginated(
            [partij_json(ANNA, BSN, adressen=[oud, voorkeur], voorkeur=voorkeur)]
        )
    )

    [partij] = (await connector.partij(BSN, CTX)).partijen

    # Standard first, so a frontend that shows one number shows the preferred one.
    assert partij["telefoonnummers"] == [
        {"nummer": "+31612345678", "bron": NAAM, "isStandaard": True},
        {"nummer": "0201234567", "bron": NAAM, "isStandaard": False},
    ]


async def test_a_partij_without_expand_has_no_contact_details(router, connector):
    router.get(PARTIJEN).mock(
        return_value=paginated([partij_json(ANNA, BSN, expand=False, indicatieGeheimhouding=None)])
    )

    [partij] = (await connector.partij(BSN, CTX)).partijen

    assert partij["emailadressen"] == []
    assert partij["telefoonnummers"] == []
    assert partij["indicatieGeheimhouding"] is None


async def test_partijen_of_other_persons_are_dropped(router, connector):
    router.get(PARTIJEN).mock(
        return_value=paginated(
            [
                partij_json(BRAM, ANDER_BSN),
                partij_json("c0ffee00-0000-4000-8000-000000000001", None),  # no identificator
                partij_json(ANNA, BSN),
            ]
        )
    )

    result = await connector.partij(BSN, CTX)

    assert [partij["uuid"] for partij in result.partijen] == [ANNA]


async def test_partijen_are_read_to_the_page_cap(router, connector):
    route = router.get(PARTIJEN)
    route.side_effect = [
        paginated([partij_json(BRAM, ANDER_BSN)], next_url(PARTIJEN, PARTIJ_QUERY, 2)),
        paginated([partij_json(ANNA, BSN)], next_url(PARTIJEN, PARTIJ_QUERY, 3)),
    ]

    result = await connector.partij(BSN, CTX)

    assert route.call_count == 2
    assert query(route.calls[1].request) == {**PARTIJ_QUERY, "page": "2"}
    assert_token(route.calls[1].request)
    assert [partij["uuid"] for partij in result.partijen] == [ANNA]
    assert result.afgekapt


# ---- klantcontacten -------------------------------------------------------------


async def test_klantcontacten_are_asked_by_bsn_and_normalized(router, connector):
    route = router.get(KLANTCONTACTEN).mock(
        return_value=paginated([contact_met_anna(1, "2024-05-01T10:00:00+02:00")])
    )

    result = await connector.klantcontacten(BSN, CTX)

    assert result.contactmomenten == [
        {
            "bron": NAAM,
            "url": klantcontact_url(1),
            "datum": "2024-05-01T10:00:00+02:00",
            "kanaal": "telefoon",
            "onderwerp": "Parkeervergunning",
            "tekst": "Vraag over de status van de aanvraag",
            "initiatiefnemer": "klant",
            "vertrouwelijk": False,
            "gelukt": True,
            "zaakVerwijzingen": [],
            "openstaandeVragen": [],
        }
    ]
    assert not result.afgekapt
    request = route.calls.last.request
    assert query(request) == KLANTCONTACT_QUERY  # no `ordering`: Open Klant 2.x → 400
    assert_token(request)


async def test_the_gemeente_started_it_when_the_persons_betrokkene_is_no_initiator(
    router, connector
):
    router.get(KLANTCONTACTEN).mock(
        return_value=paginated(
            [
                klantcontact_json(
                    1,
                    "2024-05-01T10:00:00Z",
                    betrokkenen=[
                        betrokkene_json(1, 1, ANNA_PARTIJ, initiator=False),
                        # A representative who called: not the person asked about.
                        betrokkene_json(2, 1, BRAM_PARTIJ, initiator=True),
                    ],
                )
            ]
        )
    )

    [contact] = (await connector.klantcontacten(BSN, CTX)).contactmomenten

    assert contact["initiatiefnemer"] == "gemeente"


async def test_klantcontacten_of_other_persons_are_dropped(router, connector):
    router.get(KLANTCONTACTEN).mock(
        return_value=paginated(
            [
                klantcontact_json(
                    1,
                    "2024-05-01T10:00:00Z",
                    betrokkenen=[betrokkene_json(1, 1, BRAM_PARTIJ, initiator=True)],
                ),
                klantcontact_json(
                    2,
                    "2024-05-02T10:00:00Z",
                    betrokkenen=[betrokkene_json(1, 2, None, initiator=True)],  # no partij
                ),
                klantcontact_json(3, "2024-05-03T10:00:00Z", betrokkenen=[]),
                contact_met_anna(4, "2024-05-04T10:00:00Z"),
            ]
        )
    )

    result = await connector.klantcontacten(BSN, CTX)

    assert [contact["url"] for contact in result.contactmomenten] == [klantcontact_url(4)]


async def test_without_the_partij_expanded_the_servers_bsn_filter_is_trusted(router, connector):
    # `hadBetrokkenen` without `hadBetrokkenen.wasPartij`: the child `_expand` is `{}`.
    router.get(KLANTCONTACTEN).mock(
        return_value=paginated(
            [
                klantcontact_json(
                    1,
                    "2024-05-01T10:00:00Z",
                    betrokkenen=[
                        betrokkene_json(1, 1, ANNA_PARTIJ, initiator=True, expand_partij=False)
                    ],
                )
            ]
        )
    )

    [contact] = (await connector.klantcontacten(BSN, CTX)).contactmomenten

    assert contact["url"] == klantcontact_url(1)
    assert contact["initiatiefnemer"] == "klant"


async def test_a_klantcontact_without_expand_is_kept_with_what_it_carries(router, connector):
    bare = contact_met_anna(1, "2024-05-01T10:00:00Z")
    del bare["_expand"]
    router.get(KLANTCONTACTEN).mock(return_value=paginated([bare]))

    [contact] = (await connector.klantcontacten(BSN, CTX)).contactmomenten

    assert contact["url"] == klantcontact_url(1)
    assert contact["initiatiefnemer"] is None  # no betrokkenen: who started it is unknown
    assert contact["zaakVerwijzingen"] == []
    assert contact["openstaandeVragen"] == []


async def test_vertrouwelijk_and_gelukt_are_carried(router, connector):
    router.get(KLANTCONTACTEN).mock(
        return_value=paginated(
            [
                contact_met_anna(
                    1, "2024-05-02T10:00:00Z", vertrouwelijk=True, indicatieContactGelukt=False
                ),
                contact_met_anna(2, "2024-05-01T10:00:00Z", indicatieContactGelukt=None),
            ]
        )
    )

    first, second = (await connector.klantcontacten(BSN, CTX)).contactmomenten

    assert (first["vertrouwelijk"], first["gelukt"]) == (True, False)
    assert (second["vertrouwelijk"], second["gelukt"]) == (False, None)


async def test_zaak_links_come_from_onderwerpobjecten_of_type_zaak(router, connector):
    router.get(KLANTCONTACTEN).mock(
        return_value=paginated(
            [
                contact_met_anna(
                    1,
                    "2024-05-01T10:00:00Z",
                    onderwerpobjecten=[
                        onderwerpobject_json(1, 1, "Zaak", ZAAK_UUID.upper()),
                        onderwerpobject_json(2, 1, "zaak", ZAAK_URL),
                        onderwerpobject_json(
                            3, 1, "product", "f0000000-0000-4000-8000-0000000000f1"
                        ),
                        onderwerpobject_json(4, 1, "zaak", "ZAAK-2024-0000123"),  # a zaaknummer
                    ],
                )
            ]
        )
    )

    [contact] = (await connector.klantcontacten(BSN, CTX)).contactmomenten

    assert contact["zaakVerwijzingen"] == [ZAAK_UUID, ZAAK_URL]


async def test_openstaande_vragen_are_the_internetaken_not_yet_verwerkt(router, connector):
    router.get(KLANTCONTACTEN).mock(
        return_value=paginated(
            [
                contact_met_anna(
                    1,
                    "2024-05-01T10:00:00Z",
                    internetaken=[
                        internetaak_json(1, 1, "te_verwerken"),
                        internetaak_json(
                            2, 1, "verwerkt", afgehandeldOp="2024-05-02T09:00:00+02:00"
                        ),
                    ],
                )
            ]
        )
    )

    [contact] = (await connector.klantcontacten(BSN, CTX)).contactmomenten

    assert contact["openstaandeVragen"] == [
        {
            "nummer": "0000001001",
            "gevraagdeHandeling": "Terugbellen",
            "toelichting": "Burger wil weten wanneer de vergunning komt",
            "status": "te_verwerken",
            "toegewezenOp": "2024-05-01T10:05:00+02:00",
        }
    ]


async def test_newest_first_comparing_instants_across_time_zones(router, connector):
    # 10:30+02:00 is 08:30Z: earlier than 09:00Z although it sorts later as text.
    router.get(KLANTCONTACTEN).mock(
        return_value=paginated(
            [
                contact_met_anna(1, "2023-12-24T16:00:00+01:00"),
                contact_met_anna(2, "2024-05-01T10:30:00+02:00"),
                contact_met_anna(3, "2024-05-01T09:00:00Z"),
            ]
        )
    )

    result = await connector.klantcontacten(BSN, CTX)

    assert [contact["url"] for contact in result.contactmomenten] == [
        klantcontact_url(3),
        klantcontact_url(2),
        klantcontact_url(1),
    ]


async def test_klantcontacten_are_read_to_the_page_cap(router, connector):
    route = router.get(KLANTCONTACTEN)
    route.side_effect = [
        paginated(
            [contact_met_anna(1, "2024-05-02T10:00:00Z")],
            next_url(KLANTCONTACTEN, KLANTCONTACT_QUERY, 2),
        ),
        paginated(
            [contact_met_anna(2, "2024-05-01T10:00:00Z")],
            next_url(KLANTCONTACTEN, KLANTCONTACT_QUERY, 3),
        ),
    ]

    result = await connector.klantcontacten(BSN, CTX)

    assert route.call_count == 2
    assert query(route.calls[1].request) == {**KLANTCONTACT_QUERY, "page": "2"}
    assert_token(route.calls[1].request)
    assert len(result.contactmomenten) == 2
    assert result.afgekapt


# ---- errors ---------------------------------------------------------------------


@pytest.mark.parametrize("ask", ["partij", "klantcontacten"])
async def test_a_refused_token_fails_the_source_without_a_retry(router, connector, ask):
    route = router.route(host="open-klant-2.gemeente.example").mock(
        return_value=httpx.Response(
            401,
            json={
                "type": "http://testserver/ref/fouten/NotAuthenticated/",
                "code": "not_authenticated",
                "title": "Authenticatiegegevens zijn niet opgegeven.",
                "status": 401,
                "detail": "Authenticatiegegevens zijn niet opgegeven.",
                "instance": "urn:uuid:8a7c1a3e-5a0b-4f4c-9f8e-1f3c2b7d9e10",
            },
            headers={"WWW-Authenticate": "Token"},
        )
    )

    with pytest.raises(UpstreamError) as caught:
        await getattr(connector, ask)(BSN, CTX)

    assert caught.value.upstream_status == 401
    assert caught.value.code == "not_authenticated"
    assert route.call_count == 1


async def test_no_request_ever_carries_a_bearer_token(router, connector):
    route = router.route(host="open-klant-2.gemeente.example").mock(return_value=paginated([]))

    await connector.partij(BSN, CTX)
    await connector.klantcontacten(BSN, CTX)

    assert route.call_count == 2
    for call in route.calls:
        assert not call.request.headers["Authorization"].startswith("Bearer")
        assert_token(call.request)


async def test_betrokkenen_in_an_unknown_shape_fail_the_source(router, connector):
    contact = contact_met_anna(1, "2024-05-01T10:00:00Z")
    contact["_expand"]["hadBetrokkenen"] = {"results": contact["_expand"]["hadBetrokkenen"]}
    router.get(KLANTCONTACTEN).mock(return_value=paginated([contact]))

    with pytest.raises(UpstreamError) as caught:
        await connector.klantcontacten(BSN, CTX)

    assert caught.value.code == "ongeldige-vorm"


async def test_a_partij_list_in_an_unknown_shape_fails_the_source(router, connector):
    router.get(PARTIJEN).mock(return_value=httpx.Response(200, json=[partij_json(ANNA, BSN)]))

    with pytest.raises(UpstreamError) as caught:
        await connector.partij(BSN, CTX)

    assert caught.value.code == "ongeldige-vorm"


async def test_a_rejected_query_fails_the_source_with_its_code(router, connector):
    router.get(KLANTCONTACTEN).mock(
        return_value=fout(
            400,
            "invalid",
            "Invalid input.",
            invalidParams=[
                {
                    "name": "expand",
                    "code": "invalid_choice",
                    "reason": "Selecteer een geldige keuze.",
                }
            ],
        )
    )

    with pytest.raises(UpstreamError) as caught:
        await connector.klantcontacten(BSN, CTX)

    assert caught.value.upstream_status == 400
    assert caught.value.code == "invalid"
