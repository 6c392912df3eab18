"""Catalogi lookups: from the register that owns the URL, cached, one call per URL at a time."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from connectors.catalogi import CatalogiResolver
from connectors.errors import UpstreamError, UpstreamTimeout
from connectors.transport import Transport
from tests.connectors.fakes import (
    CATALOGI,
    STATUSTYPE_ONTVANGEN,
    STATUSTYPEN,
    ZAAKTYPE_PARKEREN,
    ZAAKTYPEN,
    ZAKEN,
    Hanging,
    assert_zgw_token,
    context,
    fout,
    mock_router,
    transport_for,
    zgw_upstream,
)

CTX = context()


@pytest.fixture
def router():
    return mock_router()


@pytest.fixture
async def transport(router):
    async with transport_for(router) as transport:
        yield transport


def resolver(transport: Transport, **kwargs) -> CatalogiResolver:
    return CatalogiResolver([zgw_upstream("catalogi", CATALOGI, transport)], **kwargs)


async def test_fetches_a_zaaktype_by_its_url_with_a_zgw_token(router, transport):
    route = router.get(ZAAKTYPE_PARKEREN).mock(
        return_value=httpx.Response(200, json=ZAAKTYPEN[ZAAKTYPE_PARKEREN])
    )

    zaaktype = await resolver(transport).zaaktype(ZAAKTYPE_PARKEREN, CTX)

    assert zaaktype["identificatie"] == "ZT-PARKEER"
    request = route.calls.last.request
    assert_zgw_token(request, CTX)
    assert "Accept-Crs" not in request.headers  # Catalogi has no CRS headers


async def test_asks_the_register_that_owns_the_url(router, transport):
    other_catalogi = "https://catalogi.regio.example/catalogi/api/v1"
    elsewhere_url = f"{other_catalogi}/statustypen/1f2e3d4c-0000-4000-8000-000000000001"
    route = router.get(elsewhere_url).mock(
        return_value=httpx.Response(
            200, json={**STATUSTYPEN[STATUSTYPE_ONTVANGEN], "url": elsewhere_url}
        )
    )
    catalogi = CatalogiResolver(
        [
            zgw_upstream("open-zaak", ZAKEN, transport),
            zgw_upstream("catalogi-regio", other_catalogi, transport),
        ]
    )

    statustype = await catalogi.statustype(elsewhere_url, CTX)

    assert statustype["omschrijving"] == "Ontvangen"
    assert route.called


async def test_a_zaken_register_serves_the_catalogi_on_its_own_server(router, transport):
    route = router.get(ZAAKTYPE_PARKEREN).mock(
        return_value=httpx.Response(200, json=ZAAKTYPEN[ZAAKTYPE_PARKEREN])
    )
    catalogi = CatalogiResolver([zgw_upstream("open-zaak", ZAKEN, transport)])

    zaaktype = await catalogi.zaaktype(ZAAKTYPE_PARKEREN, CTX)

    assert zaaktype["omschrijving"] == "Parkeervergunning"
    assert_zgw_token(route.calls.last.request, CTX)


async def test_a_url_no_configured_register_owns_is_refused_without_a_call(router, transport):
    foreign = "https://catalogi.elders.example/catalogi/api/v1/zaaktypen/abc"
    route = router.get(foreign).mock(return_value=httpx.Response(200, json={}))

    with pytest.raises(UpstreamError) as caught:
        await resolver(transport).zaaktype(foreign, CTX)

    assert caught.value.code == "vreemde-url"
    assert not route.called


async def test_a_second_lookup_is_served_from_the_cache(router, transport):
    route = router.get(ZAAKTYPE_PARKEREN).mock(
        return_value=httpx.Response(200, json=ZAAKTYPEN[ZAAKTYPE_PARKEREN])
    )
    catalogi = resolver(transport)

    first = await catalogi.zaaktype(ZAAKTYPE_PARKEREN, CTX)
    second = await catalogi.zaaktype(ZAAKTYPE_PARKEREN, CTX)

    assert first == second
    assert route.call_count == 1


async def test_the_cache_expires_after_its_ttl(router, transport):
    now = [0.0]
    route = router.get(ZAAKTYPE_PARKEREN).mock(
        return_value=httpx.Response(200, json=ZAAKTYPEN[ZAAKTYPE_PARKEREN])
    )
    catalogi = resolver(transport, ttl_seconds=3600, clock=lambda: now[0])

    await catalogi.zaaktype(ZAAKTYPE_PARKEREN, CTX)
    now[0] = 3599
    await catalogi.zaaktype(ZAAKTYPE_PARKEREN, CTX)
    now[0] = 3601
    await catalogi.zaaktype(ZAAKTYPE_PARKEREN, CTX)

    assert route.call_count == 2


async def test_concurrent_lookups_of_one_url_share_one_call(router, transport):
    release = asyncio.Event()

    async def slow_zaaktype(request: httpx.Request) -> httpx.Response:
        await release.wait()
        return httpx.Response(200, json=ZAAKTYPEN[ZAAKTYPE_PARKEREN])

    route = router.get(ZAAKTYPE_PARKEREN).mock(side_effect=slow_zaaktype)
    catalogi = resolver(transport)

    lookups = [asyncio.create_task(catalogi.zaaktype(ZAAKTYPE_PARKEREN, CTX)) for _ in range(25)]
    await asyncio.sleep(0.01)
    release.set()
    results = await asyncio.gather(*lookups)

    assert route.call_count == 1
    assert all(result["identificatie"] == "ZT-PARKEER" for result in results)


async def test_one_waiter_giving_up_does_not_cancel_the_shared_call(router, transport):
    release = asyncio.Event()

    async def slow_zaaktype(request: httpx.Request) -> httpx.Response:
        await release.wait()
        return httpx.Response(200, json=ZAAKTYPEN[ZAAKTYPE_PARKEREN])

    router.get(ZAAKTYPE_PARKEREN).mock(side_effect=slow_zaaktype)
    catalogi = resolver(transport)
    impatient = asyncio.create_task(catalogi.zaaktype(ZAAKTYPE_PARKEREN, CTX))
    patient = asyncio.create_task(catalogi.zaaktype(ZAAKTYPE_PARKEREN, CTX))
    await asyncio.sleep(0.01)

    impatient.cancel()
    release.set()

    assert (await patient)["identificatie"] == "ZT-PARKEER"


async def test_a_failure_reaches_every_waiter_and_is_not_cached(router, transport):
    route = router.get(ZAAKTYPE_PARKEREN)
    route.side_effect = [
        fout(500, "error", "Interne serverfout"),  # a 500 is not retried
        httpx.Response(200, json=ZAAKTYPEN[ZAAKTYPE_PARKEREN]),
    ]
    catalogi = resolver(transport)

    failures = await asyncio.gather(
        catalogi.zaaktype(ZAAKTYPE_PARKEREN, CTX),
        catalogi.zaaktype(ZAAKTYPE_PARKEREN, CTX),
        return_exceptions=True,
    )
    retried = await catalogi.zaaktype(ZAAKTYPE_PARKEREN, CTX)

    assert all(isinstance(failure, UpstreamError) for failure in failures)
    assert retried["identificatie"] == "ZT-PARKEER"
    assert route.call_count == 2


async def test_a_hanging_call_is_cancelled_at_its_deadline_and_every_waiter_times_out(
    router, transport
):
    hanging = Hanging()
    router.get(ZAAKTYPE_PARKEREN).mock(side_effect=hanging)
    catalogi = resolver(transport, timeout_seconds=0.05)

    failures = await asyncio.gather(
        catalogi.zaaktype(ZAAKTYPE_PARKEREN, CTX),
        catalogi.zaaktype(ZAAKTYPE_PARKEREN, CTX),
        return_exceptions=True,
    )

    assert all(isinstance(failure, UpstreamTimeout) for failure in failures)
    assert hanging.asked == 1  # still one shared call
    assert hanging.abandoned == 1  # cancelled at the deadline, not left running


async def test_a_timed_out_lookup_is_tried_again_next_time(router, transport):
    hanging = Hanging()
    router.get(ZAAKTYPE_PARKEREN).side_effect = [
        hanging,
        httpx.Response(200, json=ZAAKTYPEN[ZAAKTYPE_PARKEREN]),
    ]
    catalogi = resolver(transport, timeout_seconds=0.05)

    with pytest.raises(UpstreamTimeout):
        await catalogi.zaaktype(ZAAKTYPE_PARKEREN, CTX)
    retried = await catalogi.zaaktype(ZAAKTYPE_PARKEREN, CTX)

    assert hanging.asked == 1
    assert retried["identificatie"] == "ZT-PARKEER"


async def test_an_answer_that_is_not_an_object_is_a_fout(router, transport):
    router.get(ZAAKTYPE_PARKEREN).mock(return_value=httpx.Response(200, json=[]))

    with pytest.raises(UpstreamError):
        await resolver(transport).zaaktype(ZAAKTYPE_PARKEREN, CTX)
