"""The demo's caller key pair: generated on this machine, never committed, never productie.

A private key in the repository would let anyone mint tokens that a deployment
trusting its public half accepts. So the demo generates its pair on first start
into a directory of its own (`[demo] keys`, by default `var/demo/`, which git
ignores), the private half readable by its owner only. Both files start with
MARKER, and `mode = "productie"` refuses a key file that carries it — or whose key
material (not its name) is one of the demo's, listed in DEMO_MATERIAL.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from facade.settings.values import CallerAuthSettings

MARKER = "klantbeeld-demo-generated"
PRIVATE_NAME = "caller-key.pem"
PUBLIC_NAME = "caller-key.pub.pem"

_HEADER = (
    f"{MARKER}: a key pair for the demo only, made on this machine; "
    'a configuration with mode = "productie" refuses it.\n'
).encode()


@dataclass(frozen=True)
class DemoKeys:
    private_file: Path
    public_file: Path

    def private_key(self) -> bytes:
        return self.private_file.read_bytes()


def demo_keys(directory: Path) -> DemoKeys:
    return DemoKeys(directory / PRIVATE_NAME, directory / PUBLIC_NAME)


def ensure_demo_keys(directory: Path) -> DemoKeys:
    """The pair in `directory`, generated (RSA 2048) if either half is missing."""
    keys = demo_keys(directory)
    if keys.private_file.is_file() and keys.public_file.is_file():
        return keys
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Private half first: a public key without its private half is useless here.
    _write_atomically(keys.private_file, _HEADER + private, mode=0o600)
    _write_atomically(keys.public_file, _HEADER + public, mode=0o644)
    return keys


def _write_atomically(path: Path, content: bytes, mode: int) -> None:
    # Two processes starting at once (a test run beside `./dev demo`) must not
    # leave a half-written key; the later rename wins with a whole pair member.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(handle, mode)
        os.write(handle, content)
        os.fsync(handle)
    finally:
        os.close(handle)
    os.replace(temporary, path)


def fingerprint_of_key(pem: bytes) -> str | None:
    """SHA-256 of the key's DER SubjectPublicKeyInfo: the same for a renamed, re-encoded
    or re-wrapped file, so a demo key is recognised by what it is. None: not a key."""
    from cryptography.hazmat.primitives import serialization

    try:
        public = serialization.load_pem_public_key(pem)
    except ValueError:
        try:
            public = serialization.load_pem_private_key(pem, password=None).public_key()
        except (ValueError, TypeError):
            return None
    der = public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()


def fingerprint_of_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _load_denylist() -> frozenset[str]:
    text = resources.files("facade").joinpath("demo-material.sha256").read_text("utf-8")
    return frozenset(
        line.split()[0] for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


DEMO_MATERIAL: frozenset[str] = _load_denylist()
"""Fingerprints of every key and secret the demo ships or ever shipped (keys by
fingerprint_of_key, secrets by fingerprint_of_secret)."""


def is_demo_key_file(content: bytes) -> bool:
    return MARKER.encode() in content or fingerprint_of_key(content) in DEMO_MATERIAL


def in_demo_directory(path: Path) -> bool:
    """Whether `path` lies in a `var/demo/` directory, where the demo keeps what it makes."""
    parts = path.resolve().parts
    return any(parts[i : i + 2] == ("var", "demo") for i in range(len(parts) - 1))


def is_demo_secret(secret: str) -> bool:
    return fingerprint_of_secret(secret) in DEMO_MATERIAL


def signing_key(directory: Path | None, public_key_file: str | None) -> bytes | None:
    """The demo's private key, if the façade trusts its public half (else None: the
    configuration trusts some other key, and no demo token would be accepted)."""
    if directory is None or public_key_file is None:
        return None
    keys = demo_keys(directory)
    if Path(public_key_file).resolve() != keys.public_file.resolve():
        return None
    return keys.private_key() if keys.private_file.is_file() else None


def demo_claims(auth: CallerAuthSettings, sub: str, ttl: int, client_id: str) -> dict[str, Any]:
    """What every demo caller token carries (`klantbeeld demo-token`, the demo's pages):
    the first trusted issuer, the audience, `sub`, and `ttl` seconds of life from now."""
    now = int(time.time())
    return {
        "iss": auth.issuers[0],
        "aud": auth.audience,
        "sub": sub,
        "iat": now,
        "exp": now + ttl,
        "client_id": client_id,
    }
