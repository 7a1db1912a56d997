"""Reports over the interval facts: periods cut in the agency's time zone, rows by queue,
channel or language, and the same numbers in CSV and XLSX."""

import csv
import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from contactcenter.core.errors import InvalidInput
from contactcenter.operations.reports import ReportSpec, report_csv, report_rows, report_xlsx
from contactcenter.operations.service_level import percent
from contactcenter.routing.models import Queue
from tests.factories import interval_facts_create

pytestmark = pytest.mark.django_db

EASTERN = ZoneInfo("America/New_York")


@pytest.fixture(autouse=True)
def eastern_agency(settings):
    settings.TIME_ZONE = "America/New_York"


def eastern(*args):
    return dt.datetime(*args, tzinfo=EASTERN)


def facts(queue, start, channel="phone", language="en", **counts):
    return interval_facts_create(
        interval_start=start, queue_id=queue.pk, channel=channel, language=language, **counts
    )


@pytest.fixture
def two_queues(queues):
    general = Queue.objects.get(code="t1-general-en")
    spanish = Queue.objects.get(code="t1-general-es")
    spanish.service_level_formula = "removed_within"
    spanish.save()
    return general, spanish


def spec(first, last, grain="day", by="all"):
    return ReportSpec.parse(first=first, last=last, grain=grain, by=by)


def test_by_day_and_queue_each_queue_by_its_own_formula(two_queues):
    general, spanish = two_queues
    # 3 November: the golden counts for English split over two intervals; late evening in
    # Eastern time is already the 4th in UTC, and still counts on the 3rd.
    facts(general, eastern(2026, 11, 3, 9, 0), queued=40, answered=35, answered_within=30,
          abandoned=5, abandoned_within=4, abandoned_short=1)  # fmt: skip
    facts(general, eastern(2026, 11, 3, 23, 45), queued=60, answered=45, answered_within=40,
          abandoned=15, abandoned_within=4, abandoned_short=2)  # fmt: skip
    facts(spanish, eastern(2026, 11, 3, 10, 0), queued=10, answered=6, answered_within=5,
          abandoned=4, abandoned_within=3)  # fmt: skip
    facts(general, eastern(2026, 11, 4, 0, 0), queued=7, answered=7, answered_within=7)
    rows = report_rows(spec("2026-11-03", "2026-11-04", by="queue"))
    table = {(row.period.date(), row.key): row for row in rows}
    assert set(table) == {
        (dt.date(2026, 11, 3), "t1-general-en"),
        (dt.date(2026, 11, 3), "t1-general-es"),
        (dt.date(2026, 11, 4), "t1-general-en"),
    }
    english = table[(dt.date(2026, 11, 3), "t1-general-en")]
    assert english.counts.queued == 100
    # Ai=70, Ao=10, Bi=8, Bo=12: abandons penalised, the golden 70.00 %.
    assert percent(english.service_level) == Decimal("70.00")
    assert percent(english.abandonment_rate) == Decimal("20.00")
    assert english.threshold_seconds == 20
    # Removed within T for Spanish: (5 + 3) / 10.
    assert percent(table[(dt.date(2026, 11, 3), "t1-general-es")].service_level) == Decimal("80.00")
    assert [row.period.date() for row in rows] == sorted(row.period.date() for row in rows)


def test_all_contacts_by_week_and_month(two_queues):
    general, spanish = two_queues
    facts(general, eastern(2026, 11, 2, 9, 0), queued=10, answered=10, answered_within=10)
    facts(spanish, eastern(2026, 11, 8, 23, 30), queued=5, answered=5, answered_within=0)
    facts(general, eastern(2026, 11, 9, 0, 15), queued=1, answered=1, answered_within=1)
    facts(general, eastern(2026, 12, 1, 0, 15), queued=2, abandoned=2)
    weeks = report_rows(spec("2026-11-02", "2026-12-01", grain="week"))
    assert [(row.period.date(), row.counts.queued) for row in weeks] == [
        (dt.date(2026, 11, 2), 15), (dt.date(2026, 11, 9), 1), (dt.date(2026, 11, 30), 2),
    ]  # fmt: skip
    assert weeks[0].label == "All contacts" and weeks[0].threshold_seconds is None
    months = report_rows(spec("2026-11-01", "2026-12-31", grain="month"))
    assert [(row.period.date(), row.counts.queued) for row in months] == [
        (dt.date(2026, 11, 1), 16), (dt.date(2026, 12, 1), 2),
    ]  # fmt: skip
    # Mixed queues use the default formula: answered within over answered plus abandoned.
    assert percent(months[0].service_level) == Decimal("68.75")
    assert months[1].service_level is not None and months[1].service_level == 0


def test_by_channel_and_language_and_by_interval_across_the_clock_change(two_queues):
    general, _spanish = two_queues
    facts(general, eastern(2026, 11, 1, 1, 30), channel="phone", queued=1, answered=1)
    # The second 1:30 of the night the clocks go back: its own interval.
    second = dt.datetime(2026, 11, 1, 1, 30, tzinfo=EASTERN, fold=1)
    facts(general, second, channel="chat", language="es", queued=2, answered=2)
    intervals = report_rows(spec("2026-11-01", "2026-11-01", grain="interval"))
    assert [(row.period.utcoffset(), row.counts.queued) for row in intervals] == [
        (dt.timedelta(hours=-4), 1), (dt.timedelta(hours=-5), 2),
    ]  # fmt: skip
    channels = {row.key: row.counts.queued for row in report_rows(
        spec("2026-11-01", "2026-11-01", by="channel"))}  # fmt: skip
    assert channels == {"phone": 1, "chat": 2}
    languages = {row.key: row.counts.answered for row in report_rows(
        spec("2026-11-01", "2026-11-01", by="language"))}  # fmt: skip
    assert languages == {"en": 1, "es": 2}


def test_a_year_by_day_is_one_query_over_the_facts(two_queues):
    general, _spanish = two_queues
    for day in range(0, 365, 7):
        facts(general, eastern(2026, 1, 1, 12, 0) + dt.timedelta(days=day), queued=1)
    with CaptureQueriesContext(connection) as queries:
        rows = report_rows(spec("2026-01-01", "2026-12-31", by="queue"))
    assert len(rows) == 53
    assert len(queries) == 2  # the facts, and the queues' names and formulas


def test_files_hold_the_same_numbers_as_the_rows(two_queues):
    general, spanish = two_queues
    facts(general, eastern(2026, 11, 3, 9, 0), queued=100, answered=80, answered_within=70,
          abandoned=20, abandoned_within=8, abandoned_short=3, handled=80,
          wait_answered_ms=1_600_000, talk_ms=24_000_000)  # fmt: skip
    facts(spanish, eastern(2026, 11, 3, 9, 0), queued=0)
    report = spec("2026-11-03", "2026-11-03", by="queue")
    rows = report_rows(report)
    lines = list(csv.reader(io.StringIO(report_csv(rows, report))))
    header, *body = lines
    assert header[0] == "Period start" and header[13] == "Service level (%)"
    english = next(line for line in body if line[1] == "Tier 1 general, English")
    assert english[0] == "2026-11-03"
    assert english[4] == "100" and english[13] == "70.00" and english[15] == "20.00"
    assert Decimal(english[16]) == 20  # average speed of answer: 1,600 s over 80 answered
    empty = next(line for line in body if line[1] != "Tier 1 general, English")
    assert empty[13] == ""  # nothing to divide by: an empty cell, never a 0
    sheet = load_workbook(io.BytesIO(report_xlsx(rows, report))).active
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert cells[0] == header
    by_label = {row[1]: row for row in cells[1:]}
    assert by_label["Tier 1 general, English"][4] == 100
    assert by_label["Tier 1 general, English"][13] == pytest.approx(70.0)
    assert by_label["Tier 1 general, English"][16] == pytest.approx(20.0)


@pytest.mark.parametrize(
    ("first", "last", "grain", "by"),
    [
        ("2026-11-03", "2026-11-02", "day", "all"),
        ("3/11/2026", "2026-11-04", "day", "all"),
        ("2026-11-01", "2026-11-30", "hour", "all"),
        ("2026-11-01", "2026-11-30", "day", "person"),
        ("2026-01-01", "2026-12-31", "interval", "all"),
    ],
)
def test_bad_choices_are_refused_with_a_reason(first, last, grain, by):
    with pytest.raises(InvalidInput):
        ReportSpec.parse(first=first, last=last, grain=grain, by=by)
