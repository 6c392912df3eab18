"""The one HTTP layer every connector speaks through.

Connectors use httpx's API; the transport under it is a choice made by
measurement (see README, "Snelheid"): httpx's own async transport costs several
times the CPU per call of aiohttp's and collapsed under concurrent fan-out, so
production clients run on `httpx_aiohttp.AiohttpTransport`. Tests inject respx's
router as the transport instead.

Everything an upstream can do wrong is turned into an `UpstreamError` here, with
a message that names neither the URL nor the query (both may hold a BSN).
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import ssl
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, NoReturn
from urllib.parse import urlencode, urlsplit

import aiohttp
import httpx
from opentelemetry.trace import Tracer
from yarl import URL

from connectors import budget
from connectors.auth import NoAuth, UpstreamAuth
from connectors.breaker import CircuitBreaker
from connectors.context import CallContext
from connectors.errors import UpstreamError, UpstreamTimeout
from connectors.tracing import default_tracer, inject_trace_context, record_status, upstream_span

JSON_TYPES = ("application/json", "application/problem+json")
_SAFE_CODE = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024

Params = Mapping[str, str | int | list[str]]
# Header values are str, or UTF-8 bytes for the rare non-ASCII value (a user's
# name in a BRP protocollering header): httpx refuses to encode non-ASCII str.
Headers = Mapping[str, str | bytes]


@dataclass(frozen=True)
class TlsSettings:
    """Upstream TLS: a private CA bundle and, for BRP production, a client certificate."""

    ca_bundle: str | None = None
    client_cert: str | None = None
    client_key: str | None = None


def make_http_client(
    *,
    tls: TlsSettings | None = None,
    max_connections: int = 100,
    timeout_seconds: float = 10.0,
) -> httpx.AsyncClient:
    """A pooled, kept-alive client for one register, on the aiohttp transport."""
    from httpx_aiohttp import AiohttpTransport

    verify: ssl.SSLContext | bool = True
    if tls is not None and (tls.ca_bundle or tls.client_cert):
        context = ssl.create_default_context(cafile=tls.ca_bundle)
        if tls.client_cert:
            context.load_cert_chain(tls.client_cert, tls.client_key)
        verify = context
    limits = httpx.Limits(
        max_connections=max_connections, max_keepalive_connections=max_connections
    )
    transport = AiohttpTransport(verify=verify, limits=limits)
    return httpx.AsyncClient(transport=transport, timeout=timeout_seconds, trust_env=False)


@dataclass
class Page:
    """All results of a paginated ZGW list, and whether the page cap cut it short."""

    results: list[dict[str, Any]]
    afgekapt: bool = False


class _FastRequest:
    """A request for the direct aiohttp path: what httpx would have sent, byte for byte.

    Duck-types the parts of `httpx.Request` that the span, the trace context and
    single flight read: `method`, `url` (host, port, scheme, path) and `headers`
    (lower-case names, as httpx hands them to aiohttp).
    """

    __slots__ = ("content", "headers", "method", "url")

    def __init__(
        self, method: str, url: URL, headers: dict[str, str], content: bytes | None
    ) -> None:
        self.method = method
        self.url = url
        self.headers = headers
        self.content = content


# URLs the fast path builds itself: exactly those httpx leaves as they are
# (lower-case host, no default port, no dot segments, valid escapes only).
# Anything else goes through httpx, so the URL on the wire never differs.
_PLAIN_URL = re.compile(
    r"^(https?)://([a-z0-9.\-]+)(?::([0-9]{1,5}))?"
    r"((?:/(?:[A-Za-z0-9\-_~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})*)+)"
    r"(\?(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*)?$"
)
_DOT_SEGMENT = re.compile(r"/\.\.?(?:/|$|\?)")
_DEFAULT_PORT = {"http": "80", "https": "443"}
_FAST_CHUNK = 16 * 1024


def _query_value(value: Any) -> str:
    # httpx's primitive_value_to_str.
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return ""
    return str(value)


class Upstream:
    """One register: where it lives, how to authenticate, and how to read it safely."""

    def __init__(
        self,
        *,
        naam: str,
        base_url: str,
        client: httpx.AsyncClient,
        auth: UpstreamAuth | None = None,
        headers: Headers | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        tracer: Tracer | None = None,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self.naam = naam
        self.base_url = base_url.rstrip("/")
        self.client = client
        self.auth: UpstreamAuth = auth or NoAuth()
        self.headers = dict(headers or {})
        self.max_response_bytes = max_response_bytes
        self.tracer = tracer or default_tracer()
        self.breaker = breaker or CircuitBreaker()
        # Identical GETs in flight at the same time share one upstream call.
        parts = urlsplit(self.base_url)
        self._origin = (parts.scheme, parts.netloc)
        # The aiohttp transport under `client`, when requests may skip httpx.
        self._aiohttp_transport: Any = None
        self._fast_checked = False
        self._timeout_key: Any = None
        self._aiohttp_timeout: aiohttp.ClientTimeout | None = None

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
        self._refuse_foreign(url)
        all_headers: dict[str, str | bytes] = {
            "Accept": "application/json",
            **self.headers,
            **self.auth.headers(ctx),
        }
        if headers:
            all_headers.update(headers)
        content = None
        if body is not None:
            content = json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json; charset=utf-8"
        request: httpx.Request | _FastRequest | None = None
        if self._fast_transport() is not None:
            request = self._fast_request(method, url, params, all_headers, content)
        if request is None:
            request = self.client.build_request(
                method, url, params=params, headers=all_headers, content=content
            )
        retryable = method == "GET" if idempotent is None else idempotent
        # No single flight here: an answer about a person is never shared between
        # processings, each makes its own call with its own user and trace context.
        # (Catalogi, which is not personal, shares its calls: connectors/catalogi.py.)
        return await self._resilient(request, retryable)

    def _fast_transport(self) -> Any:
        """The client's aiohttp transport when a request may go to it directly, else None.

        Only for a client whose `send` would add nothing of its own: no auth, no
        event hooks, no cookies, no redirects, no mounts (as `make_http_client`
        builds it). Tests that inject respx or ASGI transports keep httpx.
        """
        client = self.client
        if not self._fast_checked:
            self._fast_checked = True
            try:
                from httpx_aiohttp import AiohttpTransport
            except ImportError:  # pragma: no cover - a dependency
                return None
            transport = getattr(client, "_transport", None)
            if (
                type(transport) is AiohttpTransport
                and not getattr(client, "_mounts", None)
                and transport.proxy is None
                and transport.uds is None
            ):
                self._aiohttp_transport = transport
        transport = self._aiohttp_transport
        if (
            transport is None
            or client.is_closed
            or client.auth is not None
            or client.follow_redirects
            or client.event_hooks["request"]
            or client.event_hooks["response"]
            or client.cookies
        ):
            return None
        return transport

    def _fast_request(
        self,
        method: str,
        url: str,
        params: Params | None,
        headers: dict[str, str | bytes],
        content: bytes | None,
    ) -> _FastRequest | None:
        """The request httpx would build, or None where only httpx knows for sure."""
        match = _PLAIN_URL.match(url)
        if match is None or _DOT_SEGMENT.search(url):
            return None
        scheme, host, port, _path, query = match.groups()
        if port is not None and (port == _DEFAULT_PORT[scheme] or int(port) > 65535):
            return None
        if params:
            if query is not None:
                return None
            items: list[tuple[str, str]] = []
            for key, value in params.items():
                if isinstance(value, list | tuple):
                    items.extend((str(key), _query_value(v)) for v in value)
                else:
                    items.append((str(key), _query_value(value)))
            url = f"{url}?{urlencode(items)}"
        # As httpx: Host first, the client's defaults not overridden, the
        # request's own headers (names lower-cased, as aiohttp receives them).
        own: dict[str, str] = {}
        for name, value in headers.items():
            lowered = name.lower()
            if lowered in own:
                return None  # httpx would join them; rare, leave it to httpx
            if isinstance(value, bytes):
                try:
                    own[lowered] = value.decode("ascii")
                except UnicodeDecodeError:
                    try:
                        own[lowered] = value.decode("utf-8")
                    except UnicodeDecodeError:
                        return None
            elif value.isascii():
                own[lowered] = value
            else:
                return None  # httpx refuses it; let it say so
        merged: dict[str, str] = {"host": host if port is None else f"{host}:{port}"}
        if "host" in own:
            return None
        for name, value in self.client.headers.items():
            if name not in own:
                merged[name] = value
        merged.update(own)
        if "content-length" not in merged and "transfer-encoding" not in merged:
            if content:
                merged["content-length"] = str(len(content))
            elif method in ("POST", "PUT", "PATCH"):
                merged = {"host": merged.pop("host"), "content-length": "0", **merged}
        return _FastRequest(method, URL(url), merged, content or None)

    def _client_timeout(self) -> aiohttp.ClientTimeout:
        # As httpx-aiohttp maps the client's httpx timeout for each request.
        timeout = self.client.timeout
        if self._timeout_key is not timeout or self._aiohttp_timeout is None:
            self._timeout_key = timeout
            self._aiohttp_timeout = aiohttp.ClientTimeout(
                sock_connect=timeout.connect, sock_read=timeout.read, connect=timeout.pool
            )
        return self._aiohttp_timeout

    async def _resilient(self, request: httpx.Request | _FastRequest, retryable: bool) -> Any:
        """Breaker first; then one retry of a retryable failure when the budget allows it."""
        loop = asyncio.get_running_loop()
        for attempt in (1, 2):
            self.breaker.before_call()
            started = loop.time()
            try:
                result = await self._send_once(request)
            except UpstreamError as exc:
                self.breaker.record(exc)
                if attempt == 2 or not retryable or not exc.retryable:
                    raise
                wait = _retry_wait(exc, took=loop.time() - started)
                if wait is None:
                    raise
                await asyncio.sleep(wait)
                continue
            except asyncio.CancelledError:
                if budget.own_deadline_passed():
                    # The register's own deadline expired: a hang is a failure.
                    self.breaker.record(UpstreamTimeout())
                else:
                    self.breaker.abandoned()  # cut by the shared budget or the client
                raise
            except BaseException as exc:
                self.breaker.record(exc)  # any other end also ends a half-open probe
                raise
            self.breaker.record(None)
            return result
        raise AssertionError("unreachable")

    async def _send_once(self, request: httpx.Request | _FastRequest) -> Any:
        if isinstance(request, _FastRequest):
            return await self._send_fast(request)
        with upstream_span(self.tracer, self.naam, request) as span:
            # From inside the child span: the register sees this call as its parent.
            inject_trace_context(request)
            try:
                response = await self.client.send(request, stream=True)
            except httpx.HTTPError as exc:
                # `from None`: httpx/aiohttp messages may quote the URL, query and all.
                raise _transport_error(exc, "Het register is niet bereikbaar.") from None
            record_status(span, response.status_code)
            try:
                raw = await self._read_capped(response)
            finally:
                await response.aclose()
            return self._decode(response.status_code, response.headers, raw)

    async def _send_fast(self, request: _FastRequest) -> Any:
        """`_send_once` straight on the transport's aiohttp session, httpx skipped."""
        transport = self._aiohttp_transport
        if not isinstance(transport.client, aiohttp.ClientSession):
            transport.client = transport.get_client()  # as the transport itself does
        session: aiohttp.ClientSession = transport.client
        span_request: Any = request
        with upstream_span(self.tracer, self.naam, span_request) as span:
            inject_trace_context(span_request)
            try:
                response = await session.request(
                    request.method,
                    request.url,
                    headers=request.headers,
                    data=request.content,
                    allow_redirects=False,
                    auto_decompress=True,  # httpx decodes gzip and deflate itself
                    timeout=self._client_timeout(),
                )
            except aiohttp.ClientError as exc:
                error = _aiohttp_error(exc, "Het register is niet bereikbaar.")
                if error is None:
                    raise
                raise error from None
            try:
                record_status(span, response.status)
                raw = await self._read_capped_fast(response)
            finally:
                response.release()
                await response.wait_for_close()
            return self._decode(response.status, response.headers, raw)

    async def _read_capped_fast(self, response: aiohttp.ClientResponse) -> bytes:
        try:
            return await self._capped(
                response.headers.get("content-length"),
                response.content.iter_chunked(_FAST_CHUNK),
            )
        except aiohttp.ClientError as exc:
            error = _aiohttp_error(exc, "De verbinding met het register brak af.")
            if error is None:
                raise
            raise error from None

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

    async def pages(
        self,
        path: str,
        ctx: CallContext,
        *,
        params: Params | None = None,
        headers: Headers | None = None,
        max_pages: int = 10,
    ) -> AsyncGenerator[Page, None]:
        """Yield a ZGW list page by page, so follow-up calls can start on page one.

        `next` is absolute and keeps the filters, so only the first request
        carries `params`; it must stay on this register (see `_refuse_foreign`).
        The last page yielded has `afgekapt=True` when the cap left a `next`.
        """
        url: str = path
        page_params: Params | None = params
        for number in range(1, max_pages + 1):
            body = await self.get_json(url, ctx, params=page_params, headers=headers)
            if not isinstance(body, dict) or not isinstance(body.get("results"), list):
                raise UpstreamError(
                    "Het register gaf een lijst in een onbekende vorm.", code="ongeldige-vorm"
                )
            results = [r for r in body["results"] if isinstance(r, dict)]
            following = body.get("next") or None
            if following is not None and not isinstance(following, str):
                raise UpstreamError(
                    "Het register gaf een ongeldige vervolgpagina.", code="ongeldige-vorm"
                )
            if following is None:
                yield Page(results)
                return
            yield Page(results, afgekapt=number == max_pages)
            url, page_params = following, None

    def _refuse_foreign(self, url: str) -> None:
        # Credentials go only to the register they belong to; a `next` or a link
        # pointing elsewhere is an upstream fault, not a reason to leak a token.
        if not self.same_server(url):
            raise UpstreamError("Het register verwees naar een andere server.", code="vreemde-url")

    async def _read_capped(self, response: httpx.Response) -> bytes:
        try:
            return await self._capped(
                response.headers.get("content-length"), response.aiter_bytes()
            )
        except httpx.HTTPError as exc:
            raise _transport_error(exc, "De verbinding met het register brak af.") from None

    async def _capped(self, declared: str | None, chunks: AsyncIterator[bytes]) -> bytes:
        """The body, read as a stream and given up at `max_response_bytes`, whichever client."""
        if declared and declared.isdigit() and int(declared) > self.max_response_bytes:
            raise UpstreamError("Het antwoord van het register was te groot.", code="te-groot")
        collected: list[bytes] = []
        size = 0
        async for chunk in chunks:
            size += len(chunk)
            if size > self.max_response_bytes:
                raise UpstreamError("Het antwoord van het register was te groot.", code="te-groot")
            collected.append(chunk)
        return b"".join(collected)

    def _decode(self, status: int, headers: Mapping[str, str], raw: bytes) -> Any:
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        body: Any = None
        if content_type in JSON_TYPES:
            try:
                body = json.loads(raw, parse_constant=_refuse_constant)
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
        error = _status_error(status, body)
        error.retry_after = _retry_after(headers.get("retry-after"))
        raise error


# Jitter for a retry: spread the retries of many requests, stay well inside a budget.
RETRY_JITTER = (0.02, 0.08)


def _retry_wait(error: UpstreamError, took: float) -> float | None:
    """How long to wait before the one retry, or None when it would not fit the budget.

    A retry is worth it only if the budget left holds the wait plus another
    attempt as long as the failed one. A `Retry-After` longer than that means:
    give up now, not at the deadline.
    """
    wait = error.retry_after if error.retry_after is not None else random.uniform(*RETRY_JITTER)
    left = budget.remaining()
    if left is not None and wait + took >= left:
        return None
    return wait


def _retry_after(value: str | None) -> float | None:
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


def _refuse_constant(name: str) -> NoReturn:
    # `NaN` and `Infinity` are not JSON (RFC 8259), though Python reads them;
    # let through, they would fail the façade's own JSON answer later, as a 500.
    raise ValueError("Geen JSON-getal.")


def _transport_error(exc: httpx.HTTPError, title: str) -> UpstreamError:
    """Tell a register that is slow from one that is down or hung up.

    httpx-aiohttp maps every aiohttp `ClientConnectionError` to
    `httpx.ConnectTimeout` — a refused connection (`ClientConnectorError`) and a
    dropped one (`ServerDisconnectedError`) included — so the httpx class alone
    would report a dead register as `timeout`. The aiohttp exception it wraps
    (`__cause__`) says what really happened.
    """
    if isinstance(exc, httpx.TimeoutException) and _really_timed_out(exc):
        return UpstreamTimeout()
    return UpstreamError(title, code="verbinding", retryable=True)


def _aiohttp_error(exc: aiohttp.ClientError, title: str) -> UpstreamError | None:
    """What `_transport_error` makes of this aiohttp error after httpx-aiohttp mapped it.

    None where httpx-aiohttp would not map it either (it then propagates as is).
    """
    from httpx_aiohttp.transport import AIOHTTP_EXC_MAP

    mapped: type[httpx.HTTPError] | None = None
    for from_exc, to_exc in AIOHTTP_EXC_MAP.items():
        if isinstance(exc, from_exc) and (mapped is None or issubclass(to_exc, mapped)):
            mapped = to_exc
    if mapped is None:
        return None
    wrapped = mapped("")
    wrapped.__cause__ = exc
    return _transport_error(wrapped, title)


def _really_timed_out(exc: httpx.TimeoutException) -> bool:
    cause = exc.__cause__
    if isinstance(cause, TimeoutError):  # aiohttp's ServerTimeoutError is one
        return True
    if isinstance(cause, aiohttp.ClientConnectionError | OSError):
        # Refused, reset, unreachable: only an OS-level connect timeout counts.
        return isinstance(getattr(cause, "os_error", None), TimeoutError)
    # No cause, or another transport's own timeout (httpcore): believe httpx.
    return True


def _status_error(status: int, body: Any) -> UpstreamError:
    code = None
    if isinstance(body, dict) and isinstance(body.get("code"), str):
        # Only a short machine code survives: upstream `detail` texts may quote input.
        code = body["code"] if _SAFE_CODE.match(body["code"]) else None
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
