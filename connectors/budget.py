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


@contextmanager
def deadline_at(when: float) -> Iterator[None]:
    """Everything inside (and every task started inside) must finish by `when` (loop time)."""
    token = _DEADLINE.set(when)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def remaining() -> float | None:
    """Seconds left for the current source, or None when no deadline was set."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return None
    return deadline - asyncio.get_running_loop().time()
