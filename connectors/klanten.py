"""Klanten API 1.0 (Open Klant 1.x): the contact details a person gave the municipality.

The data is self-reported and unverified; the façade shows it as such.
"""

from __future__ import annotations

from typing import Any

from connectors.context import CallContext
from connectors.http import Upstream
from connectors.records import Klant, KlantenResult
from vocabulary.identifiers import BURGERSERVICENUMMER, KVK_NUMMER
from vocabulary.kinds import Contribution, SourceKind, SourceQuery, Wiring
from vocabulary.records import KLANT_CONTACTGEGEVENS, Contactgegevens

# Klanten 1.0's subject filters and the subjectIdentificatie field each proves.
PERSOON = ("subjectNatuurlijkPersoon__inpBsn", "inpBsn")
NIET_NATUURLIJK_PERSOON = ("subjectNietNatuurlijkPersoon__innNnpId", "innNnpId")
VESTIGING = ("subjectVestiging__vestigingsNummer", "vestigingsNummer")


class KlantenConnector:
    def __init__(self, upstream: Upstream, *, max_pages: int = 10) -> None:
        self.upstream = upstream
        self.max_pages = max_pages

    async def klanten(
        self, bsn: str, ctx: CallContext, subject: tuple[str, str] = PERSOON
    ) -> KlantenResult:
        """The klanten whose subject is the person with this BSN; `subject` (filter,
        field) for a business: by RSIN (`NIET_NATUURLIJK_PERSOON`) or a branch (`VESTIGING`)."""
        filter_name, veld = subject
        page = await self.upstream.paginate(
            "klanten", ctx, params={filter_name: bsn}, max_pages=self.max_pages
        )
        # Open Klant 1.0 ignores a parameter it does not know (it knows neither business
        # filter) and then returns every klant; only the number in the record itself
        # proves whose it is.
        klanten = [
            self._klant(raw)
            for raw in page.results
            if _subject_value(raw, veld) == bsn and _url(raw)
        ]
        return KlantenResult(klanten, afgekapt=page.afgekapt)

    def _klant(self, raw: dict[str, Any]) -> Klant:
        return {
            "bron": self.upstream.naam,
            "url": raw["url"],
            "klantnummer": _text(raw, "klantnummer"),
            "emailadres": _text(raw, "emailadres"),
            "telefoonnummer": _text(raw, "telefoonnummer"),
            "voornaam": _text(raw, "voornaam"),
            "voorvoegselAchternaam": _text(raw, "voorvoegselAchternaam"),
            "achternaam": _text(raw, "achternaam"),
        }


def _subject_value(raw: dict[str, Any], veld: str) -> object:
    subject = raw.get("subjectIdentificatie")
    return subject.get(veld) if isinstance(subject, dict) else None


def _url(raw: dict[str, Any]) -> bool:
    return isinstance(raw.get("url"), str) and bool(raw["url"])


def _text(raw: dict[str, Any], key: str) -> str | None:
    # Open Klant sends "" for a field never filled in: that is "unknown", not a value.
    value = raw.get(key)
    return value if isinstance(value, str) and value else None


class KlantenSource:
    """One Klanten 1.0 register: the contact details of each klant, for `klant`.

    Its klanten (their URLs) are also what Contactmomenten 1.0 needs.
    """

    def __init__(self, connector: KlantenConnector) -> None:
        self.connector = connector

    async def fetch(self, query: SourceQuery, ctx: CallContext) -> Contribution | None:
        subject = query.subject
        if not subject.is_ondernemer:
            result = await self.connector.klanten(subject.value, ctx)
        elif subject.vestigingsnummer is not None:
            result = await self.connector.klanten(subject.vestigingsnummer, ctx, VESTIGING)
        else:
            # A business is a klant by its RSIN, which the Handelsregister gave.
            rsin = next(
                (
                    o.rsin
                    for o in query.inputs.get("handelsregister", ())
                    if getattr(o, "rsin", None)
                ),
                None,
            )
            if rsin is None:
                return None
            result = await self.connector.klanten(rsin, ctx, NIET_NATUURLIJK_PERSOON)
        if not result.klanten:
            return None
        return Contribution(
            contactgegevens=[_contactgegevens(k) for k in result.klanten],
            afgekapt=result.afgekapt,
            resultaat=result,
        )


def _contactgegevens(klant: Klant) -> Contactgegevens:
    email, phone = klant.get("emailadres"), klant.get("telefoonnummer")
    return {
        "bron": klant["bron"],
        "actief": True,
        "emailadressen": [{"adres": email, "bron": klant["bron"]}] if email else [],
        "telefoonnummers": [{"nummer": phone, "bron": klant["bron"]}] if phone else [],
        "voorkeurstaal": None,
        "indicatieGeheimhouding": None,
    }


def _connect(settings: Any, upstream: Upstream, wiring: Wiring) -> KlantenSource:
    return KlantenSource(KlantenConnector(upstream, max_pages=settings.max_pages))


SOURCE = SourceKind(
    soort="klanten",
    titel="Klanten API 1.0",
    label="Klanten",
    connect=_connect,
    identifiers=frozenset({BURGERSERVICENUMMER, KVK_NUMMER}),
    paths=tuple(f"klant.{name}" for name in KLANT_CONTACTGEGEVENS),
    ondernemer_needs=("handelsregister",),
    config_keys={"max_pages": 10},
)
