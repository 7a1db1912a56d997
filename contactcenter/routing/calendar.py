"""The live-help business calendar, built from settings and declared closures."""

from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.utils import timezone

from contactcenter.core.business_calendar import BusinessCalendar
from contactcenter.routing.models import LiveHelpClosure

_CACHE: dict[str, tuple[float, BusinessCalendar]] = {}
_TTL_SECONDS = 60.0


def live_help_calendar() -> BusinessCalendar:
    """The calendar in force; rebuilt at most once a minute per process.

    A closure declared in the admin reaches every server process within a minute.
    """
    cached = _CACHE.get("live")
    if cached and time.monotonic() - cached[0] < _TTL_SECONDS:
        return cached[1]
    today = timezone.localdate()
    closures = tuple(
        (row.starts_on, row.ends_on, row.reason_en)
        for row in LiveHelpClosure.objects.filter(ends_on__gte=today - dt.timedelta(days=30))
    )
    calendar = BusinessCalendar(
        time_zone=settings.LIVE_HELP_TIME_ZONE,
        opens_at=dt.time.fromisoformat(settings.LIVE_HELP_OPENS_AT),
        closes_at=dt.time.fromisoformat(settings.LIVE_HELP_CLOSES_AT),
        closures=closures,
    )
    _CACHE["live"] = (time.monotonic(), calendar)
    return calendar


def live_help_calendar_reset() -> None:
    _CACHE.clear()


def live_help_open(now: dt.datetime | None = None) -> bool:
    if settings.LIVE_HELP_ALWAYS_OPEN:
        return True
    return live_help_calendar().is_open(now or timezone.now())


def calling_window_open(now: dt.datetime | None = None) -> bool:
    """Whether Tier 2 may place calls now: weekdays in the calling window, not on holidays or
    declared closures (default 7:00-18:30 Eastern)."""
    if settings.LIVE_HELP_ALWAYS_OPEN:
        return True
    live = live_help_calendar()
    cached = _CACHE.get("calling")
    if cached is None or cached[1].closures != live.closures:
        window = BusinessCalendar(
            time_zone=settings.LIVE_HELP_TIME_ZONE,
            opens_at=dt.time.fromisoformat(settings.CALLBACK_WINDOW_OPENS_AT),
            closes_at=dt.time.fromisoformat(settings.CALLBACK_WINDOW_CLOSES_AT),
            closures=live.closures,
        )
        _CACHE["calling"] = (time.monotonic(), window)
    else:
        window = cached[1]
    return window.is_open(now or timezone.now())
