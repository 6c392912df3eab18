"""The burgerservicenummer: nine digits that pass the elfproef."""

from __future__ import annotations

import re

_NINE_DIGITS = re.compile(r"[0-9]{9}")
# Nine digits, each pair perhaps apart by one separator ("999.99.0044", "999-99-0081",
# "999 99 0044"), not inside a longer run of digits.
_SEPARATED_NINE = re.compile(r"(?<![0-9])[0-9](?:[ .\-]?[0-9]){8}(?![0-9])")


def passes_elfproef(bsn: str) -> bool:
    """9·d1 + 8·d2 + … + 2·d8 − 1·d9 must be divisible by 11 (and not all zeros)."""
    if not _NINE_DIGITS.fullmatch(bsn) or bsn == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(bsn[:8], range(9, 1, -1), strict=True))
    total -= int(bsn[8])
    return total % 11 == 0


def contains_bsn(text: str) -> bool:
    """Whether a BSN stands anywhere in `text`, with or without separators.

    For values a caller sends that travel on (a user name, a token subject such
    as DigiD's `s00000000:<bsn>`): they must never carry a resident's BSN.
    """
    return any(_is_bsn(m) for m in _SEPARATED_NINE.finditer(text))


def mask_bsns(text: str, mark: str) -> str:
    """`text` with every BSN in it, separated or not, replaced by `mark`."""

    return _SEPARATED_NINE.sub(lambda m: mark if _is_bsn(m) else m.group(), text)


def _is_bsn(match: re.Match[str]) -> bool:
    return passes_elfproef(re.sub(r"[ .\-]", "", match.group()))


def bsn_problem(value: object) -> str | None:
    """Why `value` is not a valid BSN, or None. The reason never repeats the value."""
    if not isinstance(value, str):
        return "Het burgerservicenummer moet een string van 9 cijfers zijn."
    if not _NINE_DIGITS.fullmatch(value):
        return "Het burgerservicenummer moet uit precies 9 cijfers bestaan."
    if not passes_elfproef(value):
        return "Het burgerservicenummer voldoet niet aan de elfproef."
    return None
