"""Recommended hours of live help: hand-checkable weeks, the budget, what one hour more or less
changes, the estimate of demand while closed, and refusals."""

from __future__ import annotations

import csv
import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from contactcenter.workforce.errors import StaffingInputInvalid
from contactcenter.workforce.hours import (
    HoursDemand,
    arrivals_by_weekday,
    hours_advice_make,
    hours_recommend,
)
from contactcenter.workforce.plan import plan_make
from tests.workforce.forecast_series import CALENDAR
from tests.workforce.test_plan import MONDAY, QUEUE

SLOTS = 24  # hour intervals, to keep the hand sums short


def demand(by_day: dict[int, dict[int, float]]):
    """Hourly contacts per weekday and hour; an hour with contacts needs one position per ten
    (rounded up) and one more (a quiet hour costs more per contact, as Erlang's figures do),
    and live help is open 8:00-20:00 on weekdays today."""
    contacts = {day: [0.0] * SLOTS for day in range(7)}
    positions = {day: [0] * SLOTS for day in range(7)}
    open_now = {day: [day < 5 and 8 <= hour < 20 for hour in range(SLOTS)] for day in range(7)}
    for day, hours in by_day.items():
        for hour, value in hours.items():
            contacts[day][hour] = value
            positions[day][hour] = -int(-value // 10) + 1 if value else 0
    return HoursDemand(minutes=60, contacts=contacts, positions=positions, open_now=open_now)


def test_the_budget_buys_the_busiest_hours():
    # Monday: 100 contacts an hour from 7:00 to 19:00 (11 positions each hour), nothing else.
    week = demand({0: dict.fromkeys(range(7, 19), 100.0)})
    advice = hours_recommend(week, budget_hours=80, weekdays=[0], shortest_hours=4)
    monday = advice.days[0]
    assert monday is not None
    # 80 position-hours buy 7 of the 12 equal hours (77); each such stretch serves 700 contacts.
    assert monday.hours == 7
    assert monday.contacts == 700
    assert monday.position_hours == 77
    # The other weekdays keep today's hours, 8:00-20:00 (no demand: a position an hour).
    assert [(day.opens, day.closes) for day in advice.days[1:5] if day] == [
        (dt.time(8), dt.time(20))
    ] * 4
    assert advice.days[5:] == [None, None]


def test_hours_move_to_where_the_contacts_are():
    # Open 8:00-20:00 today; 50 contacts an hour from 8:00 to 17:00 (6 positions each), 10 an
    # hour from 17:00 to 20:00 (2 each), and 30 in the 7:00 hour, while closed (4 positions).
    hours = dict.fromkeys(range(8, 17), 50.0) | dict.fromkeys(range(17, 20), 10.0) | {7: 30.0}
    advice = hours_recommend(demand({0: hours}), weekdays=[0])
    current = advice.current[0]
    assert current is not None and (current.opens, current.closes) == (dt.time(8), dt.time(20))
    assert (current.contacts, current.position_hours) == (480, 60)
    assert advice.budget_hours == 60  # today's hours' cost, when no budget is given
    monday = advice.days[0]
    assert monday is not None
    # The same 60 hours open at 7:00 and close at 18:00: 490 contacts instead of 480.
    assert (monday.opens, monday.closes) == (dt.time(7), dt.time(18))
    assert (monday.contacts, monday.position_hours) == (490, 60)


def test_what_one_hour_more_or_less_changes():
    hours = {hour: 10.0 * (hour - 5) for hour in range(6, 22)}  # rising through the day
    week = demand({2: hours})
    advice = hours_recommend(week, budget_hours=1000, weekdays=[2], earliest="06:00")
    wednesday = advice.days[2]
    assert wednesday is not None
    # A large budget opens the whole candidate window, 6:00-22:00.
    assert (wednesday.opens, wednesday.closes) == (dt.time(6), dt.time(22))
    changes = {change.what: change for change in advice.changes if change.weekday == 2}
    assert set(changes) == {"open_later", "close_earlier"}  # the window's ends are reached
    assert changes["open_later"].contacts == -10.0  # the 6:00 hour's contacts
    assert changes["open_later"].position_hours == -2
    assert changes["close_earlier"].contacts == -160.0  # the 21:00 hour's
    assert changes["close_earlier"].position_hours == -17


def test_a_day_left_closed_says_what_opening_it_would_serve():
    week = demand({0: dict.fromkeys(range(8, 16), 100.0), 5: dict.fromkeys(range(9, 13), 20.0)})
    # Monday's eight hours cost 88; the Saturday morning would cost 12 more.
    advice = hours_recommend(week, budget_hours=88, weekdays=[0, 5])
    assert advice.days[5] is None
    opening = [change for change in advice.changes if change.what == "open_day"]
    assert len(opening) == 1
    assert (opening[0].weekday, opening[0].opens, opening[0].closes) == (5, dt.time(9), dt.time(13))
    assert opening[0].contacts == 80 and opening[0].position_hours == 12


def test_no_budget_closes_every_day():
    week = demand({0: dict.fromkeys(range(8, 16), 100.0)})
    advice = hours_recommend(week, budget_hours=0, weekdays=[0, 1, 2, 3, 4, 5, 6])
    assert advice.days == [None] * 7
    assert advice.week_hours() == []


def test_week_hours_and_figures_for_approval():
    # Two days of 30 contacts an hour, 9:00-17:00 (4 positions an hour). 40 hours buy five
    # hours on each day (300 contacts) rather than one whole day (32 hours, 240 contacts).
    week = demand({0: dict.fromkeys(range(9, 17), 30.0), 1: dict.fromkeys(range(9, 17), 30.0)})
    advice = hours_recommend(week, budget_hours=40, weekdays=[0, 1], shortest_hours=4)
    assert advice.contacts == 300
    days = advice.week_hours()
    assert [day["weekday"] for day in days] == [0, 1, 2, 3, 4]
    monday, tuesday = advice.days[:2]
    assert monday is not None and tuesday is not None
    assert monday.hours + tuesday.hours == 10 and min(monday.hours, tuesday.hours) >= 4
    # Wednesday to Friday keep today's twelve hours at a position each: 36 more.
    assert advice.figures() == {
        "budget_hours": 40,
        "position_hours": 76,
        "contacts": 300,
        "current_position_hours": 108,
        "current_contacts": 480,
        "demand_contacts": 480,
    }


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"earliest": "6 am"}, "not a time of day"),
        ({"latest": "25:00"}, "not a time of day"),
        ({"step_minutes": 45}, "whole intervals"),
        ({"step_minutes": 0}, "whole intervals"),
        ({"earliest": "06:30"}, "fall on the step"),
        ({"shortest_hours": 0}, "more than 0 hours"),
        ({"earliest": "18:00", "latest": "20:00"}, "no room"),
        ({"weekdays": [7]}, "at least one weekday"),
        ({"weekdays": []}, "at least one weekday"),
        ({"budget_hours": -1}, "0 agent-hours or more"),
        ({"budget_hours": float("nan")}, "0 agent-hours or more"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(options, message):
    week = demand({0: dict.fromkeys(range(8, 16), 100.0)})
    with pytest.raises(StaffingInputInvalid, match=message):
        hours_recommend(week, **options)


def test_demand_while_closed_is_estimated_from_arrivals(facts_with_arrivals):
    run = plan_make(queue_codes=[QUEUE], day=MONDAY, calendar=CALENDAR)
    arrivals = arrivals_by_weekday(monday=MONDAY, minutes=30, calendar=CALENDAR)
    # An average Monday (of three: the fourth, 16 February, is Presidents' Day, left out).
    assert arrivals[0][12] == 40  # 6:00
    assert arrivals[0][16] == 200  # 8:00
    # With a budget for 6:00-22:00, the hours open earlier and close later.
    advice = hours_advice_make(run, calendar=CALENDAR, budget_hours=10_000, arrivals=arrivals)
    monday = advice.days[0]
    assert monday is not None
    assert (monday.opens, monday.closes) == (dt.time(6), dt.time(22))
    # Each of the 8 closed half-hours holds 40 × (100 / 200) = 20 contacts: 160 more a day.
    assert monday.contacts == pytest.approx(24 * 100 + 8 * 20)
    current = advice.current[0]
    assert current is not None and current.contacts == pytest.approx(2400)


def test_a_week_with_a_holiday_is_refused(facts_with_arrivals):
    labor_day_week = dt.date(2026, 9, 7)
    run = plan_make(queue_codes=[QUEUE], day=MONDAY, calendar=CALENDAR)
    run.monday = labor_day_week
    with pytest.raises(StaffingInputInvalid, match="Labor Day"):
        hours_advice_make(run, calendar=CALENDAR, arrivals={})


def test_the_hours_command_prints_the_table_json_and_csv(facts_with_arrivals):
    out = StringIO()
    call_command(
        "hours", "--queue", QUEUE, "--week", MONDAY.isoformat(), "--budget-hours", "10000",
        "--no-progress", stdout=out,
    )  # fmt: skip
    text = out.getvalue()
    assert "Monday" in text and "08:00–20:00" in text and "06:00–22:00" in text
    out = StringIO()
    call_command(
        "hours", "--queue", QUEUE, "--week", MONDAY.isoformat(), "--json", "--no-progress",
        "--days", "mon,tue", stdout=out,
    )  # fmt: skip
    answer = json.loads(out.getvalue())
    assert answer["days"][0]["today"]["opens"] == "08:00"
    # Wednesday was not planned: it keeps today's hours.
    assert answer["days"][2]["recommended"] == answer["days"][2]["today"]
    assert (
        answer["position_hours"]
        <= answer["budget_hours"] + answer["days"][2]["today"]["position_hours"] * 3 + 1e-6
    )
    out = StringIO()
    call_command(
        "hours", "--queue", QUEUE, "--week", MONDAY.isoformat(), "--csv", "--no-progress",
        "--language", "es", stdout=out,
    )  # fmt: skip
    rows = list(csv.reader(StringIO(out.getvalue())))
    assert rows[0][0] == "weekday" and rows[1][0] == "mon" and len(rows) == 8


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--days", "mon,funday"], "--days"),
        (["--budget-hours", "lots"], "--budget-hours"),
        (["--step", "half"], "--step"),
        (["--earliest", "6"], "--earliest"),
        (["--skill-groups", "agents"], "--skill-groups"),
    ],
)
def test_the_hours_command_refuses_bad_options(facts_with_arrivals, extra, message):
    with pytest.raises(CommandError, match=message):
        call_command(
            "hours", "--queue", QUEUE, "--week", MONDAY.isoformat(), "--no-progress", *extra,
            stdout=StringIO(),
        )  # fmt: skip
