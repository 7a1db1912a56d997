"""A synthetic history with a known weekly pattern, for the forecast tests."""

from __future__ import annotations

import datetime as dt
import random

from contactcenter.core.business_calendar import BusinessCalendar
from contactcenter.workforce.history import HistoryPoint

CALENDAR = BusinessCalendar()
MINUTES = 30
# Daily totals by weekday (Monday first) and the share of each open half-hour (8:00-20:00).
LEVELS = (1200.0, 1000.0, 900.0, 900.0, 800.0, 0.0, 0.0)
_HUMP = [1 + 2 * min(slot, 23 - slot) / 11 for slot in range(24)]
SHAPE = [weight / sum(_HUMP) for weight in _HUMP]
FIRST_OPEN_SLOT = 16


def expected(day: dt.date) -> list[float]:
    """The pattern without noise: 48 half-hours, zero outside 8:00-20:00 and on holidays."""
    values = [0.0] * 48
    if not CALENDAR.is_business_day(day):
        return values
    for index, share in enumerate(SHAPE):
        values[FIRST_OPEN_SLOT + index] = LEVELS[day.weekday()] * share
    return values


def points(
    first: dt.date,
    last: dt.date,
    *,
    noise: float = 0.05,
    seed: int = 19,
    queue: str = "q1",
    scale: float = 1.0,
) -> list[HistoryPoint]:
    """Every half-hour of [first, last] with contacts = pattern × (1 + noise·N(0, 1))."""
    rng = random.Random(seed)
    answer = []
    day = first
    while day <= last:
        for slot, value in enumerate(expected(day)):
            if value:
                start = dt.datetime.combine(day, dt.time(slot // 2, 30 * (slot % 2)), CALENDAR.zone)
                contacts = max(value * scale * (1 + noise * rng.gauss(0, 1)), 0.0)
                answer.append(HistoryPoint(start, queue, "voice", "en", contacts))
        day += dt.timedelta(days=1)
    return answer
