"""What a register's answer means: JSON for a 2xx, an `UpstreamError` for anything else.

Only a short machine `code` of an upstream error body survives: its `detail`
texts may quote the request's input, a BSN included.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import orjson

from connectors.errors import UpstreamError

# HAL (the KvK APIs) is JSON too.
JSON_TYPES = ("application/json", "application/problem+json", "application/hal+json")
_SAFE_CODE = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")


def decode(status: int, headers: Mapping[str, str], raw: bytes) -> Any:
    """The JSON body of a 2xx answer; raises the `UpstreamError` that any other answer is."""
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    body: Any = None
    if content_type in JSON_TYPES:
        try:
            # orjson: strict JSON (no NaN, valid UTF-8), and several times stdlib's speed.
            # A UTF-8 byte order mark (some .NET registers write one) is no JSON error.
            body = orjson.loads(raw.removeprefix(b"\xef\xbb\xbf"))
        except ValueError:
            body = None
            if 200 <= status < 300:
                raise UpstreamError(
                    "Het register gaf een ongeldig antwoord (geen JSON).", code="ongeldig-json"
                ) from None
    elif 200 <= status < 300:
        raise UpstreamError(
            "Het register gaf een antwoord van een onverwacht type.", code="ongeldig-type"
        )
    if 200 <= status < 300:
        return body
    error = status_error(status, body)
    error.retry_after = retry_after(headers.get("retry-after"))
    raise error


def status_error(status: int, body: Any) -> UpstreamError:
    code = None
    if isinstance(body, dict) and isinstance(body.get("code"), str):
        code = body["code"] if _SAFE_CODE.match(body["code"]) else None
    elif isinstance(body, dict) and isinstance(body.get("fout"), list) and body["fout"]:
        # The KvK's `fout` body: only its first code, never its `omschrijving`.
        first = body["fout"][0]
        if isinstance(first, dict) and isinstance(first.get("code"), str):
            code = first["code"] if _SAFE_CODE.match(first["code"]) else None
    if status in (401, 403):
        return UpstreamError("Het register weigerde de toegang.", upstream_status=status, code=code)
    if status == 404:
        return UpstreamError("Het register kent dit gegeven niet.", upstream_status=404, code=code)
    if status == 429:
        return UpstreamError(
            "Het register is overbelast.", upstream_status=429, code=code, retryable=True
        )
    if status >= 500:
        return UpstreamError(
            "Het register gaf een serverfout.",
            upstream_status=status,
            code=code,
            retryable=status in (502, 503, 504),
        )
    return UpstreamError("Het register weigerde het verzoek.", upstream_status=status, code=code)


def retry_after(value: str | None) -> float | None:
    """`Retry-After` as seconds: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())
