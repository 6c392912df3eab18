"""The `zoekresultaat`: a short-lived, opaque reference to one person found by a search.

A KCC screen picks a candidate and asks its klantbeeld with this handle instead of
the BSN, so it never needs to hold a BSN. The handle is AES-256-GCM encrypted (the
BSN inside cannot be read, the handle cannot be altered or forged) and binds the
BSN to the caller (`iss`, `sub`, as a hash), the doel and an expiry (10 minutes).
Anything that does not decrypt is malformed (400); an expired handle is 400 too;
one of another caller or doel is 403 (`facade/validation.py`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "zr1."
GELDIGHEID_SECONDEN = 600
# Bound into every handle: a ciphertext made for something else under the same key fails.
_AAD = b"klantbeeld-zoekresultaat-v1"
_NONCE_BYTES = 12


class OngeldigZoekresultaat(Exception):
    """Not a handle of this façade, or no longer valid. `code` only: no content."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code  # "ongeldig" | "verlopen"


@dataclass(frozen=True)
class Zoekresultaat:
    bsn: str = field(repr=False)
    aanroeper: str  # hash of the caller's iss and sub
    doel: str
    verloopt: int

    def van(self, issuer: str, subject: str, doel: str) -> bool:
        return self.aanroeper == caller_hash(issuer, subject) and self.doel == doel


def caller_hash(issuer: str, subject: str) -> str:
    return hashlib.sha256(f"{issuer}\0{subject}".encode()).hexdigest()[:32]


def handle_key(secret: str) -> bytes:
    """The AES-256 key made from the configured secret (at least 32 bytes of text)."""
    return hashlib.sha256(b"klantbeeld-zoekresultaat\0" + secret.encode()).digest()


class HandleCodec:
    def __init__(
        self,
        key: bytes,
        *,
        now: Callable[[], float] = time.time,
        geldigheid_seconden: int = GELDIGHEID_SECONDEN,
    ) -> None:
        self._aead = AESGCM(key)
        self._now = now
        self.geldigheid = geldigheid_seconden

    def issue(self, bsn: str, *, issuer: str, subject: str, doel: str) -> str:
        claims = {
            "b": bsn,
            "c": caller_hash(issuer, subject),
            "d": doel,
            "e": int(self._now()) + self.geldigheid,
        }
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, orjson.dumps(claims), _AAD)
        return PREFIX + base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode("ascii")

    def read(self, text: object) -> Zoekresultaat:
        """The handle's content; OngeldigZoekresultaat when malformed or expired."""
        if not isinstance(text, str) or not text.startswith(PREFIX) or len(text) > 512:
            raise OngeldigZoekresultaat("ongeldig")
        body = text[len(PREFIX) :]
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            plain = self._aead.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _AAD)
            claims = orjson.loads(plain)
            found = Zoekresultaat(
                bsn=_text(claims, "b"),
                aanroeper=_text(claims, "c"),
                doel=_text(claims, "d"),
                verloopt=int(claims["e"]),
            )
        except (binascii.Error, ValueError, InvalidTag, KeyError, TypeError):
            raise OngeldigZoekresultaat("ongeldig") from None
        if self._now() >= found.verloopt:
            raise OngeldigZoekresultaat("verlopen")
        return found


def _text(claims: dict[str, object], key: str) -> str:
    value = claims[key]
    if not isinstance(value, str):
        raise TypeError(key)
    return value
