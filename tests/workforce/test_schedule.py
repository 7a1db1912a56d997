"""Schedules: requirements a reader can check by hand (exact shifts, where a lunch lands, what
cannot be covered, a headcount cap), the shift patterns file's refusals, the requirements file,
storing, publishing and the selectors."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from contactcenter.workforce.errors import (
    ScheduleInputInvalid,
    ScheduleRefused,
    ShiftPatternsInvalid,
)
from contactcenter.workforce.models import Schedule, ScheduledShift, ScheduleStatus
from contactcenter.workforce.schedule import (
    Requirement,
    requirement_from_starts,
    requirements_csv_read,
    schedule_make,
)
from contactcenter.workforce.selectors import (
    coverage_by_interval,
    schedulable_agents,
    schedule_latest,
    shifts_for_agent,
)
from contactcenter.workforce.services import schedule_publish, schedule_save
from contactcenter.workforce.shifts import patterns_load, patterns_parse
from tests.workforce.hours_data import facts_with_arrivals  # noqa: F401 (a fixture)

ZONE = ZoneInfo("America/New_York")
MONDAY = dt.date(2026, 3, 2)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(MONDAY + dt.timedelta(days=day), dt.time(hour, minute), ZONE)


def requirement(need: dict[tuple[int, int, int], int], minutes: int = 30) -> Requirement:
    """Agents needed per (day, hour, minute) interval start."""
    return requirement_from_starts(
        monday=MONDAY,
        minutes=minutes,
        zone=ZONE,
        agents_by_start={at(*key): value for key, value in need.items()},
    )


def span(days, begin: tuple[int, int], end: tuple[int, int], agents: int, minutes: int = 30):
    """``agents`` in every interval from ``begin`` to ``end`` (hour, minute) on each day."""
    need = {}
    for day in days:
        minute = begin[0] * 60 + begin[1]
        while minute < end[0] * 60 + end[1]:
            need[(day, minute // 60, minute % 60)] = agents
            minute += minutes
    return need


def pattern(**fields):
    base = {
        "code": "day",
        "label": {"en": "Day shift", "es": "Turno de día"},
        "starts": ["09:00"],
        "length": 480,
        "days": 5,
        "consecutive_days_off": True,
        "weekdays": ["mon", "tue", "wed", "thu", "fri"],
    }
    base.update(fields)
    return base


def patterns(*items):
    return patterns_parse({"patterns": list(items)}, source="test.yaml")


WEEKDAYS = range(5)


def test_two_agents_nine_to_five_are_exactly_two_weekday_shifts():
    result = schedule_make(
        requirement=requirement(span(WEEKDAYS, (9, 0), (17, 0), 2)),
        patterns=patterns(pattern()),
        absence=0,
    )
    assert [line.label for line in result.lines] == ["Line 1", "Line 2"]
    for line in result.lines:
        assert line.days == (0, 1, 2, 3, 4)
        assert [(s.starts_at, s.ends_at) for s in line.shifts] == [
            (at(day, 9), at(day, 17)) for day in WEEKDAYS
        ]
        assert line.paid_hours == 40
    assert result.paid_hours == 80
    assert result.short_hours == 0 and result.over_hours == 0
    assert result.short_intervals() == []
    assert result.required_hours == 80
    assert result.optimal
    assert result.objective == pytest.approx(80)
    assert result.lower_bound == pytest.approx(80)
    busy = [row for row in result.intervals if row.required]
    assert len(busy) == 80 and all(row.scheduled == 2 for row in busy)


def test_the_absence_share_raises_each_interval():
    # ⌈2 / 0.9⌉ = 3 agents per interval: three lines, nothing over.
    result = schedule_make(
        requirement=requirement(span(WEEKDAYS, (9, 0), (17, 0), 2)),
        patterns=patterns(pattern()),
        absence=0.10,
    )
    assert len(result.lines) == 3
    assert {row.required for row in result.intervals if row.required} == {3}
    assert result.over_hours == 0


def test_the_lunch_lands_where_nobody_is_needed():
    # 9:00-18:00 on Monday, one agent, except 12:30-13:00: the 30-minute lunch (window 12:00 to
    # 13:00) can only go there without leaving the floor short.
    need = span([0], (9, 0), (18, 0), 1)
    need[(0, 12, 30)] = 0
    lunch = pattern(
        length=540,
        days=1,
        weekdays=["mon"],
        lunch={"minutes": 30, "earliest": 180, "latest": 240},
    )
    result = schedule_make(requirement=requirement(need), patterns=patterns(lunch), absence=0)
    assert len(result.lines) == 1
    (shift,) = result.lines[0].shifts
    assert (shift.starts_at, shift.ends_at) == (at(0, 9), at(0, 18))
    assert [(b.start, b.end, b.paid) for b in shift.breaks] == [(at(0, 12, 30), at(0, 13), False)]
    assert result.lines[0].paid_hours == 8.5
    assert result.short_hours == 0 and result.over_hours == 0


def test_two_lunches_are_staggered_to_the_two_quiet_half_hours():
    need = span([0], (9, 0), (18, 0), 2)
    need[(0, 12, 0)] = 1
    need[(0, 13, 0)] = 1
    lunch = pattern(
        length=540,
        days=1,
        weekdays=["mon"],
        lunch={"minutes": 30, "earliest": 180, "latest": 240},
    )
    result = schedule_make(requirement=requirement(need), patterns=patterns(lunch), absence=0)
    lunches = sorted(line.shifts[0].breaks[0].start for line in result.lines)
    assert lunches == [at(0, 12), at(0, 13)]
    assert result.short_hours == 0 and result.over_hours == 0


def test_a_quarter_hour_break_takes_half_an_agent_from_a_half_hour():
    need = span([0], (9, 0), (17, 0), 1)
    need[(0, 11, 0)] = 0
    with_break = pattern(
        days=1, weekdays=["mon"], breaks=[{"minutes": 15, "earliest": 120, "latest": 120}]
    )
    result = schedule_make(requirement=requirement(need), patterns=patterns(with_break), absence=0)
    assert len(result.lines) == 1
    by_start = {row.start: row for row in result.intervals}
    assert by_start[at(0, 11)].scheduled == 0.5
    assert by_start[at(0, 11)].over == 0.5
    assert result.short_hours == 0


def test_a_requirement_the_patterns_cannot_fit_is_reported_short():
    # Saturday 10:00-12:00 needs one agent; the only pattern works Monday to Friday.
    need = span(WEEKDAYS, (9, 0), (17, 0), 1) | span([5], (10, 0), (12, 0), 1)
    result = schedule_make(requirement=requirement(need), patterns=patterns(pattern()), absence=0)
    assert len(result.lines) == 1
    short = result.short_intervals()
    assert [row.start for row in short] == [at(5, 10), at(5, 10, 30), at(5, 11), at(5, 11, 30)]
    assert all(row.required == 1 and row.scheduled == 0 for row in short)
    assert result.short_hours == 2


def test_a_headcount_cap_leaves_the_rest_short():
    result = schedule_make(
        requirement=requirement(span(WEEKDAYS, (9, 0), (17, 0), 3)),
        patterns=patterns(pattern()),
        absence=0,
        max_agents=2,
    )
    assert len(result.lines) == 2
    assert len(result.short_intervals()) == 80
    assert result.short_hours == 40


def test_a_patterns_own_cap_sends_the_rest_to_another_pattern():
    cheap = pattern(code="cheap", max_count=1)
    dear = pattern(code="dear", cost_weight=2)
    result = schedule_make(
        requirement=requirement(span(WEEKDAYS, (9, 0), (17, 0), 2)),
        patterns=patterns(cheap, dear),
        absence=0,
    )
    assert sorted(line.pattern.code for line in result.lines) == ["cheap", "dear"]
    assert result.objective == pytest.approx(40 + 80)


def test_the_cheapest_mix_of_patterns_is_chosen():
    # 9:00-13:00 Monday to Friday: one part-time line (20 paid hours) rather than a full day.
    part = pattern(code="part", length=240)
    result = schedule_make(
        requirement=requirement(span(WEEKDAYS, (9, 0), (13, 0), 1)),
        patterns=patterns(pattern(), part),
        absence=0,
    )
    assert [line.pattern.code for line in result.lines] == ["part"]
    assert result.paid_hours == 20


def test_days_off_follow_each_other_round_the_week():
    consecutive = patterns(pattern(weekdays=["mon", "tue", "wed", "thu", "fri", "sat", "sun"]))[0]
    offs = {tuple(sorted(set(range(7)) - set(days))) for days in consecutive.day_sets()}
    assert offs == {(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (0, 6)}
    every_day = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    free = patterns(pattern(weekdays=every_day, consecutive_days_off=False))[0]
    assert len(free.day_sets()) == 21


def test_lines_go_to_real_agents_in_the_order_given():
    result = schedule_make(
        requirement=requirement(span(WEEKDAYS, (9, 0), (17, 0), 2)),
        patterns=patterns(pattern()),
        absence=0,
        agents=[(7, "alice")],
    )
    assert [(line.agent_id, line.who) for line in result.lines] == [(7, "alice"), (None, "Line 2")]


def test_the_relaxation_is_a_lower_bound_and_stores_nothing():
    need = span([0], (9, 0), (18, 0), 2)
    relaxed = schedule_make(
        requirement=requirement(need),
        patterns=patterns(pattern(days=1, weekdays=["mon"])),
        absence=0,
        relax=True,
    )
    assert relaxed.relaxed and relaxed.lines == []
    with pytest.raises(ScheduleRefused):
        schedule_save(result=relaxed)


def test_the_shipped_patterns_load_in_both_languages():
    shipped = {item.code: item for item in patterns_load()}
    assert set(shipped) == {"ft-8", "ft-4x10", "pt-4"}
    full = shipped["ft-8"]
    assert full.length == 510 and full.paid_minutes == 480
    assert full.starts[0] == 7 * 60 and full.starts[-1] == 12 * 60 and len(full.starts) == 11
    assert [rule.paid for rule in full.breaks] == [True, False, True]
    assert len(full.day_sets()) == 7
    assert shipped["ft-4x10"].paid_minutes == 600 and shipped["ft-4x10"].days == 4
    assert shipped["pt-4"].paid_minutes == 240
    assert full.label("es") == "Jornada completa, 8 horas"
    assert full.label("en") == "Full time, 8 hours"


def test_the_shipped_patterns_schedule_a_small_week():
    result = schedule_make(
        requirement=requirement(span(WEEKDAYS, (9, 0), (17, 0), 2)),
        patterns=patterns_load(),
        absence=0,
        time_limit=60,
    )
    assert result.short_hours == 0
    for line in result.lines:
        for shift in line.shifts:
            assert len(shift.breaks) == len(line.pattern.breaks)
            for placed, rule in zip(shift.breaks, line.pattern.breaks, strict=True):
                offset = (placed.start - shift.starts_at).total_seconds() / 60
                assert rule.earliest <= offset <= rule.latest
                assert (placed.end - placed.start).total_seconds() == rule.minutes * 60


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"starts": ["9am"]}, "starts", "HH:MM"),
        ({"length": 0}, "length", "whole number"),
        ({"days": 6}, "days", "more than the weekdays"),
        ({"weekdays": ["monday"]}, "weekdays", "mon, tue"),
        ({"colour": "red"}, "colour", "not a field"),
        ({"label": {"es": "Día"}}, "label", "English"),
        ({"cost_weight": 0}, "cost_weight", "above 0"),
        ({"consecutive_days_off": "yes"}, "consecutive_days_off", "true or false"),
        (
            {"breaks": [{"minutes": 15, "earliest": 470, "latest": 470}]},
            "breaks[0]",
            "after the shift",
        ),
        (
            {
                "breaks": [{"minutes": 15, "earliest": 100, "latest": 200}],
                "lunch": {"minutes": 30, "earliest": 180, "latest": 240},
            },
            "lunch",
            "overlap",
        ),
        ({"lunch": {"minutes": 30}}, "lunch", "earliest and latest"),
        (
            {"starts": {"earliest": "12:00", "latest": "09:00", "step": 30}},
            "starts.latest",
            "before",
        ),
    ],
)
def test_a_bad_pattern_field_is_named(fields, field, words):
    with pytest.raises(ShiftPatternsInvalid) as raised:
        patterns(pattern(**fields))
    message = raised.value.message
    assert message.startswith(f"test.yaml: pattern day, field {field}: ")
    assert words in message


def test_a_pattern_without_a_code_and_repeated_codes_are_refused():
    with pytest.raises(ShiftPatternsInvalid, match="pattern #1, field code"):
        patterns(pattern(code="Not OK"))
    with pytest.raises(ShiftPatternsInvalid, match="pattern day, field code: is used by more"):
        patterns(pattern(), pattern())
    with pytest.raises(ShiftPatternsInvalid, match="under the key patterns"):
        patterns_parse({"shifts": []}, source="test.yaml")


def test_a_file_that_is_not_yaml_is_refused(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("patterns: [\n", encoding="utf-8")
    with pytest.raises(ShiftPatternsInvalid, match=r"bad\.yaml: not valid YAML"):
        patterns_load(path)
    with pytest.raises(ShiftPatternsInvalid, match="cannot be read"):
        patterns_load(tmp_path / "missing.yaml")


def test_schedule_input_is_checked():
    need = requirement(span([0], (9, 0), (10, 0), 1))
    with pytest.raises(ScheduleInputInvalid, match="absence"):
        schedule_make(requirement=need, patterns=patterns(pattern()), absence=1)
    with pytest.raises(ScheduleInputInvalid, match="headcount"):
        schedule_make(requirement=need, patterns=patterns(pattern()), max_agents=-1)
    with pytest.raises(ScheduleInputInvalid, match="does not begin"):
        requirement_from_starts(monday=MONDAY, minutes=30, zone=ZONE, agents_by_start={at(7, 9): 1})
    with pytest.raises(ScheduleInputInvalid, match="does not begin"):
        requirement_from_starts(
            monday=MONDAY, minutes=30, zone=ZONE, agents_by_start={at(0, 9, 15): 1}
        )


def test_the_requirements_file_names_every_bad_line(tmp_path):
    path = tmp_path / "need.csv"
    path.write_text(
        "start,agents\n"
        "2026-03-02T09:00:00-05:00,2\n"
        "2026-03-02T09:30:00,2\n"
        "2026-03-02T10:00:00-05:00,two\n"
        "2026-03-09T10:00:00-05:00,1\n"
        "2026-03-02T09:00:00-05:00,1\n",
        encoding="utf-8",
    )
    with pytest.raises(ScheduleInputInvalid) as raised:
        requirements_csv_read(path=path, monday=MONDAY, minutes=30, zone=ZONE)
    message = raised.value.message
    assert "line 2" not in message
    for line in ("line 3", "line 4", "line 5", "line 6"):
        assert line in message
    path.write_text("start,agents\n2026-03-02T14:00:00Z,2\n", encoding="utf-8")
    read = requirements_csv_read(path=path, monday=MONDAY, minutes=30, zone=ZONE)
    assert read.agents[18] == 2 and sum(read.agents) == 2  # 14:00 UTC is 9:00 in New York


# --- Storage: drafts, publishing and what each agent sees --------------------------------


@pytest.fixture
def two_lines(make_agent):
    first, second = make_agent(), make_agent()
    agents = schedulable_agents()
    assert [user_id for user_id, _name in agents] == [first.user_id, second.user_id]
    result = schedule_make(
        requirement=requirement(span(WEEKDAYS, (9, 0), (17, 0), 2)),
        patterns=patterns(pattern(breaks=[{"minutes": 15, "earliest": 120, "latest": 180}])),
        absence=0,
        agents=agents,
    )
    return result, first.user, second.user


def test_a_saved_schedule_is_a_draft_with_every_shift_and_interval(two_lines, django_user_model):
    result, first, _second = two_lines
    boss = django_user_model.objects.create_user(username="planner")
    schedule = schedule_save(result=result, created_by=boss)
    assert schedule.status == ScheduleStatus.DRAFT
    assert schedule.week_start == MONDAY and schedule.interval_minutes == 30
    assert schedule.created_by == boss
    assert schedule.agent_lines == len(result.lines)
    assert schedule.paid_hours == result.paid_hours
    assert schedule.shifts.count() == sum(len(line.shifts) for line in result.lines)
    # Clocks go forward on Sunday 8 March 2026: 2:00-3:00 has no intervals.
    assert schedule.intervals.count() == 7 * 48 - 2
    shift = schedule.shifts.filter(agent=first).order_by("starts_at").first()
    assert shift.starts_at == at(0, 9) and shift.ends_at == at(0, 17)
    assert shift.breaks[0]["paid"] is True
    assert dt.datetime.fromisoformat(shift.breaks[0]["start"]) >= at(0, 11)
    # Nothing is visible to agents until it is published.
    assert shifts_for_agent(user=first, week=MONDAY) == []
    assert schedule_latest(week=MONDAY) is None
    assert schedule_latest(week=MONDAY, published_only=False) == schedule


def test_a_published_schedule_shows_each_agent_only_their_shifts(two_lines):
    result, first, second = two_lines
    schedule = schedule_publish(schedule=schedule_save(result=result))
    assert schedule.status == ScheduleStatus.PUBLISHED and schedule.published_at
    assert schedule_latest(week=MONDAY + dt.timedelta(days=3)) == schedule
    mine = shifts_for_agent(user=first, week=MONDAY)
    theirs = shifts_for_agent(user=second, week=MONDAY)
    assert len(mine) == len(theirs) == 5
    assert {row.agent_id for row in mine} == {first.pk}
    assert {row.agent_id for row in theirs} == {second.pk}
    assert [row.day for row in mine] == [MONDAY + dt.timedelta(days=d) for d in WEEKDAYS]
    rows = coverage_by_interval(schedule=schedule)
    assert len(rows) == 7 * 48 - 2
    busy = [row for row in rows if row.required]
    assert len(busy) == 80
    assert sum(row.short for row in rows) == pytest.approx(result.short_hours * 2)


def test_publishing_again_is_refused_and_a_newer_one_supersedes(two_lines):
    result, first, _second = two_lines
    old = schedule_publish(schedule=schedule_save(result=result))
    with pytest.raises(ScheduleRefused, match="only a draft"):
        schedule_publish(schedule=old)
    new = schedule_publish(schedule=schedule_save(result=result))
    old.refresh_from_db()
    assert old.status == ScheduleStatus.SUPERSEDED
    assert schedule_latest(week=MONDAY) == new
    assert {row.schedule_id for row in shifts_for_agent(user=first, week=MONDAY)} == {new.pk}
    assert Schedule.objects.count() == 2
    assert ScheduledShift.objects.filter(schedule=old).count() == sum(
        len(line.shifts) for line in result.lines
    )


def test_nobody_is_scheduled_on_a_day_live_help_is_closed():
    # Monday needs 3, Tuesday to Friday 2; the pattern may be worked any day of the week. The
    # cheapest cover would bring a third agent in Sunday to Thursday; with the weekend closed,
    # nobody comes in on Saturday or Sunday, and the third agent works Monday to Friday.
    need = span([0], (9, 0), (17, 0), 3) | span(range(1, 5), (9, 0), (17, 0), 2)
    result = schedule_make(
        requirement=requirement(need),
        patterns=patterns(pattern(weekdays=["mon", "tue", "wed", "thu", "fri", "sat", "sun"])),
        absence=0,
    )
    assert all(shift.starts_at.weekday() < 5 for line in result.lines for shift in line.shifts)
    assert result.short_hours == 0
    assert len(result.lines) == 3


def test_a_draft_from_the_plan_as_the_desk_makes_it(facts_with_arrivals, staff):  # noqa: F811
    """``schedule_draft_from_plan`` (the desk's button) runs the plan for every queue with
    history and stores a draft made by the person who asked; the plan's golden flat week needs
    someone on every open half-hour, and the schedule leaves none of them short."""
    from contactcenter.workforce.services import schedule_draft_from_plan
    from tests.workforce.hours_data import MONDAY as HOURS_MONDAY

    supervisor = staff("supervisor")
    schedule = schedule_draft_from_plan(
        week=HOURS_MONDAY + dt.timedelta(days=2), created_by=supervisor
    )
    assert schedule.status == ScheduleStatus.DRAFT
    assert schedule.week_start == HOURS_MONDAY and schedule.created_by == supervisor
    assert schedule.agent_lines > 0 and schedule.required_hours > 0
    assert schedule.short_hours == 0
    assert ScheduledShift.objects.filter(schedule=schedule).count() > 0


def test_the_front_line_gets_lines_before_supervisors_and_inactive_accounts_none(make_agent):
    boss = make_agent(tiers=["supervisor", "tier1", "tier2"])
    boss.user.username = "aaron.supervisor"
    boss.user.save()
    officer = make_agent(tiers=["tier2"])
    agent = make_agent(tiers=["tier1"])
    gone = make_agent(tiers=["tier1"])
    gone.user.is_active = False
    gone.user.save()
    order = [user_id for user_id, _name in schedulable_agents()]
    # The Tier 1 agent first, then the Tier 2 officer, the supervisor last (though first by
    # name); never the inactive account.
    assert order == [agent.user_id, officer.user_id, boss.user_id]
