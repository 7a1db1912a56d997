"""Business time: when live help is open, and SLA clocks that count only open hours.

Live help is open on weekdays within fixed hours in the agency's time zone (the same hours every
open day, or each weekday its own once a supervisor approves a plan of hours), except on U.S.
federal holidays (from the ``holidays`` package, observed days included) and on closures the
agency declares. Every SLA clock in the product counts business time through this module, so
"2 business days" means the same thing to routing, callbacks and service requests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from zoneinfo import ZoneInfo

import holidays


@dataclass(frozen=True)
class BusinessCalendar:
    time_zone: str = "America/New_York"
    opens_at: dt.time = dt.time(8, 0)
    closes_at: dt.time = dt.time(20, 0)
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday..Friday
    # Whole days closed besides federal holidays (e.g. a weather closure): (first, last, reason).
    closures: Sequence[tuple[dt.date, dt.date, str]] = field(default_factory=tuple)
    # Hours per weekday, (weekday, opens, closes), when the days differ; when given, they replace
    # opens_at, closes_at and weekdays (a weekday left out is closed).
    week_hours: tuple[tuple[int, dt.time, dt.time], ...] = ()

    def __post_init__(self) -> None:
        if self.closes_at <= self.opens_at:
            raise ValueError("closes_at must be after opens_at")
        seen: set[int] = set()
        for weekday, opens, closes in self.week_hours:
            if not 0 <= weekday <= 6 or weekday in seen:
                raise ValueError("week_hours needs each weekday (0 to 6) at most once")
            if closes <= opens:
                raise ValueError("closes must be after opens on every day of week_hours")
            seen.add(weekday)
        if self.week_hours:
            object.__setattr__(self, "weekdays", frozenset(seen))

    @cached_property
    def _hours_by_weekday(self) -> dict[int, tuple[dt.time, dt.time]]:
        if self.week_hours:
            return {weekday: (opens, closes) for weekday, opens, closes in self.week_hours}
        return dict.fromkeys(self.weekdays, (self.opens_at, self.closes_at))

    def hours_on_weekday(self, weekday: int) -> tuple[dt.time, dt.time] | None:
        """Opening and closing time on that weekday (0 is Monday), holidays aside."""
        return self._hours_by_weekday.get(weekday)

    def hours_on(self, day: dt.date) -> tuple[dt.time, dt.time] | None:
        """Opening and closing time on ``day`` when it is a business day, else None."""
        if not self.is_business_day(day):
            return None
        return self._hours_by_weekday[day.weekday()]

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @cached_property
    def _federal(self) -> holidays.HolidayBase:
        return holidays.country_holidays("US")

    def closure_reason(self, day: dt.date) -> str | None:
        """Why ``day`` is closed, or None when it is a normal business day."""
        if day.weekday() not in self.weekdays:
            return "weekend"
        name = self._federal.get(day)
        if name:
            return str(name)
        for first, last, reason in self.closures:
            if first <= day <= last:
                return reason
        return None

    def is_business_day(self, day: dt.date) -> bool:
        return self.closure_reason(day) is None

    def _local(self, moment: dt.datetime) -> dt.datetime:
        if moment.tzinfo is None:
            raise ValueError("business time needs an aware datetime")
        return moment.astimezone(self.zone)

    def _day_hours(self, day: dt.date) -> tuple[dt.time, dt.time]:
        # A closed weekday falls back to the default hours, so a due time computed from it
        # (``add_business_days`` on a Sunday) has a moment to start from.
        return self._hours_by_weekday.get(day.weekday(), (self.opens_at, self.closes_at))

    def _opening(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, self._day_hours(day)[0], tzinfo=self.zone)

    def _closing(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, self._day_hours(day)[1], tzinfo=self.zone)

    def is_open(self, moment: dt.datetime) -> bool:
        local = self._local(moment)
        hours = self.hours_on(local.date())
        return hours is not None and hours[0] <= local.time() < hours[1]

    def next_opening(self, moment: dt.datetime) -> dt.datetime:
        """``moment`` itself when open, else the next time live help opens."""
        local = self._local(moment)
        day = local.date()
        hours = self.hours_on(day)
        if hours is not None:
            if local.time() < hours[0]:
                return self._opening(day)
            if local.time() < hours[1]:
                return local
        for _ in range(3660):  # ten years of days: a bound, never reached with real data
            day += dt.timedelta(days=1)
            if self.is_business_day(day):
                return self._opening(day)
        raise RuntimeError("no business day in ten years; check the calendar's closures")

    def business_seconds_between(self, start: dt.datetime, end: dt.datetime) -> float:
        """Open seconds in [start, end); negative when end is before start."""
        if end < start:
            return -self.business_seconds_between(end, start)
        total = 0.0
        cursor = self._local(start)
        end_local = self._local(end)
        day = cursor.date()
        while day <= end_local.date():
            if self.is_business_day(day):
                window_start = max(self._opening(day), cursor)
                window_end = min(self._closing(day), end_local)
                if window_end > window_start:
                    total += (window_end - window_start).total_seconds()
            day += dt.timedelta(days=1)
        return total

    def add_business_time(self, start: dt.datetime, delta: dt.timedelta) -> dt.datetime:
        """The moment when ``delta`` of open time has passed after ``start``."""
        remaining = delta.total_seconds()
        if remaining < 0:
            raise ValueError("delta must not be negative")
        cursor = self.next_opening(start)
        while True:
            closing = self._closing(cursor.date())
            available = (closing - cursor).total_seconds()
            if remaining <= available:
                return cursor + dt.timedelta(seconds=remaining)
            remaining -= available
            cursor = self.next_opening(closing)

    def add_business_days(self, start: dt.datetime, days: int) -> dt.datetime:
        """End of the ``days``-th business day after ``start``'s day (a due time)."""
        if days < 0:
            raise ValueError("days must not be negative")
        day = self._local(start).date()
        counted = 0
        while counted < days:
            day += dt.timedelta(days=1)
            if self.is_business_day(day):
                counted += 1
        if days == 0 and not self.is_business_day(day):
            day = self.next_opening(self._closing(day)).date()
        return self._closing(day)
