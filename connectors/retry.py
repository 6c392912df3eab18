"""One call to a register behind its breaker, retried once when that is worth it.

A retry is for a failure that may pass (no connection, 502/503/504, 429) and
only when the budget left holds the wait plus another attempt as long as the
failed one. Only the expiry of the register's own deadline counts against the
breaker as a hang, and only for a call that had at least half the register's
time (`budget.hung`); a cut by the shared budget or by the client, or of a call
asked just before the deadline, is "abandoned".
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from connectors import budget
from connectors.breaker import CircuitBreaker
from connectors.errors import UpstreamError, UpstreamTimeout

T = TypeVar("T")

# Jitter for a retry: spread the retries of many requests, stay well inside a budget.
RETRY_JITTER = (0.02, 0.08)


async def call_with_retry(
    breaker: CircuitBreaker, attempt: Callable[[], Awaitable[T]], *, retryable: bool
) -> T:
    """Breaker first; then one retry of a retryable failure when the budget allows it."""
    loop = asyncio.get_running_loop()
    for number in (1, 2):
        breaker.before_call()
        started = loop.time()
        try:
            result = await attempt()
        except UpstreamError as exc:
            breaker.record(exc)
            if number == 2 or not retryable or not exc.retryable:
                raise
            wait = retry_wait(exc, took=loop.time() - started)
            if wait is None:
                raise
            await asyncio.sleep(wait)
            continue
        except asyncio.CancelledError:
            if budget.hung(started):
                breaker.record(UpstreamTimeout())  # the register's own time ran out on it
            else:
                breaker.abandoned()  # cut by the shared budget or the client
            raise
        except BaseException as exc:
            breaker.record(exc)  # any other end also ends a half-open probe
            raise
        breaker.record(None)
        return result
    raise AssertionError("unreachable")


def retry_wait(error: UpstreamError, took: float) -> float | None:
    """How long to wait before the one retry, or None when it would not fit the budget.

    A `Retry-After` longer than what is left means: give up now, not at the deadline.
    """
    wait = error.retry_after if error.retry_after is not None else random.uniform(*RETRY_JITTER)
    left = budget.remaining()
    if left is not None and wait + took >= left:
        return None
    return wait
