"""An example contract test, exactly as a KCC frontend or portal team would write it.

With klantbeeld-facade installed (`pip install "klantbeeld-facade[test]"`) the
`klantbeeld_facade` fixture is there without any import or conftest: a real
façade on simulated registers at `klantbeeld_facade.base_url`, healed between tests.
"""

from klantbeeld_demo.testkit import PERSONEN

HOOFDPERSOON = PERSONEN["hoofdpersoon"]


def bron(view: dict, naam: str) -> dict:
    return next(b for b in view["bronnen"] if b["bron"] == naam)


def test_the_main_person_has_a_full_klantbeeld(klantbeeld_facade):
    response = klantbeeld_facade.klantbeeld(HOOFDPERSOON, doel="kcc-algemene-vraag")

    assert response.status_code == 200
    view = response.json()
    assert view["klant"]["naam"]["volledigeNaam"] == "Saskia Johanna van den Berg"
    assert view["zaken"] and view["contactmomenten"]
    assert {b["status"] for b in view["bronnen"]} <= {"ok", "niet-gevraagd"}
    assert view["verwerking"]["doel"] == "kcc-algemene-vraag"


def test_when_zaken_is_down_only_the_zaken_are_missing(klantbeeld_facade):
    klantbeeld_facade.registers.fail("zaken", "503")

    response = klantbeeld_facade.klantbeeld(HOOFDPERSOON, doel="kcc-zaakstatus")

    assert response.status_code == 200  # a failing register never fails the view
    view = response.json()
    assert bron(view, "openzaak")["status"] == "fout"
    assert bron(view, "openzaak")["probleem"]["status"] == 503
    assert all(z["bron"] != "openzaak" for z in view["zaken"])
    assert bron(view, "brp")["status"] == "ok"
    assert view["klant"]["naam"]["volledigeNaam"] == "Saskia Johanna van den Berg"


def test_a_slow_brp_is_reported_as_timeout(klantbeeld_facade):
    klantbeeld_facade.registers.slow("brp", 5.0)  # longer than the BRP deadline (1.5 s)

    view = klantbeeld_facade.klantbeeld(HOOFDPERSOON, doel="kcc-algemene-vraag").json()

    assert bron(view, "brp")["status"] == "timeout"
    assert "naam" not in view["klant"]  # the BRP part is missing …
    assert view["klant"]["emailadressen"]  # … the klant registers' part is not
    assert view["zaken"] and view["contactmomenten"]


def test_a_doel_the_token_may_not_use_is_403(klantbeeld_facade):
    kcc_token = klantbeeld_facade.token("klantbeeld.kcc")

    response = klantbeeld_facade.klantbeeld(HOOFDPERSOON, doel="wmo-consulent", token=kcc_token)

    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 403


def test_a_wmo_consulent_may_use_the_wmo_doel(klantbeeld_facade):
    token = klantbeeld_facade.token(scope=None, rol="wmo-consulent")

    response = klantbeeld_facade.klantbeeld(HOOFDPERSOON, doel="wmo-consulent", token=token)

    assert response.status_code == 200
    assert response.json()["contactmomenten"]
