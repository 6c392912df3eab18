"""Point 10: the demo's calendar moves with today; "today" is Amsterdam's and can be pinned.

The demo data used to have fixed 2024–2025 dates while the doelen's windows are
relative to today, so every closed demo zaak had left `afgerondBinnenDagen` and the
kit's own example tests would fail from some date on. The suite also runs once
with the clock at 2030-01-01 (`.ci/run`, under faketime).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from facade import cli
from facade.clock import today_in_amsterdam
from klantbeeld_demo.registers import BSN_HOOFDPERSOON
from klantbeeld_demo.registers.calendar import AUTHORED_ON, as_of, moved_date
from klantbeeld_demo.registers.personen import demo_data
from klantbeeld_demo.testkit import PERSONEN, run_facade
from tests.harness import CONFIG, DEMO_TODAY, demo_settings, make_facade

FAR_AHEAD = dt.date(2030, 1, 1)
DAYS = (FAR_AHEAD - AUTHORED_ON).days


def test_the_demo_data_moves_by_the_days_between_authoring_and_today() -> None:
    authored, moved = demo_data(), as_of(demo_data(), FAR_AHEAD)
    before, after = authored.by_bsn[BSN_HOOFDPERSOON], moved.by_bsn[BSN_HOOFDPERSOON]

    assert [z.startdatum for z in after.zaken] == [
        moved_date(z.startdatum, DAYS) for z in before.zaken
    ]
    assert [c.plaatsgevonden_op[10:] for c in after.klantcontacten] == [
        c.plaatsgevonden_op[10:] for c in before.klantcontacten
    ]  # the time of day stays
    geboorte = after.brp["geboorte"]["datum"]
    assert geboorte["datum"] == moved_date(before.brp["geboorte"]["datum"]["datum"], DAYS)
    day = dt.date.fromisoformat(geboorte["datum"])
    assert geboorte["langFormaat"].startswith(f"{day.day} ") and geboorte["langFormaat"].endswith(
        str(day.year)
    )


def test_the_ondernemers_contacts_move_with_the_calendar_too() -> None:
    # Else a business's contacts would drop out of the doelen's periodeDagen one day.
    before, after = demo_data().ondernemers, as_of(demo_data(), FAR_AHEAD).ondernemers
    assert [m.registratiedatum for o in after for m in o.contactmomenten] == [
        moved_date(m.registratiedatum[:10], DAYS) + m.registratiedatum[10:]
        for o in before
        for m in o.contactmomenten
    ]
    assert [c.plaatsgevonden_op for o in after for c in o.klantcontacten] == [
        moved_date(c.plaatsgevonden_op[:10], DAYS) + c.plaatsgevonden_op[10:]
        for o in before
        for c in o.klantcontacten
    ]
    # Numbers that look like nothing but numbers stay as they are.
    assert [o.identificatie for o in after] == [o.identificatie for o in before]


def test_on_its_authoring_day_the_demo_data_is_served_as_written() -> None:
    assert (
        as_of(demo_data(), AUTHORED_ON).by_bsn[BSN_HOOFDPERSOON]
        == demo_data().by_bsn[BSN_HOOFDPERSOON]
    )


def test_the_demo_shows_a_recently_closed_zaak_inside_the_doels_window() -> None:
    zaken = demo_data().by_bsn[BSN_HOOFDPERSOON].zaken
    closed = [z for z in zaken if z.einddatum and z.vertrouwelijkheidaanduiding == "openbaar"]
    assert any(
        DEMO_TODAY - dt.date.fromisoformat(z.einddatum) <= dt.timedelta(days=90) for z in closed
    ), "kcc-zaakstatus (afgerondBinnenDagen = 90) would show no closed zaak"


def _moved_back(view: Any) -> Any:
    """A view of FAR_AHEAD with its dates moved to the authoring calendar."""
    if isinstance(view, dict):
        return {k: _moved_back(v) for k, v in view.items()}
    if isinstance(view, list):
        return [_moved_back(v) for v in view]
    if isinstance(view, str) and len(view) >= 10 and view[4] == "-" and view[7] == "-":
        try:
            return moved_date(view[:10], -DAYS) + view[10:]
        except ValueError:
            return view
    return view


async def _view(today: dt.date) -> dict[str, Any]:
    async for facade in make_facade(demo_settings(), today=today):
        answer = (await facade.klantbeeld(BSN_HOOFDPERSOON)).json()
        return {k: answer.get(k) for k in ("klant", "zaken", "contactmomenten")}
    raise AssertionError("no façade")


async def test_the_same_klantbeeld_on_any_today_only_its_dates_moved() -> None:
    on_authoring_day = await _view(DEMO_TODAY)
    years_later = await _view(FAR_AHEAD)

    assert on_authoring_day["zaken"], "the demo person shows zaken"
    assert on_authoring_day["contactmomenten"], "the demo person shows contacts"
    langformaat = years_later["klant"].get("geboorte", {}).get("datum", {}).pop("langFormaat", None)
    on_authoring_day["klant"].get("geboorte", {}).get("datum", {}).pop("langFormaat", None)
    assert _moved_back(years_later) == on_authoring_day
    assert langformaat is None or langformaat.endswith(
        years_later["klant"]["geboorte"]["datum"]["datum"][:4]
    )


def test_today_is_amsterdams_date_not_the_servers() -> None:
    late_evening_utc = dt.datetime(2026, 12, 2, 23, 30, tzinfo=dt.UTC)
    summer_night_utc = dt.datetime(2026, 7, 1, 22, 30, tzinfo=dt.UTC)

    assert today_in_amsterdam(lambda: late_evening_utc) == dt.date(2026, 12, 3)
    assert today_in_amsterdam(lambda: summer_night_utc) == dt.date(2026, 7, 2)


def test_the_kit_takes_a_today_and_answers_on_it() -> None:
    with run_facade(today=FAR_AHEAD) as facade:
        view = facade.klantbeeld(PERSONEN["hoofdpersoon"], doel="kcc-zaakstatus").json()

    assert facade.today == FAR_AHEAD
    closed = [z for z in view["zaken"] if z.get("einddatum")]
    assert closed, "a zaak closed weeks before the kit's today is inside the 90 days"
    assert all(
        FAR_AHEAD - dt.date.fromisoformat(z["einddatum"]) <= dt.timedelta(days=90) for z in closed
    )


def test_a_productie_configuration_refuses_a_pinned_today(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in (
        "KLANTBEELD_BRP_API_KEY",
        "KLANTBEELD_OPENZAAK_SECRET",
        "KLANTBEELD_OPENKLANT_SECRET",
        "KLANTBEELD_KVK_API_KEY",
        "KLANTBEELD_OBJECTEN_TOKEN",
        "KLANTBEELD_PSEUDONYM_KEY",
    ):
        monkeypatch.setenv(name, "x" * 40)
    code = cli.main(
        ["--config", str(CONFIG / "productie.example.toml"), "serve", "--today", "2030-01-01"]
    )

    assert code == 2
    assert "only a demo configuration takes a pinned today" in capsys.readouterr().err


def test_a_today_that_is_no_date_is_refused_by_name(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["--config", str(CONFIG / "demo.toml"), "serve", "--today", "morgen"])

    assert code == 2
    assert "'morgen' is geen datum (JJJJ-MM-DD)" in capsys.readouterr().err
