"""The test transport: the same seam on an `httpx.AsyncClient`.

Tests hand it a client on respx's router (`httpx.MockTransport(router.async_handler)`)
or on an ASGI app, so a connector's traffic is asserted request by request
without a server. It passes the same wire tests as the production transport.
"""

from __future__ import annotations

import httpx

from connectors.transport import (
    ClosingTransport,
    Request,
    Response,
    TransportError,
    read_capped,
)


class HttpxTransport(ClosingTransport):
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def send(self, request: Request, *, max_bytes: int) -> Response:
        try:
            outgoing = httpx.Request(
                request.method,
                request.url,
                # httpx refuses a non-ASCII str; UTF-8 bytes are what aiohttp sends too.
                headers=[
                    (name, value if value.isascii() else value.encode())
                    for name, value in request.headers.items()
                ],
                content=request.content,
            )
            response = await self.client.send(outgoing, stream=True, follow_redirects=False)
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise _transport_error(exc, during_body=False) from None
        try:
            body = await read_capped(
                response.headers.get("content-length"), response.aiter_bytes(), max_bytes
            )
        except httpx.HTTPError as exc:
            raise _transport_error(exc, during_body=True) from None
        finally:
            await response.aclose()
        return Response(response.status_code, response.headers, body)

    async def aclose(self) -> None:
        await self.client.aclose()


def _transport_error(exc: Exception, *, during_body: bool) -> TransportError:
    # `from None` at the raise: httpx's messages may quote the URL and its query.
    return TransportError(
        timed_out=isinstance(exc, httpx.TimeoutException), during_body=during_body
    )
