"""ZGW lists, page by page: absolute `next` links followed up to a page cap."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from connectors.errors import UpstreamError

# A GET of one page: (URL or path, query parameters or None) → the decoded body.
GetPage = Callable[[str, Any], Awaitable[Any]]


@dataclass
class Page:
    """Results of a paginated ZGW list, and whether the page cap cut it short."""

    results: list[dict[str, Any]]
    afgekapt: bool = False


async def pages(
    get: GetPage, path: str, params: Any, *, max_pages: int
) -> AsyncGenerator[Page, None]:
    """Yield a ZGW list page by page, so follow-up calls can start on page one.

    `next` is absolute and keeps the filters, so only the first request carries
    `params`. The last page yielded has `afgekapt=True` when the cap left a `next`.
    """
    url, page_params = path, params
    for number in range(1, max_pages + 1):
        body = await get(url, page_params)
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
