"""Zaken: the person's zaken with zaaktype and status, only the person's, newest first."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import httpx
import pytest

from connectors import budget
from connectors.breaker import BreakerState, CircuitBreaker
from connectors.catalogi import CatalogiResolver
from connectors.errors import UpstreamError, UpstreamTimeout
from connectors.transport import Transport
from connectors.zaken import ZakenConnector
from tests.connectors.fakes import (
    ANDER_BSN,
    BSN,
    CATALOGI,
    STATUSTYPE_AFGEROND,
    STATUSTYPE_ONTVANGEN,
    STATUSTYPEN,
    ZAAKTYPE_BEZWAAR,
    ZAAKTYPE_PARKEREN,
    ZAAKTYPEN,
    ZAKEN,
    Hanging,
    assert_zgw_token,
    context,
    fout,
    mock_router,
    page_url,
    paginated,
    query,
    rol_json,
    status_json,
    transport_for,
    zaak_json,
    zgw_upstream,
)

CTX = context()

PARKEREN = zaak_json(
    "a1f3c5e7-0000-4000-8000-000000000001",
    "ZAAK-2024-0001",
    startdatum="2024-01-02",
    zaaktype=ZAAKTYPE_PARKEREN,
    status_uuid="5a000000-0000-4000-8000-000000000001",
)
BEZWAAR = zaak_json(
    "b2f3c5e7-0000-4000-8000-000000000002",
    "ZAAK-2023-0042",
    startdatum="2023-06-01",
    zaaktype=ZAAKTYPE_BEZWAAR,
    status_uuid="5a000000-0000-4000-8000-000000000002",
)
NIEUW = zaak_json(  # just registered: no status yet
    "c3f3c5e7-0000-4000-8000-000000000003",
    "ZAAK-2024-0100",
    startdatum="2024-03-15",
    zaaktype=ZAAKTYPE_PARKEREN,
)
STATUSSEN = {
    PARKEREN["status"]: status_json(
        "5a000000-0000-4000-8000-000000000001",
        PARKEREN["url"],
        STATUSTYPE_ONTVANGEN,
        "2024-01-03T10:00:00Z",
    ),
    BEZWAAR["status"]: status_json(
        "5a000000-0000-4000-8000-000000000002",
        BEZWAAR["url"],
        STATUSTYPE_AFGEROND,
        "2023-09-30T14:12:00Z",
    ),
}
ROLLEN = [rol_json(zaak["url"], BSN) for zaak in (PARKEREN, BEZWAAR, NIEUW)]

EXPECTED_PARKEREN = {
    "bron": "open-zaak",
    "url": PARKEREN["url"],
    "uuid": PARKEREN["uuid"],
    "identificatie": "ZAAK-2024-0001",
    "bronorganisatie": "002220647",
    "omschrijving": "Aanvraag ZAAK-2024-0001",
    "toelichting": None,
    "zaaktype": {
        "url": ZAAKTYPE_PARKEREN,
        "identificatie": "ZT-PARKEER",
        "omschrijving": "Parkeervergunning",
    },
    "status": {
        "omschrijving": "Ontvangen",
        "statustekst": "Uw aanvraag is ontvangen",
        "datumStatusGezet": "2024-01-03T10:00:00Z",
        "isEindstatus": False,
    },
    "registratiedatum": "2024-01-02",
    "startdatum": "2024-01-02",
    "einddatum": None,
    "einddatumGepland": None,
    "uiterlijkeEinddatumAfdoening": None,
    "vertrouwelijkheidaanduiding": "zaakvertrouwelijk",
}


def expanded(zaak: dict[str, Any]) -> dict[str, Any]:
    """The zaak as Open Zaak returns it with `expand=zaaktype,status,status.statustype`."""
    zaak = copy.deepcopy(zaak)
    zaak["_expand"] = {"zaaktype": ZAAKTYPEN[zaak["zaaktype"]]}
    if zaak["status"]:  # a null status has no key in `_expand` at all
        status = copy.deepcopy(STATUSSEN[zaak["status"]])
        status["_expand"] = {"statustype": STATUSTYPEN[status["statustype"]]}
        zaak["_expand"]["status"] = status
    return zaak


class OpenZaak:
    """Routes for one Open Zaak: zaken, rollen, statussen, and its Catalogi."""

    def __init__(self, router, zaken: list[dict], rollen: list[dict] = ROLLEN) -> None:
        self.zaken = router.get(f"{ZAKEN}/zaken").mock(return_value=paginated(zaken))
        self.rollen = router.get(f"{ZAKEN}/rollen").mock(return_value=paginated(rollen))
        self.statussen = {
            url: router.get(url).mock(return_value=httpx.Response(200, json=body))
            for url, body in STATUSSEN.items()
        }
        self.catalogi = {
            url: router.get(url).mock(return_value=httpx.Response(200, json=body))
            for url, body in {**ZAAKTYPEN, **STATUSTYPEN}.items()
        }

    def follow_up_calls(self) -> int:
        routes = [*self.statussen.values(), *self.catalogi.values()]
        return sum(route.call_count for route in routes)


@pytest.fixture
def router():
    return mock_router()


@pytest.fixture
async def transport(router):
    async with transport_for(router) as transport:
        yield transport


def resolver(transport: Transport, **kwargs) -> CatalogiResolver:
    return CatalogiResolver([zgw_upstream("catalogi", CATALOGI, transport)], **kwargs)


def connector(
    transport: Transport, catalogi: CatalogiResolver | None = None, **kwargs
) -> ZakenConnector:
    catalogi = catalogi or resolver(transport)
    return ZakenConnector(zgw_upstream("open-zaak", ZAKEN, transport), catalogi, **kwargs)


# ---- The requests ---------------------------------------------------------------


async def test_lists_the_persons_zaken_by_bsn_newest_first_with_accept_crs(router, transport):
    open_zaak = OpenZaak(router, [PARKEREN])

    await connector(transport).zaken(BSN, CTX)

    request = open_zaak.zaken.calls.last.request
    assert query(request) == {
        "rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn": BSN,
        "ordering": "-startdatum",
    }
    assert request.headers["Accept-Crs"] == "EPSG:4326"
    assert request.headers["Accept"] == "application/json"
    assert_zgw_token(request, CTX)


async def test_reads_the_persons_rollen_alongside(router, transport):
    open_zaak = OpenZaak(router, [PARKEREN])

    await connector(transport).zaken(BSN, CTX)

    request = open_zaak.rollen.calls.last.request
    assert query(request) == {"betrokkeneIdentificatie__natuurlijkPersoon__inpBsn": BSN}
    assert_zgw_token(request, CTX)


async def test_pushes_rol_vertrouwelijkheid_and_page_size_down(router, transport):
    open_zaak = OpenZaak(router, [PARKEREN])

    await connector(transport, page_size=50).zaken(
        BSN, CTX, rol="initiator", max_vertrouwelijkheid="zaakvertrouwelijk"
    )

    assert query(open_zaak.zaken.calls.last.request) == {
        "rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn": BSN,
        "ordering": "-startdatum",
        "rol__omschrijvingGeneriek": "initiator",
        "maximaleVertrouwelijkheidaanduiding": "zaakvertrouwelijk",
        "pageSize": "50",
    }
    assert query(open_zaak.rollen.calls.last.request) == {
        "betrokkeneIdentificatie__natuurlijkPersoon__inpBsn": BSN,
        "omschrijvingGeneriek": "initiator",
        "pageSize": "50",
    }


async def test_expand_mode_asks_for_zaaktype_status_and_statustype_in_one_go(router, transport):
    open_zaak = OpenZaak(router, [expanded(PARKEREN)])

    await connector(transport, resolve="expand").zaken(BSN, CTX)

    assert query(open_zaak.zaken.calls.last.request)["expand"] == (
        "zaaktype,status,status.statustype"
    )


# ---- Normalisation --------------------------------------------------------------


async def test_follow_up_mode_resolves_status_statustype_and_zaaktype(router, transport):
    open_zaak = OpenZaak(router, [PARKEREN])

    result = await connector(transport).zaken(BSN, CTX)

    assert result.zaken == [EXPECTED_PARKEREN]
    assert not result.afgekapt
    assert result.catalogi_fout is None
    status_request = open_zaak.statussen[PARKEREN["status"]].calls.last.request
    assert_zgw_token(status_request, CTX)
    assert_zgw_token(open_zaak.catalogi[ZAAKTYPE_PARKEREN].calls.last.request, CTX)


async def test_expand_mode_reads_everything_from_expand_without_follow_up_calls(router, transport):
    open_zaak = OpenZaak(router, [expanded(PARKEREN)])

    result = await connector(transport, resolve="expand").zaken(BSN, CTX)

    assert result.zaken == [EXPECTED_PARKEREN]
    assert open_zaak.follow_up_calls() == 0


async def test_expand_and_follow_up_give_the_same_zaken(router, transport):
    OpenZaak(router, [PARKEREN, BEZWAAR, NIEUW])
    followed = await connector(transport).zaken(BSN, CTX)

    router.routes.clear()
    OpenZaak(router, [expanded(zaak) for zaak in (PARKEREN, BEZWAAR, NIEUW)])
    from_expand = await connector(transport, resolve="expand").zaken(BSN, CTX)

    assert from_expand.zaken == followed.zaken
    assert len(followed.zaken) == 3
    # Only how they were resolved differs: the expanded ones needed no Catalogi.
    assert followed.catalogi_geraadpleegd
    assert not from_expand.catalogi_geraadpleegd


@pytest.mark.parametrize("empty", ["absent", None, {}], ids=["absent", "null", "empty-object"])
async def test_a_key_missing_from_expand_is_fetched_instead(router, transport, empty):
    zaak = expanded(PARKEREN)
    if empty == "absent":
        del zaak["_expand"]["status"]
    else:
        zaak["_expand"]["status"] = empty
    open_zaak = OpenZaak(router, [zaak])

    result = await connector(transport, resolve="expand").zaken(BSN, CTX)

    assert result.zaken == [EXPECTED_PARKEREN]
    assert open_zaak.statussen[PARKEREN["status"]].call_count == 1
    assert open_zaak.catalogi[STATUSTYPE_ONTVANGEN].call_count == 1
    assert open_zaak.catalogi[ZAAKTYPE_PARKEREN].call_count == 0


async def test_a_zaak_without_status_has_status_none(router, transport):
    OpenZaak(router, [NIEUW])

    [zaak] = (await connector(transport).zaken(BSN, CTX)).zaken

    assert zaak["status"] is None
    assert zaak["zaaktype"]["identificatie"] == "ZT-PARKEER"


async def test_sorts_newest_first_even_when_the_register_does_not(router, transport):
    earlier_same_day = zaak_json(
        "d4f3c5e7-0000-4000-8000-000000000004",
        "ZAAK-2024-0099",
        startdatum="2024-03-15",
        registratiedatum="2024-03-14",
    )
    rollen = [*ROLLEN, rol_json(earlier_same_day["url"], BSN)]
    OpenZaak(router, [BEZWAAR, earlier_same_day, PARKEREN, NIEUW], rollen)

    result = await connector(transport).zaken(BSN, CTX)

    assert [zaak["identificatie"] for zaak in result.zaken] == [
        "ZAAK-2024-0100",
        "ZAAK-2024-0099",
        "ZAAK-2024-0001",
        "ZAAK-2023-0042",
    ]


async def test_no_zaken_is_an_empty_result(router, transport):
    open_zaak = OpenZaak(router, [], rollen=[])

    result = await connector(transport).zaken(BSN, CTX)

    assert result.zaken == []
    assert not result.afgekapt
    assert open_zaak.follow_up_calls() == 0


# ---- Only the person's zaken ----------------------------------------------------


async def test_drops_zaken_of_other_people_from_a_register_that_ignores_the_filter(
    router, transport
):
    van_een_ander = zaak_json(
        "e5f3c5e7-0000-4000-8000-000000000005",
        "ZAAK-2024-0777",
        startdatum="2024-02-02",
        status_uuid="5a000000-0000-4000-8000-000000000001",
    )
    rollen = [rol_json(PARKEREN["url"], BSN), rol_json(van_een_ander["url"], ANDER_BSN)]
    open_zaak = OpenZaak(router, [PARKEREN, van_een_ander], rollen)

    result = await connector(transport).zaken(BSN, CTX)

    assert [zaak["url"] for zaak in result.zaken] == [PARKEREN["url"]]
    # Nor is anything fetched about the other person's zaak.
    assert open_zaak.statussen[PARKEREN["status"]].call_count == 1


async def test_with_a_rol_keeps_only_zaken_where_the_person_has_that_rol(router, transport):
    rollen = [
        rol_json(PARKEREN["url"], BSN, "initiator"),
        rol_json(BEZWAAR["url"], BSN, "belanghebbende"),
    ]
    OpenZaak(router, [PARKEREN, BEZWAAR], rollen)

    result = await connector(transport).zaken(BSN, CTX, rol="initiator")

    assert [zaak["url"] for zaak in result.zaken] == [PARKEREN["url"]]


async def test_drops_zaken_above_the_maximum_vertrouwelijkheid(router, transport):
    geheim = {**BEZWAAR, "vertrouwelijkheidaanduiding": "geheim"}
    OpenZaak(router, [PARKEREN, geheim])

    result = await connector(transport).zaken(BSN, CTX, max_vertrouwelijkheid="vertrouwelijk")

    assert [zaak["url"] for zaak in result.zaken] == [PARKEREN["url"]]


# ---- Pagination -----------------------------------------------------------------


async def test_follows_the_next_link_of_the_zaken_list(router, transport):
    open_zaak = OpenZaak(router, [])
    page_two = (
        f"{ZAKEN}/zaken?ordering=-startdatum&page=2"
        f"&rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn={BSN}"
    )
    open_zaak.zaken.side_effect = [
        paginated([PARKEREN], next_url=page_two),
        paginated([BEZWAAR]),
    ]

    result = await connector(transport).zaken(BSN, CTX)

    assert len(result.zaken) == 2
    assert not result.afgekapt
    second = open_zaak.zaken.calls[1].request
    assert str(second.url) == page_two
    assert second.headers["Accept-Crs"] == "EPSG:4326"


async def test_the_page_cap_marks_the_result_afgekapt(router, transport):
    open_zaak = OpenZaak(router, [])
    open_zaak.zaken.side_effect = [
        paginated([PARKEREN], next_url=f"{ZAKEN}/zaken?page=2"),
        paginated([BEZWAAR], next_url=f"{ZAKEN}/zaken?page=3"),
    ]

    result = await connector(transport, max_pages=2).zaken(BSN, CTX)

    assert open_zaak.zaken.call_count == 2
    assert len(result.zaken) == 2
    assert result.afgekapt


async def test_a_cut_rollen_list_also_marks_the_result_afgekapt(router, transport):
    open_zaak = OpenZaak(router, [PARKEREN])
    open_zaak.rollen.side_effect = [
        paginated([rol_json(PARKEREN["url"], BSN)], next_url=f"{ZAKEN}/rollen?page=2")
    ]

    result = await connector(transport, max_pages=1).zaken(BSN, CTX)

    assert result.afgekapt


# ---- Concurrency ----------------------------------------------------------------


async def test_status_follow_ups_run_concurrently(router, transport):
    open_zaak = OpenZaak(router, [PARKEREN, BEZWAAR])
    in_flight = 0
    both_in_flight = asyncio.Event()

    def gated(body: dict):
        async def respond(request: httpx.Request) -> httpx.Response:
            nonlocal in_flight
            in_flight += 1
            if in_flight == 2:
                both_in_flight.set()
            await asyncio.wait_for(both_in_flight.wait(), timeout=1)
            return httpx.Response(200, json=body)

        return respond

    for url, route in open_zaak.statussen.items():
        route.side_effect = gated(STATUSSEN[url])

    result = await connector(transport).zaken(BSN, CTX)

    assert [zaak["status"]["omschrijving"] for zaak in result.zaken] == ["Ontvangen", "Afgerond"]


async def test_a_zaaks_zaaktype_and_status_are_fetched_concurrently(router, transport):
    open_zaak = OpenZaak(router, [PARKEREN])
    both_asked = asyncio.Event()
    asked = 0

    def gated(body: dict):
        async def respond(request: httpx.Request) -> httpx.Response:
            nonlocal asked
            asked += 1
            if asked == 2:
                both_asked.set()
            await asyncio.wait_for(both_asked.wait(), timeout=1)
            return httpx.Response(200, json=body)

        return respond

    open_zaak.statussen[PARKEREN["status"]].side_effect = gated(STATUSSEN[PARKEREN["status"]])
    open_zaak.catalogi[ZAAKTYPE_PARKEREN].side_effect = gated(ZAAKTYPEN[ZAAKTYPE_PARKEREN])

    result = await connector(transport).zaken(BSN, CTX)

    assert result.zaken == [EXPECTED_PARKEREN]


async def test_follow_ups_start_before_the_next_page_arrives(router, transport):
    open_zaak = OpenZaak(router, [])
    first_status_asked = asyncio.Event()
    status_route = open_zaak.statussen[PARKEREN["status"]]

    async def status(request: httpx.Request) -> httpx.Response:
        first_status_asked.set()
        return httpx.Response(200, json=STATUSSEN[PARKEREN["status"]])

    async def zaken_page(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("page") == "2":
            await asyncio.wait_for(first_status_asked.wait(), timeout=1)
            return paginated([BEZWAAR])
        return paginated([PARKEREN], next_url=f"{ZAKEN}/zaken?page=2")

    status_route.side_effect = status
    open_zaak.zaken.side_effect = zaken_page

    result = await connector(transport).zaken(BSN, CTX)

    assert len(result.zaken) == 2


async def test_one_catalogi_call_per_zaaktype_for_many_zaken(router, transport):
    many = [
        zaak_json(
            f"f6f3c5e7-0000-4000-8000-00000000001{n}", f"ZAAK-2024-001{n}", startdatum="2024-01-01"
        )
        for n in range(5)
    ]
    open_zaak = OpenZaak(router, many, [rol_json(zaak["url"], BSN) for zaak in many])

    result = await connector(transport).zaken(BSN, CTX)

    assert len(result.zaken) == 5
    assert open_zaak.catalogi[ZAAKTYPE_PARKEREN].call_count == 1


# ---- Failures -------------------------------------------------------------------


async def test_an_unreadable_status_costs_only_that_zaaks_status(router, transport):
    open_zaak = OpenZaak(router, [PARKEREN, BEZWAAR])
    open_zaak.statussen[PARKEREN["status"]].mock(
        return_value=fout(
            403, "permission_denied", "Je hebt geen toestemming om deze actie uit te voeren."
        )
    )

    result = await connector(transport).zaken(BSN, CTX)

    parkeren, bezwaar = result.zaken
    assert parkeren["status"] is None
    assert parkeren["zaaktype"]["identificatie"] == "ZT-PARKEER"
    assert bezwaar["status"]["isEindstatus"] is True
    assert result.catalogi_fout is None


async def test_a_failing_catalogi_leaves_the_zaken_and_reports_the_catalogi_error(
    router, transport
):
    open_zaak = OpenZaak(router, [PARKEREN])
    for route in open_zaak.catalogi.values():
        route.mock(return_value=fout(500, "error", "Er is een serverfout opgetreden."))

    result = await connector(transport).zaken(BSN, CTX)

    [zaak] = result.zaken
    assert zaak["identificatie"] == "ZAAK-2024-0001"
    assert zaak["zaaktype"] == {
        "url": ZAAKTYPE_PARKEREN,
        "identificatie": None,
        "omschrijving": None,
    }
    assert zaak["status"] == {
        "omschrijving": None,
        "statustekst": None,
        "datumStatusGezet": "2024-01-03T10:00:00Z",
        "isEindstatus": None,
    }
    assert isinstance(result.catalogi_fout, UpstreamError)
    assert result.catalogi_fout.upstream_status == 500


async def test_a_catalogi_timeout_is_reported_as_a_timeout(router, transport):
    open_zaak = OpenZaak(router, [PARKEREN])
    open_zaak.catalogi[ZAAKTYPE_PARKEREN].mock(side_effect=httpx.ReadTimeout("te traag"))

    result = await connector(transport).zaken(BSN, CTX)

    assert isinstance(result.catalogi_fout, UpstreamTimeout)
    assert result.zaken[0]["status"]["omschrijving"] == "Ontvangen"


async def test_a_hanging_catalogi_costs_only_the_catalogi_fields_not_the_zaken(router, transport):
    open_zaak = OpenZaak(router, [PARKEREN])
    hanging = Hanging()
    for route in open_zaak.catalogi.values():
        route.mock(side_effect=hanging)
    catalogi = resolver(transport, timeout_seconds=0.05)

    async with asyncio.timeout(1):  # well before any zaken deadline
        result = await connector(transport, catalogi).zaken(BSN, CTX)

    [zaak] = result.zaken
    assert zaak["zaaktype"] == {
        "url": ZAAKTYPE_PARKEREN,
        "identificatie": None,
        "omschrijving": None,
    }
    assert zaak["status"]["omschrijving"] is None
    assert zaak["status"]["datumStatusGezet"] == "2024-01-03T10:00:00Z"
    assert isinstance(result.catalogi_fout, UpstreamTimeout)
    assert hanging.abandoned == hanging.asked == 2  # zaaktype and statustype, both given up


async def test_a_zaaktype_in_an_unconfigured_catalogus_is_a_catalogi_error(router, transport):
    elders = {**PARKEREN, "zaaktype": "https://catalogi.elders.example/api/v1/zaaktypen/x"}
    OpenZaak(router, [elders])

    result = await connector(transport).zaken(BSN, CTX)

    assert result.zaken[0]["zaaktype"]["identificatie"] is None
    assert result.catalogi_fout.code == "vreemde-url"


@pytest.mark.parametrize(
    "answer",
    [
        fout(
            412, "precondition_failed", "Voorwaarde gefaald", detail="'Accept-Crs' header ontbreekt"
        ),
        fout(500, "error", "Er is een serverfout opgetreden."),
        httpx.Response(200, content=b"<html>", headers={"Content-Type": "text/html"}),
        httpx.Response(200, content=b'{"results": [', headers={"Content-Type": "application/json"}),
        httpx.Response(200, json={"type": "not a list"}),
    ],
    ids=["412", "500", "html", "malformed-json", "no-results"],
)
async def test_a_failing_zaken_list_fails_the_source(router, transport, answer):
    open_zaak = OpenZaak(router, [])
    open_zaak.zaken.mock(return_value=answer)

    with pytest.raises(UpstreamError):
        await connector(transport).zaken(BSN, CTX)


async def test_a_failing_rollen_list_fails_the_source(router, transport):
    open_zaak = OpenZaak(router, [PARKEREN])
    open_zaak.rollen.mock(return_value=fout(500, "error", "Er is een serverfout opgetreden."))

    with pytest.raises(UpstreamError) as caught:
        await connector(transport).zaken(BSN, CTX)

    assert caught.value.upstream_status == 500
    assert BSN not in str(caught.value)


async def test_an_unknown_vertrouwelijkheid_is_a_programming_error(transport):
    with pytest.raises(ValueError):
        await connector(transport).zaken(BSN, CTX, max_vertrouwelijkheid="topgeheim")


# ---- Whether Catalogi was consulted ----------------------------------------------


async def test_catalogi_lookups_mark_catalogi_as_consulted(router, transport):
    OpenZaak(router, [PARKEREN])

    result = await connector(transport).zaken(BSN, CTX)

    assert result.catalogi_geraadpleegd


async def test_lookups_answered_from_the_cache_also_count_as_consulted(router, transport):
    open_zaak = OpenZaak(router, [PARKEREN])
    catalogi = resolver(transport)
    await connector(transport, catalogi).zaken(BSN, CTX)
    calls_before = open_zaak.follow_up_calls()

    result = await connector(transport, catalogi).zaken(BSN, CTX)

    assert open_zaak.follow_up_calls() == calls_before + 1  # only the status, from Zaken
    assert result.catalogi_geraadpleegd


async def test_zaken_read_from_expand_leave_catalogi_unconsulted(router, transport):
    open_zaak = OpenZaak(router, [expanded(PARKEREN)])

    result = await connector(transport, resolve="expand").zaken(BSN, CTX)

    assert open_zaak.follow_up_calls() == 0
    assert not result.catalogi_geraadpleegd


async def test_no_zaken_leaves_catalogi_unconsulted(router, transport):
    OpenZaak(router, [], rollen=[])

    result = await connector(transport).zaken(BSN, CTX)

    assert not result.catalogi_geraadpleegd


async def test_zaken_without_zaaktype_or_status_leave_catalogi_unconsulted(router, transport):
    OpenZaak(router, [PARKEREN])

    result = await connector(transport).zaken(BSN, CTX, with_zaaktype=False, with_status=False)

    assert not result.catalogi_geraadpleegd


# ---- Within the budget ----------------------------------------------------------
# A lookup that does not fit its deadline stops `budget.STOP_MARGIN` before it and
# answers with the zaken that are complete, `afgekapt`; with none, a timeout.

ZAKEN_FILTER = {
    "ordering": "-startdatum",
    "rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn": BSN,
}
ROLLEN_FILTER = {"betrokkeneIdentificatie__natuurlijkPersoon__inpBsn": BSN}


async def as_source(call: Any, *, own: float, shared: float | None = None) -> Any:
    """Run `call` as the fan-out runs a source: under the register's own deadline (`own`
    seconds), cut by the shared budget (`shared` seconds) when that ends first."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    own_at = start + own
    deadline = min(own_at, start + shared) if shared is not None else own_at
    async with asyncio.timeout_at(deadline):
        with budget.deadline_at(deadline, own=own_at):
            return await call


def in_pages(list_url: str, pages: list[Any], filters: dict[str, str]) -> Any:
    """A ZGW list as the route's side effect: page n has `results` pages[n-1] (or is a
    responder itself, e.g. `Hanging`), with the whole list's `count` and absolute links."""
    total = sum(len(p) for p in pages if isinstance(p, list))

    async def respond(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params.get("page", "1"))
        content = pages[number - 1]
        if not isinstance(content, list):
            return await content(request)
        following = page_url(list_url, number + 1, **filters) if number < len(pages) else None
        previous = page_url(list_url, number - 1, **filters)
        return paginated(content, following, count=total, previous_url=previous)

    return respond


async def test_a_page_too_late_for_the_deadline_leaves_the_zaken_before_it_afgekapt(
    router, transport
):
    open_zaak = OpenZaak(router, [])
    late = Hanging()
    open_zaak.zaken.side_effect = in_pages(
        f"{ZAKEN}/zaken", [[PARKEREN], [BEZWAAR], late], ZAKEN_FILTER
    )
    loop = asyncio.get_running_loop()
    started = loop.time()

    result = await as_source(connector(transport).zaken(BSN, CTX), own=0.2)

    assert [zaak["identificatie"] for zaak in result.zaken] == ["ZAAK-2024-0001", "ZAAK-2023-0042"]
    assert result.zaken[0] == EXPECTED_PARKEREN  # complete, follow-ups and all
    assert result.afgekapt
    assert late.asked == late.abandoned == 1  # page 3 was asked, then cancelled
    # Stopped at the margin before the deadline, not cut off at it.
    assert loop.time() - started < 0.2
    second = open_zaak.zaken.calls[1].request
    assert str(second.url) == page_url(f"{ZAKEN}/zaken", 2, **ZAKEN_FILTER)
    assert second.headers["Accept-Crs"] == "EPSG:4326"
    assert_zgw_token(second, CTX)


async def test_a_zaak_whose_status_hangs_past_the_stop_is_left_out_the_others_stay(
    router, transport
):
    open_zaak = OpenZaak(router, [PARKEREN, BEZWAAR])
    hanging = Hanging()
    open_zaak.statussen[PARKEREN["status"]].mock(side_effect=hanging)

    result = await as_source(connector(transport).zaken(BSN, CTX), own=0.15)

    # Not shown without its status: "no status" would read as "just registered".
    assert [zaak["identificatie"] for zaak in result.zaken] == ["ZAAK-2023-0042"]
    assert result.zaken[0]["status"]["omschrijving"] == "Afgerond"
    assert result.afgekapt
    assert hanging.asked == hanging.abandoned == 1


async def test_a_zaak_whose_status_is_not_asked_for_does_not_wait_for_it(router, transport):
    open_zaak = OpenZaak(router, [PARKEREN, BEZWAAR])
    hanging = Hanging()
    open_zaak.statussen[PARKEREN["status"]].mock(side_effect=hanging)

    result = await as_source(connector(transport).zaken(BSN, CTX, with_status=False), own=0.15)

    assert len(result.zaken) == 2
    assert not result.afgekapt
    assert hanging.asked == 0


async def test_a_rollen_page_too_late_proves_fewer_zaken_never_others(router, transport):
    """The rollen prove which zaken are the person's (and, for a doel's rol, that the
    person has that rol): a zaak whose rol did not arrive in time is left out, unasked."""
    rollen = [rol_json(PARKEREN["url"], BSN), rol_json(BEZWAAR["url"], BSN)]
    open_zaak = OpenZaak(router, [PARKEREN, BEZWAAR])
    late = Hanging()
    filters = {**ROLLEN_FILTER, "omschrijvingGeneriek": "initiator"}
    open_zaak.rollen.side_effect = in_pages(f"{ZAKEN}/rollen", [rollen[:1], late], filters)

    result = await as_source(connector(transport).zaken(BSN, CTX, rol="initiator"), own=0.15)

    assert [zaak["identificatie"] for zaak in result.zaken] == ["ZAAK-2024-0001"]
    assert result.afgekapt
    assert late.asked == late.abandoned == 1
    assert open_zaak.statussen[BEZWAAR["status"]].call_count == 0  # nothing asked about it
    assert query(open_zaak.rollen.calls[0].request) == filters


async def test_follow_ups_start_as_soon_as_a_rollen_page_proves_the_zaak(router, transport):
    rollen = [rol_json(PARKEREN["url"], BSN), rol_json(BEZWAAR["url"], BSN)]
    open_zaak = OpenZaak(router, [PARKEREN, BEZWAAR])
    parkeren_status = asyncio.Event()
    route = open_zaak.statussen[PARKEREN["status"]]

    async def status(request: httpx.Request) -> httpx.Response:
        parkeren_status.set()
        return httpx.Response(200, json=STATUSSEN[PARKEREN["status"]])

    async def second_rollen_page(request: httpx.Request) -> httpx.Response:
        await asyncio.wait_for(parkeren_status.wait(), timeout=1)
        return paginated(rollen[1:], count=2, previous_url=page_url(f"{ZAKEN}/rollen", 1))

    route.side_effect = status
    open_zaak.rollen.side_effect = in_pages(
        f"{ZAKEN}/rollen", [rollen[:1], second_rollen_page], ROLLEN_FILTER
    )

    result = await connector(transport).zaken(BSN, CTX)

    assert len(result.zaken) == 2
    assert not result.afgekapt


async def test_nothing_complete_at_the_stop_is_a_timeout_not_an_empty_list(router, transport):
    open_zaak = OpenZaak(router, [])
    hanging = Hanging()
    open_zaak.zaken.mock(side_effect=hanging)

    # UpstreamTimeout from the connector at its stop, not the deadline's TimeoutError.
    with pytest.raises(UpstreamTimeout):
        await as_source(connector(transport).zaken(BSN, CTX), own=0.1)

    assert hanging.asked == hanging.abandoned == 1


async def test_zaken_whose_follow_ups_all_hang_are_a_timeout(router, transport):
    open_zaak = OpenZaak(router, [PARKEREN, BEZWAAR])
    hanging = Hanging()
    for route in open_zaak.statussen.values():
        route.mock(side_effect=hanging)

    with pytest.raises(UpstreamTimeout):
        await as_source(connector(transport).zaken(BSN, CTX), own=0.1)

    assert hanging.asked == hanging.abandoned == 2


async def test_a_call_cut_at_the_stop_of_the_registers_own_deadline_counts_as_a_hang(
    router, transport
):
    breaker = CircuitBreaker(failures=1, cooldown=60)
    upstream = zgw_upstream("open-zaak", ZAKEN, transport, breaker=breaker)
    open_zaak = OpenZaak(router, [PARKEREN, BEZWAAR])
    open_zaak.statussen[PARKEREN["status"]].mock(side_effect=Hanging())
    lookup = ZakenConnector(upstream, resolver(transport)).zaken(BSN, CTX)

    result = await as_source(lookup, own=0.15)

    assert result.afgekapt
    assert breaker.state is BreakerState.OPEN


async def test_a_busy_healthy_register_cut_at_its_stop_keeps_its_breaker_closed(router, transport):
    # Every page answers in 30 ms; the one asked just before the stop is cancelled
    # there. It had a sliver of the register's time: no sign of a hang.
    breaker = CircuitBreaker(failures=1, cooldown=60)
    upstream = zgw_upstream("open-zaak", ZAKEN, transport, breaker=breaker)
    open_zaak = OpenZaak(router, [])
    respond = in_pages(f"{ZAKEN}/zaken", [[PARKEREN], [BEZWAAR]] * 20, ZAKEN_FILTER)

    async def slow_page(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.03)
        return await respond(request)

    open_zaak.zaken.side_effect = slow_page
    lookup = ZakenConnector(upstream, resolver(transport)).zaken(BSN, CTX)

    result = await as_source(lookup, own=0.25)

    assert result.afgekapt and len(result.zaken) >= 3
    assert breaker.state is BreakerState.CLOSED


async def test_a_call_cut_at_the_stop_of_the_shared_budget_is_only_abandoned(router, transport):
    breaker = CircuitBreaker(failures=1, cooldown=60)
    upstream = zgw_upstream("open-zaak", ZAKEN, transport, breaker=breaker)
    open_zaak = OpenZaak(router, [PARKEREN, BEZWAAR])
    open_zaak.statussen[PARKEREN["status"]].mock(side_effect=Hanging())
    lookup = ZakenConnector(upstream, resolver(transport)).zaken(BSN, CTX)

    result = await as_source(lookup, own=5, shared=0.15)

    assert result.afgekapt
    assert breaker.state is BreakerState.CLOSED


async def test_a_failing_page_still_fails_the_source_before_the_stop(router, transport):
    open_zaak = OpenZaak(router, [])

    async def server_error(request: httpx.Request) -> httpx.Response:
        return fout(500, "error", "Er is een serverfout opgetreden.")

    open_zaak.zaken.side_effect = in_pages(
        f"{ZAKEN}/zaken", [[PARKEREN], server_error], ZAKEN_FILTER
    )

    with pytest.raises(UpstreamError) as caught:
        await as_source(connector(transport).zaken(BSN, CTX), own=1)

    assert caught.value.upstream_status == 500
