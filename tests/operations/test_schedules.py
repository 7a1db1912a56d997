"""Reports emailed on a schedule: once per agency day at or after their time, the file
attached, a failed send tried again, someone else's schedule out of reach."""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from openpyxl import load_workbook

from contactcenter.core.errors import InvalidInput, NotFound
from contactcenter.operations.models import ReportSchedule
from contactcenter.operations.schedules import (
    report_period_days,
    report_schedule_add,
    report_schedule_remove,
    report_schedules_send_due,
)
from contactcenter.routing.models import Queue
from contactcenter.staff.models import Role
from tests.desk.staff_pages import _staff, staff_client
from tests.factories import StaffUserFactory, interval_facts_create
from tests.operations.report_facts import agent_and_office_facts

pytestmark = pytest.mark.django_db

EASTERN = ZoneInfo("America/New_York")


@pytest.fixture
def supervisor(settings, queues):
    settings.TIME_ZONE = "America/New_York"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    general = Queue.objects.get(code="t1-general-en")
    interval_facts_create(
        interval_start=dt.datetime(2026, 11, 3, 15, 0, tzinfo=dt.UTC), queue_id=general.pk,
        channel="phone", language="en", queued=100, answered=80, answered_within=70,
        abandoned=20, abandoned_within=8,
    )  # fmt: skip
    return StaffUserFactory(role=Role.SUPERVISOR, email="fiona@agency.example")


def at(*args):
    return dt.datetime(*args, tzinfo=EASTERN)


def test_periods_are_whole_agency_days():
    assert report_period_days("yesterday", dt.date(2026, 3, 1)) == (
        dt.date(2026, 2, 28), dt.date(2026, 2, 28),
    )  # fmt: skip
    assert report_period_days("last_7_days", dt.date(2026, 11, 8)) == (
        dt.date(2026, 11, 1), dt.date(2026, 11, 7),
    )  # fmt: skip
    assert report_period_days("last_month", dt.date(2026, 1, 15)) == (
        dt.date(2025, 12, 1), dt.date(2025, 12, 31),
    )  # fmt: skip


def test_sent_once_a_day_at_its_time_with_the_file(supervisor):
    report_schedule_add(user=supervisor, period="yesterday", send_at=dt.time(7, 0), by="queue")
    assert report_schedules_send_due(now=at(2026, 11, 4, 6, 59)) == 0  # not yet
    assert report_schedules_send_due(now=at(2026, 11, 4, 7, 0)) == 1
    assert report_schedules_send_due(now=at(2026, 11, 4, 9, 30)) == 0  # once a day
    [message] = mail.outbox
    assert message.to == ["fiona@agency.example"]
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    [(name, content, mimetype)] = message.attachments
    assert name == "contact-center-2026-11-03-2026-11-03-day-queue.csv" and mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(content)))
    assert [(row[0], row[4], row[13]) for row in rows[1:]] == [("2026-11-03", "100", "70.00")]
    assert report_schedules_send_due(now=at(2026, 11, 5, 7, 1)) == 1  # the next day
    assert len(mail.outbox) == 2


def test_xlsx_in_spanish(supervisor):
    report_schedule_add(user=supervisor, period="last_7_days", send_at=dt.time(6, 30),
                        file_format="xlsx", language="es")  # fmt: skip
    report_schedules_send_due(now=at(2026, 11, 8, 6, 45))
    [message] = mail.outbox
    assert message.subject.startswith("Informe del centro de contacto")
    [(name, content, _mimetype)] = message.attachments
    assert name.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A1"].value == "Inicio del período"
    assert sum(row[4] for row in sheet.iter_rows(min_row=2, values_only=True)) == 100


def test_a_failed_send_is_tried_again_on_the_next_run(supervisor, monkeypatch):
    schedule = report_schedule_add(user=supervisor, period="yesterday", send_at=dt.time(7, 0))

    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError("mail server away")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    assert report_schedules_send_due(now=at(2026, 11, 4, 7, 0)) == 0
    schedule.refresh_from_db()
    assert schedule.last_sent_on is None
    monkeypatch.undo()
    assert report_schedules_send_due(now=at(2026, 11, 4, 7, 1)) == 1
    schedule.refresh_from_db()
    assert schedule.last_sent_on == dt.date(2026, 11, 4)


def test_bad_requests_are_refused_and_nothing_is_kept(supervisor):
    no_email = StaffUserFactory(role=Role.SUPERVISOR, email="")
    with pytest.raises(InvalidInput):
        report_schedule_add(user=no_email, period="yesterday", send_at=dt.time(7, 0))
    with pytest.raises(InvalidInput):
        report_schedule_add(user=supervisor, period="hourly", send_at=dt.time(7, 0))
    with pytest.raises(InvalidInput):
        report_schedule_add(user=supervisor, period="yesterday", send_at=dt.time(7, 0),
                            file_format="pdf")  # fmt: skip
    with pytest.raises(InvalidInput):
        report_schedule_add(user=supervisor, period="yesterday", send_at=dt.time(7, 0),
                            by="person")  # fmt: skip
    assert not ReportSchedule.objects.exists()


def test_only_the_owner_removes_a_schedule(supervisor):
    schedule = report_schedule_add(user=supervisor, period="yesterday", send_at=dt.time(7, 0))
    other = StaffUserFactory(role=Role.SUPERVISOR, email="gloria@agency.example")
    with pytest.raises(NotFound):
        report_schedule_remove(user=other, schedule_id=schedule.pk)
    report_schedule_remove(user=supervisor, schedule_id=schedule.pk)
    assert report_schedules_send_due(now=at(2026, 11, 4, 8, 0)) == 0


def test_the_reports_page_adds_and_removes_a_schedule(supervisor):
    user = _staff(Role.SUPERVISOR, email="lead@agency.example")
    client = staff_client(user)
    answer = client.post("/desk/reports/schedules/", {
        "period": "last_7_days", "send_at": "06:15", "file_format": "xlsx", "grain": "day",
        "by": "channel",
    }, follow=True)  # fmt: skip
    assert "every day at that time" in answer.content.decode()
    schedule = ReportSchedule.objects.get(created_by=user)
    assert (schedule.by, schedule.file_format, schedule.send_at) == ("channel", "xlsx",
                                                                     dt.time(6, 15))  # fmt: skip
    assert 'data-testid="report-schedules"' in client.get("/desk/reports/").content.decode()
    bad = client.post("/desk/reports/schedules/", {"period": "yesterday", "send_at": "7am"},
                      follow=True)  # fmt: skip
    assert "Give the time as HH:MM." in bad.content.decode()
    client.post(f"/desk/reports/schedules/{schedule.pk}/remove/")
    schedule.refresh_from_db()
    assert not schedule.active
    refused = staff_client(_staff(Role.TIER1)).post("/desk/reports/schedules/", {})
    assert refused.status_code == 403


def test_a_schedule_by_agent_sends_the_agents_rows_in_spanish(supervisor, make_agent):
    agent_and_office_facts(make_agent, Queue.objects.get(code="t1-general-en"))
    report_schedule_add(user=supervisor, period="yesterday", send_at=dt.time(7, 0), by="agent",
                        language="es")  # fmt: skip
    assert report_schedules_send_due(now=at(2026, 11, 4, 7, 0)) == 1
    [(name, content, _mimetype)] = mail.outbox[0].attachments
    assert name == "contact-center-2026-11-03-2026-11-03-day-agent.csv"
    header, alice, bob = list(csv.reader(io.StringIO(content)))
    assert header[1:5] == ["Agente", "Nombre", "Atendidos", "Gestionados"]
    assert header[7] == "Ocupación (%)"
    assert (alice[2], alice[4], alice[7]) == ("Alice Adams", "3", "62.50")
    assert bob[2] == "Bob Brown"
