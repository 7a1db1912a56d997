import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contactcenter.core.business_calendar import BusinessCalendar

ET = ZoneInfo("America/New_York")
calendar = BusinessCalendar()


def et(*args):
    return dt.datetime(*args, tzinfo=ET)


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        (et(2026, 11, 23, 8, 0), True),  # Monday opening minute
        (et(2026, 11, 23, 7, 59), False),
        (et(2026, 11, 23, 19, 59), True),
        (et(2026, 11, 23, 20, 0), False),  # closing is exclusive
        (et(2026, 11, 22, 12, 0), False),  # Sunday
        (et(2026, 11, 26, 12, 0), False),  # Thanksgiving
        (et(2026, 7, 3, 12, 0), False),  # Independence Day observed on Friday
        (dt.datetime(2026, 11, 23, 13, 30, tzinfo=dt.UTC), True),  # 8:30 Eastern
        (dt.datetime(2026, 11, 23, 12, 59, tzinfo=dt.UTC), False),  # 7:59 Eastern
    ],
)
def test_is_open(moment, is_open):
    assert calendar.is_open(moment) is is_open


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        calendar.is_open(dt.datetime(2026, 11, 23, 9, 0))


def test_next_opening_skips_holiday_and_weekend():
    # Wednesday evening before Thanksgiving -> Friday 8:00.
    assert calendar.next_opening(et(2026, 11, 25, 20, 30)) == et(2026, 11, 27, 8, 0)
    # Friday evening -> Monday 8:00.
    assert calendar.next_opening(et(2026, 11, 27, 21, 0)) == et(2026, 11, 30, 8, 0)
    open_moment = et(2026, 11, 23, 10, 15)
    assert calendar.next_opening(open_moment) == open_moment


def test_declared_closures_close_the_day():
    closed = BusinessCalendar(closures=[(dt.date(2026, 11, 23), dt.date(2026, 11, 24), "Snow")])
    assert closed.closure_reason(dt.date(2026, 11, 24)) == "Snow"
    assert not closed.is_open(et(2026, 11, 23, 12, 0))
    assert closed.next_opening(et(2026, 11, 23, 12, 0)) == et(2026, 11, 25, 8, 0)


def test_business_seconds_skip_nights_weekends_and_holidays():
    # Friday 19:00 to Monday 9:00: one hour on Friday and one on Monday.
    friday_evening, monday_morning = et(2026, 11, 20, 19, 0), et(2026, 11, 23, 9, 0)
    assert calendar.business_seconds_between(friday_evening, monday_morning) == 7200
    # Across Thanksgiving: Wednesday 19:30 to Friday 8:30 is 30 + 30 minutes.
    wednesday, friday = et(2026, 11, 25, 19, 30), et(2026, 11, 27, 8, 30)
    assert calendar.business_seconds_between(wednesday, friday) == 3600


def test_add_business_time_and_days():
    start = et(2026, 11, 25, 19, 0)  # Wednesday before Thanksgiving
    assert calendar.add_business_time(start, dt.timedelta(hours=2)) == et(2026, 11, 27, 9, 0)
    # Two business days after Wednesday: Friday (Thursday is a holiday) and Monday.
    assert calendar.add_business_days(start, 2) == et(2026, 11, 30, 20, 0)
    assert calendar.add_business_days(et(2026, 11, 23, 10, 0), 0) == et(2026, 11, 23, 20, 0)


@given(
    st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2027, 12, 1)),
    st.integers(min_value=0, max_value=200_000),
)
def test_adding_business_time_round_trips(start_naive, seconds):
    start = start_naive.replace(tzinfo=ET)
    end = calendar.add_business_time(start, dt.timedelta(seconds=seconds))
    assert end >= start
    assert calendar.business_seconds_between(start, end) == pytest.approx(seconds, abs=1e-3)


# Hours that differ by weekday (an approved plan of hours).
WEEK_HOURS = (
    (0, dt.time(7, 0), dt.time(21, 0)),  # Monday, the busiest day, opens longest
    (1, dt.time(8, 0), dt.time(20, 0)),
    (2, dt.time(8, 0), dt.time(20, 0)),
    (3, dt.time(8, 0), dt.time(20, 0)),
    (4, dt.time(9, 0), dt.time(17, 0)),
    (5, dt.time(9, 0), dt.time(13, 0)),  # Saturday morning
)


def test_week_hours_open_and_close_per_weekday():
    calendar = BusinessCalendar(week_hours=WEEK_HOURS)
    zone = calendar.zone
    monday = dt.date(2026, 12, 7)
    assert calendar.is_open(dt.datetime.combine(monday, dt.time(7, 0), zone))
    assert calendar.is_open(dt.datetime.combine(monday, dt.time(20, 59), zone))
    assert not calendar.is_open(dt.datetime.combine(monday, dt.time(21, 0), zone))
    friday = monday + dt.timedelta(days=4)
    assert not calendar.is_open(dt.datetime.combine(friday, dt.time(8, 30), zone))
    assert calendar.is_open(dt.datetime.combine(friday, dt.time(16, 59), zone))
    saturday = monday + dt.timedelta(days=5)
    assert calendar.is_business_day(saturday)
    assert calendar.hours_on(saturday) == (dt.time(9, 0), dt.time(13, 0))
    sunday = monday + dt.timedelta(days=6)
    assert calendar.hours_on(sunday) is None
    assert calendar.closure_reason(sunday) == "weekend"


def test_week_hours_next_opening_and_business_time():
    calendar = BusinessCalendar(week_hours=WEEK_HOURS)
    zone = calendar.zone
    friday_evening = dt.datetime(2026, 12, 11, 18, 0, tzinfo=zone)
    # Friday closed at 17:00; Saturday opens at 9:00.
    assert calendar.next_opening(friday_evening) == dt.datetime(2026, 12, 12, 9, 0, tzinfo=zone)
    saturday_noon = dt.datetime(2026, 12, 12, 12, 0, tzinfo=zone)
    # One open hour on Saturday, none on Sunday, then Monday from 7:00.
    assert calendar.add_business_time(saturday_noon, dt.timedelta(hours=2)) == dt.datetime(
        2026, 12, 14, 8, 0, tzinfo=zone
    )
    week = calendar.business_seconds_between(
        dt.datetime(2026, 12, 7, 0, 0, tzinfo=zone), dt.datetime(2026, 12, 14, 0, 0, tzinfo=zone)
    )
    assert week == (14 + 12 * 3 + 8 + 4) * 3600
    # A due time counted from a closed weekday still lands on the end of a business day.
    assert calendar.add_business_days(
        dt.datetime(2026, 12, 13, 10, 0, tzinfo=zone), 0
    ) == dt.datetime(2026, 12, 14, 21, 0, tzinfo=zone)


def test_week_hours_keep_federal_holidays_closed():
    calendar = BusinessCalendar(week_hours=WEEK_HOURS)
    christmas = dt.date(2026, 12, 25)  # a Friday
    assert calendar.hours_on(christmas) is None
    assert calendar.closure_reason(christmas) == "Christmas Day"


@pytest.mark.parametrize(
    "week_hours",
    [
        ((0, dt.time(9, 0), dt.time(9, 0)),),
        ((0, dt.time(9, 0), dt.time(17, 0)), (0, dt.time(10, 0), dt.time(18, 0))),
        ((7, dt.time(9, 0), dt.time(17, 0)),),
    ],
)
def test_week_hours_refuse_a_bad_week(week_hours):
    with pytest.raises(ValueError):
        BusinessCalendar(week_hours=week_hours)
