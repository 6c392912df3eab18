"""The shared HTTP layer: how any register's answer becomes data or an UpstreamError."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import jwt
import pytest

from connectors.auth import ZgwJwtAuth
from connectors.errors import UpstreamError
from connectors.http import Upstream
from tests.connectors.fakes import (
    BSN,
    CLIENT_ID,
    KLANTEN,
    SECRET,
    ZAKEN,
    context,
    fout,
    mock_router,
    paginated,
    problem,
    query,
    transport_for,
    zgw_claims,
    zgw_upstream,
)

CTX = context()


def assert_no_secrets(error: UpstreamError) -> None:
    """Problems end up in `bronnen` and in logs: never a URL, never a BSN."""
    text = f"{error} {error.problem()} {error!r}"
    assert BSN not in text
    assert "http" not in text
    assert error.__cause__ is None  # a chained httpx error could quote the URL


@pytest.fixture
def router():
    return mock_router()


@pytest.fixture
async def zaken(router) -> AsyncIterator[Upstream]:
    async with transport_for(router) as transport:
        yield zgw_upstream("open-zaak", ZAKEN, transport, max_response_bytes=1000)


async def test_zgw_fout_sent_as_application_json_becomes_a_fout_with_its_code(router, zaken):
    router.get(f"{ZAKEN}/zaken").mock(
        return_value=fout(
            403, "permission_denied", "Je hebt geen toestemming om deze actie uit te voeren."
        )
    )

    with pytest.raises(UpstreamError) as caught:
        await zaken.get_json(
            "zaken", CTX, params={"rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn": BSN}
        )

    assert caught.value.status == "fout"
    assert caught.value.problem() == {
        "title": "Het register weigerde de toegang.",
        "status": 403,
        "code": "permission_denied",
    }
    assert not caught.value.retryable
    assert_no_secrets(caught.value)


async def test_validation_fout_keeps_the_code_but_not_the_reason_that_quotes_input(router, zaken):
    router.get(f"{ZAKEN}/zaken").mock(
        return_value=fout(
            400,
            "invalid",
            "Invalid input.",
            invalidParams=[
                {
                    "name": "rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn",
                    "code": "max_length",
                    "reason": f"Zorg ervoor dat dit veld niet meer dan 9 karakters bevat: {BSN}0",
                }
            ],
        )
    )

    with pytest.raises(UpstreamError) as caught:
        await zaken.get_json("zaken", CTX)

    assert caught.value.problem() == {
        "title": "Het register weigerde het verzoek.",
        "status": 400,
        "code": "invalid",
    }
    assert_no_secrets(caught.value)


async def test_problem_json_error_is_read_like_a_fout(router):
    router.get(f"{ZAKEN}/zaken").mock(
        return_value=problem(503, "notAvailable", "Bron niet beschikbaar.")
    )
    async with transport_for(router) as transport:
        upstream = zgw_upstream("open-zaak", ZAKEN, transport)
        with pytest.raises(UpstreamError) as caught:
            await upstream.get_json("zaken", CTX)

    assert caught.value.upstream_status == 503
    assert caught.value.code == "notAvailable"
    assert caught.value.retryable


async def test_server_error_with_an_html_body_is_a_fout_with_its_status(router, zaken):
    router.get(f"{ZAKEN}/zaken").mock(
        return_value=httpx.Response(
            502, text="<html>Bad Gateway</html>", headers={"Content-Type": "text/html"}
        )
    )

    with pytest.raises(UpstreamError) as caught:
        await zaken.get_json("zaken", CTX)

    assert caught.value.problem() == {"title": "Het register gaf een serverfout.", "status": 502}


async def test_malformed_json_is_a_fout(router, zaken):
    router.get(f"{ZAKEN}/zaken").mock(
        return_value=httpx.Response(
            200, content=b'{"count": 1, "results": [', headers={"Content-Type": "application/json"}
        )
    )

    with pytest.raises(UpstreamError) as caught:
        await zaken.get_json("zaken", CTX)

    assert caught.value.code == "ongeldig-json"
    assert_no_secrets(caught.value)


@pytest.mark.parametrize("constant", [b"NaN", b"Infinity", b"-Infinity"])
async def test_nan_or_infinity_is_not_json_and_a_fout(router, zaken, constant):
    # Python's json reads them; the façade's own JSON answer would then fail.
    router.get(f"{ZAKEN}/zaken").mock(
        return_value=httpx.Response(
            200,
            content=b'{"count": 1, "results": [{"x": ' + constant + b"}]}",
            headers={"Content-Type": "application/json"},
        )
    )

    with pytest.raises(UpstreamError) as caught:
        await zaken.get_json("zaken", CTX)

    assert caught.value.code == "ongeldig-json"


async def test_a_2xx_that_is_not_json_is_a_fout(router, zaken):
    router.get(f"{ZAKEN}/zaken").mock(
        return_value=httpx.Response(
            200, text="<html>Log in</html>", headers={"Content-Type": "text/html"}
        )
    )

    with pytest.raises(UpstreamError) as caught:
        await zaken.get_json("zaken", CTX)

    assert caught.value.code == "ongeldig-type"


async def test_a_declared_length_over_the_cap_is_refused_unread(router, zaken):
    router.get(f"{ZAKEN}/zaken").mock(
        return_value=httpx.Response(
            200,
            content=b"{}",
            headers={"Content-Type": "application/json", "Content-Length": "5000"},
        )
    )

    with pytest.raises(UpstreamError) as caught:
        await zaken.get_json("zaken", CTX)

    assert caught.value.code == "te-groot"


async def test_a_streamed_body_over_the_cap_is_cut_off(router, zaken):
    async def endless_stream():
        for _ in range(100):
            yield b'{"x": "' + b"a" * 100 + b'"},'

    router.get(f"{ZAKEN}/zaken").mock(
        return_value=httpx.Response(
            200,
            stream=_AsyncStream(endless_stream()),
            headers={"Content-Type": "application/json"},
        )
    )

    with pytest.raises(UpstreamError) as caught:
        await zaken.get_json("zaken", CTX)

    assert caught.value.code == "te-groot"


class _AsyncStream(httpx.AsyncByteStream):
    """A body without Content-Length, delivered in chunks like a chunked response."""

    def __init__(self, chunks: AsyncIterator[bytes]) -> None:
        self._chunks = chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._chunks:
            yield chunk


async def test_a_next_link_to_another_host_is_refused_without_sending_the_token(router, zaken):
    page_one = router.get(f"{ZAKEN}/zaken").mock(
        return_value=paginated(
            [{"url": f"{ZAKEN}/zaken/1"}], next_url="https://evil.example/zaken?page=2"
        )
    )
    elsewhere = router.get(host="evil.example").mock(return_value=paginated([]))

    with pytest.raises(UpstreamError) as caught:
        await zaken.paginate("zaken", CTX)

    assert caught.value.code == "vreemde-url"
    assert page_one.call_count == 1
    assert not elsewhere.called


async def test_pagination_follows_absolute_next_links_without_repeating_the_params(router, zaken):
    next_url = f"{ZAKEN}/zaken?page=2&rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn={BSN}"
    route = router.get(f"{ZAKEN}/zaken")
    route.side_effect = [
        paginated([{"url": f"{ZAKEN}/zaken/1"}], next_url=next_url),
        paginated([{"url": f"{ZAKEN}/zaken/2"}]),
    ]

    page = await zaken.paginate(
        "zaken", CTX, params={"rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn": BSN}
    )

    assert [r["url"] for r in page.results] == [f"{ZAKEN}/zaken/1", f"{ZAKEN}/zaken/2"]
    assert not page.afgekapt
    assert str(route.calls[1].request.url) == next_url


async def test_the_page_cap_stops_paging_and_says_afgekapt(router, zaken):
    route = router.get(f"{ZAKEN}/zaken")
    route.side_effect = [
        paginated([{"url": f"{ZAKEN}/zaken/{n}"}], next_url=f"{ZAKEN}/zaken?page={n + 1}")
        for n in range(1, 4)
    ]

    page = await zaken.paginate("zaken", CTX, max_pages=2)

    assert route.call_count == 2
    assert len(page.results) == 2
    assert page.afgekapt


async def test_a_list_in_an_unknown_shape_is_a_fout(router, zaken):
    router.get(f"{ZAKEN}/zaakcontactmomenten").mock(return_value=httpx.Response(200, json=[]))

    with pytest.raises(UpstreamError):
        await zaken.paginate("zaakcontactmomenten", CTX)


# ---- ZGW token: minted once per user, reused inside its window ------------------


async def test_zgw_token_is_reused_within_its_window_and_reminted_after(router):
    now = [1_700_000_000.0]
    auth = ZgwJwtAuth(CLIENT_ID, SECRET, reuse_seconds=300, clock=lambda: now[0])
    route = router.get(f"{KLANTEN}/klanten").mock(return_value=paginated([]))
    async with transport_for(router) as transport:
        klanten = Upstream(naam="open-klant", base_url=KLANTEN, transport=transport, auth=auth)

        await klanten.get_json("klanten", CTX)
        now[0] += 299
        await klanten.get_json("klanten", CTX)
        now[0] += 2
        await klanten.get_json("klanten", CTX)

    first, second, third = (call.request.headers["Authorization"] for call in route.calls)
    assert first == second
    assert third != second
    claims = jwt.decode(third.removeprefix("Bearer "), SECRET, algorithms=["HS256"])
    assert claims["iat"] == int(now[0]) - 5


async def test_zgw_token_is_per_user(router):
    route = router.get(f"{KLANTEN}/klanten").mock(return_value=paginated([]))
    async with transport_for(router) as transport:
        klanten = zgw_upstream("open-klant", KLANTEN, transport)
        await klanten.get_json(
            "klanten", context(gebruiker="medewerker-1", gebruiker_weergave="Een")
        )
        await klanten.get_json(
            "klanten", context(gebruiker="medewerker-2", gebruiker_weergave="Twee")
        )

    users = [
        jwt.decode(call.request.headers["Authorization"][7:], SECRET, algorithms=["HS256"])[
            "user_id"
        ]
        for call in route.calls
    ]
    assert users == ["medewerker-1", "medewerker-2"]


async def test_zgw_token_names_the_authenticated_user_and_the_user_as_stated(router, zaken):
    route = router.get(f"{ZAKEN}/zaken").mock(return_value=paginated([]))

    await zaken.get_json(
        "zaken", context(gebruiker="kcc-medewerker-17", gebruiker_weergave="A. de Vries (KCC)")
    )

    claims = zgw_claims(route.calls.last.request)
    assert claims["user_id"] == "kcc-medewerker-17"
    assert claims["user_representation"] == "A. de Vries (KCC)"


async def test_zgw_token_represents_the_authenticated_user_when_none_is_stated(router, zaken):
    route = router.get(f"{ZAKEN}/zaken").mock(return_value=paginated([]))

    await zaken.get_json("zaken", context(gebruiker="kcc-medewerker-17", gebruiker_weergave=""))

    claims = zgw_claims(route.calls.last.request)
    assert claims["user_id"] == "kcc-medewerker-17"
    assert claims["user_representation"] == "kcc-medewerker-17"


async def test_query_parameters_go_out_as_given(router, zaken):
    route = router.get(f"{ZAKEN}/zaken").mock(return_value=paginated([]))

    await zaken.get_json("zaken", CTX, params={"ordering": "-startdatum", "pageSize": 50})

    assert query(route.calls.last.request) == {"ordering": "-startdatum", "pageSize": "50"}
