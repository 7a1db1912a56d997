"""Intervals of the agency's day: where a moment is counted.

An interval starts on a whole multiple of its length (15 or 30 minutes) of the agency's wall
clock (``TIME_ZONE``) and is stored as the UTC instant it starts at. On the night clocks go
back, the hour from 1:00 to 2:00 is lived twice and so has twice as many intervals (one set
at UTC-4, one at UTC-5), each its own row; on the night they go forward the missing hour has
none. A local day is therefore 92, 96 or 100 fifteen-minute intervals long.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django.conf import settings

ALLOWED_MINUTES = (15, 30)


def interval_minutes() -> int:
    return int(settings.OPERATIONS_INTERVAL_MINUTES)


def agency_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def interval_start(moment: dt.datetime, *, minutes: int, zone: ZoneInfo) -> dt.datetime:
    """The start (in UTC) of the interval ``moment`` falls in."""
    if moment.tzinfo is None:
        raise ValueError("an interval needs an aware datetime")
    local = moment.astimezone(zone)
    # replace() keeps ``fold``, so the second 1:30 of a fall-back night stays the second.
    floor = local.replace(minute=local.minute - local.minute % minutes, second=0, microsecond=0)
    return floor.astimezone(dt.UTC)


def next_interval_start(start: dt.datetime, *, minutes: int, zone: ZoneInfo) -> dt.datetime:
    """The start of the interval after the one starting at ``start``."""
    following = interval_start(start + dt.timedelta(minutes=minutes), minutes=minutes, zone=zone)
    # A zone whose clocks move by less than an interval could floor back onto ``start``.
    return following if following > start else start + dt.timedelta(minutes=minutes)


def spans_by_interval(
    begin: dt.datetime, end: dt.datetime, *, minutes: int, zone: ZoneInfo
) -> Iterator[tuple[dt.datetime, dt.timedelta]]:
    """The time from ``begin`` to ``end`` cut at interval boundaries: (interval start, length)."""
    start = interval_start(begin, minutes=minutes, zone=zone)
    cursor = begin
    while cursor < end:
        following = next_interval_start(start, minutes=minutes, zone=zone)
        piece_end = min(following, end)
        yield start, piece_end - cursor
        start, cursor = following, piece_end


def local_day_bounds(
    first: dt.date, last: dt.date, *, zone: ZoneInfo
) -> tuple[dt.datetime, dt.datetime]:
    """From the agency's midnight starting ``first`` to the one ending ``last``, in UTC."""
    begin = dt.datetime.combine(first, dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    return begin.astimezone(dt.UTC), end.astimezone(dt.UTC)
