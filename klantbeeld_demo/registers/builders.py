"""Small builders that turn a few facts into records shaped like the real APIs.

Shared by the fixed demo persons and the synthetic generator, so both produce the
same shapes (BRP Persoon groups, zaken with statussen, klanten, contactmomenten).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from klantbeeld_demo.registers.catalogus import Zaaktype
from klantbeeld_demo.registers.model import (
    BRONORGANISATIE,
    Contactmoment,
    Klant,
    Rol,
    Status,
    Zaak,
    stable_uuid,
)

__all__ = ["BRONORGANISATIE"]  # re-exported: it used to be defined here
GEMEENTE = {"code": "1998", "omschrijving": "Klaverdam"}
NEDERLAND = {"code": "6030", "omschrijving": "Nederland"}
NEDERLANDSE = {"code": "0001", "omschrijving": "Nederlandse"}

_MAANDEN = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip
_GESLACHT = {"M": "man", "V": "vrouw", "O": "onbekend"}


@dataclass(frozen=True)
class Naam:
    voornamen: str
    geslachtsnaam: str
    voorvoegsel: str = ""

    @property
    def voorletters(self) -> str:
        return "".join(f"{deel[0]}." for deel in self.voornamen.split())

    @property
    def volledige_naam(self) -> str:
        return " ".join(p for p in (self.voornamen, self.voorvoegsel, self.geslachtsnaam) if p)

    @property
    def achternaam(self) -> str:
        """Surname as written after initials: 'van den Berg'."""
        return " ".join(p for p in (self.voorvoegsel, self.geslachtsnaam) if p)


def datum(iso: str) -> dict[str, str]:
    """A BRP `Datum` value: {"type": "Datum", "datum": ..., "langFormaat": ...}."""
    d = dt.date.fromisoformat(iso)
    return {
        "type": "Datum",
        "datum": iso,
        "langFormaat": f"{d.day} {_MAANDEN[d.month - 1]} {d.year}",
    }


def _naam_gerelateerde(naam: Naam) -> dict[str, str]:
    velden = {
        "voornamen": naam.voornamen,
        "voorvoegsel": naam.voorvoegsel,
        "geslachtsnaam": naam.geslachtsnaam,
        "voorletters": naam.voorletters,
    }
    # The BRP API omits empty values instead of sending "".
    return {k: v for k, v in velden.items() if v}


def geboorte(iso: str, plaats: dict[str, str] = GEMEENTE) -> dict[str, Any]:
    return {"datum": datum(iso), "plaats": dict(plaats), "land": dict(NEDERLAND)}


def adres(
    straat: str,
    huisnummer: int,
    postcode: str,
    woonplaats: str,
    *,
    huisletter: str = "",
    sinds: str = "2015-06-01",
) -> dict[str, Any]:
    verblijfadres: dict[str, Any] = {
        "officieleStraatnaam": straat,
        "korteStraatnaam": straat[:24],
        "huisnummer": huisnummer,
        "postcode": postcode,
        "woonplaats": woonplaats,
    }
    if huisletter:
        verblijfadres["huisletter"] = huisletter
    volgnummer = f"{huisnummer:06d}"
    return {
        "type": "Adres",
        "verblijfadres": verblijfadres,
        "functieAdres": {"code": "W", "omschrijving": "woonadres"},
        "adresseerbaarObjectIdentificatie": f"1998010000{volgnummer}",
        "nummeraanduidingIdentificatie": f"1998200000{volgnummer}",
        "datumVan": datum(sinds),
        "datumIngangGeldigheid": datum(sinds),
    }


def verblijf_buitenland(regels: Sequence[str], land: dict[str, str], sinds: str) -> dict[str, Any]:
    verblijfadres: dict[str, Any] = {f"regel{i}": r for i, r in enumerate(regels, start=1)}
    verblijfadres["land"] = dict(land)
    return {
        "type": "VerblijfplaatsBuitenland",
        "verblijfadres": verblijfadres,
        "datumVan": datum(sinds),
    }


def adressering(naam: Naam, geslacht: str, verblijfplaats: dict[str, Any]) -> dict[str, Any]:
    aanspreek = {"M": "heer", "V": "mevrouw"}.get(geslacht)
    achternaam = naam.achternaam[:1].upper() + naam.achternaam[1:]
    result: dict[str, Any] = {
        "aanhef": f"Geachte {aanspreek} {achternaam}"
        if aanspreek
        else f"Geachte {naam.volledige_naam}",
        "aanschrijfwijze": {"naam": f"{naam.voorletters} {naam.achternaam}"},
        "gebruikInLopendeTekst": f"{aanspreek} {achternaam}" if aanspreek else naam.volledige_naam,
    }
    va = verblijfplaats["verblijfadres"]
    if verblijfplaats["type"] == "Adres":
        huisnummer = f"{va['huisnummer']}{' ' + va['huisletter'] if 'huisletter' in va else ''}"
        result["adresregel1"] = f"{va['officieleStraatnaam']} {huisnummer}"
        result["adresregel2"] = (
            f"{va['postcode'][:4]} {va['postcode'][4:]}  {va['woonplaats'].upper()}"
        )
    else:
        for i in (1, 2, 3):
            if f"regel{i}" in va:
                result[f"adresregel{i}"] = va[f"regel{i}"]
        result["land"] = dict(va["land"])
    return result


def brp_persoon(
    bsn: str,
    naam: Naam,
    geslacht: str,
    geboortedatum: str,
    verblijfplaats: dict[str, Any],
    *,
    partners: Sequence[dict[str, Any]] = (),
    kinderen: Sequence[dict[str, Any]] = (),
    ouders: Sequence[dict[str, Any]] = (),
    gezag: Sequence[dict[str, Any]] = (),
    overleden_op: str | None = None,
    geheim: bool = False,
) -> dict[str, Any]:
    """A full BRP Persoon; the BRP register cuts it down to the requested fields."""
    record: dict[str, Any] = {
        "burgerservicenummer": bsn,
        "geslacht": {"code": geslacht, "omschrijving": _GESLACHT[geslacht]},
        "naam": {
            **_naam_gerelateerde(naam),
            "volledigeNaam": naam.volledige_naam,
            "aanduidingNaamgebruik": {"code": "E", "omschrijving": "eigen geslachtsnaam"},
        },
        "geboorte": geboorte(geboortedatum),
        "nationaliteiten": [
            {
                "type": "Nationaliteit",
                "nationaliteit": dict(NEDERLANDSE),
                "redenOpname": {"code": "001", "omschrijving": "Wet op het Nederlanderschap 1892"},
                "datumIngangGeldigheid": datum(geboortedatum),
            }
        ],
        "verblijfplaats": verblijfplaats,
        "adressering": adressering(naam, geslacht, verblijfplaats),
        "gemeenteVanInschrijving": dict(GEMEENTE),
        "datumInschrijvingInGemeente": verblijfplaats["datumVan"],
    }
    # Empty groups are omitted by the real API, never sent as [] or null.
    for key, value in (
        ("partners", partners),
        ("kinderen", kinderen),
        ("ouders", ouders),
        ("gezag", gezag),
    ):
        if value:
            record[key] = list(value)
    if overleden_op is not None:
        record["overlijden"] = {
            "datum": datum(overleden_op),
            "plaats": dict(GEMEENTE),
            "land": dict(NEDERLAND),
        }
        record["opschortingBijhouding"] = {
            "reden": {"code": "O", "omschrijving": "overlijden"},
            "datum": datum(overleden_op),
        }
    if geheim:
        record["geheimhoudingPersoonsgegevens"] = True
    return record


def partner(bsn: str, naam: Naam, geslacht: str, geboortedatum: str, getrouwd_op: str) -> dict:
    return {
        "burgerservicenummer": bsn,
        "geslacht": {"code": geslacht, "omschrijving": _GESLACHT[geslacht]},
        "soortVerbintenis": {"code": "H", "omschrijving": "huwelijk"},
        "naam": _naam_gerelateerde(naam),
        "geboorte": geboorte(geboortedatum),
        "aangaanHuwelijkPartnerschap": {
            "datum": datum(getrouwd_op),
            "plaats": dict(GEMEENTE),
            "land": dict(NEDERLAND),
        },
    }


def kind(bsn: str, naam: Naam, geboortedatum: str) -> dict[str, Any]:
    return {
        "burgerservicenummer": bsn,
        "naam": _naam_gerelateerde(naam),
        "geboorte": geboorte(geboortedatum),
    }


def ouder(bsn: str, naam: Naam, geslacht: str, aanduiding: str) -> dict[str, Any]:
    return {
        "burgerservicenummer": bsn,
        "naam": _naam_gerelateerde(naam),
        "geslacht": {"code": geslacht, "omschrijving": _GESLACHT[geslacht]},
        "ouderAanduiding": aanduiding,
    }


def gezamenlijk_ouderlijk_gezag(
    minderjarige: tuple[str, Naam], ouders: Sequence[tuple[str, Naam]]
) -> dict[str, Any]:
    return {
        "type": "GezamenlijkOuderlijkGezag",
        "minderjarige": {
            "burgerservicenummer": minderjarige[0],
            "naam": {"volledigeNaam": minderjarige[1].volledige_naam},
        },
        "ouders": [
            {"burgerservicenummer": b, "naam": {"volledigeNaam": n.volledige_naam}}
            for b, n in ouders
        ],
    }


def rol(zaak_key: str, bsn: str, naam: Naam, omschrijving_generiek: str) -> Rol:
    return Rol(
        uuid=stable_uuid("rol", zaak_key, bsn, omschrijving_generiek),
        bsn=bsn,
        omschrijving_generiek=omschrijving_generiek,
        geslachtsnaam=naam.geslachtsnaam,
        voorvoegsel_geslachtsnaam=naam.voorvoegsel,
        voornamen=naam.voornamen,
        voorletters=naam.voorletters,
    )


def _weken(doorlooptijd: str) -> int:
    # Catalogus doorlooptijden are all "P<n>W".
    return int(doorlooptijd.removeprefix("P").removesuffix("W"))


def zaak(
    identificatie: str,
    zaaktype: Zaaktype,
    omschrijving: str,
    startdatum: str,
    rollen: Sequence[Rol],
    *,
    statussen_bereikt: int,
    vertrouwelijkheidaanduiding: str | None = None,
    toelichting: str = "",
    bronorganisatie: str = BRONORGANISATIE,
    sleutel: str | None = None,
) -> Zaak:
    """A zaak that went through its zaaktype's first `statussen_bereikt` statustypen.

    Reaching the eindstatus closes the zaak (einddatum = date of that status);
    `statussen_bereikt=0` is a freshly registered zaak whose status is null.
    `sleutel` (default: the identificatie) seeds the uuids: a copy of a zaak in
    another zaaksysteem has the same identificatie but uuids of its own.
    """
    sleutel = sleutel or identificatie
    start = dt.date.fromisoformat(startdatum)
    statussen = tuple(
        Status(
            uuid=stable_uuid("status", sleutel, str(nr)),
            statustype_uuid=zaaktype.statustype(nr).uuid,
            datum_status_gezet=f"{start + dt.timedelta(days=9 * (nr - 1))}T09:30:00Z",
            statustoelichting=zaaktype.statustype(nr).statustekst,
        )
        for nr in range(1, statussen_bereikt + 1)
    )
    gesloten = statussen_bereikt == len(zaaktype.statustypen)
    gepland = start + dt.timedelta(weeks=_weken(zaaktype.doorlooptijd))
    return Zaak(
        uuid=stable_uuid("zaak", sleutel),
        identificatie=identificatie,
        omschrijving=omschrijving,
        zaaktype_uuid=zaaktype.uuid,
        registratiedatum=startdatum,
        startdatum=startdatum,
        vertrouwelijkheidaanduiding=vertrouwelijkheidaanduiding
        or zaaktype.vertrouwelijkheidaanduiding,
        rollen=tuple(rollen),
        statussen=statussen,
        einddatum=statussen[-1].datum_status_gezet[:10] if gesloten else None,
        einddatum_gepland=gepland.isoformat(),
        uiterlijke_einddatum_afdoening=(gepland + dt.timedelta(weeks=2)).isoformat(),
        toelichting=toelichting,
        bronorganisatie=bronorganisatie,
    )


def klant(
    bsn: str,
    naam: Naam,
    klantnummer: str,
    *,
    emailadres: str = "",
    telefoonnummer: str = "",
    adres: dict[str, Any] | None = None,
    geslacht: str = "",
    geboortedatum: str | None = None,
    aanmaakkanaal: str = "website",
) -> Klant:
    return Klant(
        uuid=stable_uuid("klant", bsn),
        klantnummer=klantnummer,
        voornaam=naam.voornamen.split()[0],
        voorvoegsel_achternaam=naam.voorvoegsel,
        achternaam=naam.geslachtsnaam,
        emailadres=emailadres,
        telefoonnummer=telefoonnummer,
        adres=adres,
        aanmaakkanaal=aanmaakkanaal,
        geslachtsaanduiding=geslacht.lower(),
        geboortedatum=geboortedatum,
    )


def klant_adres(
    straat: str,
    huisnummer: int,
    postcode: str,
    woonplaats: str,
    *,
    huisletter: str = "",
    landcode: str = "6030",
) -> dict[str, Any]:
    return {
        "straatnaam": straat,
        "huisnummer": huisnummer,
        "huisletter": huisletter,
        "huisnummertoevoeging": "",
        "postcode": postcode,
        "woonplaatsnaam": woonplaats,
        "landcode": landcode,
    }


def contactmoment(
    key: str,
    registratiedatum: str,
    kanaal: str,
    tekst: str,
    *,
    initiatiefnemer: str = "klant",
    medewerker: tuple[str, str, str] = ("kcc-017", "Dijkstra", "M."),
    zaak: Zaak | None = None,
    voorkeurskanaal: str = "",
) -> Contactmoment:
    identificatie, achternaam, voorletters = medewerker
    return Contactmoment(
        uuid=stable_uuid("contactmoment", key),
        registratiedatum=registratiedatum,
        kanaal=kanaal,
        tekst=tekst,
        initiatiefnemer=initiatiefnemer,
        medewerker_identificatie={
            "identificatie": identificatie,
            "achternaam": achternaam,
            "voorletters": voorletters,
            "voorvoegselAchternaam": "",
        },
        voorkeurskanaal=voorkeurskanaal,
        zaak_uuid=zaak.uuid if zaak else None,
    )
