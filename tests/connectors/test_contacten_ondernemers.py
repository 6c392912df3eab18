"""Contact details of an ondernemer: Klanten 1.0 and Klantinteracties for a business and a branch.

Klanten 1.0 knows a business as `subjectNietNatuurlijkPersoon` (its RSIN, `innNnpId`)
and a branch as `subjectVestiging` (`vestigingsNummer`); Klantinteracties as a partij
with `partijIdentificator` `kvk_nummer` (register `hr`), a branch by its
`vestigingsnummer` (a sub-identificator of the kvk_nummer). As for a person, only
the identifier in the record itself proves whose it is.
"""

from __future__ import annotations

from typing import Any

from connectors.auth import TokenAuth
from connectors.handelsregister import Ondernemer
from connectors.http import Upstream
from connectors.klanten import KlantenConnector, KlantenSource
from connectors.klantinteracties import KlantinteractiesConnector, Sleutel
from tests.connectors.fakes import (
    KLANTEN,
    context,
    mock_router,
    paginated,
    query,
    transport_for,
    zgw_upstream,
)
from tests.connectors.test_klantinteracties import (
    KLANTINTERACTIES,
    TOKEN,
    identificator_json,
    partij_json,
)
from vocabulary.identifiers import KVK_NUMMER, Subject
from vocabulary.kinds import SourceQuery

CTX = context()
KVK = "68750110"
RSIN = "857587973"
ANDER_RSIN = "857587985"
VESTIGING = "000037178601"


def klant_json(uuid: str, subject_type: str, **identificatie: str) -> dict[str, Any]:
    """A klant of a business as Klanten 1.0 gives it: unset strings are ""."""
    return {
        "url": f"{KLANTEN}/klanten/{uuid}",
        "bronorganisatie": "002220647",
        "klantnummer": "K-B-1",
        "bedrijfsnaam": "Voorbeeld Bouw B.V.",
        "functie": "",
        "websiteUrl": "",
        "voornaam": "",
        "voorvoegselAchternaam": "",
        "achternaam": "",
        "telefoonnummer": "0201234567",
        "emailadres": "info@voorbeeldbouw.example",
        "adres": None,
        "subject": "",
        "subjectType": subject_type,
        "subjectIdentificatie": identificatie,
    }


def klanten_source(router: Any) -> KlantenSource:
    upstream = zgw_upstream("openklant", KLANTEN, transport_for(router))
    return KlantenSource(KlantenConnector(upstream))


def business(vestigingsnummer: str | None = None, rsin: str | None = RSIN) -> SourceQuery:
    return SourceQuery(
        Subject(KVK_NUMMER, KVK, vestigingsnummer),
        frozenset({"klant.emailadressen"}),
        inputs={"handelsregister": (Ondernemer(KVK, rsin, vestigingsnummer, {}),)},
    )


async def test_klanten_finds_a_business_by_the_rsin_and_keeps_only_its_own() -> None:
    router = mock_router()
    route = router.get(f"{KLANTEN}/klanten").mock(
        # Open Klant 1.0 ignores the filter it does not know: every klant comes back.
        return_value=paginated(
            [
                klant_json("k1", "niet_natuurlijk_persoon", innNnpId=RSIN),
                klant_json("k2", "niet_natuurlijk_persoon", innNnpId=ANDER_RSIN),
            ]
        )
    )
    contribution = await klanten_source(router).fetch(business(), CTX)
    assert query(route.calls.last.request) == {"subjectNietNatuurlijkPersoon__innNnpId": RSIN}
    assert contribution is not None
    assert [g["emailadressen"] for g in contribution.contactgegevens] == [
        [{"adres": "info@voorbeeldbouw.example", "bron": "openklant"}]
    ]


async def test_klanten_finds_a_branch_by_its_vestigingsnummer() -> None:
    router = mock_router()
    route = router.get(f"{KLANTEN}/klanten").mock(
        return_value=paginated([klant_json("k3", "vestiging", vestigingsNummer=VESTIGING)])
    )
    contribution = await klanten_source(router).fetch(business(VESTIGING), CTX)
    assert query(route.calls.last.request) == {"subjectVestiging__vestigingsNummer": VESTIGING}
    assert contribution is not None and len(contribution.contactgegevens) == 1


async def test_klanten_without_an_rsin_asks_nothing() -> None:
    router = mock_router()
    assert await klanten_source(router).fetch(business(rsin=None), CTX) is None
    assert not router.calls


def ki_upstream(transport: Any) -> Upstream:
    return Upstream(
        naam="openklant2", base_url=KLANTINTERACTIES, transport=transport, auth=TokenAuth(TOKEN)
    )


def business_partij(uuid: str, soort: str, value: str) -> dict[str, Any]:
    body = partij_json(uuid, None)
    identificator = identificator_json(uuid, value)
    identificator["partijIdentificator"] = {
        "codeObjecttype": "vestiging" if soort == "vestigingsnummer" else "niet_natuurlijk_persoon",
        "codeSoortObjectId": soort,
        "objectId": value,
        "codeRegister": "hr",
    }
    body["partijIdentificatoren"] = [identificator]
    body["soortPartij"] = "organisatie"
    return body


async def test_klantinteracties_finds_the_partij_of_a_business_by_kvk_nummer() -> None:
    router = mock_router()
    route = router.get(f"{KLANTINTERACTIES}/partijen").mock(
        return_value=paginated(
            [
                business_partij("aa000000-0000-4000-8000-000000000001", "kvk_nummer", KVK),
                business_partij("aa000000-0000-4000-8000-000000000002", "kvk_nummer", "69599084"),
            ]
        )
    )
    connector = KlantinteractiesConnector(ki_upstream(transport_for(router)))
    found = await connector.partij(Sleutel.of(Subject(KVK_NUMMER, KVK)), CTX)
    assert query(route.calls.last.request) == {
        "partijIdentificator__codeObjecttype": "niet_natuurlijk_persoon",
        "partijIdentificator__codeSoortObjectId": "kvk_nummer",
        "partijIdentificator__objectId": KVK,
        "partijIdentificator__codeRegister": "hr",
        "expand": "digitaleAdressen",
    }
    assert [p["uuid"] for p in found.partijen] == ["aa000000-0000-4000-8000-000000000001"]


async def test_klantinteracties_asks_a_branch_by_its_vestigingsnummer() -> None:
    router = mock_router()
    route = router.get(f"{KLANTINTERACTIES}/klantcontacten").mock(return_value=paginated([]))
    connector = KlantinteractiesConnector(ki_upstream(transport_for(router)))
    await connector.klantcontacten(Sleutel.of(Subject(KVK_NUMMER, KVK, VESTIGING)), CTX)
    params = query(route.calls.last.request)
    assert params["hadBetrokkene__wasPartij__partijIdentificator__codeSoortObjectId"] == (
        "vestigingsnummer"
    )
    assert params["hadBetrokkene__wasPartij__partijIdentificator__objectId"] == VESTIGING
    assert not [v for v in params.values() if v == KVK]


def test_a_sleutel_keeps_its_value_out_of_repr() -> None:
    assert KVK not in repr(Sleutel.of(Subject(KVK_NUMMER, KVK)))
