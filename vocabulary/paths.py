"""Set operations on dotted view paths (`klant.naam`, `zaken.status.omschrijving`)."""

from __future__ import annotations

from collections.abc import Iterable


def covers(outer: str, inner: str) -> bool:
    """Whether `outer` includes `inner`: equal, or `inner` lies under `outer`."""
    return inner == outer or inner.startswith(outer + ".")


def intersect(requested: Iterable[str], allowed: Iterable[str]) -> frozenset[str]:
    """Requested ∩ allowed: the most specific path of every overlapping pair."""
    allowed = tuple(allowed)
    result: set[str] = set()
    for want in requested:
        for may in allowed:
            if covers(may, want):
                result.add(want)
            elif covers(want, may):
                result.add(may)
    return minimal(result)


def minimal(paths: Iterable[str]) -> frozenset[str]:
    """Drop every path that another path in the set already covers."""
    ordered = sorted(set(paths), key=lambda p: (p.count("."), p))
    kept: list[str] = []
    for path in ordered:
        if not any(covers(k, path) for k in kept):
            kept.append(path)
    return frozenset(kept)
