"""A caller's token is verified once and trusted until its own expiry, never longer."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import jwt
import pytest
import respx
from cryptography.hazmat.primitives.asymmetric import ec

from facade.callers import CallerAuthenticator
from facade.problems import Problem
from facade.settings import SettingsError
from tests.facade.test_callers import settings, token


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = jwt.decode

    def counting(raw: str, *args: object, **kwargs: object) -> object:
        seen.append(raw)
        return real(raw, *args, **kwargs)

    monkeypatch.setattr(jwt, "decode", counting)
    return seen


async def test_the_same_token_is_verified_once(decodes: list[str]) -> None:
    auth = CallerAuthenticator(settings())
    header = f"Bearer {token()}"

    first = await auth.authenticate(header)
    second = await auth.authenticate(header)

    assert second == first
    assert len(decodes) == 1


async def test_another_token_is_verified_on_its_own(decodes: list[str]) -> None:
    auth = CallerAuthenticator(settings())

    one = await auth.authenticate(f"Bearer {token(sub='medewerker-1')}")
    two = await auth.authenticate(f"Bearer {token(sub='medewerker-2')}")

    assert (one.subject, two.subject) == ("medewerker-1", "medewerker-2")
    assert len(decodes) == 2


async def test_past_its_expiry_a_token_is_verified_again(decodes: list[str]) -> None:
    # (PyJWT then judges `exp` by the real clock; the cache only must not outlive it.)
    clock = Clock()
    auth = CallerAuthenticator(settings(leeway_seconds=5), clock=clock)
    header = f"Bearer {token(exp=int(clock.now) + 30)}"
    await auth.authenticate(header)

    clock.now = int(clock.now) + 30 + 4
    await auth.authenticate(header)
    assert len(decodes) == 1

    clock.now += 2
    await auth.authenticate(header)
    assert len(decodes) == 2


async def test_a_refused_token_is_checked_again_each_time(decodes: list[str]) -> None:
    auth = CallerAuthenticator(settings())
    header = f"Bearer {token(aud='een-andere-dienst')}"

    for _ in range(2):
        with pytest.raises(Problem):
            await auth.authenticate(header)

    assert len(decodes) == 2


async def test_the_cache_holds_no_token(decodes: list[str]) -> None:
    auth = CallerAuthenticator(settings())
    raw = token()
    await auth.authenticate(f"Bearer {raw}")

    assert all(isinstance(key, bytes) and raw.encode() not in key for key in auth._verified)


def test_a_key_file_that_is_not_a_public_key_refuses_start_up(tmp_path: Path) -> None:
    bad = tmp_path / "caller.pem"
    bad.write_text("geen sleutel\n")

    with pytest.raises(SettingsError) as refused:
        CallerAuthenticator(settings(public_key_file=str(bad)))

    assert refused.value.problems[0].startswith("caller_auth.public_key_file: ")


@respx.mock
async def test_a_token_checked_against_a_jwks_is_checked_again_after_one_jwks_refresh(
    decodes: list[str],
) -> None:
    # A key the identity provider withdraws must stop its tokens as soon as without the cache.
    key = ec.generate_private_key(ec.SECP256R1())
    jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key()))
    jwks_url = "https://idp.example/jwks"
    respx.get(jwks_url).mock(
        return_value=httpx.Response(200, json={"keys": [{**jwk, "kid": "k1", "use": "sig"}]})
    )
    clock = Clock()
    auth = CallerAuthenticator(
        settings(algorithms=("ES256",), public_key_file=None, jwks_url=jwks_url), clock=clock
    )
    header = f"Bearer {token(key, alg='ES256', headers={'kid': 'k1'}, exp=int(clock.now) + 3600)}"
    await auth.authenticate(header)

    clock.now += auth.JWKS_TTL_SECONDS - 1
    await auth.authenticate(header)
    assert len(decodes) == 1

    clock.now += 2
    await auth.authenticate(header)
    assert len(decodes) == 2
