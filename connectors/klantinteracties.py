"""Klantinteracties (Open Klant 2.x): the person's partij, contact details and klantcontacten.

Each question is one list call with `expand`, so the digitale adressen,
betrokkenen (with their partij), onderwerpobjecten and internetaken arrive
inline (`_expand`) and no follow-up GET is needed. The register wants
`Authorization: Token …` (`TokenAuth`); a `Bearer` token gets a 401.

Open Klant 2.x answers 400 to an unknown query parameter, so its BSN filters are
honoured; the results are still checked against the BSN wherever the answer
carries it (DESIGN.md, "Upstream answers").
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from connectors.context import CallContext
from connectors.errors import UpstreamError, first_upstream_error
from connectors.http import Upstream
from connectors.records import (
    Contactmoment,
    ContactmomentenResult,
    Emailadres,
    OpenstaandeVraag,
    Partij,
    PartijResult,
    Telefoonnummer,
)
from vocabulary.identifiers import BURGERSERVICENUMMER, KVK_NUMMER, Subject
from vocabulary.kinds import Contribution, SourceKind, SourceQuery, Wiring
from vocabulary.records import KLANT_CONTACTGEGEVENS, Contactgegevens

# `expand` is `style: form, explode: false` in the spec: one comma-separated value.
# `hadBetrokkenen.wasPartij` brings each betrokkene's partij with its identificatoren,
# which is how a klantcontact is proven to be about this person.
KLANTCONTACT_EXPAND = ",".join(
    (
        "gingOverOnderwerpobjecten",
        "hadBetrokkenen",
        "hadBetrokkenen.wasPartij",
        "leiddeTotInterneTaken",
    )
)

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


@dataclass(frozen=True)
class Sleutel:
    """How a partij is identified (`partijIdentificator`): a person by BSN in the BRP, a
    business by its kvk_nummer in the HR, one branch by its vestigingsnummer (in the
    spec a sub-identificator of the kvk_nummer). The value is personal data: not in repr.
    """

    objecttype: str
    soort: str
    value: str = field(repr=False)
    register: str

    @classmethod
    def persoon(cls, bsn: str) -> Sleutel:
        return cls("natuurlijk_persoon", "bsn", bsn, "brp")

    @classmethod
    def of(cls, subject: Subject) -> Sleutel:
        if not subject.is_ondernemer:
            return cls.persoon(subject.value)
        if subject.vestigingsnummer is not None:
            return cls("vestiging", "vestigingsnummer", subject.vestigingsnummer, "hr")
        return cls("niet_natuurlijk_persoon", "kvk_nummer", subject.value, "hr")


class KlantinteractiesConnector:
    def __init__(self, upstream: Upstream, *, max_pages: int = 10) -> None:
        self.upstream = upstream
        self.max_pages = max_pages

    async def partij(self, bsn: str | Sleutel, ctx: CallContext) -> PartijResult:
        """The partijen identified by this BSN (or Sleutel), with the contact details they gave."""
        sleutel = Sleutel.persoon(bsn) if isinstance(bsn, str) else bsn
        page = await self.upstream.paginate(
            "partijen",
            ctx,
            params={
                "partijIdentificator__codeObjecttype": sleutel.objecttype,
                "partijIdentificator__codeSoortObjectId": sleutel.soort,
                "partijIdentificator__objectId": sleutel.value,
                "partijIdentificator__codeRegister": sleutel.register,
                "expand": "digitaleAdressen",
            },
            max_pages=self.max_pages,
        )
        partijen = [
            self._partij(raw)
            for raw in page.results
            if _has_bsn(_identificatoren(raw), sleutel.value, sleutel.soort)
        ]
        return PartijResult(partijen, afgekapt=page.afgekapt)

    async def klantcontacten(self, bsn: str | Sleutel, ctx: CallContext) -> ContactmomentenResult:
        """The klantcontacten the person was betrokkene in, newest first.

        No `ordering`: Open Klant 2.x answers 400 to it. The server's own order
        (newest first) is not relied on either: the contacts are sorted here.
        """
        sleutel = Sleutel.persoon(bsn) if isinstance(bsn, str) else bsn
        page = await self.upstream.paginate(
            "klantcontacten",
            ctx,
            params={
                "hadBetrokkene__wasPartij__partijIdentificator__codeSoortObjectId": sleutel.soort,
                "hadBetrokkene__wasPartij__partijIdentificator__objectId": sleutel.value,
                "expand": KLANTCONTACT_EXPAND,
            },
            max_pages=self.max_pages,
        )
        found: list[Contactmoment] = []
        for raw in page.results:
            betrokkenen = _persons_betrokkenen(raw, sleutel.value, sleutel.soort)
            if betrokkenen is not None:
                found.append(self._contact(raw, betrokkenen))
        found.sort(key=_instant, reverse=True)
        return ContactmomentenResult(found, afgekapt=page.afgekapt)

    def _partij(self, raw: dict[str, Any]) -> Partij:
        voorkeur = raw.get("voorkeursDigitaalAdres")
        emailadressen: list[Emailadres] = []
        telefoonnummers: list[Telefoonnummer] = []
        # Not expanded (a deviating server) reads as "no addresses", not as an error.
        for adres in _expanded_list(raw, "digitaleAdressen") or []:
            waarde = _text(adres, "adres")
            if waarde is None:
                continue
            standaard = adres.get("isStandaardAdres") is True or _same_resource(adres, voorkeur)
            soort = adres.get("soortDigitaalAdres")
            if soort == "email":
                emailadressen.append(
                    {"adres": waarde, "bron": self.upstream.naam, "isStandaard": standaard}
                )
            elif soort == "telefoonnummer":
                telefoonnummers.append(
                    {"nummer": waarde, "bron": self.upstream.naam, "isStandaard": standaard}
                )
            # `overig` (a website, a social media handle) has no place in the contact model.
        # The standard address first (a stable sort): a frontend that shows one shows it.
        emailadressen.sort(key=lambda item: not item["isStandaard"])
        telefoonnummers.sort(key=lambda item: not item["isStandaard"])
        return {
            "bron": self.upstream.naam,
            "url": _url(raw),
            "uuid": _text(raw, "uuid"),
            "indicatieGeheimhouding": _flag(raw, "indicatieGeheimhouding"),
            "indicatieActief": _flag(raw, "indicatieActief"),
            "voorkeurstaal": _text(raw, "voorkeurstaal"),
            "emailadressen": emailadressen,
            "telefoonnummers": telefoonnummers,
        }

    def _contact(self, raw: dict[str, Any], betrokkenen: list[dict[str, Any]]) -> Contactmoment:
        initiatiefnemer = None  # betrokkenen not expanded: who started it is unknown
        if betrokkenen:
            initiator = any(betrokkene.get("initiator") is True for betrokkene in betrokkenen)
            initiatiefnemer = "klant" if initiator else "gemeente"
        vertrouwelijk = raw.get("vertrouwelijk")
        return {
            "bron": self.upstream.naam,
            "url": _url(raw),
            "datum": _text(raw, "plaatsgevondenOp"),
            "kanaal": _text(raw, "kanaal"),
            "onderwerp": _text(raw, "onderwerp"),
            "tekst": _text(raw, "inhoud"),
            "initiatiefnemer": initiatiefnemer,
            # A required secrecy flag that is missing is read as secret, not as public.
            "vertrouwelijk": vertrouwelijk if isinstance(vertrouwelijk, bool) else True,
            "gelukt": _flag(raw, "indicatieContactGelukt"),
            "zaakVerwijzingen": _zaak_verwijzingen(raw),
            "openstaandeVragen": _openstaande_vragen(raw),
        }


def _persons_betrokkenen(
    raw: dict[str, Any], bsn: str, soort: str = "bsn"
) -> list[dict[str, Any]] | None:
    """This person's betrokkenen in a klantcontact; None when the person is not one of them.

    A betrokkene is the person when its expanded `wasPartij` carries the BSN
    among its `partijIdentificatoren`. Where the register expanded neither the
    partij nor its identificatoren, the BSN cannot be checked and the server's
    BSN filter is taken on trust: those betrokkenen count as the person's only
    when none is proven. An empty list means the betrokkenen were not expanded
    at all; the contact is then kept on the server's filter alone.
    """
    betrokkenen = _expanded_list(raw, "hadBetrokkenen")
    if betrokkenen is None:
        return []
    proven: list[dict[str, Any]] = []
    unverifiable: list[dict[str, Any]] = []
    for betrokkene in betrokkenen:
        verdict = _is_person(betrokkene, bsn, soort)
        if verdict is True:
            proven.append(betrokkene)
        elif verdict is None:
            unverifiable.append(betrokkene)
    return proven or unverifiable or None


def _is_person(betrokkene: dict[str, Any], bsn: str, soort: str = "bsn") -> bool | None:
    """Whether a betrokkene was the person's partij: True, False, or None (cannot tell)."""
    partij = _expanded_one(betrokkene, "wasPartij")
    if partij is not None:
        identificatoren = _identificatoren(partij)
        if identificatoren is not None:
            return _has_bsn(identificatoren, bsn, soort)
    if betrokkene.get("wasPartij") is None:
        return False  # a betrokkene without a partij (a contactnaam only) is nobody's
    return None


def _identificatoren(partij: dict[str, Any]) -> list[dict[str, Any]] | None:
    """A partij's `partijIdentificatoren`; None when the answer does not carry them."""
    value = partij.get("partijIdentificatoren")
    if value is None:
        return None
    return _objects(value)


def _has_bsn(identificatoren: list[dict[str, Any]] | None, bsn: str, soort: str = "bsn") -> bool:
    """Whether one identificator is (soort, value): a BSN, a kvk_nummer, a vestigingsnummer."""
    for identificator in identificatoren or []:
        groep = identificator.get("partijIdentificator")
        if (
            isinstance(groep, dict)
            and groep.get("codeSoortObjectId") == soort
            and groep.get("objectId") == bsn
        ):
            return True
    return False


def _zaak_verwijzingen(raw: dict[str, Any]) -> list[str]:
    """The zaken a klantcontact was about, as UUID or URL, whichever the register holds.

    `codeObjecttype` is a free string (`zaak`, `Zaak`, …) per deployment. An
    `objectId` in another form (a zaaknummer) cannot be matched to a zaak in
    the view and is left out.
    """
    verwijzingen: list[str] = []
    for onderwerpobject in _expanded_list(raw, "gingOverOnderwerpobjecten") or []:
        identificator = onderwerpobject.get("onderwerpobjectidentificator")
        if not isinstance(identificator, dict):
            continue
        soort = identificator.get("codeObjecttype")
        if not isinstance(soort, str) or soort.strip().casefold() != "zaak":
            continue
        object_id = _text(identificator, "objectId")
        if object_id is None:
            continue
        object_id = object_id.strip()
        if _UUID.match(object_id):
            verwijzingen.append(object_id.lower())
        elif object_id.startswith(("https://", "http://")):
            verwijzingen.append(object_id)
    return list(dict.fromkeys(verwijzingen))


def _openstaande_vragen(raw: dict[str, Any]) -> list[OpenstaandeVraag]:
    vragen: list[OpenstaandeVraag] = []
    for taak in _expanded_list(raw, "leiddeTotInterneTaken") or []:
        status = _text(taak, "status")
        if status == "verwerkt":
            continue
        vragen.append(
            {
                # `nummer` is deprecated in favour of `referentienummer`; older data has only it.
                "nummer": _text(taak, "referentienummer") or _text(taak, "nummer"),
                "gevraagdeHandeling": _text(taak, "gevraagdeHandeling"),
                "toelichting": _text(taak, "toelichting"),
                "status": status,
                "toegewezenOp": _text(taak, "toegewezenOp"),
            }
        )
    return vragen


def _expand(raw: dict[str, Any]) -> dict[str, Any]:
    expand = raw.get("_expand")
    if expand is None:
        return {}  # nothing asked could be expanded, or a server that leaves it out
    if not isinstance(expand, dict):
        raise _ongeldige_vorm()
    return expand


def _expanded_list(raw: dict[str, Any], name: str) -> list[dict[str, Any]] | None:
    """`_expand[name]` as a list of objects; None when the register did not expand it."""
    value = _expand(raw).get(name)
    return None if value is None else _objects(value)


def _expanded_one(raw: dict[str, Any], name: str) -> dict[str, Any] | None:
    value = _expand(raw).get(name)
    if value is not None and not isinstance(value, dict):
        raise _ongeldige_vorm()
    return value


def _objects(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise _ongeldige_vorm()
    return value


def _same_resource(adres: dict[str, Any], reference: Any) -> bool:
    """Whether a digitaal adres is the one a `{uuid, url}` reference points at."""
    if not isinstance(reference, dict):
        return False
    for key in ("uuid", "url"):
        mine, theirs = _text(adres, key), _text(reference, key)
        if mine is not None and theirs is not None:
            return mine == theirs
    return False


def _url(raw: dict[str, Any]) -> str:
    url = _text(raw, "url")
    if url is None:
        raise _ongeldige_vorm()
    return url


def _text(raw: dict[str, Any], key: str) -> str | None:
    # Open Klant sends "" for a field never filled in: that is "unknown", not a value.
    value = raw.get(key)
    return value if isinstance(value, str) and value else None


def _flag(raw: dict[str, Any], key: str) -> bool | None:
    value = raw.get(key)
    return value if isinstance(value, bool) else None


def _ongeldige_vorm() -> UpstreamError:
    return UpstreamError(
        "Het register gaf een antwoord in een onbekende vorm.", code="ongeldige-vorm"
    )


def _instant(contact: Contactmoment) -> datetime:
    # Compare instants, not strings: "…+01:00" and "…Z" do not sort as text.
    # A contact without a readable moment goes last.
    try:
        when = datetime.fromisoformat(contact["datum"] or "")
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


class KlantinteractiesSource:
    """One Klantinteracties register: the partij (contact details) and the klantcontacten.

    Both are found by BSN, so there is no chain: each is asked at once, and only
    when the plan wants what it holds.
    """

    def __init__(self, connector: KlantinteractiesConnector) -> None:
        self.connector = connector

    async def fetch(self, query: SourceQuery, ctx: CallContext) -> Contribution | None:
        bsn = Sleutel.of(query.subject)
        wants_partij = any(query.wants(f"klant.{name}") for name in KLANT_CONTACTGEGEVENS)
        try:
            async with asyncio.TaskGroup() as group:
                partij = (
                    group.create_task(self.connector.partij(bsn, ctx)) if wants_partij else None
                )
                contacten = (
                    group.create_task(self.connector.klantcontacten(bsn, ctx))
                    if query.wants("contactmomenten")
                    else None
                )
        except ExceptionGroup as failures:
            raise first_upstream_error(failures) from None
        partijen = partij.result() if partij else PartijResult([])
        found = contacten.result() if contacten else ContactmomentenResult([])
        if not partijen.partijen and not found.contactmomenten:
            return None
        return Contribution(
            contactgegevens=[_contactgegevens(p) for p in partijen.partijen],
            contactmomenten=found.contactmomenten,
            afgekapt=partijen.afgekapt or found.afgekapt,
            resultaat=(partijen, found),
        )


def _contactgegevens(partij: Partij) -> Contactgegevens:
    return {
        "bron": partij["bron"],
        # The standard: details of an inactive partij are not to be used.
        "actief": partij.get("indicatieActief") is not False,
        "emailadressen": list(partij.get("emailadressen", [])),
        "telefoonnummers": list(partij.get("telefoonnummers", [])),
        "voorkeurstaal": partij.get("voorkeurstaal"),
        "indicatieGeheimhouding": bool(partij.get("indicatieGeheimhouding")),
    }


def _connect(settings: Any, upstream: Upstream, wiring: Wiring) -> KlantinteractiesSource:
    return KlantinteractiesSource(KlantinteractiesConnector(upstream, max_pages=settings.max_pages))


SOURCE = SourceKind(
    soort="klantinteracties",
    titel="Klantinteracties API (Open Klant 2.x)",
    label="Klantinteracties",
    connect=_connect,
    identifiers=frozenset({BURGERSERVICENUMMER, KVK_NUMMER}),
    paths=(*(f"klant.{name}" for name in KLANT_CONTACTGEGEVENS), "contactmomenten"),
    # Of a contact or an address migrated and seen twice, the Klantinteracties copy stays.
    voorrang=1,
    config_keys={"max_pages": 10},
)
