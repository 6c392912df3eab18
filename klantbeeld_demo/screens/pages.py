"""What the demo's pages have in common: their files, read from the package, and the
headers they are served with.

The files are package data (pyproject.toml), found through importlib.resources, so
an installed wheel serves the same bytes as a checkout; nothing is fetched at run time.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from starlette.responses import Response

# A page may load only what the façade itself serves: no inline script, no other
# origin. Inline *styles* are allowed (Swagger UI sets style attributes; they run
# nothing). ApiHeaders adds its own `frame-ancestors 'none'` policy beside this one;
# a browser enforces both, so this only ever narrows what the API's headers allow.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'"
)

_MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
}


@cache
def static_bytes(name: str) -> bytes:
    """`static/<name>` of this package (read once; the files do not change while serving)."""
    return files("klantbeeld_demo.screens").joinpath("static", *name.split("/")).read_bytes()


def page(name: str) -> Response:
    """An HTML page from `static/`: no-store like every answer of the façade, under PAGE_CSP."""
    return Response(
        static_bytes(name),
        media_type=_MEDIA_TYPES[".html"],
        headers={"Content-Security-Policy": PAGE_CSP, "Cache-Control": "no-store"},
    )


def asset(name: str) -> Response:
    """A stylesheet or script from `static/`: the same for everyone, so a browser may keep it."""
    suffix = name[name.rfind(".") :]
    return Response(
        static_bytes(name),
        media_type=_MEDIA_TYPES[suffix],
        headers={"Cache-Control": "public, max-age=3600"},
    )
