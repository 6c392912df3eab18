"""Who is calling: JWT bearer tokens verified against configured keys.

Asymmetric keys (a PEM public key, or a JWKS URL of the municipality's identity
provider) are the normal case; HS256 only when a demo configuration enables it.
Issuer allow-list, audience, expiry and an algorithm allow-list are always
checked, and `exp` is required.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
from cachetools import TLRUCache
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from facade.problems import Problem, unauthorized
from facade.settings import CallerAuthSettings, SettingsError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Caller:
    """The authenticated caller; `bsn` only for self-service tokens (DigiD at the portal)."""

    subject: str
    client_id: str
    issuer: str
    scopes: frozenset[str]
    rollen: frozenset[str]
    bsn: str | None = None
    # An eHerkenning login's kvkNummer (the configured `kvk_claim`): self-service for a business.
    kvk_nummer: str | None = None


def _check_claim_types(claims: dict[str, Any]) -> None:
    """Strict types (RFC 7519): PyJWT accepts `exp: "1999999999"` and an empty `sub`."""
    for name in ("exp", "iat", "nbf"):
        if name in claims and (
            not isinstance(claims[name], int | float) or isinstance(claims[name], bool)
        ):
            raise unauthorized(f"De claim '{name}' van het token moet een getal zijn.")
    if not isinstance(claims.get("sub"), str) or not claims["sub"].strip():
        raise unauthorized("De claim 'sub' van het token moet een niet-lege tekst zijn.")


class CallerAuthenticator:
    JWKS_TTL_SECONDS = 600
    JWKS_MIN_REFRESH_SECONDS = 30
    JWKS_TIMEOUT_SECONDS = 2.0
    # One KCC agent's screen sends the same token for every klantbeeld until it
    # expires: its signature is checked once. Bounded, so a flood of distinct
    # tokens costs memory for at most this many.
    VERIFIED_TOKENS = 4096

    def __init__(
        self,
        settings: CallerAuthSettings,
        http: httpx.AsyncClient | None = None,
        clock: Any = time.time,
    ) -> None:
        self.settings = settings
        self._public_key: Any = None
        if settings.public_key_file:
            self._public_key = _read_public_key(settings.public_key_file)
        self._http = http
        self._jwks: jwt.PyJWKSet | None = None
        self._jwks_fetched = 0.0
        self._jwks_lock = asyncio.Lock()
        self._clock = clock
        # A verified token's caller, kept until the token's own `exp` (+ leeway):
        # what jwt.decode would accept at that moment, and not a second longer.
        self._verified: TLRUCache[bytes, tuple[float, Caller]] = TLRUCache(
            maxsize=self.VERIFIED_TOKENS, ttu=lambda _key, entry, _now: entry[0], timer=clock
        )

    async def authenticate(self, authorization: str | None) -> Caller:
        if not authorization:
            raise unauthorized("Geef een bearer token in de Authorization-header.")
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise unauthorized("De Authorization-header moet de vorm 'Bearer <token>' hebben.")
        token = token.strip()
        # Keyed by the token's hash: the cache holds no bearer token itself.
        key = hashlib.sha256(token.encode()).digest()
        cached = self._verified.get(key)
        if cached is not None and cached[0] > self._clock():
            return cached[1]
        caller, expires = await self._verify(token)
        if self.settings.jwks_url is not None:
            # A key the identity provider withdraws stops its tokens within one JWKS
            # refresh, as without the cache.
            expires = min(expires, self._clock() + self.JWKS_TTL_SECONDS)
        self._verified[key] = (expires, caller)
        return caller

    async def _verify(self, token: str) -> tuple[Caller, float]:
        """The caller a token names, and until when (`exp` + leeway) that holds."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise unauthorized("Het token is geen geldige JWT.") from None
        alg = header.get("alg")
        if alg not in self.settings.algorithms:
            raise unauthorized("Het token is ondertekend met een niet-toegestaan algoritme.")
        key = await self._key_for(alg, header.get("kid"))
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[alg],
                audience=self.settings.audience,
                issuer=list(self.settings.issuers),
                leeway=self.settings.leeway_seconds,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise unauthorized("Het token is verlopen.") from None
        except jwt.InvalidIssuerError:
            raise unauthorized("Het token komt van een niet-vertrouwde uitgever.") from None
        except jwt.InvalidAudienceError:
            raise unauthorized("Het token is niet voor deze dienst bedoeld (aud).") from None
        except jwt.MissingRequiredClaimError as exc:
            raise unauthorized(f"Het token mist de claim '{exc.claim}'.") from None
        except (jwt.PyJWTError, TypeError):
            # TypeError: PyJWT's answer to a parsed key of another type than `alg` (an
            # ES256 token against the RSA key file).
            raise unauthorized("De handtekening of inhoud van het token is ongeldig.") from None
        _check_claim_types(claims)
        return self._caller(claims), float(claims["exp"]) + self.settings.leeway_seconds

    async def keys_available(self) -> bool:
        """For /readyz: can a caller's token be checked at all? A JWKS that cannot be
        fetched means every caller gets 401 — an outage the operator must see."""
        if self.settings.jwks_url is None:
            return True  # a key file (read at start) or HS256 in demo mode
        return await self._jwks_set(force=False) is not None

    async def _key_for(self, alg: str, kid: str | None) -> Any:
        if alg == "HS256":
            return self.settings.hs256_secret
        if self._public_key is not None:
            return self._public_key
        jwks = await self._jwks_set(force=False)
        key = _find_key(jwks, kid, alg)
        if key is None:
            # A rotated key at the identity provider: refetch once, rate limited.
            jwks = await self._jwks_set(force=True)
            key = _find_key(jwks, kid, alg)
        if key is None:
            raise unauthorized("Het token is ondertekend met een onbekende sleutel.")
        return key

    async def _jwks_set(self, force: bool) -> jwt.PyJWKSet | None:
        # One fetch at a time, and after any attempt (success or failure) none
        # for JWKS_MIN_REFRESH_SECONDS: an identity provider that is down must
        # cost each request at most one short wait, not a queue of fetches.
        async with self._jwks_lock:
            age = time.monotonic() - self._jwks_fetched
            due = self._jwks is None or age > self.JWKS_TTL_SECONDS or force
            if due and (self._jwks_fetched == 0.0 or age > self.JWKS_MIN_REFRESH_SECONDS):
                self._jwks_fetched = time.monotonic()
                self._jwks = await self._fetch_jwks() or self._jwks
            return self._jwks

    async def _fetch_jwks(self) -> jwt.PyJWKSet | None:
        assert self.settings.jwks_url
        client = self._http or httpx.AsyncClient(timeout=self.JWKS_TIMEOUT_SECONDS)
        try:
            response = await client.get(self.settings.jwks_url)
            response.raise_for_status()
            document = response.json()
            if not isinstance(document, dict):
                raise ValueError("not a JSON object")
            return jwt.PyJWKSet.from_dict(document)
        except (httpx.HTTPError, ValueError, jwt.PyJWTError) as exc:
            # The URL is configuration (check-config shows it); the reason is the
            # exception's kind, since an error text may quote the URL.
            log.warning(
                "caller keys: the JWKS could not be fetched; tokens cannot be checked",
                extra={"error": type(exc).__name__},
            )
            return None
        finally:
            if self._http is None:
                await client.aclose()

    def _caller(self, claims: dict[str, Any]) -> Caller:
        s = self.settings
        return Caller(
            subject=str(claims["sub"]),
            # Not `sub` as a fallback: a portal's `sub` may be the resident's BSN.
            client_id=str(claims.get("client_id") or claims.get("azp") or "onbekend"),
            issuer=str(claims["iss"]),
            scopes=_claim_set(claims.get(s.scope_claim)),
            rollen=_claim_set(claims.get(s.roles_claim)),
            bsn=str(claims[s.bsn_claim]) if claims.get(s.bsn_claim) else None,
            kvk_nummer=(
                str(claims[s.kvk_claim]) if s.kvk_claim and claims.get(s.kvk_claim) else None
            ),
        )


_KEY_TYPE = {"RS": "RSA", "PS": "RSA", "ES": "EC"}


def _read_public_key(path: Any) -> Any:
    """The PEM public key, parsed once at start-up (not by PyJWT on every token)."""
    try:
        with open(path, "rb") as handle:
            return load_pem_public_key(handle.read())
    except (OSError, ValueError, TypeError) as exc:
        raise SettingsError(
            [f"caller_auth.public_key_file: {path} is not a PEM public key ({type(exc).__name__})."]
        ) from None


def _find_key(jwks: jwt.PyJWKSet | None, kid: str | None, alg: str) -> Any:
    """The signing key for this token: matching `kid`, meant for signatures, of the alg's type."""
    if jwks is None:
        return None
    for key in jwks.keys:
        if kid is not None and key.key_id != kid:
            continue
        if key.public_key_use not in (None, "sig"):
            continue
        if key.key_type != _KEY_TYPE.get(alg[:2]):
            continue
        return key.key
    return None


def _claim_set(value: Any) -> frozenset[str]:
    """OAuth `scope` is space-separated; role claims are usually lists."""
    if isinstance(value, str):
        return frozenset(value.split())
    if isinstance(value, list):
        return frozenset(str(v) for v in value)
    return frozenset()


__all__ = ["Caller", "CallerAuthenticator", "Problem"]
