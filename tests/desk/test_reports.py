"""The supervisors' reports page: the figures as a table with charts, the same rows as CSV and
XLSX, bad choices refused with the reason, and only for supervisors."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from contactcenter.operations.models import ReportSchedule
from contactcenter.routing.models import Queue
from contactcenter.staff.models import Role
from tests.desk.staff_pages import _staff, staff_client
from tests.factories import interval_facts_create
from tests.operations.report_facts import agent_and_office_facts

pytestmark = pytest.mark.django_db

URL = "/desk/reports/?first=2026-11-02&last=2026-11-04&grain=day&by=queue"


@pytest.fixture
def counted(queues, settings):
    settings.TIME_ZONE = "America/New_York"
    general = Queue.objects.get(code="t1-general-en")
    for day, (queued, within) in enumerate([(100, 70), (50, 45)]):
        interval_facts_create(
            interval_start=dt.datetime(2026, 11, 2 + day, 15, 0, tzinfo=dt.UTC),
            queue_id=general.pk, channel="phone", language="en", queued=queued,
            answered=80 if day == 0 else 50, answered_within=within,
            abandoned=20 if day == 0 else 0, abandoned_within=8 if day == 0 else 0,
        )  # fmt: skip
    return general


def test_the_page_shows_each_day_and_queue_with_its_service_level(counted):
    page = staff_client(_staff(Role.SUPERVISOR)).get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert text.count('data-testid="report-row"') == 2
    assert "70.00" in text and "90.00" in text  # 70/100 and 45/50, abandons penalised
    assert "Tier 1 general, English" in text
    assert 'data-testid="report-chart-queued"' in text


def test_the_downloads_hold_the_page_s_numbers(counted):
    client = staff_client(_staff(Role.SUPERVISOR))
    answer = client.get(URL + "&format=csv")
    assert answer["Content-Type"].startswith("text/csv")
    assert "attachment;" in answer["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(answer.content.decode())))
    assert [(row[0], row[4], row[13]) for row in rows[1:]] == [
        ("2026-11-02", "100", "70.00"), ("2026-11-03", "50", "90.00"),
    ]  # fmt: skip
    workbook = client.get(URL + "&format=xlsx")
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert [(row[0], row[4], row[13]) for row in values] == [
        ("2026-11-02", 100, 70.0), ("2026-11-03", 50, 90.0),
    ]  # fmt: skip


def test_in_spanish_the_page_and_the_files_speak_spanish(counted):
    client = staff_client(_staff(Role.SUPERVISOR))
    client.cookies["django_language"] = "es"
    text = client.get(URL, HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert "Informes" in text and "Nivel de servicio (%)" in text and "Service level" not in text
    rows = list(csv.reader(io.StringIO(
        client.get(URL + "&format=csv", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    )))  # fmt: skip
    assert rows[0][0] == "Inicio del período"


def test_a_bad_range_is_refused_with_the_reason_and_nothing_is_downloaded(counted):
    client = staff_client(_staff(Role.SUPERVISOR))
    answer = client.get("/desk/reports/?first=2026-11-05&last=2026-11-01&format=csv")
    assert answer.status_code == 400
    assert "The last day comes before the first." in answer.content.decode()
    assert "attachment" not in answer.get("Content-Disposition", "")


@pytest.mark.parametrize("role", [Role.TIER1, Role.TIER2, Role.OFFICE_STAFF])
def test_only_supervisors_open_reports(counted, role):
    answer = staff_client(_staff(role)).get(URL + "&format=csv")
    assert answer.status_code == 403


@pytest.fixture
def by_agent_and_office(make_agent, queues, settings):
    settings.TIME_ZONE = "America/New_York"
    return agent_and_office_facts(make_agent, Queue.objects.get(code="t1-general-en"))


def test_the_page_by_agent_shows_each_agent_s_figures_and_no_contact_columns(
    by_agent_and_office,
):
    client = staff_client(_staff(Role.SUPERVISOR))
    page = client.get("/desk/reports/?first=2026-11-03&last=2026-11-03&grain=day&by=agent")
    assert page.status_code == 200
    text = page.content.decode()
    assert text.count('data-testid="report-row"') == 2
    assert "Alice Adams" in text and "Bob Brown" in text
    assert "62.5" in text and "50.0" in text  # occupancy and utilisation, in percent
    assert "160.0" in text  # Alice's average handle time
    assert "Service level (%)" not in text and "Queued" not in text
    assert 'data-testid="report-chart-handled"' in text
    assert 'data-testid="report-chart-occupancy"' in text
    assert '<option value="agent" selected>' in text
    rows = list(csv.reader(io.StringIO(
        client.get("/desk/reports/?first=2026-11-03&last=2026-11-03&by=agent&format=csv")
        .content.decode()
    )))  # fmt: skip
    assert [row[2] for row in rows[1:]] == ["Alice Adams", "Bob Brown"]


def test_the_page_by_office_shows_received_resolved_and_time_to_resolve(by_agent_and_office):
    client = staff_client(_staff(Role.SUPERVISOR))
    page = client.get("/desk/reports/?first=2026-11-03&last=2026-11-03&by=office")
    text = page.content.decode()
    assert text.count('data-testid="report-row"') == 2
    assert "North office" in text and "5.50" in text and "2.00" in text
    assert 'data-testid="report-chart-received"' in text
    workbook = client.get("/desk/reports/?first=2026-11-03&last=2026-11-03&by=office&format=xlsx")
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert [cell.value for cell in sheet[2]][1:4] == ["N01", "North office", 2]


def test_the_page_by_agent_in_spanish(by_agent_and_office):
    client = staff_client(_staff(Role.SUPERVISOR))
    client.cookies["django_language"] = "es"
    text = client.get(
        "/desk/reports/?first=2026-11-03&last=2026-11-03&by=agent", HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()
    assert "Ocupación" in text and "Transferidos a otros" in text
    assert "Occupancy" not in text and "Handled" not in text


def test_a_schedule_by_office_is_kept(by_agent_and_office):
    supervisor = _staff(Role.SUPERVISOR)
    client = staff_client(supervisor)
    answer = client.post("/desk/reports/schedules/", {
        "period": "yesterday", "send_at": "07:00", "grain": "day", "by": "office",
        "file_format": "csv",
    })  # fmt: skip
    assert answer.status_code == 302
    assert list(ReportSchedule.objects.values_list("by", flat=True)) == ["office"]
