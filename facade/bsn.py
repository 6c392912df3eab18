"""The burgerservicenummer: nine digits that pass the elfproef."""

from __future__ import annotations

import re

_NINE_DIGITS = re.compile(r"[0-9]{9}")


def passes_elfproef(bsn: str) -> bool:
    """9·d1 + 8·d2 + … + 2·d8 − 1·d9 must be divisible by 11 (and not all zeros)."""
    if not _NINE_DIGITS.fullmatch(bsn) or bsn == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(bsn[:8], range(9, 1, -1), strict=True))
    total -= int(bsn[8])
    return total % 11 == 0


def bsn_problem(value: object) -> str | None:
    """Why `value` is not a valid BSN, or None. The reason never repeats the value."""
    if not isinstance(value, str):
        return "Het burgerservicenummer moet een string van 9 cijfers zijn."
    if not _NINE_DIGITS.fullmatch(value):
        return "Het burgerservicenummer moet uit precies 9 cijfers bestaan."
    if not passes_elfproef(value):
        return "Het burgerservicenummer voldoet niet aan de elfproef."
    return None
