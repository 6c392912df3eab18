"""A misbehaving register: retried once when that can help, cut off when it cannot.

Every test bounds its own time: the budget plus generous slack, never the fault.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest

from connectors import budget
from connectors.aiohttp_transport import AiohttpTransport
from connectors.breaker import BreakerState, CircuitBreaker
from connectors.catalogi import CatalogiResolver
from connectors.errors import UpstreamError
from connectors.http import Upstream
from connectors.klanten import KlantenConnector
from connectors.zaken import ZakenConnector
from tests.connectors.fakes import (
    BSN,
    KLANTEN,
    ZAKEN,
    context,
    fout,
    mock_router,
    paginated,
    transport_for,
    zgw_upstream,
)

CTX = context()
BSN_FILTER = {"subjectNatuurlijkPersoon__inpBsn": BSN}
KLANT = {"url": f"{KLANTEN}/klanten/k1", "subjectIdentificatie": {"inpBsn": BSN}}


async def within(seconds: float, call: Any) -> Any:
    """Run `call` as a source would: under a deadline the connector can see."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    async with asyncio.timeout_at(deadline):
        with budget.deadline_at(deadline):
            return await call


@pytest.fixture
def router():
    return mock_router()


@pytest.fixture
def klanten(router) -> Upstream:
    return zgw_upstream("klanten", KLANTEN, transport_for(router))


async def test_a_503_is_retried_once_and_the_second_answer_counts(router, klanten) -> None:
    route = router.get(f"{KLANTEN}/klanten").mock(
        side_effect=[fout(503, "unavailable", "Even niet"), paginated([KLANT])]
    )
    result = await within(2, KlantenConnector(klanten).klanten(BSN, CTX))
    assert [k["url"] for k in result.klanten] == [KLANT["url"]]
    assert route.call_count == 2


async def test_a_second_503_is_a_fout_not_a_third_try(router, klanten) -> None:
    route = router.get(f"{KLANTEN}/klanten").mock(return_value=fout(503, "x", "Even niet"))
    with pytest.raises(UpstreamError) as info:
        await within(2, KlantenConnector(klanten).klanten(BSN, CTX))
    assert info.value.upstream_status == 503
    assert route.call_count == 2


async def test_a_500_or_a_404_is_not_retried(router, klanten) -> None:
    route = router.get(f"{KLANTEN}/klanten").mock(return_value=fout(500, "error", "Stuk"))
    with pytest.raises(UpstreamError):
        await within(2, KlantenConnector(klanten).klanten(BSN, CTX))
    assert route.call_count == 1


async def test_a_429_with_retry_after_is_waited_out_within_the_budget(router, klanten) -> None:
    route = router.get(f"{KLANTEN}/klanten").mock(
        side_effect=[
            httpx.Response(429, json={"code": "throttled"}, headers={"Retry-After": "1"}),
            paginated([KLANT]),
        ]
    )
    started = time.monotonic()
    result = await within(3, KlantenConnector(klanten).klanten(BSN, CTX))
    assert result.klanten and route.call_count == 2
    assert 1.0 <= time.monotonic() - started < 2.5


async def test_a_retry_after_beyond_the_budget_fails_at_once(router, klanten) -> None:
    router.get(f"{KLANTEN}/klanten").mock(
        return_value=httpx.Response(429, json={}, headers={"Retry-After": "30"})
    )
    started = time.monotonic()
    with pytest.raises(UpstreamError) as info:
        await within(2, KlantenConnector(klanten).klanten(BSN, CTX))
    assert info.value.upstream_status == 429
    assert time.monotonic() - started < 0.5


async def test_a_refused_connection_is_fout_fast_and_retried_once() -> None:
    closed = _closed_port()
    transport = AiohttpTransport(timeout_seconds=2)
    upstream = zgw_upstream("klanten", f"http://127.0.0.1:{closed}/klanten/api/v1", transport)
    started = time.monotonic()
    with pytest.raises(UpstreamError) as info:
        await within(2, upstream.get_json("klanten", CTX, params=BSN_FILTER))
    assert info.value.code == "verbinding"
    assert time.monotonic() - started < 1.0
    await transport.aclose()


async def test_a_50_mb_body_is_refused_without_reading_it_all(router, klanten) -> None:
    chunks_read = 0

    async def body():
        nonlocal chunks_read
        for _ in range(50 * 1024):  # 50 MB in 1 KiB chunks
            chunks_read += 1
            yield b"x" * 1024

    router.get(f"{KLANTEN}/klanten").mock(
        return_value=httpx.Response(
            200, headers={"Content-Type": "application/json"}, stream=_Stream(body())
        )
    )
    started = time.monotonic()
    with pytest.raises(UpstreamError) as info:
        await within(5, KlantenConnector(klanten).klanten(BSN, CTX))
    assert info.value.code == "te-groot"
    assert chunks_read < 11 * 1024  # stopped at the 10 MiB cap
    assert time.monotonic() - started < 3


async def test_ten_thousand_zaken_stop_at_the_page_cap_and_say_afgekapt(router) -> None:
    zaken = zgw_upstream("zaken", ZAKEN, transport_for(router))

    def page(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params.get("page", "1"))
        results = [_zaak(number * 100 + i) for i in range(100)]
        return paginated(results, f"{request.url.copy_merge_params({'page': number + 1})}")

    pages = router.get(f"{ZAKEN}/zaken").mock(side_effect=page)
    router.get(f"{ZAKEN}/rollen").mock(return_value=paginated([]))
    connector = ZakenConnector(zaken, CatalogiResolver([zaken]), max_pages=10)
    started = time.monotonic()
    result = await within(5, connector.zaken(BSN, CTX, with_zaaktype=False, with_status=False))
    assert result.afgekapt is True
    assert pages.call_count == 10
    assert time.monotonic() - started < 5


async def test_the_breaker_opens_short_circuits_and_closes_after_a_good_probe(router) -> None:
    now = [1000.0]
    breaker = CircuitBreaker(failures=3, cooldown=10, clock=lambda: now[0])
    klanten = zgw_upstream("klanten", KLANTEN, transport_for(router), breaker=breaker)
    route = router.get(f"{KLANTEN}/klanten").mock(return_value=fout(500, "error", "Stuk"))
    for _ in range(3):
        with pytest.raises(UpstreamError):
            await klanten.get_json("klanten", CTX, params=BSN_FILTER)
    assert breaker.state is BreakerState.OPEN
    calls = route.call_count
    with pytest.raises(UpstreamError) as info:
        await klanten.get_json("klanten", CTX, params=BSN_FILTER)
    assert info.value.code == "circuit-open"
    assert route.call_count == calls  # short-circuited: the register was not asked

    now[0] += 10
    assert breaker.state is BreakerState.HALF_OPEN
    route.mock(return_value=paginated([KLANT]))
    await klanten.get_json("klanten", CTX, params=BSN_FILTER)
    assert breaker.state is BreakerState.CLOSED


async def test_a_failed_probe_opens_the_breaker_again(router) -> None:
    now = [0.0]
    breaker = CircuitBreaker(failures=1, cooldown=5, clock=lambda: now[0])
    klanten = zgw_upstream("klanten", KLANTEN, transport_for(router), breaker=breaker)
    router.get(f"{KLANTEN}/klanten").mock(return_value=fout(500, "error", "Stuk"))
    with pytest.raises(UpstreamError):
        await klanten.get_json("klanten", CTX, params=BSN_FILTER)
    now[0] += 5
    with pytest.raises(UpstreamError):
        await klanten.get_json("klanten", CTX, params=BSN_FILTER)
    assert breaker.state is BreakerState.OPEN


async def test_a_4xx_is_a_healthy_register_and_does_not_trip_the_breaker(router) -> None:
    breaker = CircuitBreaker(failures=1)
    klanten = zgw_upstream("klanten", KLANTEN, transport_for(router), breaker=breaker)
    router.get(f"{KLANTEN}/klanten").mock(return_value=fout(400, "invalid", "Fout verzoek"))
    for _ in range(3):
        with pytest.raises(UpstreamError):
            await klanten.get_json("klanten", CTX, params=BSN_FILTER)
    assert breaker.state is BreakerState.CLOSED


async def test_identical_concurrent_requests_each_make_their_own_upstream_call(
    router, klanten
) -> None:
    # An answer about a person is never shared between processings (DESIGN.md).
    release = asyncio.Event()

    async def slow(request: httpx.Request) -> httpx.Response:
        await release.wait()
        return paginated([KLANT])

    route = router.get(f"{KLANTEN}/klanten").mock(side_effect=slow)
    calls = [
        asyncio.create_task(klanten.get_json("klanten", CTX, params=BSN_FILTER)) for _ in range(10)
    ]
    await asyncio.sleep(0.01)
    release.set()
    answers = await asyncio.gather(*calls)
    assert route.call_count == 10
    assert all(a["results"] == [KLANT] for a in answers)


async def test_identical_requests_of_different_users_are_not_shared(router, klanten) -> None:
    route = router.get(f"{KLANTEN}/klanten").mock(return_value=paginated([KLANT]))
    await asyncio.gather(
        klanten.get_json("klanten", context(gebruiker="a"), params=BSN_FILTER),
        klanten.get_json("klanten", context(gebruiker="b"), params=BSN_FILTER),
    )
    assert route.call_count == 2


def _zaak(number: int) -> dict[str, Any]:
    return {"url": f"{ZAKEN}/zaken/{number}", "identificatie": f"Z-{number}", "_expand": {}}


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Stream(httpx.AsyncByteStream):
    def __init__(self, chunks: Any) -> None:
        self.chunks = chunks

    async def __aiter__(self):
        async for chunk in self.chunks:
            yield chunk
