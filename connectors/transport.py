"""The seam between the connectors and an HTTP client: the project's own request and response.

Connectors build a `Request` (method, URL, headers, bytes) and get a `Response`
(status, headers, bytes) back from a `Transport`, in the spirit of httpx's
`AsyncBaseTransport`: nothing above this line knows which client library sends
it. Two transports exist, checked by the same byte-level wire tests
(`tests/connectors/test_transports.py`):

- `connectors.aiohttp_transport.AiohttpTransport`, production: measured the
  fastest under fan-out and after overload (README, "Snelheid");
- `connectors.httpx_transport.HttpxTransport`, for tests: an `httpx.AsyncClient`
  on respx's router, `httpx.MockTransport` or an ASGI app.

A transport reads the body itself, up to `max_bytes`, and says what went wrong
with its own three errors, whose messages name neither the URL nor the query
(both may hold a BSN).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol, Self


@dataclass(slots=True)
class Request:
    """One request as it goes on the wire: the URL absolute and its query encoded.

    Header values are text; a transport sends a non-ASCII value (a user's name
    in a BRP protocollering header) as UTF-8, as the BRP gateways read it.
    """

    method: str
    url: str
    headers: dict[str, str]
    content: bytes | None = None


@dataclass(frozen=True, slots=True)
class Response:
    """The register's answer: status, headers (looked up case-insensitively) and the body."""

    status: int
    headers: Mapping[str, str]
    content: bytes


class TransportError(Exception):
    """The register could not be reached, or the connection broke or stalled.

    `timed_out`: no answer within the transport's timeout (a slow or hung
    register), as opposed to one that refused or dropped the connection.
    `during_body`: the status line had arrived; the body was cut off.
    """

    def __init__(self, *, timed_out: bool = False, during_body: bool = False) -> None:
        super().__init__("timeout" if timed_out else "connection")
        self.timed_out = timed_out
        self.during_body = during_body


class ResponseTooLarge(Exception):
    """The body was, or was declared, longer than the caller's `max_bytes`."""


class Transport(Protocol):
    async def send(self, request: Request, *, max_bytes: int) -> Response:
        """Send `request`, read its whole body (at most `max_bytes`), never follow a redirect."""
        ...

    async def aclose(self) -> None: ...


class ClosingTransport:
    """`async with` for a transport: closed on the way out, as an httpx client is."""

    async def aclose(self) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()


async def read_capped(declared: str | None, chunks: AsyncIterator[bytes], max_bytes: int) -> bytes:
    """A body read as a stream and given up at `max_bytes`: one rule for every transport."""
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise ResponseTooLarge
    collected: list[bytes] = []
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        if size > max_bytes:
            raise ResponseTooLarge
        collected.append(chunk)
    return b"".join(collected)
