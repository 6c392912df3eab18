"""KvK Handelsregister (API Basisprofiel 1.x, Vestigingsprofiel 1.x): one ondernemer.

Mocks shaped as the KvK's specifications (`../shared/specs/kvk/`): HAL bodies with
`_embedded` hoofdvestiging and eigenaar, `apikey` header, `fout` error bodies.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from connectors.auth import ApiKeyAuth
from connectors.errors import UpstreamError
from connectors.handelsregister import HandelsregisterConnector
from connectors.http import Upstream
from connectors.tracing import safe_path
from tests.connectors.fakes import context, mock_router, transport_for

KVK = "https://api.kvk.nl/test/api"
API_KEY = "kvk-sleutel-123"
KVK_NUMMER = "68750110"
ANDER_KVK_NUMMER = "69599084"
HOOFDVESTIGING = "000037178598"
NEVENVESTIGING = "000037178601"
RSIN = "857587973"
HAL = {"content-type": "application/hal+json"}
CTX = context()


def adres(soort: str, straat: str, afgeschermd: str = "Nee") -> dict[str, Any]:
    return {
        "type": soort,
        "indAfgeschermd": afgeschermd,
        "volledigAdres": f"{straat} 40 1235EF Voorbeeldstad",
        "straatnaam": straat,
        "huisnummer": 40,
        "postcode": "1235EF",
        "plaats": "Voorbeeldstad",
        "land": "Nederland",
    }


def vestiging_json(nummer: str, kvk: str = KVK_NUMMER, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "vestigingsnummer": nummer,
        "kvkNummer": kvk,
        "rsin": RSIN,
        "indNonMailing": "Nee",
        "formeleRegistratiedatum": "20090915",
        "eersteHandelsnaam": "Voorbeeld Bouw",
        "indHoofdvestiging": "Ja" if nummer == HOOFDVESTIGING else "Nee",
        "totaalWerkzamePersonen": 24,
        "adressen": [
            adres("bezoekadres", "Industrieweg"),
            adres("correspondentieadres", "Postweg"),
        ],
        "websites": ["www.voorbeeldbouw.example"],
        "links": [{"rel": "self", "href": f"{KVK}/v1/vestigingsprofielen/{nummer}"}],
    }
    body.update(fields)
    return body


def basisprofiel_json(kvk: str = KVK_NUMMER, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kvkNummer": kvk,
        "indNonMailing": "Nee",
        "naam": "Voorbeeld Bouw B.V.",
        "formeleRegistratiedatum": "20090915",
        "materieleRegistratie": {"datumAanvang": "20090915"},
        "totaalWerkzamePersonen": 31,
        "statutaireNaam": "Voorbeeld Bouw B.V.",
        "handelsnamen": [{"naam": "Voorbeeld Bouw", "volgorde": 0}],
        "sbiActiviteiten": [
            {"sbiCode": "4120", "sbiOmschrijving": "Bouw", "indHoofdactiviteit": "Ja"}
        ],
        "links": [{"rel": "self", "href": f"{KVK}/v1/basisprofielen/{kvk}"}],
        "_embedded": {
            "hoofdvestiging": vestiging_json(HOOFDVESTIGING, kvk),
            "eigenaar": {
                "rsin": RSIN,
                "rechtsvorm": "BeslotenVennootschap",
                "uitgebreideRechtsvorm": "Besloten Vennootschap",
                "websites": ["www.voorbeeldbouw.example"],
            },
        },
    }
    body.update(fields)
    return body


def fout(status: int, code: str, omschrijving: str) -> httpx.Response:
    body = {"fout": [{"code": code, "omschrijving": omschrijving}]}
    return httpx.Response(status, json=body, headers=HAL)


def connector(router: Any) -> HandelsregisterConnector:
    upstream = Upstream(
        naam="kvk",
        base_url=KVK,
        transport=transport_for(router),
        auth=ApiKeyAuth(API_KEY, header="apikey"),
    )
    return HandelsregisterConnector(upstream)


async def test_the_basisprofiel_is_asked_by_path_with_the_apikey_and_read_from_embedded() -> None:
    router = mock_router()
    route = router.get(f"{KVK}/v1/basisprofielen/{KVK_NUMMER}").mock(
        return_value=httpx.Response(200, json=basisprofiel_json(), headers=HAL)
    )
    ondernemer = await connector(router).ondernemer(KVK_NUMMER, None, CTX)
    request = route.calls.last.request
    assert request.headers["apikey"] == API_KEY
    assert request.url.query == b""
    assert ondernemer is not None and ondernemer.rsin == RSIN
    klant = ondernemer.klant
    assert klant["naam"] == "Voorbeeld Bouw B.V."
    assert klant["rechtsvorm"] == "BeslotenVennootschap"
    assert klant["handelsnamen"] == ["Voorbeeld Bouw"]
    assert klant["vestiging"]["vestigingsnummer"] == HOOFDVESTIGING
    assert klant["vestiging"]["bezoekadres"]["straatnaam"] == "Industrieweg"
    assert klant["vestiging"]["postadres"]["straatnaam"] == "Postweg"
    assert len(router.calls) == 1  # `_embedded`: no second call for the hoofdvestiging


@pytest.mark.parametrize(
    "body", [{"fout": [{"code": "IPD0004", "omschrijving": "niet gevonden"}]}, {}, None]
)
async def test_a_kvk_404_is_niet_gevonden_whatever_its_body(body: Any) -> None:
    router = mock_router()
    router.get(f"{KVK}/v1/basisprofielen/{KVK_NUMMER}").mock(
        return_value=httpx.Response(404, json=body, headers=HAL)
    )
    assert await connector(router).ondernemer(KVK_NUMMER, None, CTX) is None


async def test_a_fout_body_gives_its_code_only_never_its_omschrijving() -> None:
    router = mock_router()
    router.get(f"{KVK}/v1/basisprofielen/{KVK_NUMMER}").mock(
        return_value=fout(500, "IPD9999", f"Storing bij {KVK_NUMMER}")
    )
    with pytest.raises(UpstreamError) as info:
        await connector(router).ondernemer(KVK_NUMMER, None, CTX)
    assert info.value.problem() == {
        "title": "Het register gaf een serverfout.",
        "status": 500,
        "code": "IPD9999",
    }
    assert KVK_NUMMER not in str(info.value.problem())


async def test_an_answer_about_another_business_is_refused() -> None:
    router = mock_router()
    router.get(f"{KVK}/v1/basisprofielen/{KVK_NUMMER}").mock(
        return_value=httpx.Response(200, json=basisprofiel_json(ANDER_KVK_NUMMER), headers=HAL)
    )
    with pytest.raises(UpstreamError) as info:
        await connector(router).ondernemer(KVK_NUMMER, None, CTX)
    assert info.value.code == "andere-onderneming"
    assert KVK_NUMMER not in str(info.value) and ANDER_KVK_NUMMER not in str(info.value)


async def test_a_branch_is_its_vestigingsprofiel() -> None:
    router = mock_router()
    router.get(f"{KVK}/v1/basisprofielen/{KVK_NUMMER}").mock(
        return_value=httpx.Response(200, json=basisprofiel_json(), headers=HAL)
    )
    branch = router.get(f"{KVK}/v1/vestigingsprofielen/{NEVENVESTIGING}").mock(
        return_value=httpx.Response(
            200,
            json=vestiging_json(NEVENVESTIGING, eersteHandelsnaam="Voorbeeld Renovatie"),
            headers=HAL,
        )
    )
    ondernemer = await connector(router).ondernemer(KVK_NUMMER, NEVENVESTIGING, CTX)
    assert branch.calls.last.request.headers["apikey"] == API_KEY
    assert ondernemer is not None
    vestiging = ondernemer.klant["vestiging"]
    assert vestiging["vestigingsnummer"] == NEVENVESTIGING
    assert vestiging["eersteHandelsnaam"] == "Voorbeeld Renovatie"
    assert vestiging["indHoofdvestiging"] == "Nee"


@pytest.mark.parametrize("status", [200, 404])
async def test_a_branch_of_another_business_or_an_unknown_one_is_niet_gevonden(
    status: int,
) -> None:
    router = mock_router()
    router.get(f"{KVK}/v1/basisprofielen/{KVK_NUMMER}").mock(
        return_value=httpx.Response(200, json=basisprofiel_json(), headers=HAL)
    )
    answer = (
        httpx.Response(200, json=vestiging_json(NEVENVESTIGING, ANDER_KVK_NUMMER), headers=HAL)
        if status == 200
        else fout(404, "IPD0005", "Vestiging niet gevonden")
    )
    router.get(f"{KVK}/v1/vestigingsprofielen/{NEVENVESTIGING}").mock(return_value=answer)
    assert await connector(router).ondernemer(KVK_NUMMER, NEVENVESTIGING, CTX) is None


async def test_a_shielded_address_is_left_out() -> None:
    hoofd = vestiging_json(
        HOOFDVESTIGING,
        adressen=[
            adres("bezoekadres", "Lindelaan", afgeschermd="Ja"),
            adres("correspondentieadres", "Marktplein"),
        ],
    )
    body = basisprofiel_json()
    body["_embedded"]["hoofdvestiging"] = hoofd
    router = mock_router()
    router.get(f"{KVK}/v1/basisprofielen/{KVK_NUMMER}").mock(
        return_value=httpx.Response(200, json=body, headers=HAL)
    )
    ondernemer = await connector(router).ondernemer(KVK_NUMMER, None, CTX)
    assert ondernemer is not None
    vestiging = ondernemer.klant["vestiging"]
    assert "bezoekadres" not in vestiging
    assert vestiging["postadres"]["straatnaam"] == "Marktplein"
    assert "Lindelaan" not in str(ondernemer.klant)


def test_kvk_and_vestiging_numbers_in_a_path_are_redacted_in_spans() -> None:
    assert safe_path(f"/api/v1/basisprofielen/{KVK_NUMMER}") == "/api/v1/basisprofielen/[kvkNummer]"
    assert (
        safe_path(f"/api/v1/vestigingsprofielen/{NEVENVESTIGING}")
        == "/api/v1/vestigingsprofielen/[vestigingsnummer]"
    )
