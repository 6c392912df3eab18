"""A circuit breaker per register: stop asking a register that keeps failing.

After `failures` unhealthy answers in a row (no connection, a timeout, a 5xx, a
429) the breaker opens: calls fail at once with `circuit-open` for `cooldown`
seconds, so a dead register costs its section nothing but a dictionary lookup.
Then one call may probe (half open); its success closes the breaker, its
failure opens it for another cool-down. A register that answers 4xx is healthy:
it is the request that is wrong. State is per process (per replica), which is
fine: each replica learns within a few requests.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import Enum

from connectors.errors import UpstreamError


class BreakerState(Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half-open"


class CircuitOpen(UpstreamError):
    def __init__(self) -> None:
        super().__init__(
            "Het register is tijdelijk niet gevraagd na herhaalde fouten.", code="circuit-open"
        )


class CircuitBreaker:
    def __init__(
        self,
        *,
        failures: int = 5,
        cooldown: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.threshold = failures
        self.cooldown = cooldown
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> BreakerState:
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self._clock() - self._opened_at >= self.cooldown:
            return BreakerState.HALF_OPEN
        return BreakerState.OPEN

    def before_call(self) -> None:
        """Raise CircuitOpen unless this call may go to the register."""
        state = self.state
        if state is BreakerState.OPEN:
            raise CircuitOpen()
        if state is BreakerState.HALF_OPEN:
            if self._probing:
                raise CircuitOpen()  # one probe at a time
            self._probing = True

    def record(self, error: BaseException | None) -> None:
        """The outcome of a call that `before_call` let through.

        An error that is not an `UpstreamError` (a bug, a `RecursionError` from a
        pathological answer) counts against the register: it ends a probe too.
        """
        self._probing = False
        if error is None or (isinstance(error, UpstreamError) and not unhealthy(error)):
            self._failures = 0
            self._opened_at = None
            return
        self._failures += 1
        if self._opened_at is not None or self._failures >= self.threshold:
            self._opened_at = self._clock()

    def abandoned(self) -> None:
        """A call given up by its caller (cancelled): it proves nothing either way."""
        self._probing = False


def unhealthy(error: UpstreamError) -> bool:
    if error.code in ("verbinding", "timeout"):
        return True
    status = error.upstream_status
    return status is not None and (status >= 500 or status == 429)
