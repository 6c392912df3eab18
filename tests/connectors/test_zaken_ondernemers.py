"""Zaken 1.5 (Open Zaak 1.30) for an ondernemer: the rol filters of a business and a branch.

A business is found by its kvkNummer (`ondernemer_filter = "kvkNummer"`; both its
nietNatuurlijkPersoon and its vestiging rollen count), else by the RSIN the
Handelsregister gave (`innNnpId`); a branch by its vestigingsNummer. As for a
person, only a rol that names this business proves a zaak its own.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx

from connectors.catalogi import CatalogiResolver
from connectors.handelsregister import Ondernemer
from connectors.zaken import Betrokkene, ZakenConnector, ZakenSource
from tests.connectors.fakes import (
    CATALOGI,
    ZAKEN,
    context,
    mock_router,
    paginated,
    query,
    transport_for,
    zaak_json,
    zgw_upstream,
)
from vocabulary.identifiers import KVK_NUMMER, Subject
from vocabulary.kinds import SourceQuery

CTX = context()
KVK = "68750110"
ANDER_KVK = "69599084"
RSIN = "857587973"
VESTIGING = "000037178601"
ZAAK_BV = "a1f3c5e7-0000-4000-8000-00000000b001"
ZAAK_VESTIGING = "a1f3c5e7-0000-4000-8000-00000000b002"
ZAAK_ANDER = "a1f3c5e7-0000-4000-8000-00000000b003"


def rol_json(zaak_uuid: str, soort: str, **identificatie: str) -> dict[str, Any]:
    """A rol as Open Zaak 1.30 gives it: RolNietNatuurlijkPersoon or RolVestiging."""
    if soort == "niet_natuurlijk_persoon":
        ident: dict[str, Any] = {
            "innNnpId": "",
            "annIdentificatie": "",
            "kvkNummer": "",
            "vestigingsNummer": "",
            "statutaireNaam": "Voorbeeld Bouw B.V.",
            "innRechtsvorm": "",
            "bezoekadres": "",
            "subVerblijfBuitenland": None,
        }
    else:
        ident = {
            "vestigingsNummer": "",
            "handelsnaam": ["Voorbeeld Renovatie"],
            "verblijfsadres": None,
            "subVerblijfBuitenland": None,
            "kvkNummer": "",
        }
    ident.update(identificatie)
    return {
        "url": f"{ZAKEN}/rollen/r-{zaak_uuid}",
        "uuid": f"r-{zaak_uuid}",
        "zaak": f"{ZAKEN}/zaken/{zaak_uuid}",
        "betrokkene": "",
        "betrokkeneType": soort,
        "roltype": f"{CATALOGI}/roltypen/9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d",
        "omschrijving": "Aanvrager",
        "omschrijvingGeneriek": "initiator",
        "roltoelichting": "",
        "registratiedatum": "2025-01-02T09:00:00Z",
        "indicatieMachtiging": "",
        "betrokkeneIdentificatie": ident,
    }


def zaak(uuid: str, identificatie: str) -> dict[str, Any]:
    return zaak_json(uuid, identificatie, startdatum="2025-05-04", vertrouwelijkheid="openbaar")


def connector(router: respx.Router) -> ZakenConnector:
    transport = transport_for(router)
    catalogi = CatalogiResolver([zgw_upstream("catalogi", CATALOGI, transport)])
    return ZakenConnector(zgw_upstream("open-zaak", ZAKEN, transport), catalogi)


def by_filter(answers: dict[tuple[str, str], list[dict[str, Any]]]):
    """A list endpoint that answers per filter (name, value) and 0 results otherwise."""

    def respond(request: httpx.Request) -> httpx.Response:
        params = query(request)
        for (name, value), results in answers.items():
            if params.get(name) == value:
                return paginated(results)
        return paginated([])

    return respond


async def zaken_of(router: respx.Router, betrokkene: Betrokkene) -> list[str]:
    result = await connector(router).zaken(betrokkene, CTX, with_zaaktype=False, with_status=False)
    return [z["identificatie"] for z in result.zaken]


async def test_a_business_by_kvknummer_counts_its_nietnatuurlijkpersoon_and_vestiging_rollen() -> (
    None
):
    router = mock_router()
    nnp, ves = "nietNatuurlijkPersoon__kvkNummer", "vestiging__kvkNummer"
    zaken = router.get(f"{ZAKEN}/zaken").mock(
        side_effect=by_filter(
            {
                (f"rol__betrokkeneIdentificatie__{nnp}", KVK): [zaak(ZAAK_BV, "Z-1")],
                (f"rol__betrokkeneIdentificatie__{ves}", KVK): [
                    zaak(ZAAK_VESTIGING, "Z-2"),
                    zaak(ZAAK_BV, "Z-1"),  # named by both: shown once
                ],
            }
        )
    )
    rollen = router.get(f"{ZAKEN}/rollen").mock(
        side_effect=by_filter(
            {
                (f"betrokkeneIdentificatie__{nnp}", KVK): [
                    rol_json(ZAAK_BV, "niet_natuurlijk_persoon", kvkNummer=KVK)
                ],
                (f"betrokkeneIdentificatie__{ves}", KVK): [
                    rol_json(ZAAK_VESTIGING, "vestiging", kvkNummer=KVK, vestigingsNummer=VESTIGING)
                ],
            }
        )
    )
    assert sorted(await zaken_of(router, Betrokkene.ondernemer(KVK))) == ["Z-1", "Z-2"]
    asked = [query(c.request) for c in zaken.calls]
    assert [{k: v for k, v in q.items() if k.startswith("rol__")} for q in asked] == [
        {f"rol__betrokkeneIdentificatie__{nnp}": KVK},
        {f"rol__betrokkeneIdentificatie__{ves}": KVK},
    ]
    assert [query(c.request) for c in rollen.calls] == [
        {f"betrokkeneIdentificatie__{nnp}": KVK},
        {f"betrokkeneIdentificatie__{ves}": KVK},
    ]


async def test_a_branch_is_asked_by_its_vestigingsnummer() -> None:
    router = mock_router()
    filt = "betrokkeneIdentificatie__vestiging__vestigingsNummer"
    zaken = router.get(f"{ZAKEN}/zaken").mock(
        side_effect=by_filter({(f"rol__{filt}", VESTIGING): [zaak(ZAAK_VESTIGING, "Z-2")]})
    )
    router.get(f"{ZAKEN}/rollen").mock(
        side_effect=by_filter(
            {(filt, VESTIGING): [rol_json(ZAAK_VESTIGING, "vestiging", vestigingsNummer=VESTIGING)]}
        )
    )
    assert await zaken_of(router, Betrokkene.vestiging(VESTIGING)) == ["Z-2"]
    assert query(zaken.calls.last.request)[f"rol__{filt}"] == VESTIGING


async def test_a_zaak_of_another_business_is_not_kept() -> None:
    # A register that ignores the filter returns a zaak of another business; its rol
    # names the other kvkNummer, so no rol of this business proves it.
    router = mock_router()
    router.get(f"{ZAKEN}/zaken").mock(
        return_value=paginated([zaak(ZAAK_BV, "Z-1"), zaak(ZAAK_ANDER, "Z-ANDER")])
    )
    router.get(f"{ZAKEN}/rollen").mock(
        return_value=paginated(
            [
                rol_json(ZAAK_BV, "niet_natuurlijk_persoon", kvkNummer=KVK),
                rol_json(ZAAK_ANDER, "niet_natuurlijk_persoon", kvkNummer=ANDER_KVK),
            ]
        )
    )
    assert await zaken_of(router, Betrokkene((("nietNatuurlijkPersoon", "kvkNummer", KVK),))) == [
        "Z-1"
    ]


def ondernemer_query(vestigingsnummer: str | None = None, rsin: str | None = RSIN) -> SourceQuery:
    kvk = Ondernemer(KVK, rsin, vestigingsnummer, {})
    return SourceQuery(
        Subject(KVK_NUMMER, KVK, vestigingsnummer),
        frozenset({"zaken.identificatie"}),
        inputs={"handelsregister": (kvk,)},
    )


@pytest.mark.parametrize(
    ("ondernemer_filter", "vestigingsnummer", "expected"),
    [
        ("kvkNummer", None, Betrokkene.ondernemer(KVK)),
        (None, None, Betrokkene.rsin(RSIN)),
        (None, VESTIGING, Betrokkene.vestiging(VESTIGING)),
        ("kvkNummer", VESTIGING, Betrokkene.vestiging(VESTIGING)),
    ],
)
def test_the_register_setting_decides_between_kvknummer_and_the_rsin(
    ondernemer_filter: str | None, vestigingsnummer: str | None, expected: Betrokkene
) -> None:
    source = ZakenSource(connector(mock_router()), ondernemer_filter)
    assert source.betrokkene(ondernemer_query(vestigingsnummer)) == expected


async def test_without_an_rsin_a_register_without_the_kvknummer_filter_is_not_asked() -> None:
    router = mock_router()
    source = ZakenSource(connector(router), None)
    assert await source.fetch(ondernemer_query(rsin=None), CTX) is None
    assert not router.calls
