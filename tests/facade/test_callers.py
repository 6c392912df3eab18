"""Caller authentication: only tokens from trusted issuers, for us, unexpired, with allowed algs."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
import respx
from cryptography.hazmat.primitives.asymmetric import ec

from facade.callers import CallerAuthenticator
from facade.problems import Problem
from facade.settings import CallerAuthSettings
from tests.harness import DEMO_KEY, DEMO_KEYS

CONFIG = Path(__file__).resolve().parents[2] / "config"
PRIVATE_KEY = DEMO_KEY
ISSUER = "https://idp.example"
AUDIENCE = "klantbeeld-facade"


def settings(**overrides: Any) -> CallerAuthSettings:
    base: dict[str, Any] = {
        "issuers": (ISSUER,),
        "audience": AUDIENCE,
        "algorithms": ("RS256",),
        "public_key_file": str(DEMO_KEYS.public_file),
    }
    return CallerAuthSettings(**{**base, **overrides})


def token(
    key: Any = PRIVATE_KEY, alg: str = "RS256", headers: dict | None = None, **claims: Any
) -> str:
    now = int(time.time())
    body = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "medewerker-7",
        "iat": now,
        "exp": now + 60,
        "scope": "klantbeeld.kcc extra",
        "roles": ["wmo-consulent"],
    }
    body.update(claims)
    body = {k: v for k, v in body.items() if v is not None}
    return jwt.encode(body, key, algorithm=alg, headers=headers)


async def rejection(auth: CallerAuthenticator, header: str | None) -> Problem:
    with pytest.raises(Problem) as info:
        await auth.authenticate(header)
    assert info.value.status == 401
    return info.value


async def test_a_valid_token_yields_the_caller_with_scopes_and_roles() -> None:
    caller = await CallerAuthenticator(settings()).authenticate(f"Bearer {token(client_id='kiss')}")
    assert caller.subject == "medewerker-7"
    assert caller.client_id == "kiss"
    assert caller.scopes == {"klantbeeld.kcc", "extra"}
    assert caller.rollen == {"wmo-consulent"}
    assert caller.bsn is None


async def test_the_self_service_bsn_claim_is_read() -> None:
    caller = await CallerAuthenticator(settings()).authenticate(f"Bearer {token(bsn='999993653')}")
    assert caller.bsn == "999993653"


@pytest.mark.parametrize(
    ("header", "detail"),
    [
        (None, "Geef een bearer token"),
        ("Basic dXNlcjpwYXNz", "vorm 'Bearer <token>'"),
        ("Bearer geen.jwt", "geen geldige JWT"),
    ],
)
async def test_a_missing_or_malformed_authorization_header_is_401(
    header: str | None, detail: str
) -> None:
    problem = await rejection(CallerAuthenticator(settings()), header)
    assert detail in problem.detail
    assert problem.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("claims", "detail"),
    [
        ({"exp": int(time.time()) - 3600}, "verlopen"),
        ({"iss": "https://evil.example"}, "niet-vertrouwde uitgever"),
        ({"aud": "iets-anders"}, "niet voor deze dienst"),
        ({"exp": None}, "mist de claim 'exp'"),
        ({"sub": None}, "mist de claim 'sub'"),
    ],
)
async def test_expired_foreign_or_incomplete_tokens_are_401(claims: dict, detail: str) -> None:
    problem = await rejection(CallerAuthenticator(settings()), f"Bearer {token(**claims)}")
    assert detail in problem.detail


async def test_a_token_signed_with_another_key_is_401() -> None:
    other = ec.generate_private_key(ec.SECP256R1())
    auth = CallerAuthenticator(settings(algorithms=("RS256", "ES256")))
    problem = await rejection(auth, f"Bearer {token(other, alg='ES256')}")
    assert "ongeldig" in problem.detail


async def test_alg_none_and_algorithms_outside_the_allow_list_are_401() -> None:
    unsigned = jwt.encode(
        {"iss": ISSUER, "aud": AUDIENCE, "sub": "x", "exp": 2**31}, None, algorithm="none"
    )
    auth = CallerAuthenticator(settings())
    assert "niet-toegestaan algoritme" in (await rejection(auth, f"Bearer {unsigned}")).detail
    hs = token("een-gedeeld-geheim-van-voldoende-lengte!!", alg="HS256")
    assert "niet-toegestaan algoritme" in (await rejection(auth, f"Bearer {hs}")).detail


async def test_hs256_works_only_when_explicitly_enabled_with_its_secret() -> None:
    secret = "een-gedeeld-geheim-van-voldoende-lengte!!"
    auth = CallerAuthenticator(settings(algorithms=("HS256",), hs256_secret=secret))
    caller = await auth.authenticate(f"Bearer {token(secret, alg='HS256')}")
    assert caller.subject == "medewerker-7"


def hmac_token_signed_with(secret: bytes) -> str:
    """An HS256 token built by hand, as an attacker would (pyjwt refuses PEM secrets)."""

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "x", "exp": int(time.time()) + 60}
    payload = b64(json.dumps(claims).encode())
    signature = hmac.new(secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64(signature)}"


@pytest.mark.parametrize("algorithms", [("RS256",), ("RS256", "HS256")])
async def test_the_public_key_cannot_be_used_as_an_hs256_secret(
    algorithms: tuple[str, ...],
) -> None:
    # The classic algorithm-confusion attack: HMAC-sign with the (public) RSA key.
    public = DEMO_KEYS.public_file.read_bytes()
    auth = CallerAuthenticator(
        settings(algorithms=algorithms, hs256_secret="het-echte-gedeelde-geheim-0123456789")
    )
    await rejection(auth, f"Bearer {hmac_token_signed_with(public)}")


@respx.mock
async def test_keys_come_from_a_jwks_url_and_an_unknown_kid_triggers_one_refetch() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key()))
    jwks_url = "https://idp.example/jwks"
    route = respx.get(jwks_url).mock(
        side_effect=[
            httpx.Response(200, json={"keys": []}),
            httpx.Response(
                200, json={"keys": [{**jwk, "kid": "nieuw", "alg": "ES256", "use": "sig"}]}
            ),
        ]
    )
    auth = CallerAuthenticator(
        settings(algorithms=("ES256",), public_key_file=None, jwks_url=jwks_url)
    )
    auth.JWKS_MIN_REFRESH_SECONDS = 0
    caller = await auth.authenticate(f"Bearer {token(key, alg='ES256', headers={'kid': 'nieuw'})}")
    assert caller.subject == "medewerker-7"
    assert route.call_count == 2


@respx.mock
async def test_an_identity_provider_that_is_down_costs_one_attempt_not_a_queue() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    jwks_url = "https://idp.example/jwks"
    route = respx.get(jwks_url).mock(return_value=httpx.Response(503))
    auth = CallerAuthenticator(
        settings(algorithms=("ES256",), public_key_file=None, jwks_url=jwks_url)
    )
    tokens = [f"Bearer {token(key, alg='ES256', headers={'kid': 'k'})}" for _ in range(5)]
    for header in tokens:
        await rejection(auth, header)
    assert route.call_count == 1


@respx.mock
async def test_a_jwks_document_that_is_not_an_object_is_401_not_a_crash() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    respx.get("https://idp.example/jwks").mock(return_value=httpx.Response(200, json=[]))
    auth = CallerAuthenticator(
        settings(algorithms=("ES256",), public_key_file=None, jwks_url="https://idp.example/jwks")
    )
    await rejection(auth, f"Bearer {token(key, alg='ES256')}")


@respx.mock
async def test_a_jwks_key_meant_for_encryption_is_not_used_to_verify() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key()))
    respx.get("https://idp.example/jwks").mock(
        return_value=httpx.Response(200, json={"keys": [{**jwk, "kid": "k", "use": "enc"}]})
    )
    auth = CallerAuthenticator(
        settings(algorithms=("ES256",), public_key_file=None, jwks_url="https://idp.example/jwks")
    )
    await rejection(auth, f"Bearer {token(key, alg='ES256', headers={'kid': 'k'})}")
