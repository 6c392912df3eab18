"""Keyed pseudonyms of the BSN: what the logboek records instead of the BSN.

An unkeyed hash of a BSN is no pseudonym: there are fewer than a billion BSNs,
so anyone can hash them all. HMAC-SHA256 with a secret key is: without the key
the pseudonym says nothing, with the key (the privacy officer, answering a
request for inzage) the records of one person can be found. Each record names
the key id, so after a rotation old records stay findable with the old key.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PseudonymKey:
    key_id: str
    secret: bytes

    def __repr__(self) -> str:  # never print the secret
        return f"PseudonymKey(key_id={self.key_id!r})"


class Pseudonymizer:
    def __init__(self, current: PseudonymKey, previous: Sequence[PseudonymKey] = ()) -> None:
        self.current = current
        self.previous = tuple(previous)

    @property
    def key_id(self) -> str:
        return self.current.key_id

    def pseudonym(self, bsn: str) -> str:
        return _hmac(self.current, bsn)

    def pseudonym_kvk(self, kvk_nummer: str) -> str:
        """The pseudonym of a business: an eenmanszaak's number names a person too."""
        return _hmac(self.current, kvk_nummer, prefix=b"KVK:")

    def all_pseudonyms(self, bsn: str) -> dict[str, str]:
        """The pseudonym under every configured key: to find one person's records."""
        return {key.key_id: _hmac(key, bsn) for key in (self.current, *self.previous)}

    def all_pseudonyms_kvk(self, kvk_nummer: str) -> dict[str, str]:
        """A business's pseudonym under every configured key (its inzage)."""
        keys = (self.current, *self.previous)
        return {key.key_id: _hmac(key, kvk_nummer, prefix=b"KVK:") for key in keys}


def _hmac(key: PseudonymKey, value: str, prefix: bytes = b"BSN:") -> str:
    # The prefix keeps these pseudonyms apart from any other use of the same key.
    return hmac.new(key.secret, prefix + value.encode(), hashlib.sha256).hexdigest()
