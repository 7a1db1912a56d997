"""My cases: status, processing time and slow-case date, a fixed number of queries per page;
service requests and appointment requests from the account."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contactcenter.appointments.models import AppointmentRequest
from contactcenter.cases.models import ProcessingTime
from contactcenter.cases.statuses import CaseStatus
from contactcenter.inquiries.models import Channel
from contactcenter.portal.models import AccountLink
from contactcenter.servicerequests.models import ServiceRequest
from tests.factories import CaseStatusEventFactory

pytestmark = pytest.mark.django_db


def _queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_my_cases_query_count_does_not_grow_with_cases(client, make_account, make_portal_case):
    user = make_account()
    first = make_portal_case()
    AccountLink.objects.create(user=user, person=first.applicant)
    client.force_login(user)
    client.get("/account/")  # warm the session and caches
    one = _queries_for(client, "/account/")
    for _ in range(30):
        make_portal_case(applicant=first.applicant)
    many = _queries_for(client, "/account/")
    assert many == one
    assert len(client.get("/account/").context["rows"]) == 31


def test_case_page_query_count_does_not_grow_with_history(client, applicant):
    user, case = applicant
    client.force_login(user)
    client.get(f"/account/cases/{case.pk}/")
    before = _queries_for(client, f"/account/cases/{case.pk}/")
    for day in range(1, 20):
        CaseStatusEventFactory(
            case=case, status=CaseStatus.UNDER_REVIEW, status_date=dt.date(2024, 2, day)
        )
    assert _queries_for(client, f"/account/cases/{case.pk}/") == before


def test_case_shows_processing_time_and_slow_case_date(client, applicant):
    user, case = applicant
    ProcessingTime.objects.create(
        form=case.form, category=case.category, office=case.office, months=Decimal("6"),
        published_on=dt.date(2024, 1, 1),
    )  # fmt: skip
    client.force_login(user)
    page = client.get(f"/account/cases/{case.pk}/")
    detail = page.context["detail"]
    assert detail.eligibility.eligible_on == dt.date(2024, 7, 10)
    assert "6" in page.content.decode()
    home = client.get("/account/")
    assert home.context["rows"][0].eligible_on == dt.date(2024, 7, 10)


def test_case_page_in_spanish(client, applicant):
    user, case = applicant
    client.force_login(user)
    page = client.get(f"/account/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="es")
    text = page.content.decode()
    assert 'lang="es"' in text
    assert "Historial" in text


def test_change_of_address_through_the_account(client, applicant):
    user, case = applicant
    client.force_login(user)
    url = f"/account/cases/{case.pk}/requests/new/change-of-address/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"street": "1", "city": "Omaha", "state": "NE", "zip_code": "68508"})
    assert bad.status_code == 400
    assert not ServiceRequest.objects.exists()
    good = client.post(
        url, {"street": "12 Elm Street", "city": "Omaha", "state": "NE", "zip_code": "68508"}
    )
    assert good.status_code == 302
    request = ServiceRequest.objects.get()
    assert request.case == case
    assert request.inquiry.channel == Channel.SECURE_MESSAGE
    assert good["Location"] == f"/account/cases/{case.pk}/requests/{request.number}/"


def test_type_not_offered_online_is_404(client, applicant):
    user, case = applicant
    client.force_login(user)
    assert client.get(f"/account/cases/{case.pk}/requests/new/no-such-type/").status_code == 404


def test_appointment_with_accommodation(client, applicant):
    user, case = applicant
    client.force_login(user)
    url = f"/account/cases/{case.pk}/appointments/new/"
    response = client.post(
        url,
        {"reason": "unresolved_case_problem", "zip_code": "10472",
         "accommodations": ["wheelchair_access"]},
    )  # fmt: skip
    assert response.status_code == 302
    request = AppointmentRequest.objects.get()
    assert request.accommodations == ["wheelchair_access"]
    assert request.inquiry.case == case
    bad = client.post(url, {"reason": "unresolved_case_problem", "zip_code": "00001"})
    assert bad.status_code == 400
    assert AppointmentRequest.objects.count() == 1
