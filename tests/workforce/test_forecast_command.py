"""``contactcenter forecast`` from the interval facts and from a history file; the file's
refusals; the selector's sums; errors and exit status."""

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
from contactcenter.workforce.errors import HistoryFileInvalid
from contactcenter.workforce.history import history_csv_read
from contactcenter.workforce.selectors import abandon_sums, offered_history
from tests.workforce.forecast_series import CALENDAR, points

FIRST = dt.date(2026, 3, 2)
QUEUE = "t1-general-en"


def run(*args: str) -> str:
    out = StringIO()
    call_command("forecast", *args, "--no-progress", stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def facts(queues, settings):
    """Ten weeks of the synthetic pattern in the facts (half-hours), rounded to whole contacts;
    40 abandons and 6,000 s of wait in all (mean patience 150 s)."""
    settings.OPERATIONS_INTERVAL_MINUTES = 30
    queue = Queue.objects.get(code=QUEUE)
    rows = [
        IntervalFacts(
            interval_start=point.start,
            queue_id=queue.pk,
            channel="voice",
            language="en",
            queued=round(point.contacts),
        )
        for point in points(FIRST - dt.timedelta(weeks=10), FIRST - dt.timedelta(days=1))
    ]
    for row in rows[:40]:
        row.abandoned = 1
        row.wait_abandoned_ms = 100_000
    rows[40].wait_answered_ms = 2_000_000
    IntervalFacts.objects.bulk_create(rows)
    return queue


def test_the_selector_reads_queued_volume_and_abandon_sums(facts):
    begin = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    history = offered_history(begin=begin, end=end, queue_codes=[QUEUE])
    assert {point.queue for point in history} == {QUEUE}
    assert offered_history(begin=begin, end=end, queue_codes=["t1-general-es"]) == []
    sums = abandon_sums(
        begin=dt.datetime(2025, 1, 1, tzinfo=dt.UTC), end=end, queue_codes=[QUEUE, "supervisor"]
    )
    assert (sums[QUEUE].abandoned, sums[QUEUE].wait_ms) == (40, 6_000_000)
    assert sums["supervisor"].abandoned == 0


def test_the_table_shows_the_backtest_the_choice_patience_and_days(facts):
    table = run("--queue", QUEUE, "--from", "2026-03-02", "--weeks", "1")
    assert "Queue t1-general-en" in table
    assert "Back-test over 4 weeks (one week ahead from each origin):" in table
    for label in ("seasonal naive", "weighted index", "daily total × profile", "Holt-Winters"):
        assert label in table
    assert "Method: " in table and "(lowest interval WAPE," in table
    assert "Mean patience: 150.0 s" in table
    lines = table.splitlines()
    monday = next(line for line in lines if line.startswith("2026-03-02 Mon"))
    total = int(monday.split()[-1].replace(",", ""))
    assert abs(total - 1200) < 36  # the Monday level, within 3 %
    saturday = next(line for line in lines if line.startswith("2026-03-07 Sat"))
    assert saturday.split()[-1] == "0"


def test_the_table_in_spanish(facts):
    table = run(
        "--queue", QUEUE, "--from", "2026-03-02", "--weeks", "1", "--method", "weighted",
        "--language", "es",
    )  # fmt: skip
    assert "Cola t1-general-en" in table
    assert "Método: índice ponderado (el pedido)" in table
    assert "Paciencia media: 150,0 s" in table


def test_csv_gives_one_row_per_interval(facts):
    text = run("--queue", QUEUE, "--from", "2026-03-02", "--weeks", "2", "--csv")
    rows = list(csv.reader(StringIO(text)))
    assert rows[0] == ["interval_start", "queue", "channel", "language", "method", "contacts"]
    assert len(rows) == 1 + 14 * 48
    eight = rows[1 + 16]
    assert eight[:4] == ["2026-03-02T08:00:00-05:00", QUEUE, "voice", "en"]
    assert float(eight[5]) > 0
    assert rows[1 + 15][5] == "0.00"  # 7:30, before live hours


def test_history_from_a_file(tmp_path, queues, settings):
    settings.OPERATIONS_INTERVAL_MINUTES = 30
    path = tmp_path / "history.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["interval_start", "queue", "channel", "language", "contacts"])
        for point in points(FIRST - dt.timedelta(weeks=3), FIRST - dt.timedelta(days=1)):
            writer.writerow(
                [point.start.isoformat(), "imported", "voice", "es", round(point.contacts)]
            )
    table = run(
        "--queue", "imported", "--from", "2026-03-02", "--weeks", "1",
        "--history-csv", str(path), "--backtest-weeks", "2",
    )  # fmt: skip
    assert "Queue imported" in table
    assert "Holt-Winters skipped" in table
    assert "Mean patience: not estimated" in table
    monday = next(line for line in table.splitlines() if line.startswith("2026-03-02 Mon"))
    assert abs(int(monday.split()[-1].replace(",", "")) - 1200) < 60


def test_a_history_file_with_bad_rows_is_refused_whole(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "interval_start,queue,channel,language,contacts\n"
        "2026-02-02T08:00:00-05:00,q1,voice,en,12\n"
        "2026-02-02T08:00:00,q1,voice,en,12\n"
        "2026-02-02T08:10:00-05:00,q1,voice,en,12\n"
        "2026-02-02T08:30:00-05:00,q1,voice,xx,12\n"
        "2026-02-02T09:00:00-05:00,q1,voice,en,-1\n"
        "2026-02-02T09:30:00-05:00,q1,voice,en,many\n"
        "2026-02-02T08:00:00-05:00,q1,voice,en,3\n"
        "yesterday,q1,voice,en,3\n"
    )
    with pytest.raises(HistoryFileInvalid) as raised:
        history_csv_read(path=path, minutes=30, zone=CALENDAR.zone)
    assert raised.value.message.splitlines() == [
        "The history file was not used; fix these rows:",
        "line 3: 2026-02-02T08:00:00 has no UTC offset.",
        "line 4: 2026-02-02T08:10:00-05:00 does not start a 30-minute interval.",
        "line 5: xx is not a language of the agency.",
        "line 6: -1 contacts is below zero.",
        "line 7: many is not a whole number.",
        "line 8: the same interval, queue, channel and language as line 2.",
        "line 9: yesterday is not an ISO 8601 date and time.",
    ]
    missing = tmp_path / "missing.csv"
    missing.write_text("interval_start,queue,contacts\n")
    with pytest.raises(HistoryFileInvalid, match="lacks the columns channel, language"):
        history_csv_read(path=missing, minutes=30, zone=CALENDAR.zone)


def test_a_good_file_reads_whole(tmp_path):
    path = tmp_path / "good.csv"
    path.write_text(
        "interval_start,queue,channel,language,contacts\n"
        "2026-02-02T13:00:00+00:00,q1,voice,en,12\n"
        "2026-02-02T08:30:00-05:00,q1,chat,,4\n"
    )
    read = history_csv_read(path=path, minutes=30, zone=CALENDAR.zone)
    assert [(p.start.isoformat(), p.channel, p.language, p.contacts) for p in read] == [
        ("2026-02-02T13:00:00+00:00", "voice", "en", 12.0),
        ("2026-02-02T08:30:00-05:00", "chat", "", 4.0),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--queue", QUEUE, "--from", "2026-13-01", "--weeks", "1"],
         "--from: 2026-13-01 is not a date (YYYY-MM-DD)."),
        (["--queue", QUEUE, "--from", "2026-03-02", "--weeks", "one"],
         "--weeks: one is not a whole number."),
        (["--queue", QUEUE, "--from", "2026-03-02", "--weeks", "0"],
         "Forecast between 1 and 52 weeks."),
        (["--queue", QUEUE, "--from", "2026-03-02", "--weeks", "1", "--method", "magic"],
         "--method: magic is not one of auto, seasonal_naive, weighted, profile, holt_winters."),
        (["--queue", "nowhere", "--from", "2026-03-02", "--weeks", "1"],
         "No history before 2026-03-02 for the queue nowhere."),
        (["--queue", QUEUE, "--from", "2026-01-02", "--weeks", "1", "--method", "holt_winters"],
         "Holt-Winters needs two full weeks of history before 2026-01-02 for t1-general-en."),
        (["--queue", QUEUE, "--from", "2026-03-02", "--weeks", "1", "--interval-minutes", "20"],
         "The interval must be 15 or 30 minutes."),
        (["--all", "--from", "2026-03-02", "--weeks", "1", "--history-csv", "/nonexistent.csv"],
         "/nonexistent.csv is not a file."),
    ],
)  # fmt: skip
def test_bad_input_is_a_clear_error(facts, args, message):
    with pytest.raises(CommandError) as raised:
        run(*args)
    assert str(raised.value) == message


def test_the_console_script_exits_non_zero_on_bad_input():
    done = subprocess.run(
        [sys.executable, "-m", "contactcenter.cli", "forecast", "--all", "--from", "soon",
         "--weeks", "1"],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "--from: soon is not a date (YYYY-MM-DD)." in done.stderr
    assert done.stdout == ""
