"""The supervisors' reports page: the figures as a table with charts, the same rows as CSV and
XLSX, bad choices refused with the reason, and only for supervisors."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from contactcenter.routing.models import Queue
from contactcenter.staff.models import Role
from tests.desk.staff_pages import _staff, staff_client
from tests.factories import interval_facts_create

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
