import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from contactcenter.operations.checks import interval_minutes_allowed
from contactcenter.operations.intervals import (
    interval_start,
    local_day_bounds,
    next_interval_start,
    spans_by_interval,
)

EASTERN = ZoneInfo("America/New_York")
UTC = dt.UTC


def utc(*args):
    return dt.datetime(*args, tzinfo=UTC)


def test_a_moment_falls_in_the_interval_of_the_agency_wall_clock():
    moment = dt.datetime(2026, 11, 4, 10, 14, 59, 999_000, tzinfo=EASTERN)
    assert interval_start(moment, minutes=15, zone=EASTERN) == utc(2026, 11, 4, 15, 0)
    on_the_boundary = dt.datetime(2026, 11, 4, 10, 15, tzinfo=EASTERN)
    assert interval_start(on_the_boundary, minutes=15, zone=EASTERN) == utc(2026, 11, 4, 15, 15)
    assert interval_start(moment, minutes=30, zone=EASTERN) == utc(2026, 11, 4, 15, 0)


def test_an_interval_start_keeps_the_half_hour_of_a_zone_offset_by_half_hours():
    kolkata = ZoneInfo("Asia/Kolkata")  # UTC+5:30: local :00 and :30 are UTC :30 and :00
    moment = dt.datetime(2026, 11, 4, 10, 44, tzinfo=kolkata)
    assert interval_start(moment, minutes=30, zone=kolkata) == utc(2026, 11, 4, 5, 0)


def test_the_fall_back_hour_is_two_sets_of_intervals():
    first = dt.datetime(2026, 11, 1, 1, 30, tzinfo=EASTERN)  # EDT, UTC-4
    second = dt.datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=EASTERN)  # EST, UTC-5
    assert interval_start(first, minutes=15, zone=EASTERN) == utc(2026, 11, 1, 5, 30)
    assert interval_start(second, minutes=15, zone=EASTERN) == utc(2026, 11, 1, 6, 30)
    # 1:45 EDT is followed by 1:00 EST, an hour of the wall clock lived again.
    assert next_interval_start(utc(2026, 11, 1, 5, 45), minutes=15, zone=EASTERN) == utc(
        2026, 11, 1, 6, 0
    )


@pytest.mark.parametrize(
    ("day", "minutes", "count"),
    [
        (dt.date(2026, 11, 1), 15, 100),  # clocks go back: 25 hours
        (dt.date(2026, 3, 8), 15, 92),  # clocks go forward: 23 hours
        (dt.date(2026, 11, 11), 15, 96),  # Veterans Day, a federal holiday: a day like others
        (dt.date(2026, 11, 1), 30, 50),
    ],
)
def test_a_local_day_has_as_many_intervals_as_its_hours(day, minutes, count):
    begin, end = local_day_bounds(day, day, zone=EASTERN)
    pieces = list(spans_by_interval(begin, end, minutes=minutes, zone=EASTERN))
    assert len(pieces) == count
    assert sum((length for _, length in pieces), dt.timedelta()) == end - begin
    assert all(length == dt.timedelta(minutes=minutes) for _, length in pieces)


def test_spans_are_cut_at_boundaries_and_midnight():
    begin = dt.datetime(2026, 11, 4, 23, 50, tzinfo=EASTERN)
    end = dt.datetime(2026, 11, 5, 0, 20, tzinfo=EASTERN)
    pieces = list(spans_by_interval(begin, end, minutes=15, zone=EASTERN))
    assert pieces == [
        (utc(2026, 11, 5, 4, 45), dt.timedelta(minutes=10)),
        (utc(2026, 11, 5, 5, 0), dt.timedelta(minutes=15)),
        (utc(2026, 11, 5, 5, 15), dt.timedelta(minutes=5)),
    ]


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError):
        interval_start(dt.datetime(2026, 11, 4, 10, 0), minutes=15, zone=EASTERN)


@pytest.mark.parametrize("minutes", [15, 30])
def test_fifteen_and_thirty_minutes_pass_the_check(settings, minutes):
    settings.OPERATIONS_INTERVAL_MINUTES = minutes
    assert interval_minutes_allowed() == []


@pytest.mark.parametrize("minutes", [0, 5, 20, 60, "15", True])
def test_any_other_interval_length_is_refused_at_start_up(settings, minutes):
    settings.OPERATIONS_INTERVAL_MINUTES = minutes
    assert [error.id for error in interval_minutes_allowed()] == ["operations.E001"]
    with pytest.raises(SystemCheckError, match="OPERATIONS_INTERVAL_MINUTES"):
        call_command("check")
