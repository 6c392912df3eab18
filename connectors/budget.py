"""How much time the current source has left, for decisions deep in a connector.

The façade cuts a late source off with `asyncio.timeout_at`; a connector cannot
see that timeout, but must know it to decide whether a retry, or waiting out a
`Retry-After`, still fits, or when to stop and answer with what it has. The
façade sets the deadline here, in the source's context; tasks the connector
starts inherit it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_DEADLINE: ContextVar[float | None] = ContextVar("klantbeeld_source_deadline", default=None)
_OWN: ContextVar[float | None] = ContextVar("klantbeeld_register_deadline", default=None)

# A connector that can answer with part of a list (zaken) stops this long before
# its source's deadline (seconds): the calls still running are cancelled and it
# returns what is complete, marked `afgekapt`. The margin is for that unwinding
# (each cancelled call's breaker, span and connection bookkeeping, then sorting
# what is kept) and for a busy event loop noticing the stop a few ms late. It
# does not grow with the deadline: that work does not. A cancelled call costs
# some 0.03-0.06 ms to unwind, so 20 ms holds a few hundred calls in flight
# plus the lag. Should unwinding ever take longer, the façade's own cut at the
# deadline still holds and the source is a `timeout`, exactly as without the stop.
STOP_MARGIN = 0.02

# A timer fires at its time or just after; a hair of slack for float rounding.
_SLACK = 0.0005


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
    """Whether the register's own deadline has expired (not just the shared budget).

    When the register's own deadline is the one that binds, its stop (STOP_MARGIN
    earlier) counts as that deadline: a call a connector cancels at its stop had
    all but the last few ms of the register's time and did not answer, which is
    a hang, not a call given up for another reason.
    """
    own = _OWN.get()
    if own is None:
        return False
    deadline = _DEADLINE.get()
    limit = own - STOP_MARGIN if deadline is not None and own <= deadline else own
    return asyncio.get_running_loop().time() >= limit - _SLACK


def remaining() -> float | None:
    """Seconds left for the current source, or None when no deadline was set."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return None
    return deadline - asyncio.get_running_loop().time()


def stop_at() -> float | None:
    """When (loop time) a connector that can answer in part stops: STOP_MARGIN before
    the source's deadline. None when no deadline was set."""
    deadline = _DEADLINE.get()
    return None if deadline is None else deadline - STOP_MARGIN
