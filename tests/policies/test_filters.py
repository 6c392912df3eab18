"""Record filters: which zaken and contacts a doel may see at all; undecidable means no."""

from __future__ import annotations

from datetime import date

from policies.filters import contact_allowed, klant_filtered, zaak_allowed
from policies.model import ContactFilters, KlantFilters, ZaakFilters

TODAY = date(2026, 11, 23)


def zaak(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "identificatie": "ZAAK-1",
        "zaaktype": {"identificatie": "ZT-PARKEERVERGUNNING", "omschrijving": "Parkeren"},
        "vertrouwelijkheidaanduiding": "openbaar",
        "einddatum": None,
    }
    return {**base, **overrides}


def test_zaaktypen_outside_the_list_are_hidden() -> None:
    filters = ZaakFilters(zaaktypen=frozenset({"ZT-BEZWAAR-WOZ"}))
    assert not zaak_allowed(zaak(), filters, TODAY)
    wozzaak = zaak(zaaktype={"identificatie": "ZT-BEZWAAR-WOZ", "omschrijving": "WOZ"})
    assert zaak_allowed(wozzaak, filters, TODAY)


def test_a_zaak_whose_zaaktype_could_not_be_resolved_is_hidden_when_zaaktypen_are_limited() -> None:
    filters = ZaakFilters(zaaktypen=frozenset({"ZT-PARKEERVERGUNNING"}))
    assert not zaak_allowed(zaak(zaaktype=None), filters, TODAY)


def test_vertrouwelijkheid_above_the_maximum_is_hidden() -> None:
    filters = ZaakFilters(maximale_vertrouwelijkheid="zaakvertrouwelijk")
    assert zaak_allowed(zaak(vertrouwelijkheidaanduiding="zaakvertrouwelijk"), filters, TODAY)
    assert not zaak_allowed(zaak(vertrouwelijkheidaanduiding="vertrouwelijk"), filters, TODAY)
    assert not zaak_allowed(zaak(vertrouwelijkheidaanduiding="onbekend"), filters, TODAY)


def test_zaken_closed_before_the_window_are_hidden_and_open_ones_kept() -> None:
    filters = ZaakFilters(afgerond_binnen_dagen=90)
    assert zaak_allowed(zaak(einddatum=None), filters, TODAY)
    assert zaak_allowed(zaak(einddatum="2026-10-01"), filters, TODAY)
    assert not zaak_allowed(zaak(einddatum="2026-01-01"), filters, TODAY)


def contact(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "datum": "2026-11-01T10:00:00Z",
        "kanaal": "telefoon",
        "vertrouwelijk": False,
    }
    return {**base, **overrides}


def test_confidential_contacts_are_hidden_when_the_doel_excludes_them() -> None:
    assert not contact_allowed(contact(vertrouwelijk=True), ContactFilters(), TODAY)
    assert contact_allowed(
        contact(vertrouwelijk=True), ContactFilters(vertrouwelijke_uitsluiten=False), TODAY
    )


def test_a_contact_without_a_confidentiality_flag_counts_as_confidential() -> None:
    assert not contact_allowed(contact(vertrouwelijk=None), ContactFilters(), TODAY)


def test_only_allowed_kanalen_pass_case_insensitively() -> None:
    filters = ContactFilters(kanalen=frozenset({"Telefoon"}))
    assert contact_allowed(contact(), filters, TODAY)
    assert not contact_allowed(contact(kanaal="e-mail"), filters, TODAY)


def test_contacts_outside_the_period_or_without_a_date_are_hidden() -> None:
    filters = ContactFilters(periode_dagen=30)
    assert contact_allowed(contact(), filters, TODAY)
    assert not contact_allowed(contact(datum="2025-01-01T10:00:00Z"), filters, TODAY)
    assert not contact_allowed(contact(datum=None), filters, TODAY)


def test_a_domestic_only_doel_never_gets_an_address_abroad() -> None:
    filters = KlantFilters(alleen_binnenlands_adres=True)
    abroad = {
        "naam": {"volledigeNaam": "Jan"},
        "verblijfplaats": {
            "type": "VerblijfplaatsBuitenland",
            "verblijfadres": {"regel1": "Rue X 1", "land": {"code": "5010"}},
        },
        "adressering": {"adresregel1": "Rue X 1", "land": {"code": "5010"}},
    }
    assert klant_filtered(abroad, filters) == {"naam": {"volledigeNaam": "Jan"}}


def test_a_domestic_address_stays_for_a_domestic_only_doel() -> None:
    filters = KlantFilters(alleen_binnenlands_adres=True)
    home = {
        "verblijfplaats": {"type": "Adres", "verblijfadres": {"postcode": "1234AB"}},
        "adressering": {"adresregel1": "Dorpsstraat 1"},
    }
    assert klant_filtered(home, filters) == home
    assert klant_filtered(home, KlantFilters()) == home
