"""The production transport: one pooled aiohttp session per register, through aiohttp's public API.

Chosen by measurement (README, "Snelheid"; `bench/transports.py`): httpx's own
async transport spent several times the CPU per call of aiohttp's, collapsed
under concurrent fan-out and once stayed stuck after the overload ended.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass

import aiohttp
from yarl import URL

from connectors.transport import (
    ClosingTransport,
    Request,
    Response,
    TransportError,
    read_capped,
)

CHUNK = 16 * 1024
# How long an idle kept-alive connection is reused (httpx's default, which the
# registers were measured with).
KEEPALIVE_SECONDS = 5.0


@dataclass(frozen=True)
class TlsSettings:
    """Upstream TLS: a private CA bundle and, for BRP production, a client certificate."""

    ca_bundle: str | None = None
    client_cert: str | None = None
    client_key: str | None = None

    def context(self) -> ssl.SSLContext | bool:
        if not (self.ca_bundle or self.client_cert):
            return True  # aiohttp's default verification against the system store
        context = ssl.create_default_context(cafile=self.ca_bundle)
        if self.client_cert:
            context.load_cert_chain(self.client_cert, self.client_key)
        return context


class AiohttpTransport(ClosingTransport):
    """Keep-alive connections to one register, at most `max_connections` at a time.

    `timeout_seconds` bounds connecting (waiting for a pooled connection
    included) and each read; the register's deadline above it bounds the whole call.
    """

    def __init__(
        self,
        *,
        tls: TlsSettings | None = None,
        max_connections: int = 100,
        timeout_seconds: float = 10.0,
    ) -> None:
        self._ssl = (tls or TlsSettings()).context()
        self._max_connections = max_connections
        self._timeout = aiohttp.ClientTimeout(
            total=None,
            connect=timeout_seconds,
            sock_connect=timeout_seconds,
            sock_read=timeout_seconds,
        )
        self._session: aiohttp.ClientSession | None = None

    def _open_session(self) -> aiohttp.ClientSession:
        # Made on first use: an aiohttp session belongs to the running event loop.
        connector = aiohttp.TCPConnector(
            limit=self._max_connections,
            limit_per_host=0,
            keepalive_timeout=KEEPALIVE_SECONDS,
            ssl=self._ssl,
        )
        return aiohttp.ClientSession(
            connector=connector,
            timeout=self._timeout,
            # A register's cookie must never ride along on the next person's request.
            cookie_jar=aiohttp.DummyCookieJar(),
            trust_env=False,
            auto_decompress=True,
        )

    async def send(self, request: Request, *, max_bytes: int) -> Response:
        session = self._session
        if session is None or session.closed:
            session = self._session = self._open_session()
        try:
            response = await session.request(
                request.method,
                # As built (connectors/http.py quoted it): yarl's own quoting would
                # rewrite a valid query (`%2F` to `/`), so the wire would differ from
                # what the httpx transport, and the tests on it, send.
                URL(request.url, encoded=True),
                headers=request.headers,
                data=request.content,
                allow_redirects=False,
            )
        except aiohttp.ClientError as exc:
            raise _transport_error(exc, during_body=False) from None
        except TimeoutError:
            raise TransportError(timed_out=True) from None
        declared = response.headers.get("content-length")
        # The declared length is what arrives on the wire: for a compressed answer
        # that is not what it becomes, so only an uncompressed one is read in one go.
        plain = response.headers.get("content-encoding", "identity").lower() == "identity"
        try:
            if plain and declared and declared.isdigit() and int(declared) <= max_bytes:
                # The usual answer: its length declared and within the cap, read in
                # one go (aiohttp reads no byte past the declared length).
                body = await response.read()
            else:
                body = await read_capped(declared, response.content.iter_chunked(CHUNK), max_bytes)
        except aiohttp.ClientError as exc:
            raise _transport_error(exc, during_body=True) from None
        except TimeoutError:
            raise TransportError(timed_out=True, during_body=True) from None
        finally:
            response.release()
        return Response(response.status, response.headers, body)

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()


def _transport_error(exc: aiohttp.ClientError, *, during_body: bool) -> TransportError:
    """A slow register told apart from one that is down or hung up.

    `from None` at the raise: aiohttp's messages quote the URL, query and all.
    """
    if isinstance(exc, TimeoutError):  # ServerTimeoutError and its kinds
        return TransportError(timed_out=True, during_body=during_body)
    # Refused, reset, unreachable: only an OS-level connect timeout is slowness.
    timed_out = isinstance(getattr(exc, "os_error", None), TimeoutError)
    return TransportError(timed_out=timed_out, during_body=during_body)
