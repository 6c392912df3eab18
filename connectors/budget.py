"""How much time the current source has left, for decisions deep in a connector.

The façade cuts a late source off with `asyncio.timeout_at`; a connector cannot
see that timeout, but must know it to decide whether a retry, or waiting out a
`Retry-After`, still fits. The façade sets the deadline here, in the source's
context; tasks the connector starts inherit it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_DEADLINE: ContextVar[float | None] = ContextVar("klantbeeld_source_deadline", default=None)
_OWN: ContextVar[float | None] = ContextVar("klantbeeld_register_deadline", default=None)


@contextmanager
def deadline_at(when: float, own: float | None = None) -> Iterator[None]:
    """Everything inside (and every task started inside) must finish by `when` (loop time).

    `own` is the register's own deadline (`deadline_ms`); `when` may be earlier,
    cut by the request's shared budget.
    """
    token, own_token = _DEADLINE.set(when), _OWN.set(own)
    try:
        yield
    finally:
        _DEADLINE.reset(token)
        _OWN.reset(own_token)


def own_deadline_passed() -> bool:
    """Whether the register's own deadline has expired (not just the shared budget)."""
    own = _OWN.get()
    # A timer fires at its time or just after; a hair of slack for float rounding.
    return own is not None and asyncio.get_running_loop().time() >= own - 0.0005


def remaining() -> float | None:
    """Seconds left for the current source, or None when no deadline was set."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return None
    return deadline - asyncio.get_running_loop().time()
