"""The live-help business calendar, built from settings, approved hours and declared closures."""

from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.utils import timezone

from contactcenter.core.business_calendar import BusinessCalendar
from contactcenter.routing.models import LiveHelpClosure, LiveHelpHours

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
        week_hours=week_hours_in_force(today),
    )
    _CACHE["live"] = (time.monotonic(), calendar)
    return calendar


def week_hours_in_force(today: dt.date) -> tuple[tuple[int, dt.time, dt.time], ...]:
    """The newest approved hours that have taken effect by ``today``; empty when none has, so
    the settings' hours hold."""
    approved = LiveHelpHours.objects.filter(effective_from__lte=today).first()
    if approved is None:
        return ()
    return week_hours_parse(approved.hours)


def approved_hours_recent(*, limit: int) -> list[LiveHelpHours]:
    """The newest approvals of hours, with who approved them."""
    return list(LiveHelpHours.objects.select_related("approved_by")[:limit])


def week_hours_parse(rows: object) -> tuple[tuple[int, dt.time, dt.time], ...]:
    """``[{"weekday": 0, "opens": "07:00", "closes": "21:00"}, ...]`` as the calendar's tuples,
    by weekday. Raises ValueError on anything else."""
    if not isinstance(rows, list) or not rows:
        raise ValueError("hours must be a non-empty list of days")
    parsed = []
    for row in rows:
        if not isinstance(row, dict) or set(row) != {"weekday", "opens", "closes"}:
            raise ValueError("each day needs weekday, opens and closes")
        weekday = row["weekday"]
        if not isinstance(weekday, int) or isinstance(weekday, bool):
            raise ValueError("weekday must be a whole number from 0 (Monday) to 6")
        parsed.append(
            (
                weekday,
                dt.time.fromisoformat(str(row["opens"])),
                dt.time.fromisoformat(str(row["closes"])),
            )
        )
    answer = tuple(sorted(parsed))
    BusinessCalendar(week_hours=answer)  # the calendar's own checks: one row a day, opens < closes
    return answer


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


_DAY_NAMES = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
}
# Spanish plural of a day name for "los sábados": only sábado and domingo change.
_ES_PLURAL = {"sábado": "sábados", "domingo": "domingos"}


def _clock(value: dt.time, language: str) -> str:
    suffix = ("a.m." if value.hour < 12 else "p.m.") if language == "en" else (
        "a. m." if value.hour < 12 else "p. m.")  # fmt: skip
    shown = value.hour % 12 or 12
    return f"{shown}{f':{value.minute:02d}' if value.minute else ''} {suffix}"


def week_hours_text(calendar: BusinessCalendar, language: str) -> str:
    """The calendar's live hours as a sentence to say or show, weekdays with the same hours
    grouped: "Monday through Friday, 8 a.m. to 8 p.m. Eastern time, except federal holidays"."""
    language = "es" if language == "es" else "en"
    names = _DAY_NAMES[language]
    by_day = {
        weekday: hours
        for weekday in range(7)
        if (hours := calendar.hours_on_weekday(weekday)) is not None
    }
    groups: list[tuple[int, int, tuple[dt.time, dt.time]]] = []
    for weekday, hours in by_day.items():
        if groups and groups[-1][1] == weekday - 1 and groups[-1][2] == hours:
            groups[-1] = (groups[-1][0], weekday, hours)
        else:
            groups.append((weekday, weekday, hours))
    parts = []
    for first, last, (opens, closes) in groups:
        if language == "en":
            days = names[first] if first == last else f"{names[first]} through {names[last]}"
            parts.append(f"{days}, {_clock(opens, 'en')} to {_clock(closes, 'en')}")
        else:
            single = names[first]
            days = (
                f"los {_ES_PLURAL.get(single, single)}"
                if first == last
                else f"de {names[first]} a {names[last]}"
            )
            parts.append(f"{days}, de {_clock(opens, 'es')} a {_clock(closes, 'es')}")
    if language == "en":
        return "; ".join(parts) + " Eastern time, except federal holidays"
    return "; ".join(parts) + ", hora del Este, excepto los días feriados federales"


def live_help_hours_text() -> dict[str, str]:
    """The hours in force in both languages, like the flow files keep them."""
    calendar = live_help_calendar()
    return {language: week_hours_text(calendar, language) for language in ("en", "es")}
