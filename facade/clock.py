"""Today, as the municipality's calendar has it.

The doelen's windows (`afgerondBinnenDagen`, `periodeDagen`) count days in
Europe/Amsterdam, not in the server's own zone (containers run in UTC, which is
a day behind between midnight and 01:00/02:00 Dutch time). The app takes a
`Clock` so tests and the demo can pin "today".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

Clock = Callable[[], date]

AMSTERDAM = ZoneInfo("Europe/Amsterdam")  # tzdata is a dependency: slim images lack a zone database


def _utc_now() -> datetime:
    return datetime.now(UTC)


def today_in_amsterdam(now: Callable[[], datetime] = _utc_now) -> date:
    return now().astimezone(AMSTERDAM).date()


def moment_on(today: Clock, now: Callable[[], datetime] = _utc_now) -> datetime:
    """Now, on the calendar's today: the wall clock's time of day on `today()`'s date.

    With the real calendar that is simply now; with a pinned demo day it is that day
    at this hour, so a consent the demo registered "for today" is valid all day.
    """
    day = today()  # first: a wall clock read first could pass midnight before the calendar
    wall = now().astimezone(AMSTERDAM)
    return datetime.combine(day, wall.timetz())


def fixed(day: date) -> Clock:
    """A clock that always says `day` (the demo's `--today`, tests)."""
    return lambda: day


def parse_today(text: str, source: str) -> date:
    """A pinned today from the command line or the environment (`source` names it)."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{source}: {text.strip()!r} is geen datum (JJJJ-MM-DD)") from None
