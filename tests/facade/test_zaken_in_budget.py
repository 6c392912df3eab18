"""Issue 13: a person with more zaken than fit the budget gets the zaken that arrived in time.

The Zaken source stops a few ms before its deadline (the register's own
`deadline_ms` or the request's shared budget, whichever ends first) and answers
with the zaken that are complete, `afgekapt` in its `bronnen` entry; with none
complete it stays a `timeout`. The registers are respx routes shaped like Open
Zaak 1.30 (tests/connectors/fakes.py); the app is the real one.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from typing import Any

import httpx
import pytest
import respx

from connectors.httpx_transport import HttpxTransport
from facade.app import create_app
from facade.clock import fixed
from facade.protocollering.setup import build_trail
from facade.settings import RegisterSettings, Settings
from facade.settings.values import RegisterAuth
from tests.connectors.fakes import (
    BRP,
    BSN,
    CATALOGI,
    CLIENT_ID,
    SECRET,
    STATUSTYPE_AFGEROND,
    STATUSTYPE_ONTVANGEN,
    STATUSTYPEN,
    ZAAKTYPE_BEZWAAR,
    ZAAKTYPE_PARKEREN,
    ZAAKTYPEN,
    ZAKEN,
    Hanging,
    mock_router,
    page_url,
    paginated,
    rol_json,
    status_json,
    zaak_json,
    zgw_claims,
)
from tests.harness import DEMO_TODAY, MemorySink, caller_token, demo_settings

DOEL = "kcc-zaakstatus"  # BRP and zaken; the person's zaken as initiator, with status
ZAKEN_FILTER = {
    "ordering": "-startdatum",
    "rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn": BSN,
    "rol__omschrijvingGeneriek": "initiator",
    "maximaleVertrouwelijkheidaanduiding": "zaakvertrouwelijk",
}


def zaak(n: int, zaaktype: str = ZAAKTYPE_PARKEREN) -> dict[str, Any]:
    return zaak_json(
        f"a1f3c5e7-0000-4000-8000-00000000000{n}",
        f"ZAAK-2026-000{n}",
        startdatum=f"2026-10-0{10 - n}",  # newest first, as the register orders them
        zaaktype=zaaktype,
        status_uuid=f"5a000000-0000-4000-8000-00000000000{n}",
    )


# Three pages of one zaak each, newest first.
ZAAK_1, ZAAK_2, ZAAK_3 = zaak(1), zaak(2, ZAAKTYPE_BEZWAAR), zaak(3)
PAGES = [[ZAAK_1], [ZAAK_2], [ZAAK_3]]


def status_of(z: dict[str, Any]) -> dict[str, Any]:
    statustype = STATUSTYPE_AFGEROND if z["zaaktype"] == ZAAKTYPE_BEZWAAR else STATUSTYPE_ONTVANGEN
    return status_json(z["status"].rsplit("/", 1)[1], z["url"], statustype, "2026-10-12T09:00:00Z")


class OpenZaak:
    """respx routes for one Open Zaak with its Catalogi, and a BRP that knows the person."""

    def __init__(self, pages: list[Any]) -> None:
        self.router: respx.Router = mock_router()
        self.pages = pages
        self.zaken = self.router.get(f"{ZAKEN}/zaken").mock(side_effect=self._zaken_page)
        rollen = [rol_json(z["url"], BSN) for z in (ZAAK_1, ZAAK_2, ZAAK_3)]
        self.rollen = self.router.get(f"{ZAKEN}/rollen").mock(return_value=paginated(rollen))
        self.statussen = {
            z["status"]: self.router.get(z["status"]).mock(
                return_value=httpx.Response(200, json=status_of(z))
            )
            for z in (ZAAK_1, ZAAK_2, ZAAK_3)
        }
        for url, body in {**ZAAKTYPEN, **STATUSTYPEN}.items():
            self.router.get(url).mock(return_value=httpx.Response(200, json=body))
        persoon = {"burgerservicenummer": BSN, "naam": {"volledigeNaam": "Anna de Vries"}}
        self.router.post(f"{BRP}/personen").mock(
            return_value=httpx.Response(
                200, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [persoon]}
            )
        )

    async def _zaken_page(self, request: httpx.Request) -> httpx.Response:
        number = int(request.url.params.get("page", "1"))
        content = self.pages[number - 1]
        if not isinstance(content, list):
            return await content(request)  # a register that does not answer this page
        last = number == len(self.pages)
        following = None if last else page_url(f"{ZAKEN}/zaken", number + 1, **ZAKEN_FILTER)
        return paginated(
            content,
            following,
            count=sum(len(p) for p in self.pages if isinstance(p, list)),
            previous_url=page_url(f"{ZAKEN}/zaken", number - 1, **ZAKEN_FILTER),
        )


def settings_for(*, deadline_ms: int = 2000, total_budget_ms: int = 2500) -> Settings:
    """The demo settings on these routes: BRP, one Open Zaak and its Catalogi."""
    base = demo_settings()
    zgw = RegisterAuth(type="zgw-jwt", client_id=CLIENT_ID, secret=SECRET)
    by_name = {r.naam: r for r in base.registers}
    registers: tuple[RegisterSettings, ...] = (
        replace(by_name["brp"], url=BRP),
        replace(by_name["openzaak"], url=ZAKEN, auth=zgw, deadline_ms=deadline_ms),
        replace(by_name["openzaak-catalogi"], url=CATALOGI, auth=zgw),
    )
    return replace(base, registers=registers, total_budget_ms=total_budget_ms)


async def klantbeeld(settings: Settings, open_zaak: OpenZaak) -> httpx.Response:
    def transport_factory(_: Any) -> HttpxTransport:
        return HttpxTransport(
            httpx.AsyncClient(transport=httpx.MockTransport(open_zaak.router.async_handler))
        )

    app = create_app(
        settings,
        transport_factory=transport_factory,
        trail=build_trail(settings, MemorySink()),
        today=fixed(DEMO_TODAY),
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://facade"
    ) as client:
        return await client.post(
            "/api/v1/klantbeeld",
            json={"burgerservicenummer": BSN},
            headers={"Authorization": f"Bearer {caller_token()}", "X-Doelbinding": DOEL},
        )


def zaken_bron(view: dict[str, Any]) -> dict[str, Any]:
    return next(b for b in view["bronnen"] if b["bron"] == "openzaak")


@pytest.mark.parametrize(
    "limits",
    [{"deadline_ms": 250}, {"total_budget_ms": 250}],
    ids=["register-deadline", "shared-budget"],
)
async def test_a_third_page_too_late_for_the_budget_leaves_pages_one_and_two_afgekapt(
    limits: dict[str, int],
) -> None:
    late = Hanging()
    open_zaak = OpenZaak([[ZAAK_1], [ZAAK_2], late])
    started = time.monotonic()

    response = await klantbeeld(settings_for(**limits), open_zaak)

    assert response.status_code == 200
    view = response.json()
    assert [z["identificatie"] for z in view["zaken"]] == ["ZAAK-2026-0001", "ZAAK-2026-0002"]
    assert view["zaken"][1]["status"]["statustekst"] == "Uw zaak is afgerond"
    bron = zaken_bron(view)
    assert bron["status"] == "ok"
    assert bron["afgekapt"] is True
    assert "probleem" not in bron
    assert bron["duurMs"] < 250
    assert late.asked == late.abandoned == 1
    assert time.monotonic() - started < 1
    # The pages were asked as Open Zaak wants: the absolute `next`, Accept-Crs, a ZGW JWT.
    second = open_zaak.zaken.calls[1].request
    assert str(second.url) == page_url(f"{ZAKEN}/zaken", 2, **ZAKEN_FILTER)
    assert second.headers["Accept-Crs"] == "EPSG:4326"
    assert zgw_claims(second)["client_id"] == CLIENT_ID


async def test_all_pages_in_time_are_not_afgekapt() -> None:
    response = await klantbeeld(settings_for(deadline_ms=1000), OpenZaak(PAGES))

    view = response.json()
    assert len(view["zaken"]) == 3
    assert zaken_bron(view)["status"] == "ok"
    assert zaken_bron(view)["afgekapt"] is False


async def test_a_status_that_hangs_past_the_stop_costs_only_that_zaak() -> None:
    open_zaak = OpenZaak(PAGES)
    hanging = Hanging()
    open_zaak.statussen[ZAAK_2["status"]].mock(side_effect=hanging)

    response = await klantbeeld(settings_for(deadline_ms=250), open_zaak)

    assert response.status_code == 200
    view = response.json()
    assert [z["identificatie"] for z in view["zaken"]] == ["ZAAK-2026-0001", "ZAAK-2026-0003"]
    assert all(z["status"]["statustekst"] for z in view["zaken"])
    assert zaken_bron(view)["status"] == "ok"
    assert zaken_bron(view)["afgekapt"] is True
    assert hanging.asked == hanging.abandoned == 1


async def test_nothing_in_time_is_a_timeout_as_before() -> None:
    hanging = Hanging()
    open_zaak = OpenZaak([hanging])

    response = await klantbeeld(settings_for(deadline_ms=250), open_zaak)

    assert response.status_code == 200
    view = response.json()
    assert view["zaken"] == []
    bron = zaken_bron(view)
    assert bron["status"] == "timeout"
    assert bron["afgekapt"] is False
    assert bron["probleem"]["code"] == "timeout"
    assert view["klant"]["naam"]["volledigeNaam"] == "Anna de Vries"
    assert hanging.asked == hanging.abandoned == 1


async def test_no_call_or_task_outlives_a_klantbeeld_that_was_cut() -> None:
    late, hanging_status = Hanging(), Hanging()
    open_zaak = OpenZaak([[ZAAK_1], [ZAAK_2], late])
    open_zaak.statussen[ZAAK_1["status"]].mock(side_effect=hanging_status)
    before = asyncio.all_tasks()

    response = await klantbeeld(settings_for(deadline_ms=250), open_zaak)
    await asyncio.sleep(0)  # a task the klantbeeld left behind would have started by now

    assert [z["identificatie"] for z in response.json()["zaken"]] == ["ZAAK-2026-0002"]
    assert asyncio.all_tasks() == before
    assert late.asked == late.abandoned == 1
    assert hanging_status.asked == hanging_status.abandoned == 1
