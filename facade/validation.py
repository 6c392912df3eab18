"""Reading one klantbeeld request, in the order DESIGN.md's status table gives.

Size and content type first (413/415), then everything about the input at once
(400, all problems in one `invalidParams`), then what the caller may do (403).
Authentication (401) happens before any of this.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request

from facade.bsn import bsn_problem, contains_bsn
from facade.callers import Caller
from facade.handles import HandleCodec, OngeldigZoekresultaat, Zoekresultaat
from facade.problems import InvalidParam, Problem, bad_request, forbidden, invalid
from policies import viewpaths
from policies.access import allowed_doelen
from policies.loader import PolicySet
from policies.model import Doel
from policies.plan import forbidden_paths, unknown_paths
from vocabulary.identifiers import BURGERSERVICENUMMER, KVK_NUMMER, Subject

MAX_FIELDS = 200
_HEADER_TEXT = re.compile(r"^[\x20-\x7e\u00a0-\u024f]{1,242}$")


_KVK_NUMMER = re.compile(r"[0-9]{8}")
_VESTIGINGSNUMMER = re.compile(r"[0-9]{12}")
_SUBJECT_KEYS = ("burgerservicenummer", "zoekresultaat", "kvkNummer")


@dataclass(frozen=True)
class KlantbeeldRequest:
    """`bsn` for a person; `kvk_nummer` (and `vestigingsnummer`) for an ondernemer."""

    bsn: str | None
    doel: Doel
    fields: tuple[str, ...] | None
    verwerking: str | None
    gebruiker: str | None
    # Set when the person was named by a search's handle instead of a BSN.
    zoekresultaat: Zoekresultaat | None = None
    kvk_nummer: str | None = field(default=None, repr=False)
    vestigingsnummer: str | None = field(default=None, repr=False)

    @property
    def subject(self) -> Subject:
        if self.kvk_nummer is not None:
            return Subject(KVK_NUMMER, self.kvk_nummer, self.vestigingsnummer)
        assert self.bsn is not None, "a parsed request names a BSN or a kvkNummer"
        return Subject(BURGERSERVICENUMMER, self.bsn)


async def read_body(request: Request, max_bytes: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(max_bytes)
    content_type = request.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() != "application/json":
        raise Problem(
            415,
            "verkeerd-mediatype",
            "Mediatype niet ondersteund.",
            "Stuur de body als application/json.",
        )
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(max_bytes)
        chunks.append(chunk)
    return b"".join(chunks)


def json_object(raw: bytes, params: list[InvalidParam]) -> Any:
    """The body as JSON; a body that is not JSON, or not an object, is noted in `params`."""
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        params.append(invalid("body", "ongeldige-json", "De body is geen geldige JSON."))
        return None
    if not isinstance(body, dict):
        params.append(invalid("body", "geen-object", "De body moet een JSON-object zijn."))
    return body


def parse_request(
    raw: bytes, request: Request, policies: PolicySet, handles: HandleCodec | None = None
) -> KlantbeeldRequest:
    """The request's input, all of it checked at once (400); who may do what comes after."""
    params: list[InvalidParam] = []
    body = json_object(raw, params)
    bsn, fields, zoekresultaat = None, None, None
    kvk_nummer, vestigingsnummer = None, None
    if isinstance(body, dict):
        if set(body) - {*_SUBJECT_KEYS, "vestigingsnummer", "fields"}:
            # Never the key itself: a caller may have put anything there, a BSN too.
            params.append(
                invalid("body", "onbekend-veld", "De body mag alleen burgerservicenummer, "
                        "zoekresultaat of kvkNummer (met vestigingsnummer) en fields bevatten.")
            )  # fmt: skip
        if sum(key in body for key in _SUBJECT_KEYS) > 1:
            params.append(
                invalid("body", "een-van", "Geef precies één van burgerservicenummer, "
                        "zoekresultaat of kvkNummer.")
            )  # fmt: skip
        elif "vestigingsnummer" in body and "kvkNummer" not in body:
            params.append(
                invalid("vestigingsnummer", "zonder-kvknummer", "Een vestigingsnummer hoort "
                        "bij een kvkNummer: geef dat ook.")
            )  # fmt: skip
        elif "kvkNummer" in body:
            kvk_nummer, vestigingsnummer = _ondernemer(body, params)
        elif "zoekresultaat" in body:
            zoekresultaat = _zoekresultaat(body["zoekresultaat"], handles, params)
            bsn = zoekresultaat.bsn if zoekresultaat else None
        elif "burgerservicenummer" not in body:
            params.append(invalid("burgerservicenummer", "verplicht", "Verplicht veld."))
        else:
            reason = bsn_problem(body["burgerservicenummer"])
            if reason:
                params.append(invalid("burgerservicenummer", "ongeldig", reason))
            else:
                bsn = body["burgerservicenummer"]
        tree = viewpaths.ONDERNEMER_VIEW if "kvkNummer" in body else viewpaths.VIEW
        fields = _fields(body.get("fields"), params, tree)

    doel, verwerking, gebruiker = read_headers(request, policies, params)
    if params or (bsn is None and kvk_nummer is None) or doel is None:
        raise bad_request(params)
    return KlantbeeldRequest(
        bsn=bsn,
        doel=doel,
        fields=fields,
        verwerking=verwerking,
        gebruiker=gebruiker,
        zoekresultaat=zoekresultaat,
        kvk_nummer=kvk_nummer,
        vestigingsnummer=vestigingsnummer,
    )


def _ondernemer(body: dict[str, Any], params: list[InvalidParam]) -> tuple[str | None, str | None]:
    """The kvkNummer (8 digits) and the optional vestigingsnummer (12 digits); never quoted."""
    kvk, vestiging = body["kvkNummer"], body.get("vestigingsnummer")
    if not (isinstance(kvk, str) and _KVK_NUMMER.fullmatch(kvk)):
        params.append(
            invalid("kvkNummer", "ongeldig", "Een kvkNummer is een tekst van precies 8 cijfers.")
        )
        kvk = None
    if vestiging is not None and not (
        isinstance(vestiging, str) and _VESTIGINGSNUMMER.fullmatch(vestiging)
    ):
        params.append(
            invalid(
                "vestigingsnummer",
                "ongeldig",
                "Een vestigingsnummer is een tekst van precies 12 cijfers.",
            )
        )
        vestiging = None
    return kvk, vestiging


def read_headers(
    request: Request, policies: PolicySet, params: list[InvalidParam]
) -> tuple[Doel | None, str | None, str | None]:
    """X-Doelbinding (the doel), X-Verwerking and X-Gebruiker; problems go to `params`."""
    doel_id = request.headers.get("x-doelbinding")
    doel = None
    if not doel_id:
        params.append(invalid("X-Doelbinding", "verplicht", "Geef het doel van deze opvraging op."))
    else:
        doel = policies.get(doel_id.strip())
        if doel is None:
            params.append(invalid("X-Doelbinding", "onbekend", "Dit doel bestaat niet."))
    verwerking = _header_text(request, "x-verwerking", params)
    gebruiker = _header_text(request, "x-gebruiker", params)
    # The registers log these values: they name a user or a processing, never a resident.
    if gebruiker is not None and contains_bsn(gebruiker):
        params.append(invalid("X-Gebruiker", "bsn", "X-Gebruiker mag geen BSN bevatten."))
        gebruiker = None
    if verwerking is not None and contains_bsn(verwerking):
        params.append(invalid("X-Verwerking", "bsn", "X-Verwerking mag geen BSN bevatten."))
        verwerking = None
    return doel, verwerking, gebruiker


_HANDLE_PROBLEMS = {
    "ongeldig": "Dit is geen geldig zoekresultaat van deze façade.",
    "verlopen": "Dit zoekresultaat is verlopen; zoek de persoon opnieuw.",
}


def _zoekresultaat(
    value: Any, handles: HandleCodec | None, params: list[InvalidParam]
) -> Zoekresultaat | None:
    if handles is None:
        params.append(
            invalid("zoekresultaat", "niet-ingericht", "Zoeken is op deze façade niet ingericht.")
        )
        return None
    try:
        return handles.read(value)
    except OngeldigZoekresultaat as exc:
        params.append(invalid("zoekresultaat", exc.code, _HANDLE_PROBLEMS[exc.code]))
        return None


def _fields(
    value: Any, params: list[InvalidParam], tree: viewpaths.Tree = viewpaths.VIEW
) -> tuple[str, ...] | None:
    if value is None:
        return None
    if (
        not isinstance(value, list)
        or not value
        or len(value) > MAX_FIELDS
        or not all(isinstance(v, str) for v in value)
    ):
        params.append(
            invalid(
                "fields",
                "ongeldig",
                f"fields moet een lijst van 1 tot {MAX_FIELDS} paden (strings) zijn.",
            )
        )
        return None
    unknown = unknown_paths(value, tree)
    for index, path in enumerate(value):
        if path in unknown:
            params.append(
                invalid(f"fields[{index}]", "onbekend-pad", "Dit pad bestaat niet in de view.")
            )
    return None if unknown else tuple(value)


def _header_text(request: Request, name: str, params: list[InvalidParam]) -> str | None:
    value = request.headers.get(name)
    if value is None:
        return None
    # ASGI headers are bytes, read as latin-1: a UTF-8 name ("Jan Müller") is re-read
    # as UTF-8, so it is not passed on double-encoded.
    with contextlib.suppress(UnicodeError):
        value = value.encode("latin-1").decode("utf-8")
    if not _HEADER_TEXT.match(value):
        title = "-".join(part.capitalize() for part in name.split("-"))
        params.append(invalid(title, "ongeldig", "Maximaal 242 leesbare tekens, niet leeg."))
        return None
    return value


def authorize(caller: Caller, verzoek: KlantbeeldRequest, policies: PolicySet) -> None:
    """403 unless the caller may use the doel, for this BSN, with these fields."""
    doel, bsn, fields = verzoek.doel, verzoek.bsn, verzoek.fields
    if doel.id not in allowed_doelen(policies.toegang, caller.scopes, caller.rollen):
        raise forbidden(f"U mag het doel '{doel.id}' niet gebruiken.")
    found = verzoek.zoekresultaat
    if found is not None and not found.van(caller.issuer, caller.subject, doel.id):
        raise forbidden(
            "Dit zoekresultaat hoort bij een andere aanvrager of een ander doel; "
            "zoek de persoon opnieuw onder dit doel."
        )
    if verzoek.kvk_nummer is not None:
        if doel.ondernemer is None:
            raise forbidden(
                f"Het doel '{doel.id}' is niet bedoeld voor ondernemers: het noemt geen "
                "velden voor een kvkNummer."
            )
        if doel.zelfbediening and (
            caller.kvk_nummer is None or caller.kvk_nummer != verzoek.kvk_nummer
        ):
            raise forbidden(
                f"Met het doel '{doel.id}' kunt u alleen de gegevens van uw eigen onderneming "
                "opvragen."
            )
        doel = doel.ondernemer
    elif not doel.velden:
        raise forbidden(
            f"Het doel '{doel.id}' is alleen voor ondernemers: geef een kvkNummer, geen persoon."
        )
    elif doel.zelfbediening and (caller.bsn is None or caller.bsn != bsn):
        raise forbidden(f"Met het doel '{doel.id}' kunt u alleen uw eigen gegevens opvragen.")
    if fields:
        denied = forbidden_paths(doel, fields)
        if denied:
            raise forbidden(
                f"Het doel '{doel.id}' staat niet alle gevraagde velden toe.",
                [
                    invalid(f"fields[{i}]", "niet-toegestaan", "Dit doel staat dit pad niet toe.")
                    for i, path in enumerate(fields)
                    if path in denied
                ],
            )


def _too_large(max_bytes: int) -> Problem:
    return Problem(
        413,
        "te-groot",
        "Verzoek te groot.",
        f"De body mag hoogstens {max_bytes} bytes zijn.",
    )
