"""The account's case page offers what applies to the case now: the office by name, one way to
ask for an appointment or accommodation, the slow-case request only once the case is outside
its processing time, and no "ask now" for a case whose interview is already scheduled."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from contactcenter.cases.models import ProcessingTime
from contactcenter.cases.statuses import CaseStatus
from contactcenter.portal.models import AccountLink

pytestmark = pytest.mark.django_db

SLOW_CASE_LINK = "/requests/new/outside-processing-time/"


@pytest.fixture
def page(client, make_account, make_portal_case):
    def get(*, received_days_ago: int, status: str = CaseStatus.RECEIVED, language: str = "en"):
        case = make_portal_case(
            receipt_date=timezone.localdate() - dt.timedelta(days=received_days_ago),
            status=status,
        )
        ProcessingTime.objects.get_or_create(
            form=case.form, category=case.category, office=case.office,
            published_on=timezone.localdate() - dt.timedelta(days=10),
            defaults={"months": Decimal("10.5")},
        )  # fmt: skip
        user = make_account()
        AccountLink.objects.create(user=user, person=case.applicant)
        client.force_login(user)
        client.cookies["django_language"] = language
        response = client.get(f"/account/cases/{case.pk}/")
        assert response.status_code == 200
        return case, response.content.decode()

    return get


def test_office_by_name_and_one_appointment_link(page):
    case, body = page(received_days_ago=30)
    assert f"<dd>{case.office.name_en}</dd>" in body
    assert f"<dd>{case.office.code}</dd>" not in body
    assert body.count("/appointments/new/") == 1
    assert "/requests/new/appointment-accommodation/" not in body


def test_slow_case_request_only_outside_processing_time(page):
    _case, within = page(received_days_ago=30)
    assert SLOW_CASE_LINK not in within
    _case, outside = page(received_days_ago=400)
    assert SLOW_CASE_LINK in outside
    assert "outside the posted processing time" in outside


def test_interview_scheduled_is_not_told_to_ask_now(page):
    _case, body = page(received_days_ago=400, status=CaseStatus.INTERVIEW_SCHEDULED)
    assert "You can ask about it now" not in body
    assert "An interview is scheduled for this case" in body
    assert SLOW_CASE_LINK not in body


def test_months_in_spanish_use_one_decimal_mark(page):
    _case, body = page(received_days_ago=30, language="es")
    assert "10,5 meses" in body and "10.5" not in body
