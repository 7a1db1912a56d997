"""The ``schedule`` command: its table in English and Spanish, per agent, JSON, the two CSV
files, saving and publishing, a schedule from the plan, and one clear line for bad input with
nothing stored."""

from __future__ import annotations

import csv
import datetime as dt
import json
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from contactcenter.workforce.models import Schedule, ScheduleStatus
from contactcenter.workforce.selectors import shifts_for_agent
from tests.workforce.test_plan import MONDAY, QUEUE, history_file

ZONE = ZoneInfo("America/New_York")

PATTERNS = """
patterns:
  - code: day
    label: {en: "Day shift", es: "Turno de día"}
    starts: ["09:00"]
    length: 480
    days: 5
    consecutive_days_off: true
    weekdays: [mon, tue, wed, thu, fri]
"""


@pytest.fixture
def files(tmp_path):
    """Two agents 9:00-17:00 Monday to Friday, and one pattern that fits it exactly."""
    need = tmp_path / "need.csv"
    with need.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["start", "agents"])
        for day in range(5):
            for slot in range(16):
                start = dt.datetime.combine(
                    MONDAY + dt.timedelta(days=day), dt.time(9 + slot // 2, 30 * (slot % 2)), ZONE
                )
                writer.writerow([start.isoformat(), 2])
    patterns = tmp_path / "patterns.yaml"
    patterns.write_text(PATTERNS, encoding="utf-8")
    return need, patterns


def run(files, *args: str) -> str:
    need, patterns = files
    out = StringIO()
    call_command(
        "schedule",
        "--week",
        MONDAY.isoformat(),
        "--requirements",
        str(need),
        "--patterns",
        str(patterns),
        "--absence",
        "0",
        "--no-progress",
        *args,
        stdout=out,
        stderr=StringIO(),
    )
    return out.getvalue()


def test_the_table_gives_the_totals_and_the_days(files):
    text = run(files)
    assert "Schedule, week of 2026-03-02 (30-minute intervals)" in text
    assert "Agents scheduled: 2 (80.0 paid hours)" in text
    assert "Required on the floor: 80.0 agent-hours (absence 0.0 % added)" in text
    assert "Short: 0.00 agent-hours in 0 intervals; over: 0.00 agent-hours" in text
    assert "2026-03-02 Mon      16.0          16.0   0.00  0.00       2" in text
    assert "2026-03-07 Sat       0.0           0.0   0.00  0.00       0" in text
    assert "Short intervals" not in text


def test_by_agent_gives_a_row_per_line(files):
    text = run(files, "--by-agent")
    assert "Shifts per agent:" in text
    rows = [line for line in text.splitlines() if line.startswith("Line ")]
    assert len(rows) == 2
    assert rows[0].split() == [
        "Line",
        "1",
        "Day",
        "shift",
        *["09:00-17:00"] * 5,
        "-",
        "-",
        "40.0",
    ]


def test_the_table_in_spanish(files):
    text = run(files, "--language", "es", "--by-agent")
    assert "Horario, semana del 2026-03-02 (intervalos de 30 minutos)" in text
    assert "Agentes programados: 2 (80,0 horas pagadas)" in text
    assert "Turno de día" in text
    assert "Línea 1" in text


def test_short_intervals_are_listed(files):
    text = run(files, "--max-agents", "1")
    assert "Short: 40.00 agent-hours in 80 intervals" in text
    assert "2026-03-02 Mon 09:00: 2 required, 1.0 on the floor" in text
    assert "... and 60 more" in text


def test_json_carries_the_lines_and_intervals(files):
    reply = json.loads(run(files, "--json"))
    assert reply["agents"] == 2 and reply["paid_hours"] == 80
    assert reply["short_hours"] == 0 and reply["over_hours"] == 0
    assert reply["schedule_id"] is None
    line = reply["lines"][0]
    assert line["line"] == "Line 1" and line["pattern"] == "day" and line["agent"] is None
    assert line["shifts"][0] == {
        "day": "2026-03-02",
        "start": "2026-03-02T09:00:00-05:00",
        "end": "2026-03-02T17:00:00-05:00",
        "breaks": [],
    }
    assert len(reply["intervals"]) == 7 * 48 - 2


def test_the_csv_files(files, tmp_path):
    shifts, coverage = tmp_path / "shifts.csv", tmp_path / "coverage.csv"
    run(files, "--csv", str(shifts), "--coverage-csv", str(coverage))
    rows = list(csv.DictReader(shifts.open(encoding="utf-8")))
    assert len(rows) == 10
    assert rows[0] == {
        "agent": "",
        "line": "Line 1",
        "pattern": "day",
        "day": "2026-03-02",
        "start": "2026-03-02T09:00:00-05:00",
        "end": "2026-03-02T17:00:00-05:00",
        "breaks": "",
        "paid_hours": "8.00",
    }
    intervals = list(csv.DictReader(coverage.open(encoding="utf-8")))
    assert len(intervals) == 7 * 48 - 2
    nine = next(row for row in intervals if row["interval_start"] == "2026-03-02T09:00:00-05:00")
    assert nine == {
        "interval_start": "2026-03-02T09:00:00-05:00",
        "required": "2",
        "scheduled": "2.00",
        "short": "0.00",
        "over": "0.00",
    }


def test_csv_to_standard_output_replaces_the_table(files):
    text = run(files, "--csv", "-")
    rows = list(csv.reader(StringIO(text)))
    assert rows[0] == ["agent", "line", "pattern", "day", "start", "end", "breaks", "paid_hours"]
    assert len(rows) == 11


def test_breaks_are_written_in_the_csv(files, tmp_path):
    _need, patterns = files
    patterns.write_text(
        PATTERNS.replace("length: 480", "length: 510")
        + "    lunch: {minutes: 30, earliest: 180, latest: 180}\n",
        encoding="utf-8",
    )
    text = run(files, "--csv", "-")
    rows = list(csv.DictReader(StringIO(text)))
    assert {row["breaks"] for row in rows} == {"12:00-12:30 unpaid"}


@pytest.mark.django_db
def test_save_stores_a_draft_and_publish_shows_agents_their_shifts(files, make_agent):
    first = make_agent()
    text = run(files, "--save")
    schedule = Schedule.objects.get()
    assert f"Saved as draft schedule {schedule.pk}." in text
    assert schedule.status == ScheduleStatus.DRAFT
    assert schedule.shifts.count() == 10
    run(files, "--publish", "--assign-agents")
    published = Schedule.objects.get(status=ScheduleStatus.PUBLISHED)
    mine = shifts_for_agent(user=first.user, week=MONDAY)
    assert len(mine) == 5 and {row.schedule_id for row in mine} == {published.pk}
    assert published.shifts.filter(agent__isnull=True).count() == 5


@pytest.mark.django_db
def test_a_schedule_from_the_plan(queues, tmp_path):
    """The plan's flat 100 calls per open half-hour at 180 s need 14 agents (8:00-20:00 on
    weekdays); with 10 % absence the floor needs ⌈14 / 0.9⌉ = 16, so 16 × 12 h × 5 days."""
    out = StringIO()
    call_command(
        "schedule",
        "--week",
        MONDAY.isoformat(),
        "--queue",
        QUEUE,
        "--history-csv",
        str(history_file(tmp_path)),
        "--aht-seconds",
        "180",
        "--target",
        "80%",
        "--threshold",
        "20",
        "--interval-minutes",
        "30",
        "--backtest-weeks",
        "0",
        "--json",
        "--no-progress",
        stdout=out,
    )
    reply = json.loads(out.getvalue())
    assert reply["required_hours"] == 16 * 12 * 5
    assert reply["short_hours"] == 0
    busy = {row["required"] for row in reply["intervals"] if row["required"]}
    assert busy == {16}
    assert reply["paid_hours"] >= reply["required_hours"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--week", "2026-02-30"], "--week: 2026-02-30 is not a date"),
        (["--absence", "150"], "more than 1"),
        (["--max-agents", "two"], "--max-agents: two is not a whole number"),
        (["--time-limit", "soon"], "--time-limit: soon is not a number"),
        (["--csv", "/no/such/folder/x.csv"], "its folder does not exist"),
    ],
)
def test_bad_options_are_one_clear_line_and_nothing_is_saved(files, args, words):
    with pytest.raises(CommandError) as raised:
        run(files, "--save", *args)
    assert words in str(raised.value)
    assert not Schedule.objects.exists()


@pytest.mark.django_db
def test_a_bad_patterns_file_names_the_pattern_and_field(files):
    _need, patterns = files
    patterns.write_text(PATTERNS.replace('"09:00"', '"9am"'), encoding="utf-8")
    with pytest.raises(CommandError, match="pattern day, field starts: must be a time"):
        run(files, "--save")
    assert not Schedule.objects.exists()


@pytest.mark.django_db
def test_a_bad_requirements_file_names_its_lines(files):
    need, _patterns = files
    need.write_text("start,agents\n2026-03-02T09:00:00-05:00,-1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 2"):
        run(files, "--save")
    assert not Schedule.objects.exists()


def test_one_source_of_the_requirement(files):
    need, _patterns = files
    with pytest.raises(CommandError, match="not both"):
        call_command("schedule", "--week", "2026-03-02", stdout=StringIO())
    with pytest.raises(CommandError, match="not both"):
        call_command(
            "schedule",
            "--week",
            "2026-03-02",
            "--all",
            "--requirements",
            str(need),
            stdout=StringIO(),
        )
