"""What all simulated ZGW registers share (UPSTREAMS.md §0).

JWT auth (403, never 401), `Fout` error bodies as application/json, DRF-style
pagination with absolute `next`/`previous`, unknown query parameters → 400,
`API-version` headers, `Accept-Crs` for Zaken, and ETags on Open Zaak details.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
import warnings
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import jwt
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from klantbeeld_demo.registers.endpoint import ApiError

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500

_FOUT_TYPES = {
    400: "ValidationError",
    401: "NotAuthenticated",
    403: "PermissionDenied",
    404: "NotFound",
    406: "NotAcceptable",
    412: "PreconditionFailed",
    500: "APIException",
}


def fout(
    request: Request,
    status: int,
    code: str,
    title: str,
    detail: str = "",
    invalid_params: Sequence[Mapping[str, str]] | None = None,
    *,
    fout_type: str | None = None,
) -> JSONResponse:
    """A ZGW `Fout`, sent as application/json like live Open Zaak/Open Klant do.

    `fout_type` names the exception class in `type` when the status alone does not
    (two different 401s, for instance).
    """
    body: dict[str, Any] = {
        "type": f"{request.url.scheme}://{request.url.netloc}/ref/fouten/"
        f"{fout_type or _FOUT_TYPES.get(status, 'APIException')}/",
        "code": code,
        "title": title,
        "status": status,
        "detail": detail or title,
        # Never the request URL: ZGW query strings hold BSNs.
        "instance": f"urn:uuid:{uuid.uuid4()}",
    }
    if invalid_params is not None:
        body["invalidParams"] = [dict(p) for p in invalid_params]
    return JSONResponse(body, status_code=status)


def validation_error(request: Request, invalid_params: Sequence[Mapping[str, str]]) -> ApiError:
    return ApiError(fout(request, 400, "invalid", "Invalid input.", "", invalid_params))


def invalid_choice(name: str, value: str) -> dict[str, str]:
    return {
        "name": name,
        "code": "invalid_choice",
        "reason": f"Selecteer een geldige keuze. {value} is geen beschikbare keuze.",
    }


def not_found(request: Request, detail: str = "Niet gevonden.") -> ApiError:
    return ApiError(fout(request, 404, "not_found", "Niet gevonden.", detail))


# --- auth -----------------------------------------------------------------------


@dataclass(frozen=True)
class JwtProfile:
    """How a particular server release checks ZGW JWTs (UPSTREAMS.md §0, live)."""

    require_iat: bool
    max_age_seconds: int | None
    # Open Klant 1.0 crashes (500) on a future `iat` or a past `exp`.
    crash_on_bad_time_claims: bool


OPEN_ZAAK = JwtProfile(require_iat=True, max_age_seconds=3600, crash_on_bad_time_claims=False)
OPEN_KLANT_1 = JwtProfile(require_iat=False, max_age_seconds=None, crash_on_bad_time_claims=True)

_GEEN_TOESTEMMING = "Je hebt geen toestemming om deze actie uit te voeren."


def jwt_guard(credentials: Mapping[str, str], profile: JwtProfile) -> Callable[[Request], None]:
    def guard(request: Request) -> None:
        check_jwt(request, credentials, profile)

    return guard


def check_jwt(request: Request, credentials: Mapping[str, str], profile: JwtProfile) -> None:
    def deny(code: str, detail: str) -> ApiError:
        return ApiError(fout(request, 403, code, _GEEN_TOESTEMMING, detail))

    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme != "Bearer" or not token.strip():
        raise deny("permission_denied", "Authenticatiegegevens zijn niet opgegeven.")
    token = token.strip()
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise deny("jwt-decode-error", "JWT kon niet worden gedecodeerd.") from None
    client_id = claims.get("client_id")
    if not client_id:
        raise deny("missing-client-identifier", "Client identifier ontbreekt in het JWT.")
    secret = credentials.get(str(client_id))
    if secret is None:
        raise deny("invalid-client-identifier", "Client identifier bestaat niet.")
    try:
        with warnings.catch_warnings():
            # Real ZGW servers accept short shared secrets; so does the simulation.
            warnings.simplefilter("ignore", jwt.InsecureKeyLengthWarning)
            jwt.decode(
                token,
                secret,
                algorithms=["HS256"],
                # Time claims are checked below, per server profile.
                options={
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                    "verify_aud": False,
                    "verify_iss": False,
                },
            )
    except jwt.InvalidSignatureError:
        raise deny("invalid-jwt-signature", "Ongeldige JWT-signature.") from None
    except jwt.PyJWTError:
        raise deny("jwt-decode-error", "JWT kon niet worden gedecodeerd.") from None
    _check_time_claims(request, claims, profile, deny)


def _check_time_claims(
    request: Request,
    claims: Mapping[str, Any],
    profile: JwtProfile,
    deny: Callable[[str, str], ApiError],
) -> None:
    now = time.time()
    iat, exp = claims.get("iat"), claims.get("exp")
    for value in (iat, exp):
        if value is not None and not isinstance(value, int | float):
            raise deny("jwt-decode-error", "JWT kon niet worden gedecodeerd.")
    if profile.crash_on_bad_time_claims:
        if (iat is not None and iat > now) or (exp is not None and exp < now):
            raise ApiError(fout(request, 500, "error", "Er is een serverfout opgetreden."))
        return
    if profile.require_iat and iat is None:
        raise deny("jwt-missing-iat-claim", "Het JWT mist de 'iat' claim.")
    too_old = profile.max_age_seconds is not None and iat is not None
    if too_old and now - iat > profile.max_age_seconds:
        raise deny("jwt-expired", "Het JWT is verlopen.")
    if exp is not None and exp < now:
        raise deny("jwt-expiredsignatureerror", "Signature has expired.")


# --- query parameters -----------------------------------------------------------


def reject_unknown_params(request: Request, allowed: Collection[str]) -> None:
    unknown = [name for name in dict.fromkeys(request.query_params.keys()) if name not in allowed]
    if unknown:
        raise validation_error(
            request,
            [
                {
                    "name": "nonFieldErrors",
                    "code": "unknown-parameters",
                    "reason": f"Onbekende query parameters: {', '.join(unknown)}",
                }
            ],
        )


def comma_list(
    request: Request, name: str, choices: Collection[str], invalid: list[dict[str, str]]
) -> list[str]:
    """A comma-separated choice list (`expand`, `ordering`); bad items go to `invalid`."""
    raw = request.query_params.get(name)
    if raw is None:
        return []
    items = raw.split(",")
    bad = [item for item in items if item not in choices]  # " status" is bad, like live
    if bad:
        invalid.append(invalid_choice(name, bad[0]))
    return items


# --- pagination -----------------------------------------------------------------


def _with_page(url: str, page: int | None) -> str:
    # Same as DRF's replace_query_param/remove_query_param: the query comes back sorted.
    parts = urlsplit(url)
    query = parse_qs(parts.query, keep_blank_values=True)
    query.pop("page", None)
    if page is not None:
        query["page"] = [str(page)]
    return urlunsplit(parts._replace(query=urlencode(sorted(query.items()), doseq=True)))


def _page_size(request: Request, page_size_param: bool) -> int:
    if not page_size_param:
        return DEFAULT_PAGE_SIZE
    try:
        size = int(request.query_params.get("pageSize", DEFAULT_PAGE_SIZE))
    except ValueError:
        return DEFAULT_PAGE_SIZE
    # DRF falls back to the default for nonsense and caps at the maximum.
    return DEFAULT_PAGE_SIZE if size <= 0 else min(size, MAX_PAGE_SIZE)


def paginate(
    request: Request,
    items: Sequence[T],
    render: Callable[[T], dict[str, Any]],
    *,
    page_size_param: bool = True,
) -> dict[str, Any]:
    """`{"count","next","previous","results"}`; a page past the end is a 404."""
    size = _page_size(request, page_size_param)
    try:
        page = int(request.query_params.get("page", "1"))
    except ValueError:
        page = 0
    last_page = max(1, -(-len(items) // size))
    if not 1 <= page <= last_page:
        raise not_found(request, "Ongeldige pagina.")
    url = str(request.url)
    previous = None
    if page > 1:
        previous = _with_page(url, None if page == 2 else page - 1)
    return {
        "count": len(items),
        "next": _with_page(url, page + 1) if page < last_page else None,
        "previous": previous,
        "results": [render(item) for item in items[(page - 1) * size : page * size]],
    }


# --- headers --------------------------------------------------------------------


class ApiVersion:
    """ASGI middleware adding `API-version` to every answer, errors included."""

    def __init__(self, app: ASGIApp, version: str) -> None:
        self.app = app
        self.version = version

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_version(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).setdefault("API-version", self.version)
            await send(message)

        await self.app(scope, receive, send_with_version)


def require_accept_crs(request: Request) -> None:
    """Open Zaak insists on `Accept-Crs: EPSG:4326` for zaken (exact spelling)."""
    value = request.headers.get("accept-crs")
    if value is None:
        raise ApiError(fout(request, 412, "precondition_failed", "'Accept-Crs' header ontbreekt"))
    if value != "EPSG:4326":
        raise ApiError(fout(request, 406, "not_acceptable", f"CRS '{value}' is niet ondersteund"))


def detail_response(
    request: Request, body: dict[str, Any], *, etag: bool, headers: Mapping[str, str] | None = None
) -> Response:
    """A detail GET; Open Zaak adds an ETag and honours `If-None-Match` with 304."""
    extra = dict(headers or {})
    if etag:
        digest = hashlib.md5(
            json.dumps(body, sort_keys=True).encode(), usedforsecurity=False
        ).hexdigest()
        tag = f'"{digest}"'
        extra["ETag"] = tag
        if tag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
            return Response(status_code=304, headers=extra)
    return JSONResponse(body, headers=extra)
