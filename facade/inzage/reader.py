"""Reading one data subject's records from the VNG Verwerkingenlogging inzage API.

`GET {inzage_url}/verwerkte-objecten` (specs/verwerkingenlogging-inzage.yaml) with the
required `objecttype`, `soortObjectId`, `objectId`, `beginDatum` and `eindDatum`, once
per pseudonym key, following the register's absolute `next` links until the period is
read or the cap is reached. The query holds pseudonyms, never a BSN; the errors raised
name no URL (it holds the pseudonym) and no personal data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx

from connectors.auth import ZgwJwtAuth
from connectors.context import CallContext
from facade.protocollering.verwerkingenlogging import (
    KVK_SOORT_OBJECT_ID,
    OBJECTTYPE,
    PSEUDONYM_CHARS,
    SOORT_OBJECT_ID,
)


@dataclass(frozen=True)
class Subject:
    """The data subject under one pseudonym key: the full HMAC hex, as the span carries it."""

    key_id: str
    pseudonym: str = field(repr=False)
    ondernemer: bool = False  # a business (KvK pseudonym), not a person


def verwerkt_object(subject: Subject) -> dict[str, str]:
    """The subject as the Verwerkingenlogging sink names it (its `verwerkteObjecten`)."""
    base = KVK_SOORT_OBJECT_ID if subject.ondernemer else SOORT_OBJECT_ID
    return {
        "objecttype": OBJECTTYPE,
        "soortObjectId": f"{base}:{subject.key_id}",
        "objectId": subject.pseudonym[:PSEUDONYM_CHARS],
    }


@dataclass(frozen=True)
class Found:
    """The records read (VerwerktObjectUitgebreid objects) and whether the cap cut them."""

    records: list[dict[str, Any]]
    afgekapt: bool


class LogboekUnavailable(Exception):
    """The logboek did not answer usably. `timeout` tells a 504 from a 503."""

    def __init__(self, reason: str, *, timeout: bool = False) -> None:
        super().__init__(reason)
        self.timeout = timeout


class InzageReader(Protocol):
    """A logboek the inzage can read back: the records of these subjects in a period."""

    async def read(
        self, subjects: Sequence[Subject], begin: date, eind: date, *, cap: int, who: CallContext
    ) -> Found: ...

    async def aclose(self) -> None: ...


def _about(record: object, subject: Subject) -> bool:
    wanted = verwerkt_object(subject)
    return isinstance(record, dict) and all(
        record.get(key) == wanted[key] for key in ("soortObjectId", "objectId")
    )


class VerwerkingenloggingReader:
    def __init__(self, base_url: str, client: httpx.AsyncClient, auth: ZgwJwtAuth) -> None:
        self._url = base_url.rstrip("/") + "/verwerkte-objecten"
        self._origin = _origin(self._url)
        self._client = client
        self._auth = auth

    async def read(
        self, subjects: Sequence[Subject], begin: date, eind: date, *, cap: int, who: CallContext
    ) -> Found:
        """Every record of these subjects from `begin` up to (not including) `eind`.

        `who` is the user the register's own audit sees (the ZGW JWT's `user_id`)."""
        records: list[dict[str, Any]] = []
        afgekapt = False
        for subject in subjects:
            params = {
                **verwerkt_object(subject),
                "beginDatum": begin.isoformat(),
                "eindDatum": eind.isoformat(),
            }
            url: str | None = self._url
            query: dict[str, str] | None = params
            while url is not None:
                if len(records) >= cap:
                    afgekapt = True
                    break
                page = await self._get(url, query, who)
                results = page.get("results")
                if not isinstance(results, list):
                    raise LogboekUnavailable("the logboek's answer has no results list")
                # The register's filter is not trusted: only this subject's own records.
                own = [r for r in results if _about(r, subject)]
                room = cap - len(records)
                records.extend(own[:room])
                afgekapt = afgekapt or len(own) > room
                url, query = self._next(page.get("next")), None
        return Found(records, afgekapt)

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _get(
        self, url: str, params: dict[str, str] | None, who: CallContext
    ) -> dict[str, Any]:
        headers = {**self._auth.headers(who), "Accept": "application/json"}
        try:
            response = await self._client.get(url, params=params, headers=headers)
        except httpx.TimeoutException:
            raise LogboekUnavailable("timeout", timeout=True) from None
        except httpx.HTTPError as exc:
            # The type only: httpx messages name the URL, and the URL the pseudonym.
            raise LogboekUnavailable(type(exc).__name__) from None
        if response.status_code != 200:
            raise LogboekUnavailable(f"the logboek answered HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            raise LogboekUnavailable("the logboek's answer is not JSON") from None
        if not isinstance(body, dict):
            raise LogboekUnavailable("the logboek's answer is not an object")
        return body

    def _next(self, link: object) -> str | None:
        if not isinstance(link, str) or not link:
            return None
        # Only on to the register we asked: a `next` elsewhere would take the JWT along.
        if _origin(link) != self._origin:
            raise LogboekUnavailable("the logboek's next link points at another host")
        return link


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc
