"""How the façade proves itself to each register.

ZGW APIs (Zaken, Catalogi, Klanten, Contactmomenten) want an HS256 JWT per
`client_id`; Klantinteracties wants `Authorization: Token …`; a BRP gateway
usually wants an API key header, sometimes nothing (a mock) or mTLS (set on the
transport, not here).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

import jwt
from cachetools import TTLCache

from connectors.context import CallContext


class UpstreamAuth(Protocol):
    def headers(self, ctx: CallContext) -> dict[str, str]: ...


class NoAuth:
    def headers(self, ctx: CallContext) -> dict[str, str]:
        return {}


class ApiKeyAuth:
    def __init__(self, key: str, header: str = "X-API-KEY") -> None:
        self._header = header
        self._key = key

    def headers(self, ctx: CallContext) -> dict[str, str]:
        return {self._header: self._key}


class TokenAuth:
    """Open Klant 2.x: a static DRF token, not a JWT (`Bearer` gets a 401)."""

    def __init__(self, token: str) -> None:
        self._token = token

    def headers(self, ctx: CallContext) -> dict[str, str]:
        return {"Authorization": f"Token {self._token}"}


class ZgwJwtAuth:
    """Mints the ZGW JWT: HS256 over `client_id` with the user for the audit trail.

    Open Zaak rejects tokens whose `iat` is older than its JWT_EXPIRY (3600 s by
    default) and Open Klant 1.0 answers 500 to an `iat` even a second in the
    future, so `iat` is set a few seconds back, `exp` is left out, and a token is
    reused for at most `reuse_seconds` — well inside the servers' lifetime.
    """

    IAT_SKEW_SECONDS = 5

    def __init__(
        self,
        client_id: str,
        secret: str,
        *,
        reuse_seconds: float = 300.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client_id = client_id
        self._secret = secret
        self._clock = clock
        # Keyed by user: the claims name the user, so a token is per user.
        self._tokens: TTLCache[tuple[str, str], str] = TTLCache(
            maxsize=4096, ttl=reuse_seconds, timer=clock
        )

    def token(self, ctx: CallContext) -> str:
        key = (ctx.gebruiker, ctx.gebruiker_weergave)
        token = self._tokens.get(key)
        if token is None:
            token = jwt.encode(
                {
                    "iss": self.client_id,
                    "iat": int(self._clock()) - self.IAT_SKEW_SECONDS,
                    "client_id": self.client_id,
                    "user_id": ctx.gebruiker,
                    "user_representation": ctx.gebruiker_weergave or ctx.gebruiker,
                },
                self._secret,
                algorithm="HS256",
            )
            self._tokens[key] = token
        return token

    def headers(self, ctx: CallContext) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(ctx)}"}
