"""KvK Handelsregister (API Basisprofiel 1.x, API Vestigingsprofiel 1.x): one ondernemer.

One register of kind `handelsregister`, its base the KvK's `…/api`:
`v1/basisprofielen/{kvkNummer}` for the business (its hoofdvestiging and
eigenaar in HAL `_embedded`), and for one branch
`v1/vestigingsprofielen/{vestigingsnummer}`. The KvK authenticates with an
`apikey` header (a register's `[registers.auth]`, type `api-key`).

A KvK 404, whatever its `fout` body says, is `niet-gevonden`; so is a branch
that belongs to another kvkNummer (never shown as this business's). An
answer about another kvkNummer than the one asked is refused. An address the
KvK marks `indAfgeschermd` is left out: it is a secrecy flag, not a hint.

The ondernemer `klant` is its own shape (not a BRP persoon): see
`ONDERNEMER_KLANT` in policies/viewpaths.py. The RSIN (`rsin`) is passed on to
the kinds that need it (Zaken without the kvkNummer rol filter, Klanten), as
this source's `resultaat`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from connectors.context import CallContext
from connectors.errors import UpstreamError
from connectors.http import Upstream
from vocabulary.identifiers import KVK_NUMMER
from vocabulary.kinds import Contribution, SourceKind, SourceQuery, Wiring
from vocabulary.records import KLANT_CONTACTGEGEVENS

_SHAPE = "Het Handelsregister gaf een antwoord in een onbekende vorm."


@dataclass(frozen=True)
class Ondernemer:
    """What the Handelsregister said about one business (and, asked, one of its branches)."""

    kvk_nummer: str
    rsin: str | None
    vestigingsnummer: str | None
    klant: dict[str, Any]


class HandelsregisterConnector:
    def __init__(self, upstream: Upstream) -> None:
        self.upstream = upstream

    async def basisprofiel(self, kvk_nummer: str, ctx: CallContext) -> dict[str, Any] | None:
        """The Basisprofiel with its `_embedded` hoofdvestiging and eigenaar; None on a 404."""
        return await self._get(f"v1/basisprofielen/{kvk_nummer}", ctx)

    async def vestigingsprofiel(
        self, vestigingsnummer: str, ctx: CallContext
    ) -> dict[str, Any] | None:
        return await self._get(f"v1/vestigingsprofielen/{vestigingsnummer}", ctx)

    async def _get(self, path: str, ctx: CallContext) -> dict[str, Any] | None:
        try:
            answer = await self.upstream.get_json(path, ctx)
        except UpstreamError as exc:
            if exc.upstream_status == 404:  # any `fout` body: the KvK does not know it
                return None
            raise
        if not isinstance(answer, dict):
            raise UpstreamError(_SHAPE, code="ongeldige-vorm")
        return answer

    async def ondernemer(
        self, kvk_nummer: str, vestigingsnummer: str | None, ctx: CallContext
    ) -> Ondernemer | None:
        profiel = await self.basisprofiel(kvk_nummer, ctx)
        if profiel is None:
            return None
        if profiel.get("kvkNummer") != kvk_nummer:
            # Never one business's data as another's; never quote either number.
            raise UpstreamError(
                "Het Handelsregister gaf niet de gevraagde onderneming terug.",
                code="andere-onderneming",
            )
        embedded = profiel.get("_embedded") if isinstance(profiel.get("_embedded"), dict) else {}
        eigenaar = _dict(embedded.get("eigenaar"))
        vestiging = _dict(embedded.get("hoofdvestiging"))
        if vestigingsnummer is not None:
            vestiging = await self.vestigingsprofiel(vestigingsnummer, ctx) or {}
            if vestiging.get("kvkNummer") != kvk_nummer:
                return None  # unknown, or a branch of another business: niet-gevonden
            if vestiging.get("vestigingsnummer") != vestigingsnummer:
                raise UpstreamError(
                    "Het Handelsregister gaf niet de gevraagde vestiging terug.",
                    code="andere-vestiging",
                )
        rsin = eigenaar.get("rsin") or vestiging.get("rsin")
        return Ondernemer(
            kvk_nummer=kvk_nummer,
            rsin=rsin if isinstance(rsin, str) else None,
            vestigingsnummer=vestigingsnummer,
            klant=ondernemer_klant(
                profiel, eigenaar, vestiging, branch=vestigingsnummer is not None
            ),
        )


def ondernemer_klant(
    profiel: dict[str, Any], eigenaar: dict[str, Any], vestiging: dict[str, Any], *, branch: bool
) -> dict[str, Any]:
    """The view's ondernemer `klant`: the business, and its (hoofd)vestiging's addresses."""
    klant: dict[str, Any] = {
        "kvkNummer": profiel.get("kvkNummer"),
        "naam": profiel.get("naam"),
        "statutaireNaam": profiel.get("statutaireNaam"),
        "handelsnamen": [
            h.get("naam") for h in _list(profiel.get("handelsnamen")) if isinstance(h, dict)
        ],
        "rechtsvorm": eigenaar.get("rechtsvorm"),
        "uitgebreideRechtsvorm": eigenaar.get("uitgebreideRechtsvorm"),
        "rsin": eigenaar.get("rsin"),
        "sbiActiviteiten": [
            _pick(a, "sbiCode", "sbiOmschrijving", "indHoofdactiviteit")
            for a in _list(profiel.get("sbiActiviteiten"))
            if isinstance(a, dict)
        ],
        "formeleRegistratiedatum": profiel.get("formeleRegistratiedatum"),
        "materieleRegistratie": _pick(
            _dict(profiel.get("materieleRegistratie")), "datumAanvang", "datumEinde"
        ),
        "totaalWerkzamePersonen": profiel.get("totaalWerkzamePersonen"),
        "websites": [w for w in _list(eigenaar.get("websites")) if isinstance(w, str)],
    }
    if vestiging:
        klant["vestiging"] = _vestiging(vestiging, branch=branch)
    return {key: value for key, value in klant.items() if value not in (None, [], {})}


def _vestiging(vestiging: dict[str, Any], *, branch: bool) -> dict[str, Any]:
    result: dict[str, Any] = {
        "vestigingsnummer": vestiging.get("vestigingsnummer"),
        "eersteHandelsnaam": vestiging.get("eersteHandelsnaam"),
        "indHoofdvestiging": vestiging.get("indHoofdvestiging"),
        "totaalWerkzamePersonen": vestiging.get("totaalWerkzamePersonen"),
        "websites": [w for w in _list(vestiging.get("websites")) if isinstance(w, str)],
    }
    for adres in _list(vestiging.get("adressen")):
        if not isinstance(adres, dict) or _afgeschermd(adres):
            continue  # a shielded address is left out altogether
        soort = {"bezoekadres": "bezoekadres", "correspondentieadres": "postadres"}.get(
            str(adres.get("type", "")).lower()
        )
        if soort and soort not in result:
            result[soort] = _pick(
                adres,
                "volledigAdres",
                "straatnaam",
                "huisnummer",
                "huisletter",
                "huisnummerToevoeging",
                "postbusnummer",
                "postcode",
                "plaats",
                "land",
            )
    if branch:
        result["sbiActiviteiten"] = [
            _pick(a, "sbiCode", "sbiOmschrijving", "indHoofdactiviteit")
            for a in _list(vestiging.get("sbiActiviteiten"))
            if isinstance(a, dict)
        ]
    return {key: value for key, value in result.items() if value not in (None, [], {})}


def _afgeschermd(adres: dict[str, Any]) -> bool:
    # The KvK writes "Ja"/"Nee"; anything but a clear "Nee" counts as shielded.
    value = adres.get("indAfgeschermd")
    return value is not None and str(value).strip().lower() not in ("nee", "false", "n")


def _pick(raw: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {key: raw[key] for key in keys if raw.get(key) is not None}


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


class HandelsregisterSource:
    """One Handelsregister as a source: the ondernemer fills `klant`, its RSIN is passed on."""

    def __init__(self, connector: HandelsregisterConnector) -> None:
        self.connector = connector

    async def fetch(self, query: SourceQuery, ctx: CallContext) -> Contribution | None:
        subject = query.subject
        ondernemer = await self.connector.ondernemer(subject.value, subject.vestigingsnummer, ctx)
        if ondernemer is None:
            return None
        return Contribution(persoon=ondernemer.klant, resultaat=ondernemer)


def _connect(settings: Any, upstream: Upstream, wiring: Wiring) -> HandelsregisterSource:
    return HandelsregisterSource(HandelsregisterConnector(upstream))


SOURCE = SourceKind(
    soort="handelsregister",
    titel="KvK API Basisprofiel 1.x en Vestigingsprofiel 1.x",
    label="Handelsregister",
    connect=_connect,
    identifiers=frozenset({KVK_NUMMER}),
    # Everything under an ondernemer's `klant` but the contact details it gave the municipality.
    paths=("klant",),
    except_paths=tuple(f"klant.{name}" for name in KLANT_CONTACTGEGEVENS),
)
