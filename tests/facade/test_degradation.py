"""A register that fails, hangs or answers garbage costs its section, never the view."""

from __future__ import annotations

import time
from dataclasses import replace

from klantbeeld_demo.registers import BSN_HOOFDPERSOON, Fault
from tests.harness import Facade, caller_token, demo_settings, make_facade


def entry(view: dict, bron: str) -> dict:
    return next(b for b in view["bronnen"] if b["bron"] == bron)


async def test_a_zaken_register_answering_503_leaves_zaken_empty_and_says_fout(
    facade: Facade,
) -> None:
    facade.registers.state.faults.set("zaken", Fault.http_status(503))
    response = await facade.klantbeeld(BSN_HOOFDPERSOON)
    assert response.status_code == 200
    view = response.json()
    assert view["zaken"] == []
    assert entry(view, "openzaak")["status"] == "fout"
    assert entry(view, "openzaak")["probleem"]["status"] == 503
    assert view["klant"]["naam"] and view["contactmomenten"]
    assert entry(view, "brp")["status"] == "ok"


async def test_invalid_json_from_the_brp_is_fout_with_a_problem_detail(facade: Facade) -> None:
    facade.registers.state.faults.set("brp", Fault.invalid_json())
    view = (await facade.klantbeeld(BSN_HOOFDPERSOON)).json()
    assert entry(view, "brp")["status"] == "fout"
    assert entry(view, "brp")["probleem"]["code"] == "ongeldig-json"
    assert "naam" not in view["klant"]
    assert view["klant"]["emailadressen"]


async def test_a_failing_klanten_register_also_costs_the_contactmomenten(facade: Facade) -> None:
    facade.registers.state.faults.set("klanten", Fault.server_error())
    view = (await facade.klantbeeld(BSN_HOOFDPERSOON)).json()
    assert entry(view, "openklant-klanten")["status"] == "fout"
    assert entry(view, "openklant-contactmomenten")["status"] == "fout"
    # Only what Klantinteracties knows is left.
    assert view["contactmomenten"]
    assert {c["bron"] for c in view["contactmomenten"]} == {"openklant2-klantinteracties"}
    assert view["zaken"]


async def test_a_failing_catalogi_is_reported_and_zaken_stay_with_what_is_known(
    facade: Facade,
) -> None:
    facade.registers.state.faults.set("catalogi", Fault.server_error())
    view = (await facade.klantbeeld(BSN_HOOFDPERSOON, doel="kcc-zaakstatus")).json()
    assert entry(view, "openzaak-catalogi")["status"] == "fout"
    assert entry(view, "openzaak")["status"] == "ok"
    assert view["zaken"]
    assert all(z["zaaktype"]["omschrijving"] is None for z in view["zaken"])


async def test_a_hanging_register_is_cut_off_at_its_deadline_and_reported_timeout() -> None:
    settings = demo_settings()
    settings = replace(
        settings,
        registers=tuple(
            replace(r, deadline_ms=300) if r.soort == "zaken" else r for r in settings.registers
        ),
    )
    async for facade in make_facade(settings):
        facade.registers.state.faults.set("zaken.list", Fault.hang())
        started = time.monotonic()
        response = await facade.klantbeeld(BSN_HOOFDPERSOON)
        elapsed = time.monotonic() - started
        facade.registers.state.faults.clear()
        view = response.json()
        assert entry(view, "openzaak")["status"] == "timeout"
        assert 250 <= entry(view, "openzaak")["duurMs"] <= 1000
        assert view["zaken"] == []
        assert view["klant"]["naam"]
        # The budget plus generous slack: never the hang itself.
        assert elapsed < 1.5


async def test_the_total_budget_caps_every_register_deadline() -> None:
    settings = replace(demo_settings(), total_budget_ms=300)
    async for facade in make_facade(settings):
        facade.registers.state.faults.set("brp", Fault.hang())
        started = time.monotonic()
        view = (await facade.klantbeeld(BSN_HOOFDPERSOON)).json()
        facade.registers.state.faults.clear()
        assert entry(view, "brp")["status"] == "timeout"
        assert time.monotonic() - started < 1.5


async def test_a_doel_that_needs_only_the_brp_calls_only_the_brp(facade: Facade) -> None:
    facade.registers.state.toestemmingen.clear()  # no consent: the balie doel's own view
    view = (
        await facade.klantbeeld(
            BSN_HOOFDPERSOON,
            doel="burgerzaken-balie",
            token=caller_token("klantbeeld.burgerzaken"),
        )
    ).json()
    # And the consent register, which could widen it (its [toestemming.wmo-zaken]).
    assert sorted(facade.paths()) == [
        "/haalcentraal/api/brp/personen",
        "/objecten/api/v2/objects/search",
    ]
    assert set(view) == {"klant", "bronnen", "verwerking"}
    statuses = {b["bron"]: b["status"] for b in view["bronnen"]}
    assert statuses == {
        "brp": "ok",
        "openzaak": "niet-gevraagd",
        "openzaak-catalogi": "niet-gevraagd",
        "openklant-klanten": "niet-gevraagd",
        "openklant-contactmomenten": "niet-gevraagd",
        "zaaksysteem2": "niet-gevraagd",
        "zaaksysteem2-catalogi": "niet-gevraagd",
        "openklant2-klantinteracties": "niet-gevraagd",
        "kvk-handelsregister": "niet-gevraagd",  # a person: the KvK is never asked
        "objecten-toestemmingen": "niet-gevonden",
    }


async def test_a_hanging_catalogi_costs_zaaktype_and_status_not_the_zaken(facade: Facade) -> None:
    facade.registers.state.faults.set("catalogi", Fault.hang())
    started = time.monotonic()
    view = (await facade.klantbeeld(BSN_HOOFDPERSOON, doel="kcc-zaakstatus")).json()
    facade.registers.state.faults.clear()
    assert entry(view, "openzaak")["status"] == "ok"
    assert entry(view, "openzaak-catalogi")["status"] == "timeout"
    assert view["zaken"]
    assert all(z["zaaktype"]["omschrijving"] is None for z in view["zaken"])
    # The catalogi deadline (0.8 s) plus slack, well inside the zaken deadline.
    assert time.monotonic() - started < 1.8


async def test_catalogi_not_needed_is_reported_niet_gevraagd(facade: Facade) -> None:
    body = {"burgerservicenummer": BSN_HOOFDPERSOON, "fields": ["zaken.identificatie"]}
    view = (await facade.klantbeeld(body=body)).json()
    assert entry(view, "openzaak")["status"] == "ok"
    assert entry(view, "openzaak-catalogi")["status"] == "niet-gevraagd"
