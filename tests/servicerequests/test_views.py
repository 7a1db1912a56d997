from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contactcenter.audit.models import DisclosureLog
from contactcenter.cases.statuses import CaseStatus
from contactcenter.offices.models import Office
from contactcenter.servicerequests.evidence import EvidenceUpload
from contactcenter.servicerequests.models import ServiceRequest, ServiceRequestState
from contactcenter.staff.models import Role
from tests.factories import StaffUserFactory

from .conftest import PDF

pytestmark = pytest.mark.django_db

QUEUE = reverse("servicerequests:queue")


def detail_url(request) -> str:
    return reverse("servicerequests:detail", args=[request.number])


def action_url(request, action: str) -> str:
    return reverse("servicerequests:action", args=[request.number, action])


def test_queue_needs_sign_in_and_office_staff(client, tier1, office):
    assert client.get(QUEUE).status_code == 302
    client.force_login(tier1)
    assert client.get(QUEUE).status_code == 403
    client.force_login(StaffUserFactory(role=Role.OFFICE_STAFF, office=None))
    assert client.get(QUEUE).status_code == 403


def test_queue_shows_own_office_by_due_date_with_breaches(client, clerk, create):
    late, soon = create().request, create().request
    ServiceRequest.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(days=1))
    elsewhere = create().request
    ServiceRequest.objects.filter(pk=elsewhere.pk).update(office=Office.objects.get(code="NSC"))
    client.force_login(clerk)
    page = client.get(QUEUE).content.decode()
    assert late.number in page and soon.number in page
    assert elsewhere.number not in page
    assert page.index(late.number) < page.index(soon.number)
    assert page.count("Past due") == 1


def test_queue_query_count_does_not_grow(client, clerk, create):
    create()
    client.force_login(clerk)
    client.get(QUEUE)
    with CaptureQueriesContext(connection) as few:
        client.get(QUEUE)
    for _ in range(6):
        create()
    with CaptureQueriesContext(connection) as many:
        page = client.get(QUEUE)
    assert page.content.decode().count("/service-requests/office/") >= 7
    assert len(many) == len(few)
    assert len(many) <= 6


def test_other_office_gets_404(client, create):
    request = create().request
    stranger = StaffUserFactory(role=Role.OFFICE_STAFF, office=Office.objects.get(code="NSC"))
    client.force_login(stranger)
    assert client.get(detail_url(request)).status_code == 404
    assert client.post(action_url(request, "resolve"), {"note": "x"}).status_code == 404
    assert client.get(detail_url(type("R", (), {"number": "00000000"}))).status_code == 404
    request.refresh_from_db()
    assert request.state == ServiceRequestState.ROUTED
    assert not DisclosureLog.objects.filter(channel="office_queue").exists()


def test_detail_reads_case_through_the_audited_selector(client, clerk, create):
    request = create().request
    client.force_login(clerk)
    page = client.get(detail_url(request)).content.decode()
    assert request.case.applicant.family_name in page
    log = DisclosureLog.objects.get(channel="office_queue")
    assert (log.viewer, log.case_id, log.channel) == (clerk, request.case_id, "office_queue")


def test_field_office_sees_no_personal_data_but_the_read_is_logged(client, create):
    request = create(
        type_code="interview-reschedule",
        details={
            "appointment_kind": "interview",
            "appointment_on": (timezone.localdate() + dt.timedelta(days=9)).isoformat(),
            "description": "Surgery.",
        },
    ).request
    field_clerk = StaffUserFactory(role=Role.OFFICE_STAFF, office=Office.objects.get(code="NYC"))
    client.force_login(field_clerk)
    page = client.get(detail_url(request)).content.decode()
    assert request.case.receipt_number in page
    assert request.case.applicant.family_name not in page
    assert DisclosureLog.objects.get(channel="office_queue").fields == "receipt_number,form,status"


def test_reply_resolve_and_transfer_through_the_page(client, clerk, create):
    request = create().request
    client.force_login(clerk)
    assert client.post(action_url(request, "open")).status_code == 302
    client.post(action_url(request, "reply"), {"body": "A new card is on its way."})
    request.refresh_from_db()
    assert request.state == ServiceRequestState.IN_PROGRESS
    assert request.events.filter(kind="reply").count() == 1
    answer = client.post(action_url(request, "transfer"), {"office": "nsc", "reason": "Theirs"})
    assert answer.status_code == 302 and answer["Location"] == QUEUE
    request.refresh_from_db()
    assert request.office.code == "NSC"


def test_bad_action_input_shows_an_error_and_changes_nothing(client, clerk, create):
    request = create().request
    client.force_login(clerk)
    answer = client.post(action_url(request, "transfer"), {"office": "ZZZ", "reason": "x"},
                         follow=True)  # fmt: skip
    assert "That office does not take service requests" in answer.content.decode()
    answer = client.post(action_url(request, "transfer"), {"office": "NBC", "reason": "x"},
                         follow=True)  # fmt: skip
    assert "The request is already at that office" in answer.content.decode()
    answer = client.post(action_url(request, "resolve"), {"note": ""}, follow=True)
    assert "Write the resolution." in answer.content.decode()
    request.refresh_from_db()
    assert (request.office.code, request.state) == ("NBC", ServiceRequestState.ROUTED)
    assert client.post(action_url(request, "explode")).status_code == 404


def test_expedite_approved_from_the_page(client, clerk, create):
    request = create(
        type_code="expedite",
        details={"criterion": "agency_error", "explanation": "The notice went to a wrong address."},
        evidence=[EvidenceUpload("a.pdf", PDF)],
    ).request
    client.force_login(clerk)
    evidence = request.evidence.get()
    download = client.get(reverse("servicerequests:evidence", args=[request.number, evidence.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    client.post(action_url(request, "approve"), {"reason": "Agency error confirmed."})
    request.case.refresh_from_db()
    assert request.case.status == CaseStatus.EXPEDITE_APPROVED


def test_evidence_not_served_to_another_office(client, create):
    request = create(
        type_code="expedite",
        details={"criterion": "agency_error", "explanation": "The notice went to a wrong address."},
        evidence=[EvidenceUpload("a.pdf", PDF)],
    ).request
    client.force_login(
        StaffUserFactory(role=Role.OFFICE_STAFF, office=Office.objects.get(code="NSC"))
    )
    url = reverse("servicerequests:evidence", args=[request.number, request.evidence.get().pk])
    assert client.get(url).status_code == 404


def _in_the_work_of(user, inquiry) -> None:
    """The inquiry's call is held by ``user``, as after accepting it on the desk."""
    from contactcenter.routing.models import QueueTier, WorkKind
    from contactcenter.routing.reference_data import queues_load
    from contactcenter.routing.services import (
        QueueChoice,
        agent_ensure_for_user,
        queue_for,
        work_item_enqueue,
        work_item_reassign,
    )

    queues_load()
    queue = queue_for(QueueChoice(tier=QueueTier.TIER1, language="en", channel="phone"))
    item = work_item_enqueue(inquiry=inquiry, kind=WorkKind.CALL, queue=queue)
    work_item_reassign(item_id=item.pk, to_agent=agent_ensure_for_user(user=user))


def test_tier1_creates_from_the_inquiry_page(client, tier1, make_case, make_inquiry):
    inquiry = make_inquiry(make_case())
    _in_the_work_of(tier1, inquiry)
    client.force_login(tier1)
    url = reverse("servicerequests:create", args=[inquiry.reference_number])
    assert client.get(url).status_code == 200
    answer = client.post(url, {"type_code": "typographic-error", "document": "card",
                               "description": "Wrong birth date."})  # fmt: skip
    assert answer.status_code == 201
    number = ServiceRequest.objects.get().number
    assert number in answer.content.decode()
    refused = client.post(url, {"type_code": "typographic-error", "document": "card",
                                "description": "Again."})  # fmt: skip
    assert refused.status_code == 409 and number in refused.content.decode()
    assert ServiceRequest.objects.count() == 1


def test_an_agent_cannot_open_a_request_from_an_inquiry_they_do_not_work(
    client, tier1, make_case, make_inquiry
):
    """Another agent's inquiry is "not found", exactly like a missing one; nothing created."""
    from tests.factories import StaffUserFactory

    inquiry = make_inquiry(make_case())
    _in_the_work_of(tier1, inquiry)
    client.force_login(StaffUserFactory(role=Role.TIER1))
    url = reverse("servicerequests:create", args=[inquiry.reference_number])
    missing = reverse("servicerequests:create", args=["1234567897"])
    assert client.get(url).status_code == client.get(missing).status_code == 404
    posted = client.post(url, {"type_code": "typographic-error", "document": "card",
                               "description": "Wrong birth date."})  # fmt: skip
    assert posted.status_code == 404 and not ServiceRequest.objects.exists()


def test_create_page_refuses_office_staff_and_the_public(client, clerk, make_case, make_inquiry):
    inquiry = make_inquiry(make_case())
    url = reverse("servicerequests:create", args=[inquiry.reference_number])
    assert client.get(url).status_code == 302
    client.force_login(clerk)
    assert client.get(url).status_code == 403
