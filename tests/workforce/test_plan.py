"""The week's staffing plan: the golden figures of a flat forecast, the model per queue, closed
intervals, overrides, refusals, and the ``plan`` command's table and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from contactcenter.operations.models import IntervalFacts
from contactcenter.routing.models import Queue
from contactcenter.workforce.erlang import Model
from contactcenter.workforce.errors import StaffingInputInvalid
from contactcenter.workforce.forecast import Method
from contactcenter.workforce.plan import plan_make
from contactcenter.workforce.staffing import staffing_solve
from tests.workforce.forecast_series import CALENDAR

MONDAY = dt.date(2026, 3, 2)
QUEUE = "t1-general-en"
# 8:00-20:00 on weekdays: 24 open half-hours.
OPEN_SLOTS = 24


def open_starts(weeks: int) -> list[dt.datetime]:
    """Every open half-hour of the ``weeks`` weeks before MONDAY."""
    starts = []
    day = MONDAY - dt.timedelta(weeks=weeks)
    while day < MONDAY:
        for slot in range(48):
            start = dt.datetime.combine(day, dt.time(slot // 2, 30 * (slot % 2)), CALENDAR.zone)
            if CALENDAR.is_open(start):
                starts.append(start)
        day += dt.timedelta(days=1)
    return starts


def history_file(tmp_path, *, queue: str = QUEUE, channel: str = "phone", contacts: int = 100):
    path = tmp_path / "history.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["interval_start", "queue", "channel", "language", "contacts"])
        for start in open_starts(4):
            writer.writerow([start.isoformat(), queue, channel, "en", contacts])
    return path


@pytest.fixture
def facts(queues, settings):
    """Four weeks of 100 phone contacts per open half-hour in the facts; in all 4,000 handled
    with 720,000 s of talk and after-contact time (180 s each), 40 abandons and 6,000 s of
    wait (mean patience 150 s)."""
    settings.OPERATIONS_INTERVAL_MINUTES = 30
    queue = Queue.objects.get(code=QUEUE)
    rows = [
        IntervalFacts(
            interval_start=start, queue_id=queue.pk, channel="phone", language="en", queued=100
        )
        for start in open_starts(4)
    ]
    for row in rows[:40]:
        row.abandoned = 1
        row.wait_abandoned_ms = 150_000
        row.handled = 100
        row.talk_ms = 15_000_000
        row.after_contact_ms = 3_000_000
    IntervalFacts.objects.bulk_create(rows)
    return queue


def test_a_flat_forecast_gives_the_golden_figures(queues, tmp_path):
    """100 contacts per half-hour at 180 s: 10 Erlangs; 80 % in 20 s needs 14 agents (Erlang
    C), and 14 / (1 − 0.30) = 20 positions."""
    run = plan_make(
        queue_codes=[QUEUE],
        day=dt.date(2026, 3, 4),  # a Wednesday: its week
        method=Method.SEASONAL_NAIVE,
        history_csv=history_file(tmp_path),
        aht_seconds=180,
        minutes=30,
        calendar=CALENDAR,
    )
    assert run.monday == MONDAY
    (plan,) = run.queues
    assert (plan.model, plan.service_level_target, plan.threshold_seconds) == (
        Model.ERLANG_C,
        0.8,
        20,
    )
    open_rows = [row for row in plan.intervals if row.contacts]
    assert len(open_rows) == 5 * OPEN_SLOTS
    assert {(row.contacts, row.agents, row.positions) for row in open_rows} == {(100.0, 14, 20)}
    assert round(open_rows[0].service_level, 6) == 0.888350  # OPERATIONS.md, 14 agents
    days = run.days(plan)
    assert [(d.peak_agents, d.agent_hours, d.peak_positions) for d in days] == [
        (14, 168.0, 20)
    ] * 5 + [(0, 0.0, 0)] * 2


def test_closed_intervals_need_no_one(queues, tmp_path):
    run = plan_make(
        queue_codes=[QUEUE],
        day=MONDAY,
        method=Method.SEASONAL_NAIVE,
        history_csv=history_file(tmp_path),
        aht_seconds=180,
        minutes=30,
        calendar=CALENDAR,
    )
    rows = run.queues[0].intervals
    assert len(rows) == 7 * 48 - 2  # clocks go forward on Sunday 8 March: one hour fewer
    closed = [row for row in rows if not CALENDAR.is_open(row.start)]
    assert closed and {(row.contacts, row.agents, row.positions) for row in closed} == {(0, 0, 0)}


def test_erlang_a_when_the_queue_has_a_patience_and_aht_from_the_facts(facts):
    run = plan_make(
        queue_codes=[QUEUE], day=MONDAY, method=Method.SEASONAL_NAIVE, calendar=CALENDAR
    )
    (plan,) = run.queues
    assert plan.model == Model.ERLANG_A
    assert plan.patience_seconds == 150.0
    assert plan.aht_seconds == {"phone": 180.0}
    busy = {row.agents for row in plan.intervals if row.contacts}
    expected = staffing_solve(
        contacts=100,
        interval_minutes=30,
        aht_seconds=180,
        target_seconds=20,
        service_level=0.8,
        patience_seconds=150,
    )
    assert busy == {expected.agents} == {12}
    # Patience lowers the need below Erlang C's 14, never below the load's 10.
    assert 10 < expected.agents <= 14


def test_overrides_of_target_threshold_shrinkage_and_cap(queues, tmp_path):
    run = plan_make(
        queue_codes=[QUEUE],
        day=MONDAY,
        method=Method.SEASONAL_NAIVE,
        history_csv=history_file(tmp_path),
        aht_seconds=180,
        service_level=0.9,
        threshold_seconds=30,
        shrinkage=0.0,
        max_occupancy=0.7,
        minutes=30,
        calendar=CALENDAR,
    )
    (plan,) = run.queues
    assert (plan.service_level_target, plan.threshold_seconds) == (0.9, 30)
    # The cap binds: 10 Erlangs at 70 % occupancy at most need 15 agents (10/15 = 66.7 %).
    assert {row.agents for row in plan.intervals if row.contacts} == {15}
    assert {row.positions for row in plan.intervals if row.contacts} == {15}


def test_chat_is_sized_with_three_at_once(queues, tmp_path):
    run = plan_make(
        queue_codes=[QUEUE],
        day=MONDAY,
        method=Method.SEASONAL_NAIVE,
        history_csv=history_file(tmp_path, channel="chat"),
        aht_seconds=180,
        minutes=30,
        calendar=CALENDAR,
    )
    (plan,) = run.queues
    assert plan.concurrency == {"chat": 3}
    # 10 Erlangs on places three to an agent: 14 places would do, so 5 agents (15 places).
    assert {row.agents for row in plan.intervals if row.contacts} == {5}


def test_refusals(queues, tmp_path, facts):
    path = history_file(tmp_path)
    base = {"queue_codes": [QUEUE], "day": MONDAY, "calendar": CALENDAR, "minutes": 30}
    with pytest.raises(StaffingInputInvalid, match="Shrinkage"):
        plan_make(**base, history_csv=path, aht_seconds=180, shrinkage=1.0)
    with pytest.raises(StaffingInputInvalid, match="handle time"):
        plan_make(**base, history_csv=path, aht_seconds=0)
    with pytest.raises(StaffingInputInvalid, match="service-level target"):
        plan_make(**base, history_csv=path, aht_seconds=180, service_level=1.0)
    # No handled contacts for the Spanish queue in the facts: no handle time to use.
    other = history_file(tmp_path, queue="t1-general-es")
    with pytest.raises(StaffingInputInvalid, match="give --aht-seconds"):
        plan_make(**{**base, "queue_codes": ["t1-general-es"]}, history_csv=other)
    # A code routing does not know has no target of its own.
    stranger = history_file(tmp_path, queue="q9")
    with pytest.raises(StaffingInputInvalid, match="give --target and --threshold"):
        plan_make(**{**base, "queue_codes": ["q9"]}, history_csv=stranger, aht_seconds=180)


def test_a_code_routing_does_not_know_plans_with_a_target_given(queues, tmp_path):
    run = plan_make(
        queue_codes=["q9"],
        day=MONDAY,
        method=Method.SEASONAL_NAIVE,
        history_csv=history_file(tmp_path, queue="q9"),
        aht_seconds=180,
        service_level=0.8,
        threshold_seconds=20,
        minutes=30,
        calendar=CALENDAR,
    )
    assert [day.peak_positions for day in run.days(run.queues[0])] == [20] * 5 + [0, 0]


def run_command(*args: str) -> str:
    out = StringIO()
    call_command("plan", *args, "--no-progress", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_command_prints_a_table_per_queue_and_day(queues, tmp_path):
    table = run_command(
        "--queue", QUEUE, "--week", "2026-03-06", "--history-csv", str(history_file(tmp_path)),
        "--aht-seconds", "180", "--method", "seasonal_naive", "--interval-minutes", "30",
    )  # fmt: skip
    assert "Queue t1-general-en, week of 2026-03-02" in table
    assert "Erlang C (no mean patience for the queue)" in table
    assert "Target: 80.0 % within 20 s; shrinkage 30.0 %" in table
    monday = next(line for line in table.splitlines() if line.startswith("2026-03-02"))
    assert monday.split()[2:] == ["14", "168.0", "20"]
    sunday = next(line for line in table.splitlines() if line.startswith("2026-03-08"))
    assert sunday.split()[2:] == ["0", "0.0", "0"]


def test_the_command_in_spanish(queues, tmp_path):
    table = run_command(
        "--queue", QUEUE, "--week", "2026-03-02", "--history-csv", str(history_file(tmp_path)),
        "--aht-seconds", "180", "--method", "seasonal_naive", "--interval-minutes", "30",
        "--language", "es",
    )  # fmt: skip
    assert "Cola t1-general-en, semana del 2026-03-02" in table
    assert "168,0" in table


def test_the_command_writes_one_csv_row_per_interval(queues, tmp_path):
    text = run_command(
        "--queue", QUEUE, "--week", "2026-03-02", "--history-csv", str(history_file(tmp_path)),
        "--aht-seconds", "180", "--method", "seasonal_naive", "--interval-minutes", "30",
        "--csv",
    )  # fmt: skip
    rows = list(csv.DictReader(StringIO(text)))
    assert len(rows) == 7 * 48 - 2  # no row for the hour clocks skip on Sunday
    nine = next(row for row in rows if row["interval_start"] == "2026-03-02T09:00:00-05:00")
    assert nine == {
        "interval_start": "2026-03-02T09:00:00-05:00",
        "queue": QUEUE,
        "channel": "phone",
        "contacts": "100.00",
        "aht_seconds": "180.0",
        "model": "erlang_c",
        "agents": "14",
        "positions": "20",
        "service_level": "0.8884",
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--week", "next week"), "--week: next week is not a date"),
        (("--week", "2026-03-02", "--method", "magic"), "--method: magic is not one of"),
        (("--week", "2026-03-02", "--shrinkage", "130"), "130 is more than 1"),
        (("--week", "2026-03-02", "--aht-seconds", "abc"), "--aht-seconds: abc is not a number"),
    ],
)
def test_the_command_refuses_bad_input_in_one_line(queues, args, message):
    with pytest.raises(CommandError, match=message) as caught:
        run_command("--queue", QUEUE, *args)
    assert "\n" not in str(caught.value)


def test_the_command_refuses_without_a_handle_time(queues, tmp_path):
    with pytest.raises(CommandError, match="give --aht-seconds"):
        run_command(
            "--queue", QUEUE, "--week", "2026-03-02",
            "--history-csv", str(history_file(tmp_path)), "--interval-minutes", "30",
        )  # fmt: skip


def test_the_console_script_exits_non_zero_on_bad_input():
    done = subprocess.run(
        [sys.executable, "-m", "contactcenter.cli", "plan", "--all", "--week", "soon"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "--week: soon is not a date (YYYY-MM-DD)." in done.stderr
    assert done.stdout == ""


def test_the_hour_clocks_skip_has_no_interval(queues, tmp_path):
    """Sunday 8 March 2026, 2:00 to 3:00 Eastern does not happen: the week's plan has no
    interval there, so no moment is counted twice (2:00 EST would be 3:00 EDT)."""
    run = plan_make(
        queue_codes=[QUEUE], day=MONDAY, history_csv=history_file(tmp_path), aht_seconds=180
    )
    starts = [row.start for row in run.queues[0].intervals]
    assert len(starts) == len({start.astimezone(dt.UTC) for start in starts})
    sunday = [start for start in starts if start.date() == dt.date(2026, 3, 8)]
    # The day's intervals less the hour that never happens.
    assert len(sunday) == (1440 - 60) // run.minutes
    assert not [start for start in sunday if start.hour == 2]
