"""Reading one data subject's records from a Logboek Dataverwerkingen "lezen" API.

UNVERIFIED: built against the saved spec only (`specs/logboek-lezen.json`, LDV lezen
1.1.0), never against a running logboek. `POST {url}/processing-activities` with the
flat `dpl.core.*` attributes as filters (`dpl.core.data_subject_id`, `…_type`) and
`startTime`/`endTime` in milliseconds since the epoch; the answer is
`{"processingActivities": [...]}`, without paging. The spec refers to an
`attributes.schema.json` that is not published beside it, so whether a logboek keeps
the façade's own `klantbeeld.afnemer` and `klantbeeld.categorieen` on a span is not
known: without them an entry has no afnemer and no categories. The spec names no
authentication; a configured token is sent as `Authorization: Bearer`.

The records are handed on in the shape the Verwerkingenlogging inzage API gives
(`verwerkingsactie` with `tijdstip`, `actieId`, …), so one function makes the list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time
from typing import Any

import httpx

from connectors.context import CallContext
from facade.inzage.reader import Found, LogboekUnavailable, Subject
from facade.protocollering import attributes as attr
from facade.protocollering.sink import PERSON_SPAN, PROCESSING_SPAN


class LdvReader:
    def __init__(self, base_url: str, client: httpx.AsyncClient, token: str | None) -> None:
        self._url = base_url.rstrip("/") + "/processing-activities"
        self._client = client
        self._headers = {"Accept": "application/json"}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"

    async def read(
        self, subjects: Sequence[Subject], begin: date, eind: date, *, cap: int, who: CallContext
    ) -> Found:
        records: list[dict[str, Any]] = []
        afgekapt = False
        for subject in subjects:
            # In the body, never in a URL: the pseudonym stays out of access logs.
            body = {
                attr.DATA_SUBJECT_ID: subject.pseudonym,
                attr.DATA_SUBJECT_ID_TYPE: "KvK-nummer" if subject.ondernemer else "BSN",
                "startTime": _millis(begin),
                "endTime": _millis(eind),
            }
            found = [
                record
                for activity in await self._post(body)
                if (record := _as_record(activity, subject.pseudonym)) is not None
            ]
            room = cap - len(records)
            records.extend(found[: max(room, 0)])
            afgekapt = afgekapt or len(found) > room
        return Found(records, afgekapt)

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _post(self, body: dict[str, Any]) -> list[Any]:
        try:
            response = await self._client.post(self._url, json=body, headers=self._headers)
        except httpx.TimeoutException:
            raise LogboekUnavailable("timeout", timeout=True) from None
        except httpx.HTTPError as exc:
            raise LogboekUnavailable(type(exc).__name__) from None
        if response.status_code != 200:
            raise LogboekUnavailable(f"the logboek answered HTTP {response.status_code}")
        try:
            activities = response.json().get("processingActivities")
        except (ValueError, AttributeError):
            raise LogboekUnavailable("the logboek's answer is not a JSON object") from None
        if not isinstance(activities, list):
            raise LogboekUnavailable("the logboek's answer has no processingActivities list")
        return activities


def _as_record(activity: object, pseudonym: str) -> dict[str, Any] | None:
    """A façade span about this pseudonym as a Verwerkingenlogging-shaped record; anything
    else (another subject's span: the logboek's filter is not trusted) None."""
    if not isinstance(activity, Mapping) or activity.get("name") not in (
        PROCESSING_SPAN,
        PERSON_SPAN,
    ):
        return None
    attributes = activity.get("attributes")
    attributes = attributes if isinstance(attributes, Mapping) else {}
    if attributes.get(attr.DATA_SUBJECT_ID) != pseudonym:
        return None
    start = activity.get("startTime")
    if not isinstance(start, int):
        return None
    # A search's person span belongs to its parent's processing: one entry for both.
    processing = activity.get("parentSpanId") if activity["name"] == PERSON_SPAN else None
    categorieen = attributes.get(attr.CATEGORIEEN)
    return {
        "verwerkteSoortenGegevens": [
            {"soortGegeven": c} for c in (categorieen or ()) if isinstance(c, str)
        ],
        "verwerkingsactie": {
            "actieId": f"{activity.get('traceId')}/{processing or activity.get('spanId')}",
            "tijdstip": datetime.fromtimestamp(start / 1000, tz=UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "verwerkingsactiviteitUrl": attributes.get(attr.PROCESSING_ACTIVITY_ID),
            "handelingNaam": attributes.get(attr.AFNEMER),
        },
    }


def _millis(day: date) -> int:
    return int(datetime.combine(day, time(0), tzinfo=UTC).timestamp() * 1000)
