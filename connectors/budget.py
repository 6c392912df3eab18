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
_BEGAN: ContextVar[float | None] = ContextVar("klantbeeld_source_began", default=None)

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

# A call cut at the register's own deadline is a hang (for its breaker) only when
# it had at least this share of the register's time: a page or follow-up asked
# shortly before the stop of a busy lookup says nothing about the register.
HANG_SHARE = 0.5


@contextmanager
def deadline_at(when: float, own: float | None = None) -> Iterator[None]:
    """Everything inside (and every task started inside) must finish by `when` (loop time).

    `own` is the register's own deadline (`deadline_ms`); `when` may be earlier,
    cut by the request's shared budget.
    """
    token, own_token = _DEADLINE.set(when), _OWN.set(own)
    began_token = _BEGAN.set(asyncio.get_running_loop().time())
    try:
        yield
    finally:
        _DEADLINE.reset(token)
        _OWN.reset(own_token)
        _BEGAN.reset(began_token)


def hung(call_started: float) -> bool:
    """Whether a call cancelled now, started at `call_started` (loop time), was a hang.

    Only at the register's own deadline (not a cut by the shared budget or the
    client), and only for a call that had at least HANG_SHARE of the register's
    time. When the own deadline binds, the connector's stop (STOP_MARGIN earlier)
    counts as that deadline.
    """
    own, began = _OWN.get(), _BEGAN.get()
    if own is None or began is None:
        return False
    deadline = _DEADLINE.get()
    limit = own - STOP_MARGIN if deadline is not None and own <= deadline else own
    now = asyncio.get_running_loop().time()
    return now >= limit - _SLACK and now - call_started >= HANG_SHARE * (own - began)


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
