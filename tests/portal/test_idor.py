"""Changing an id in a URL never reaches another person's things: every attempt is a 404."""

from __future__ import annotations

import pytest

from contactcenter.cases.statuses import CaseStatus
from contactcenter.portal.services import (
    appointment_request_online,
    rfe_response_upload,
    service_request_online,
    thread_start,
)
from contactcenter.servicerequests.evidence import EvidenceUpload
from tests.portal.conftest import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def victim(other_applicant):
    user, case = other_applicant
    case.status = CaseStatus.RFE_SENT
    case.save(update_fields=["status"])
    thread = thread_start(user=user, case=case, subject="Hello", body="A question", language="en")
    (upload,) = rfe_response_upload(
        user=user, case=case, files=[EvidenceUpload(name="a.pdf", content=PDF)]
    )
    created = service_request_online(
        user=user,
        case=case,
        type_code="typographic-error",
        details={"document": "notice", "description": "My name is misspelled on it."},
        language="en",
    )
    appointment = appointment_request_online(
        user=user, case=case, reason="unresolved_case_problem", zip_code="10472", language="en"
    )
    return {
        "user": user,
        "case": case,
        "thread": thread,
        "upload": upload,
        "request": created.request,
        "appointment": appointment,
    }


def _urls(v) -> dict[str, str]:
    case_id = v["case"].pk
    return {
        "case": f"/account/cases/{case_id}/",
        "ask": f"/account/cases/{case_id}/ask/",
        "evidence": f"/account/cases/{case_id}/evidence/",
        "thread": f"/account/messages/{v['thread'].pk}/",
        "upload": f"/account/uploads/{v['upload'].pk}/",
        "service request": f"/account/cases/{case_id}/requests/{v['request'].number}/",
        "new service request": f"/account/cases/{case_id}/requests/new/typographic-error/",
        "appointment": f"/account/cases/{case_id}/appointments/{v['appointment'].pk}/",
        "new appointment": f"/account/cases/{case_id}/appointments/new/",
    }


def test_owner_reaches_every_object(client, victim):
    client.force_login(victim["user"])
    for name, url in _urls(victim).items():
        assert client.get(url).status_code == 200, name


@pytest.mark.parametrize(
    "kind",
    [
        "case",
        "ask",
        "evidence",
        "thread",
        "upload",
        "service request",
        "new service request",
        "appointment",
        "new appointment",
    ],
)
def test_another_account_gets_404(client, victim, applicant, kind):
    intruder, _own_case = applicant
    client.force_login(intruder)
    url = _urls(victim)[kind]
    assert client.get(url).status_code == 404
    assert client.post(url, {"body": "x", "subject": "x"}).status_code == 404


def test_own_case_with_someone_elses_request_number_is_404(client, victim, applicant):
    intruder, own_case = applicant
    client.force_login(intruder)
    number = victim["request"].number
    appointment = victim["appointment"].pk
    assert client.get(f"/account/cases/{own_case.pk}/requests/{number}/").status_code == 404
    url = f"/account/cases/{own_case.pk}/appointments/{appointment}/"
    assert client.get(url).status_code == 404


def test_account_with_no_link_sees_nothing(client, victim, make_account):
    client.force_login(make_account())
    for url in _urls(victim).values():
        assert client.get(url).status_code == 404


def test_signed_out_is_sent_to_sign_in(client, victim):
    response = client.get(_urls(victim)["case"])
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_missing_ids_are_404_too(client, applicant):
    user, _case = applicant
    client.force_login(user)
    for url in ("/account/cases/999999/", "/account/messages/999999/", "/account/uploads/999999/"):
        assert client.get(url).status_code == 404
