"""A registered consent widens a doel: only while it is valid, only for its own doel.

Against the demo registers: the Objects API holds Saskia's consent
(`burgerzaken-balie`, uitbreiding `wmo-zaken`, valid from yesterday until
tomorrow) and her partner's, which ended yesterday. The balie doel itself asks
only the BRP; its uitbreiding adds the person's Wmo zaken.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from facade.clock import AMSTERDAM
from facade.protocollering import attributes as attr
from klantbeeld_demo.registers.faults import Fault
from klantbeeld_demo.registers.objecten import (
    DEMO_OBJECTEN_TOKEN,
    TOESTEMMING_OBJECTTYPE,
    DemoToestemming,
)
from klantbeeld_demo.registers.personen import (
    BSN_HOOFDPERSOON,
    BSN_PARTNER,
    BSN_VEEL_ZAKEN,
)
from policies.viewpaths import ALWAYS_WITH_RECORD
from tests.facade.test_streaming import parse, run
from tests.harness import DEMO_TODAY, Facade, caller_token, demo_settings, make_facade

BALIE = "burgerzaken-balie"
# What travels with every zaak whatever the doel (its bron, its secrecy flag).
ALWAYS = {p.split(".", 1)[1] for p in ALWAYS_WITH_RECORD if p.startswith("zaken.")}
SEARCH = "/objecten/api/v2/objects/search"
# Saskia's Wmo zaken, one in each zaaksysteem; her other zaken are no Wmo zaken.
WMO_ZAKEN = {"ZAAK-2025-0000214", "WMO-2025-000187"}


def balie_token() -> str:
    return caller_token("klantbeeld.burgerzaken")


def status(view: dict, soort: str) -> list[str]:
    return [b["status"] for b in view["bronnen"] if b["soort"] == soort]


def audit(facade: Facade) -> dict:
    records = [r for r in facade.sink.records() if r["record"] == "audit"]
    assert len(records) == 1
    return records[0]["attributes"]


def zaken_calls(facade: Facade) -> list[str]:
    return [c.path for c in facade.calls if c.path.startswith(("/zaken/", "/zaaksysteem2/"))]


def midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=AMSTERDAM)


def consent(bsn: str, *, doel: str = BALIE, days: tuple[int, int] = (-1, 1)) -> DemoToestemming:
    return DemoToestemming(
        "2d8b5e3a-4c6f-4b7d-8e9f-a0b1c2d3e4f5",
        bsn,
        doel,
        "wmo-zaken",
        midnight(DEMO_TODAY + dt.timedelta(days=days[0])),
        midnight(DEMO_TODAY + dt.timedelta(days=days[1])),
    )


async def test_with_a_valid_consent_the_balie_sees_her_wmo_zaken(facade: Facade) -> None:
    response = await facade.klantbeeld(BSN_HOOFDPERSOON, doel=BALIE, token=balie_token())
    assert response.status_code == 200, response.text
    view = response.json()
    assert {z["identificatie"] for z in view["zaken"]} == WMO_ZAKEN
    for zaak in view["zaken"]:
        assert set(zaak) <= {
            "identificatie", "omschrijving", "zaaktype", "status", "startdatum", "einddatum",
            *ALWAYS,
        }  # fmt: skip
        assert set(zaak["zaaktype"]) == {"omschrijving"}
    assert status(view, "toestemming") == ["ok"]
    assert "ok" in status(view, "zaken")


async def test_the_consent_is_searched_with_the_bsn_in_the_body_never_in_a_url(
    facade: Facade,
) -> None:
    await facade.klantbeeld(BSN_HOOFDPERSOON, doel=BALIE, token=balie_token())
    searches = [c for c in facade.calls if c.path == SEARCH]
    assert len(searches) == 1
    call = searches[0]
    assert call.method == "POST"
    assert call.headers["authorization"] == f"Token {DEMO_OBJECTEN_TOKEN}"
    assert call.headers["content-crs"] == "EPSG:4326"
    assert json.loads(call.body) == {
        "type": TOESTEMMING_OBJECTTYPE,
        "data_attrs": f"bsn__exact__{BSN_HOOFDPERSOON},doel__exact__{BALIE}",
    }
    assert BSN_HOOFDPERSOON not in call.path + str(call.params)


async def test_the_zaken_are_asked_only_after_the_consent_register_answered(
    facade: Facade,
) -> None:
    await facade.klantbeeld(BSN_HOOFDPERSOON, doel=BALIE, token=balie_token())
    paths = facade.paths()
    first_zaken = min(i for i, p in enumerate(paths) if p.startswith("/zaken/"))
    assert paths.index(SEARCH) < first_zaken
    # The BRP is the base doel's own: it does not wait for the consent.
    assert paths.index("/haalcentraal/api/brp/personen") < first_zaken


async def test_the_record_names_the_consent_as_the_grondslag_used(facade: Facade) -> None:
    await facade.klantbeeld(BSN_HOOFDPERSOON, doel=BALIE, token=balie_token())
    attributes = audit(facade)
    url = attributes[attr.TOESTEMMING]
    assert url.endswith("/objecten/api/v2/objects/0b6f3c1e-2a4d-4f5b-8c6d-7e8f9a0b1c2d")
    assert attributes[attr.UITBREIDING] == "wmo-zaken"
    assert url in attributes[attr.GRONDSLAG]
    assert attributes[attr.GRONDSLAG].startswith("AVG art. 6 lid 1 sub c en e")
    assert any(p.startswith("zaken.") for p in attributes[attr.FIELDS])
    processing = next(r for r in facade.sink.records() if r["record"] == "dataverwerking")
    # What the resident's inzage will show: the widened doel's categories.
    assert processing["attributes"][attr.CATEGORIEEN] == ["persoonsgegevens", "zaken"]


async def test_an_expired_consent_gives_the_base_view_and_zaken_is_never_asked(
    facade: Facade,
) -> None:
    response = await facade.klantbeeld(BSN_PARTNER, doel=BALIE, token=balie_token())
    assert response.status_code == 200, response.text
    view = response.json()
    assert "zaken" not in view
    assert status(view, "toestemming") == ["niet-gevonden"]
    assert set(status(view, "zaken")) == {"niet-gevraagd"}
    assert zaken_calls(facade) == []
    assert attr.TOESTEMMING not in audit(facade)


async def test_without_any_consent_the_view_is_the_base_doel(facade: Facade) -> None:
    response = await facade.klantbeeld(BSN_VEEL_ZAKEN, doel=BALIE, token=balie_token())
    view = response.json()
    assert "zaken" not in view
    assert status(view, "toestemming") == ["niet-gevonden"]
    assert zaken_calls(facade) == []


async def test_a_consent_for_another_doel_does_not_widen_this_one(facade: Facade) -> None:
    toestemmingen = facade.registers.state.toestemmingen
    toestemmingen[:] = [consent(BSN_VEEL_ZAKEN, doel="kcc-zaakstatus")]
    response = await facade.klantbeeld(BSN_VEEL_ZAKEN, doel=BALIE, token=balie_token())
    view = response.json()
    assert "zaken" not in view
    assert status(view, "toestemming") == ["niet-gevonden"]
    assert zaken_calls(facade) == []


async def test_a_consent_that_starts_tomorrow_is_not_valid_yet(facade: Facade) -> None:
    facade.registers.state.toestemmingen[:] = [consent(BSN_HOOFDPERSOON, days=(1, 2))]
    view = (await facade.klantbeeld(BSN_HOOFDPERSOON, doel=BALIE, token=balie_token())).json()
    assert "zaken" not in view
    assert status(view, "toestemming") == ["niet-gevonden"]


@pytest.mark.parametrize(
    ("fault", "expected"),
    [(Fault.http_status(503), "fout"), (Fault.hang(), "timeout")],
    ids=["503", "hangt"],
)
async def test_the_consent_register_down_gives_the_base_view_and_bronnen_says_so(
    facade: Facade, fault: Fault, expected: str
) -> None:
    facade.registers.state.faults.set("objecten", fault)
    response = await facade.klantbeeld(BSN_HOOFDPERSOON, doel=BALIE, token=balie_token())
    assert response.status_code == 200, response.text
    view = response.json()
    assert "zaken" not in view
    assert view["klant"]["burgerservicenummer"] == BSN_HOOFDPERSOON
    assert status(view, "toestemming") == [expected]
    assert zaken_calls(facade) == []


async def test_a_doel_without_uitbreidingen_never_asks_the_consent_register(
    facade: Facade,
) -> None:
    view = (await facade.klantbeeld(BSN_HOOFDPERSOON)).json()
    assert status(view, "toestemming") == ["niet-gevraagd"]
    assert SEARCH not in facade.paths()


async def test_a_caller_may_ask_for_a_field_only_a_consent_allows(facade: Facade) -> None:
    body = {"burgerservicenummer": BSN_HOOFDPERSOON, "fields": ["zaken.identificatie"]}
    response = await facade.klantbeeld(doel=BALIE, token=balie_token(), body=body)
    assert response.status_code == 200, response.text
    assert {z["identificatie"] for z in response.json()["zaken"]} == WMO_ZAKEN
    assert all(set(z) == {"identificatie", *ALWAYS} for z in response.json()["zaken"])


async def test_the_stream_waits_for_the_consent_and_records_the_wider_fields(
    facade: Facade,
) -> None:
    done = await run(facade, doel=BALIE, token=balie_token())
    events = parse(done.body)
    assert [e["event"] for e in events] == ["klant", "zaken", "verwerking"]
    zaken = events[1]["data"]["section"]
    assert {z["identificatie"] for z in zaken} == WMO_ZAKEN
    first = next(
        r["attributes"]
        for r in facade.sink.records()
        if r["record"] == "audit" and r["attributes"].get(attr.STREAM) == "begonnen"
    )
    assert any(p.startswith("zaken") for p in first[attr.ALLOWED])
    assert first[attr.TOESTEMMING].endswith("0b6f3c1e-2a4d-4f5b-8c6d-7e8f9a0b1c2d")


def zelf_token(bsn: str) -> str:
    return caller_token("klantbeeld.zelfbediening", bsn=bsn, sub="digid-sessie")


async def test_her_own_portal_lists_the_consents_she_gave(facade: Facade) -> None:
    response = await facade.klantbeeld(
        BSN_HOOFDPERSOON, doel="mijn-gegevens", token=zelf_token(BSN_HOOFDPERSOON)
    )
    assert response.status_code == 200, response.text
    [eigen] = response.json()["klant"]["toestemmingen"]
    assert eigen["doel"] == BALIE and eigen["uitbreiding"] == "wmo-zaken"
    assert eigen["kanaal"] == "balie"
    assert dt.datetime.fromisoformat(eigen["geldigTot"]) == midnight(
        DEMO_TODAY + dt.timedelta(days=1)
    )
    search = next(c for c in facade.calls if c.path == SEARCH)
    assert json.loads(search.body)["data_attrs"] == f"bsn__exact__{BSN_HOOFDPERSOON}"


async def test_an_expired_consent_is_listed_too_the_resident_sees_what_was_given(
    facade: Facade,
) -> None:
    view = (
        await facade.klantbeeld(BSN_PARTNER, doel="mijn-gegevens", token=zelf_token(BSN_PARTNER))
    ).json()
    [eigen] = view["klant"]["toestemmingen"]
    assert dt.datetime.fromisoformat(eigen["geldigTot"]) == midnight(
        DEMO_TODAY - dt.timedelta(days=1)
    )


async def test_no_staff_doel_sees_the_consents_themselves(facade: Facade) -> None:
    view = (await facade.klantbeeld(BSN_HOOFDPERSOON, doel=BALIE, token=balie_token())).json()
    assert "toestemmingen" not in view["klant"]
    kcc = (await facade.klantbeeld(BSN_HOOFDPERSOON)).json()
    assert "toestemmingen" not in kcc["klant"]


async def test_a_stream_with_the_consent_register_down_is_the_base_view_not_a_503(
    facade: Facade,
) -> None:
    facade.registers.state.faults.set("objecten", Fault.http_status(503))
    done = await run(facade, doel=BALIE, token=balie_token())
    assert done.status == 200
    events = parse(done.body)
    assert [e["event"] for e in events] == ["klant", "verwerking"]
    toestemming = [b for b in events[-1]["data"]["bronnen"] if b["soort"] == "toestemming"]
    assert [b["status"] for b in toestemming] == ["fout"]


@pytest.mark.parametrize(("hour", "widened"), [(11, True), (13, False)])
async def test_a_consent_for_this_morning_is_valid_until_noon_by_the_apps_wall_clock(
    hour: int, widened: bool
) -> None:
    noon = dt.datetime.combine(DEMO_TODAY, dt.time(12, 0), tzinfo=AMSTERDAM)
    at = dt.datetime.combine(DEMO_TODAY, dt.time(hour, 0), tzinfo=AMSTERDAM).timestamp()
    async for facade in make_facade(demo_settings(), wall_clock=lambda: at):
        ochtend = consent(BSN_HOOFDPERSOON)
        ochtend.geldig_tot = noon
        facade.registers.state.toestemmingen[:] = [ochtend]
        view = (await facade.klantbeeld(BSN_HOOFDPERSOON, doel=BALIE, token=balie_token())).json()
        assert ("zaken" in view) is widened
