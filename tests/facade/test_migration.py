"""A municipality mid-migration: two zaaksystemen, Klanten/Contactmomenten 1.0 beside
Klantinteracties. One merged klantbeeld, one contact model, every register its own bron."""

from __future__ import annotations

from klantbeeld_demo.registers import (
    BSN_ALLEEN_KLANTINTERACTIES,
    BSN_GEHEIM,
    BSN_HOOFDPERSOON,
    Fault,
)
from tests.harness import Facade, caller_token

WMO = caller_token(None, roles=["wmo-consulent"])


def entry(view: dict, bron: str) -> dict:
    return next(b for b in view["bronnen"] if b["bron"] == bron)


async def test_zaken_from_both_zaaksystemen_are_merged_and_a_shared_zaak_shown_once(
    facade: Facade,
) -> None:
    view = (await facade.klantbeeld(BSN_HOOFDPERSOON, doel="wmo-consulent", token=WMO)).json()
    identificaties = [z["identificatie"] for z in view["zaken"]]
    assert identificaties.count("ZAAK-2025-0000214") == 1  # in both systems
    assert "WMO-2025-000187" in identificaties  # only in zaaksysteem 2
    assert {z["bron"] for z in view["zaken"]} == {"openzaak", "zaaksysteem2"}
    assert entry(view, "openzaak")["status"] == entry(view, "zaaksysteem2")["status"] == "ok"


async def test_contacts_from_both_apis_in_one_model_and_a_migrated_contact_once(
    facade: Facade,
) -> None:
    view = (await facade.klantbeeld(BSN_HOOFDPERSOON, doel="wmo-consulent", token=WMO)).json()
    contacts = view["contactmomenten"]
    assert {c["bron"] for c in contacts} == {
        "openklant-contactmomenten",
        "openklant2-klantinteracties",
    }
    same_moment = [c for c in contacts if c["datum"] == "2025-03-08T10:15:00Z"]
    assert len(same_moment) == 1  # in Contactmomenten 1.0 and in Klantinteracties
    datums = [c["datum"] for c in contacts]
    assert datums == sorted(datums, reverse=True)
    for contact in contacts:
        assert {"datum", "kanaal", "initiatiefnemer", "vertrouwelijk", "bron"} <= set(contact)


async def test_a_confidential_klantcontact_is_never_shown_to_a_doel_that_excludes_them(
    facade: Facade,
) -> None:
    kcc = (await facade.klantbeeld(BSN_HOOFDPERSOON)).json()
    assert kcc["contactmomenten"]
    assert all(c["vertrouwelijk"] is False for c in kcc["contactmomenten"])
    wmo = (await facade.klantbeeld(BSN_HOOFDPERSOON, doel="wmo-consulent", token=WMO)).json()
    assert any(c["vertrouwelijk"] is True for c in wmo["contactmomenten"])


async def test_an_open_internetaak_is_an_openstaande_vraag_and_a_done_one_is_not(
    facade: Facade,
) -> None:
    view = (await facade.klantbeeld(BSN_HOOFDPERSOON, doel="wmo-consulent", token=WMO)).json()
    vragen = [v for c in view["contactmomenten"] for v in c.get("openstaandeVragen", [])]
    assert [v["status"] for v in vragen] == ["te_verwerken"]
    assert vragen[0]["gevraagdeHandeling"]


async def test_a_klantcontact_links_to_a_zaak_by_uuid_when_that_zaak_is_in_the_view(
    facade: Facade,
) -> None:
    view = (await facade.klantbeeld(BSN_HOOFDPERSOON, doel="mijn-gegevens", token=caller_token(
        "klantbeeld.zelfbediening", bsn=BSN_HOOFDPERSOON))).json()  # fmt: skip
    linked = [c for c in view["contactmomenten"] if c["bron"] == "openklant2-klantinteracties"
              and c["zaken"]]  # fmt: skip
    assert linked and linked[0]["zaken"] == ["ZAAK-2025-0000342"]


async def test_contact_details_from_both_apis_are_merged_with_isstandaard(
    facade: Facade,
) -> None:
    view = (await facade.klantbeeld(BSN_HOOFDPERSOON)).json()
    klant = view["klant"]
    adressen = [e["adres"] for e in klant["emailadressen"]]
    assert adressen.count("s.vandenberg@example.nl") == 1
    nummers = {t["nummer"]: t for t in klant["telefoonnummers"]}
    assert nummers["0687001122"]["isStandaard"] is True
    assert nummers["0612345678"]["bron"] == "openklant-klanten"
    assert klant["voorkeurstaal"] == "nld"


async def test_a_person_known_only_to_klantinteracties_gets_contacts_and_details(
    facade: Facade,
) -> None:
    view = (await facade.klantbeeld(BSN_ALLEEN_KLANTINTERACTIES)).json()
    assert entry(view, "openklant-klanten")["status"] == "niet-gevonden"
    assert entry(view, "openklant2-klantinteracties")["status"] == "ok"
    assert view["klant"]["emailadressen"]
    assert view["contactmomenten"]


async def test_indicatie_geheimhouding_of_the_partij_travels_with_the_klant(
    facade: Facade,
) -> None:
    view = (await facade.klantbeeld(BSN_GEHEIM)).json()
    assert view["klant"]["indicatieGeheimhouding"] is True


async def test_one_zaaksysteem_failing_while_the_other_answers(facade: Facade) -> None:
    facade.registers.state.faults.set("zaaksysteem2", Fault.server_error())
    view = (await facade.klantbeeld(BSN_HOOFDPERSOON, doel="wmo-consulent", token=WMO)).json()
    assert entry(view, "zaaksysteem2")["status"] == "fout"
    assert entry(view, "openzaak")["status"] == "ok"
    assert [z["identificatie"] for z in view["zaken"]] == ["ZAAK-2025-0000214"]


async def test_klantinteracties_failing_while_contactmomenten_1_answers(facade: Facade) -> None:
    facade.registers.state.faults.set("klantinteracties", Fault.http_status(503))
    view = (await facade.klantbeeld(BSN_HOOFDPERSOON)).json()
    assert entry(view, "openklant2-klantinteracties")["status"] == "fout"
    assert view["contactmomenten"]
    assert {c["bron"] for c in view["contactmomenten"]} == {"openklant-contactmomenten"}
    assert [e["bron"] for e in view["klant"]["emailadressen"]] == ["openklant-klanten"]


async def test_klantinteracties_is_asked_with_its_token_never_a_bearer(facade: Facade) -> None:
    await facade.klantbeeld(BSN_HOOFDPERSOON)
    calls = [c for c in facade.calls if c.path.startswith("/klantinteracties/")]
    assert {c.path for c in calls} == {
        "/klantinteracties/api/v1/partijen",
        "/klantinteracties/api/v1/klantcontacten",
    }
    assert all(c.headers["authorization"].startswith("Token ") for c in calls)
    partijen = next(c for c in calls if c.path.endswith("/partijen"))
    assert partijen.params["partijIdentificator__codeSoortObjectId"] == "bsn"
