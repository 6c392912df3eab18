"""The optional VNG Verwerkingenlogging sink: one verwerkingsactie per klantbeeld.

Write API 0.9.0 (`specs/verwerkingenlogging.yaml`, UPSTREAMS §6): `POST
{base}/verwerkingsacties` with a ZGW HS256 JWT, confirmed by a 201. The
register is built around the BSN (`soortObjectId` "BSN", `objectId` the
number); this façade never sends it. The person is named by the first 32 hex
characters of the keyed pseudonym the processing span already carries, under
a `soortObjectId` that says so. Before anything leaves, the body is searched
for a nine-digit number that passes the elfproef: a record is refused, never
leaked.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
from opentelemetry.sdk.trace import ReadableSpan

from connectors.auth import ZgwJwtAuth
from connectors.context import CallContext
from facade.bsn import passes_elfproef
from facade.protocollering import attributes as attr
from facade.protocollering.sink import AUDIT_SPAN, PERSON_SPAN, PROCESSING_SPAN, SinkError

ACTIE_NAAM = "Klantbeeld opvragen"
# A klantbeeld a registered consent widened: the register has no field for the consent's
# URL, so the actie says it, and the inzage (which returns actieNaam) shows it.
TOESTEMMING_ACTIE_NAAM = "Klantbeeld opvragen met toestemming van de betrokkene"
ZOEK_ACTIE_NAAM = "Personen zoeken"  # a search (klantbeeld.handeling = zoeken)
# The soort of identifier in `objectId`: a truncated HMAC pseudonym of the BSN.
# The spec leaves `soortObjectId` a free string (example "BSN", no enum), so
# nothing forces "BSN" — which would be a lie about what `objectId` holds. The
# key id follows the colon: the pseudonym means something only under its key,
# and the privacy officer looks a person up per key (`Pseudonymizer.all_pseudonyms`).
SOORT_OBJECT_ID = "BSN-pseudoniem"
KVK_SOORT_OBJECT_ID = "KvK-nummer-pseudoniem"  # an ondernemer: HMAC("KVK:"+kvkNummer)
# Twenty years: what the BRP keeps its own protocol of a verstrekking, and every
# klantbeeld holds BRP data. A municipality with a shorter selectielijst-term
# configures it; the register may also take it from the verwerkingsactiviteit.
DEFAULT_BEWAARTERMIJN = "P20Y"
OBJECTTYPE = "persoon"  # the write and inzage specs' enum holds nothing else

MAX_STRING = 242  # every string field in the spec
MAX_IDENTIFICATOR = 40  # `gebruiker`, `objectId`
MAX_URL = 2042
PSEUDONYM_CHARS = 32  # 128 bits: collision-free in practice, and fits `objectId`

_OIN = re.compile(r"[0-9]{20}")
_DURATION = re.compile(r"P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?")
# An HMAC-SHA256 hexdigest (64) or at least the part of it we send; anything
# else in `dpl.core.data_subject_id` is a bug upstream, maybe a BSN.
_PSEUDONYM = re.compile(r"[0-9a-f]{32,}")
_NINE_DIGITS = re.compile(r"(?<![0-9])[0-9]{9}(?![0-9])")
# Fields whose values are checked for their shape before they are sent: a
# lowercase-hex pseudonym and a canonical UUID. Nine of their hex digits pass
# the elfproef by chance for about 1 in 200 pseudonyms; that is no BSN, and
# refusing them would fail one request in 200.
_SHAPE_CHECKED = frozenset({"objectId", "verwerkingsactiviteitId"})
# What of an error answer an operator may see: codes and field names, never
# `reason`/`detail`, which may echo the values sent.
_SAFE_CODE = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]{0,63}")
_DIGITS_RUN = re.compile(r"[0-9]{2,}")


class VerwerkingenloggingSink:
    name = "verwerkingenlogging"

    def __init__(
        self,
        base_url: str,
        client: httpx.AsyncClient,
        auth: ZgwJwtAuth,
        *,
        uitvoerder: str,
        bewaartermijn: str = DEFAULT_BEWAARTERMIJN,
        systeem: str = "klantbeeld-facade",
    ) -> None:
        if not _OIN.fullmatch(uitvoerder):
            raise ValueError("uitvoerder must be an OIN of 20 digits")
        if not _DURATION.fullmatch(bewaartermijn):
            raise ValueError("bewaartermijn must be an ISO 8601 duration such as P20Y")
        self._url = base_url.rstrip("/") + "/verwerkingsacties"
        self._client = client
        self._auth = auth
        self._uitvoerder = uitvoerder
        self._bewaartermijn = bewaartermijn
        self._systeem = _cut(systeem, MAX_STRING)
        self._ready = True

    async def write(self, spans: Sequence[ReadableSpan]) -> None:
        if _later_record(spans):
            # A correction or a stream's completion: the register holds one verwerkingsactie
            # per processing and its PATCH changes only bewaartermijn and vertrouwelijkheid,
            # so what a later record adds (delivered fields, the real status) has no place
            # there. The actie itself did happen; the later record is confirmed as kept.
            self._ready = True
            return
        processing = _only(spans, PROCESSING_SPAN)
        audit = _only(spans, AUDIT_SPAN)
        subject = _text(audit.attributes, attr.CALLER_SUBJECT)
        body = self._verwerkingsactie(processing, audit, subject)
        # A search: each person it received is a verwerkt object of the one actie.
        soorten = _categorieen(processing.attributes)
        for person in (span for span in spans if span.name == PERSON_SPAN):
            body["verwerkteObjecten"].extend(_verwerkte_objecten(person.attributes, soorten))
        # The subject also travels in the JWT (`user_id`), uncut.
        _refuse_bsn({"user_id": subject, **body})
        headers = self._auth.headers(CallContext(gebruiker=subject))
        try:
            response = await self._client.post(self._url, json=body, headers=headers)
        except httpx.TimeoutException:
            self._ready = False
            raise SinkError("verwerkingenlogging: timeout") from None
        except httpx.HTTPError as exc:
            # The type only: httpx messages may name the URL.
            self._ready = False
            raise SinkError(f"verwerkingenlogging: {type(exc).__name__}") from None
        if response.status_code != 201:
            self._ready = False
            raise SinkError(
                f"verwerkingenlogging answered HTTP {response.status_code}{_error_codes(response)}"
            )
        self._ready = True

    async def ready(self) -> bool:
        # The outcome of the last delivery; a batch refused here (a BSN in it)
        # says nothing about the register, so it does not take the façade out.
        return self._ready

    async def aclose(self) -> None:
        await self._client.aclose()

    def _verwerkingsactie(
        self, processing: ReadableSpan, audit: ReadableSpan, subject: str
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "actieNaam": _actie_naam(audit.attributes or {}),
            "verwerkingNaam": _cut(_text(audit.attributes, attr.DOEL_NAAM), MAX_STRING),
            # Who looked, as the access rule names it (never a person): the inzage shows it.
            "handelingNaam": _cut(_text(processing.attributes, attr.AFNEMER), MAX_STRING),
            "vertrouwelijkheid": "normaal",
            "bewaartermijn": self._bewaartermijn,
            "uitvoerder": self._uitvoerder,
            "systeem": self._systeem,
            "gebruiker": _cut(subject, MAX_IDENTIFICATOR),
            "tijdstip": _rfc3339(processing.start_time),
            "verwerkteObjecten": _verwerkte_objecten(
                processing.attributes, _categorieen(processing.attributes)
            ),
        }
        body.update(
            _verwerkingsactiviteit(_text(processing.attributes, attr.PROCESSING_ACTIVITY_ID))
        )
        return {k: v for k, v in body.items() if v != ""}


def _actie_naam(audit: Mapping[str, Any]) -> str:
    if audit.get(attr.HANDELING) == "zoeken":
        return ZOEK_ACTIE_NAAM
    return TOESTEMMING_ACTIE_NAAM if audit.get(attr.TOESTEMMING) else ACTIE_NAAM


def _later_record(spans: Sequence[ReadableSpan]) -> bool:
    """Only audit spans that each correct an earlier record of their processing."""
    return bool(spans) and all(
        span.name == AUDIT_SPAN and (span.attributes or {}).get(attr.CORRECTION_OF)
        for span in spans
    )


def _only(spans: Sequence[ReadableSpan], name: str) -> ReadableSpan:
    found = [span for span in spans if span.name == name]
    if len(found) != 1:
        raise SinkError(f"verwerkingenlogging: batch has {len(found)} '{name}' spans, expected 1")
    return found[0]


def _text(attributes: Mapping[str, Any] | None, key: str) -> str:
    value = (attributes or {}).get(key)
    return value if isinstance(value, str) else ""


def _cut(value: str, limit: int) -> str:
    return value[:limit]


def _rfc3339(nanos: int | None) -> str:
    if nanos is None:
        raise SinkError("verwerkingenlogging: processing span has no start time")
    seconds, rest = divmod(nanos, 1_000_000_000)
    moment = datetime.fromtimestamp(seconds, tz=UTC).replace(microsecond=rest // 1000)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _categorieen(attributes: Mapping[str, Any] | None) -> list[dict[str, str]]:
    """`verwerkteSoortenGegevens`: the categories the doel may deliver, in plain Dutch."""
    found = (attributes or {}).get(attr.CATEGORIEEN) or ()
    return [{"soortGegeven": _cut(c, MAX_STRING)} for c in found if isinstance(c, str) and c]


def _verwerkte_objecten(
    attributes: Mapping[str, Any] | None, soorten: list[dict[str, str]] | None = None
) -> list[dict[str, Any]]:
    pseudonym = _text(attributes, attr.DATA_SUBJECT_ID)
    if not pseudonym:
        # A request refused before a valid BSN was known: the actie happened, no
        # person was processed. The spec requires the array, not an entry in it.
        return []
    if not _PSEUDONYM.fullmatch(pseudonym):
        raise SinkError("verwerkingenlogging: data subject id is not a hex pseudonym; not sent")
    key_id = _text(attributes, attr.DATA_SUBJECT_KEY_ID)
    ondernemer = _text(attributes, attr.DATA_SUBJECT_ID_TYPE) == "KvK-nummer"
    base = KVK_SOORT_OBJECT_ID if ondernemer else SOORT_OBJECT_ID
    soort = f"{base}:{key_id}" if key_id else base
    verwerkt: dict[str, Any] = {
        # The spec's only objecttype: a business is a (niet-natuurlijk) persoon too; what
        # kind of number the pseudonym stands for is in `soortObjectId`.
        "objecttype": OBJECTTYPE,
        "soortObjectId": _cut(soort, MAX_STRING),
        "objectId": pseudonym[:PSEUDONYM_CHARS],
    }
    if soorten:
        verwerkt["verwerkteSoortenGegevens"] = soorten
    return [verwerkt]


def _verwerkingsactiviteit(value: str) -> dict[str, str]:
    """`verwerkingsactiviteitId` for a UUID; `…Url` for a URL, plus the Id when it ends in one.

    The read API filters on the Id only, so a URL that names its UUID gives both.
    Anything else fits neither field and is left out: the spec does not require it.
    """
    as_uuid = _uuid(value)
    if as_uuid:
        return {"verwerkingsactiviteitId": as_uuid}
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(value) > MAX_URL:
        return {}
    found = {"verwerkingsactiviteitUrl": value}
    last = _uuid(parts.path.rstrip("/").rsplit("/", 1)[-1])
    if last:
        found["verwerkingsactiviteitId"] = last
    return found


def _uuid(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return ""


def _refuse_bsn(fields: Mapping[str, Any], path: str = "") -> None:
    """SinkError if a value holds a nine-digit number that passes the elfproef.

    The error names the field, never the value.
    """
    for key, value in fields.items():
        where = f"{path}.{key}" if path else key
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, Mapping):
                _refuse_bsn(item, where)
            elif isinstance(item, str) and key not in _SHAPE_CHECKED and _bsn_like(item):
                raise SinkError(f"verwerkingenlogging: {where} looks like a BSN; record not sent")


def _bsn_like(text: str) -> bool:
    return any(passes_elfproef(m.group()) for m in _NINE_DIGITS.finditer(text))


def _error_codes(response: httpx.Response) -> str:
    """The `code` of a ZGW error and the names of its invalidParams, if they look like codes."""
    try:
        fout = response.json()
    except ValueError:
        return ""
    if not isinstance(fout, dict):
        return ""
    code = fout.get("code")
    shown = [code] if isinstance(code, str) and _safe(code) else []
    params = fout.get("invalidParams")
    if isinstance(params, list):
        shown += [
            f"{p['name']}={p['code']}"
            for p in params
            if isinstance(p, dict) and _safe(p.get("name")) and _safe(p.get("code"))
        ]
    return f" ({', '.join(shown[:10])})" if shown else ""


def _safe(value: object) -> bool:
    # No runs of digits: a code never needs them and a BSN is nothing else.
    return (
        isinstance(value, str)
        and bool(_SAFE_CODE.fullmatch(value))
        and not _DIGITS_RUN.search(value)
    )
