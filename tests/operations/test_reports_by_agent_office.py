"""Reports by agent and by office: rows from their own facts, the figures worked by hand in
``report_facts``, columns that mean nothing for the grouping left out, the same numbers in CSV
and XLSX, and a year by day in a fixed handful of queries."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from contactcenter.core.errors import InvalidInput
from contactcenter.offices.models import Office
from contactcenter.operations.reports import ReportSpec, report_csv, report_rows, report_xlsx
from contactcenter.operations.service_level import percent
from contactcenter.operations.services import agent_facts_add, office_facts_add
from contactcenter.routing.models import Queue
from tests.operations.report_facts import agent_and_office_facts, eastern

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def eastern_agency(settings):
    settings.TIME_ZONE = "America/New_York"


@pytest.fixture
def built(make_agent, queues):
    return agent_and_office_facts(make_agent, Queue.objects.get(code="t1-general-en"))


def spec(by, first="2026-11-03", last="2026-11-04", grain="day"):
    return ReportSpec.parse(first=first, last=last, grain=grain, by=by)


def test_rows_by_agent_and_day(built):
    rows = report_rows(spec("agent"))
    assert [(row.period.date().isoformat(), row.label) for row in rows] == [
        ("2026-11-03", "Alice Adams"), ("2026-11-03", "Bob Brown"), ("2026-11-04", "Alice Adams"),
    ]  # fmt: skip
    alice, bob, alice_next = rows
    assert alice.key == built.alice.user.username and alice.counts is None
    assert alice.service_level is None and alice.office is None
    assert alice.agent is not None
    assert (alice.agent.answered, alice.agent.handled, alice.agent.transferred_out) == (3, 3, 1)
    assert alice.agent.average_handle_time == Decimal("160.000")
    assert percent(alice.agent.occupancy) == Decimal("62.50")
    assert percent(alice.agent.utilisation) == Decimal("50.00")
    assert bob.agent is not None and bob.agent.handled == 0
    assert bob.agent.average_handle_time is None
    assert percent(bob.agent.occupancy) == Decimal("0.00")
    assert alice_next.agent is not None and alice_next.agent.average_handle_time == 60
    assert alice_next.agent.occupancy is None  # no time by state that day: nothing to divide


def test_rows_by_agent_and_interval_split_where_the_facts_do(built):
    rows = report_rows(spec("agent", last="2026-11-03", grain="interval"))
    alice = [row for row in rows if row.label == "Alice Adams"]
    assert [(row.period.strftime("%H:%M"), row.agent.handled) for row in alice] == [
        ("09:00", 2), ("09:15", 1), ("09:30", 0), ("09:45", 0),
    ]  # fmt: skip


def test_an_agent_no_longer_on_file_keeps_their_counts(built):
    agent_facts_add(contacts={(eastern(2026, 11, 3, 10, 0), 99_999, 0, "chat"): {"handled": 4}})
    [gone] = [row for row in report_rows(spec("agent")) if row.key == "99999"]
    assert gone.label == "99999" and gone.agent is not None and gone.agent.handled == 4


def test_rows_by_office_and_day(built):
    rows = report_rows(spec("office"))
    assert [(row.key, row.label) for row in rows] == [
        ("N01", "North office"), ("N02", "South office"),
    ]  # fmt: skip
    north, south = rows
    assert north.counts is None and north.agent is None and north.office is not None
    assert (north.office.received, north.office.transferred_out, north.office.resolved) == (
        2, 1, 1,
    )  # fmt: skip
    assert north.office.average_hours_to_resolve == Decimal("2.00")
    assert south.office is not None and south.office.transferred_in == 1
    assert south.office.average_time_to_resolve == Decimal("19800.000")
    assert south.office.average_hours_to_resolve == Decimal("5.50")
    assert [row.label for row in report_rows(spec("office"), language="es")] == [
        "Oficina norte", "Oficina sur",
    ]  # fmt: skip


def test_office_rows_by_month_add_both_kinds_of_request(built):
    north_id = Office.objects.get(code="N01").pk
    office_facts_add(facts={(dt.date(2026, 11, 20), north_id, "appointment"): {
        "received": 1, "resolved": 1, "resolved_timed": 1, "resolve_ms": 3_600_000,
    }})  # fmt: skip
    [north, _south] = report_rows(spec("office", first="2026-11-01", last="2026-11-30",
                                       grain="month"))  # fmt: skip
    assert north.office is not None
    assert (north.office.received, north.office.resolved) == (3, 2)
    assert north.office.average_hours_to_resolve == Decimal("1.50")  # (2 h + 1 h) / 2


def test_a_year_by_day_is_a_handful_of_queries(built):
    with CaptureQueriesContext(connection) as queries:
        report_rows(spec("agent", first="2026-01-01", last="2026-12-31"))
    assert len(queries) == 2  # the agents' days, the agents' names
    with CaptureQueriesContext(connection) as queries:
        report_rows(spec("agent", first="2026-11-01", last="2026-11-07", grain="interval"))
    assert len(queries) == 3  # contacts, time by state, the agents' names
    with CaptureQueriesContext(connection) as queries:
        report_rows(spec("office", first="2026-01-01", last="2026-12-31"))
    assert len(queries) == 2  # the office facts, the offices' codes and names


def test_agent_files_hold_the_rows_numbers_and_no_contact_columns(built):
    report = spec("agent", last="2026-11-03")
    rows = report_rows(report)
    header, alice, bob = list(csv.reader(io.StringIO(report_csv(rows, report))))
    assert header == [
        "Period start", "Agent", "Name", "Answered", "Handled", "Transferred out",
        "Average handle time (seconds)", "Occupancy (%)", "Utilisation (%)",
        "Available (minutes)", "On a contact (minutes)", "After-contact work (minutes)",
        "Away (minutes)",
    ]  # fmt: skip
    assert alice[2:] == ["Alice Adams", "3", "3", "1", "160.000", "62.50", "50.00", "15.00",
                         "20.00", "5.00", "10.00"]  # fmt: skip
    assert bob[2:] == ["Bob Brown", "0", "0", "0", "", "0.00", "0.00", "30.00", "0.00", "0.00",
                       "0.00"]  # fmt: skip
    sheet = load_workbook(io.BytesIO(report_xlsx(rows, report))).active
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert cells[0] == header
    assert cells[1][3:9] == [3, 3, 1, 160.0, 62.5, 50.0]
    assert cells[2][6] is None  # no handle time: an empty cell, never a 0


def test_office_files_hold_the_rows_numbers(built):
    report = spec("office")
    rows = report_rows(report)
    header, north, south = list(csv.reader(io.StringIO(report_csv(rows, report))))
    assert header == [
        "Period start", "Office", "Name", "Received", "From another office",
        "Sent to another office", "Resolved", "Average time to resolve (hours)",
    ]  # fmt: skip
    assert north == ["2026-11-03", "N01", "North office", "2", "0", "1", "1", "2.00"]
    assert south == ["2026-11-03", "N02", "South office", "0", "1", "0", "1", "5.50"]
    sheet = load_workbook(io.BytesIO(report_xlsx(rows, report))).active
    assert [cell.value for cell in sheet[3]] == [
        "2026-11-03", "N02", "South office", 0, 1, 0, 1, 5.5,
    ]  # fmt: skip


def test_the_range_limits_hold_for_the_new_groupings():
    with pytest.raises(InvalidInput):
        ReportSpec.parse(first="2026-01-01", last="2026-12-31", grain="interval", by="agent")
    # By interval and agent, a week at most; by interval and office, the usual 31 days.
    assert ReportSpec.parse(first="2026-11-01", last="2026-11-07", grain="interval", by="agent")
    with pytest.raises(InvalidInput, match="at most 7 days"):
        ReportSpec.parse(first="2026-11-01", last="2026-11-08", grain="interval", by="agent")
    with pytest.raises(InvalidInput, match="Office work is counted by day"):
        ReportSpec.parse(first="2026-11-01", last="2026-11-02", grain="interval", by="office")
    assert ReportSpec.parse(first="2026-01-01", last="2026-01-02", by="office").by == "office"
