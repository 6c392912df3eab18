"""`Upstream`: one register, and how every connector reads it safely.

A call goes: the request built here (URL, query, headers, auth) → the breaker
and the one retry (`connectors/retry.py`) → a CLIENT span with the trace
context (`connectors/tracing.py`) → the transport (`connectors/transport.py`:
aiohttp in production, httpx in tests) → the answer decoded
(`connectors/decoding.py`). Lists are paged by `connectors/pagination.py`.

Everything an upstream can do wrong ends as an `UpstreamError` with a message
that names neither the URL nor the query (both may hold a BSN).
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Mapping
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from opentelemetry.trace import Tracer

from connectors.auth import NoAuth, UpstreamAuth
from connectors.breaker import CircuitBreaker
from connectors.context import CallContext
from connectors.decoding import decode
from connectors.errors import UpstreamError, UpstreamTimeout
from connectors.pagination import Page, pages
from connectors.retry import call_with_retry
from connectors.tracing import inject_trace_context, record_status, upstream_span
from connectors.transport import Request, Response, ResponseTooLarge, Transport, TransportError

__all__ = ["DEFAULT_MAX_RESPONSE_BYTES", "Page", "Upstream"]

DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024
USER_AGENT = "klantbeeld-facade"

Params = Mapping[str, str | int | list[str]]
Headers = Mapping[str, str]

# What every request says, whichever transport sends it.
_BASE_HEADERS = {
    "Accept": "application/json",
    "Accept-Encoding": "gzip, deflate",
    "User-Agent": USER_AGENT,
}

# Every character that may stand in a URL as it is, `%` of an existing escape included.
_URL_SAFE = "!#$%&'()*+,/:;=?@[]~"


class Upstream:
    """One register: where it lives, how to authenticate, and how to read it safely."""

    def __init__(
        self,
        *,
        naam: str,
        base_url: str,
        transport: Transport,
        auth: UpstreamAuth | None = None,
        headers: Headers | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        tracer: Tracer | None = None,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self.naam = naam
        self.base_url = base_url.rstrip("/")
        self.transport = transport
        self.auth: UpstreamAuth = auth or NoAuth()
        self._headers = _by_name(_BASE_HEADERS, headers or {})
        self.max_response_bytes = max_response_bytes
        # None: ordinary tracing is off, and a call costs no span at all.
        self.tracer = tracer
        self.breaker = breaker or CircuitBreaker()
        parts = urlsplit(self.base_url)
        self._origin = (parts.scheme, parts.netloc)
        self._origin_prefix = f"{parts.scheme}://{parts.netloc}/"

    def url(self, path: str) -> str:
        """An absolute URL for a path under the base (`/zaken`) or an absolute URL as is."""
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}/{path.lstrip('/')}"

    def owns(self, url: str) -> bool:
        """Whether an absolute URL from a response points into this register."""
        return url.startswith(self.base_url + "/") or url == self.base_url

    def same_server(self, url: str) -> bool:
        """Whether a URL is on this register's server (scheme, host and port)."""
        if url.startswith(self._origin_prefix):
            return True  # the usual case, without parsing the URL
        parts = urlsplit(url)
        return (parts.scheme, parts.netloc) == self._origin

    async def get_json(
        self,
        path: str,
        ctx: CallContext,
        *,
        params: Params | None = None,
        headers: Headers | None = None,
    ) -> Any:
        return await self.request_json("GET", path, ctx, params=params, headers=headers)

    async def post_json(
        self,
        path: str,
        ctx: CallContext,
        body: Any,
        *,
        headers: Headers | None = None,
        idempotent: bool = False,
    ) -> Any:
        """A POST; `idempotent=True` for a query that only reads (BRP Personen): retryable."""
        return await self.request_json(
            "POST", path, ctx, body=body, headers=headers, idempotent=idempotent
        )

    async def request_json(
        self,
        method: str,
        path: str,
        ctx: CallContext,
        *,
        params: Params | None = None,
        body: Any = None,
        headers: Headers | None = None,
        idempotent: bool | None = None,
    ) -> Any:
        url = self.url(path)
        # Credentials go only to the register they belong to; a `next` or a link
        # pointing elsewhere is an upstream fault, not a reason to leak a token.
        if not self.same_server(url):
            raise UpstreamError("Het register verwees naar een andere server.", code="vreemde-url")
        if params:
            url = f"{url}{'&' if '?' in url else '?'}{_query(params)}"
        if not (url.isascii() and url.isprintable() and " " not in url):
            # A `next` link with a space, a line break or a letter outside ASCII:
            # quoted as a browser would, never put on the request line raw.
            url = quote(url, safe=_URL_SAFE)
        content = None if body is None else json.dumps(body).encode()
        layers = (self.auth.headers(ctx), headers or {}, _JSON_BODY if content is not None else {})
        request = Request(method, url, _merged(self._headers, layers), content)
        retryable = method == "GET" if idempotent is None else idempotent
        # No single flight here: an answer about a person is never shared between
        # processings, each makes its own call with its own user and trace context.
        # (Catalogi, which is not personal, shares its calls: connectors/catalogi.py.)
        return await call_with_retry(
            self.breaker, lambda: self._send_once(request), retryable=retryable
        )

    async def _send_once(self, request: Request) -> Any:
        if self.tracer is None:
            inject_trace_context(request)
            response = await self._exchange(request)
            return decode(response.status, response.headers, response.content)
        with upstream_span(self.tracer, self.naam, request) as span:
            # From inside the child span: the register sees this call as its parent.
            inject_trace_context(request)
            response = await self._exchange(request)
            record_status(span, response.status)
            return decode(response.status, response.headers, response.content)

    async def _exchange(self, request: Request) -> Response:
        try:
            return await self.transport.send(request, max_bytes=self.max_response_bytes)
        except TransportError as exc:
            raise _transport_error(exc) from None
        except ResponseTooLarge:
            raise UpstreamError(
                "Het antwoord van het register was te groot.", code="te-groot"
            ) from None

    async def paginate(
        self,
        path: str,
        ctx: CallContext,
        *,
        params: Params | None = None,
        headers: Headers | None = None,
        max_pages: int = 10,
    ) -> Page:
        """All results of a ZGW list: its absolute `next` links followed to the page cap."""
        results: list[dict[str, Any]] = []
        afgekapt = False
        async for page in self.pages(
            path, ctx, params=params, headers=headers, max_pages=max_pages
        ):
            results.extend(page.results)
            afgekapt = afgekapt or page.afgekapt
        return Page(results, afgekapt=afgekapt)

    def pages(
        self,
        path: str,
        ctx: CallContext,
        *,
        params: Params | None = None,
        headers: Headers | None = None,
        max_pages: int = 10,
    ) -> AsyncGenerator[Page, None]:
        """A ZGW list page by page (`connectors/pagination.py`), every page on this register."""

        async def get(url: str, page_params: Params | None) -> Any:
            return await self.get_json(url, ctx, params=page_params, headers=headers)

        return pages(get, path, params, max_pages=max_pages)


def _transport_error(exc: TransportError) -> UpstreamError:
    if exc.timed_out:
        return UpstreamTimeout()
    if exc.during_body:
        return UpstreamError(
            "De verbinding met het register brak af.", code="verbinding", retryable=True
        )
    return UpstreamError("Het register is niet bereikbaar.", code="verbinding", retryable=True)


_JSON_BODY = {"Content-Type": "application/json; charset=utf-8"}


# Headers are merged as HTTP compares names (case-insensitively) and sent as they
# were written: a BRP gateway gets the names it is configured with (`X-DOELBINDING`),
# while a later `accept` still replaces `Accept`.
def _by_name(*layers: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    return {name.lower(): (name, value) for layer in layers for name, value in layer.items()}


def _merged(
    base: Mapping[str, tuple[str, str]], layers: tuple[Mapping[str, str], ...]
) -> dict[str, str]:
    merged = {**base, **_by_name(*layers)}
    return dict(merged.values())


def _query(params: Params) -> str:
    items: list[tuple[str, str]] = []
    for key, value in params.items():
        if isinstance(value, list | tuple):
            items.extend((key, _query_value(v)) for v in value)
        else:
            items.append((key, _query_value(value)))
    return urlencode(items)


def _query_value(value: Any) -> str:
    # As httpx writes query values, which the tests' respx routes were written against.
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return ""
    return str(value)
