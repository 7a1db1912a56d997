from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from contactcenter.audit.models import DisclosureLog
from contactcenter.cases.models import Confidentiality
from contactcenter.cases.selectors import CaseNotFound
from contactcenter.cases.statuses import CaseStatus
from contactcenter.core.errors import InvalidInput, NotFound
from contactcenter.inquiries.models import DispositionCode, InquiryState
from contactcenter.inquiries.services import inquiry_resolve
from contactcenter.notifications.models import Notification
from contactcenter.offices.models import Office
from contactcenter.routing.calendar import live_help_calendar
from contactcenter.servicerequests.errors import (
    ForbiddenTransition,
    NotAllowed,
    ServiceRequestRefused,
)
from contactcenter.servicerequests.evidence import EvidenceUpload, private_files_root
from contactcenter.servicerequests.models import (
    EventKind,
    EvidenceFile,
    Outcome,
    ServiceRequest,
    ServiceRequestEvent,
    ServiceRequestState,
)
from contactcenter.servicerequests.services import (
    number_spoken,
    service_request_address_verify,
    service_request_create,
    service_request_expedite_decide,
    service_request_open,
    service_request_reply,
    service_request_resolve,
    service_request_submit_online,
    service_request_transfer,
)
from contactcenter.staff.models import Role
from tests.factories import StaffUserFactory

from .conftest import JPEG, PDF, PNG

pytestmark = pytest.mark.django_db

EXPEDITE = {
    "criterion": "severe_financial_loss",
    "explanation": "My employer will let me go unless my work permit arrives this month.",
}
SOON = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
ADDRESS = {"street": "12 Example Lane", "city": "Omaha", "state": "ne", "zip_code": "68102"}


def nothing_created() -> bool:
    return not ServiceRequest.objects.exists() and not ServiceRequestEvent.objects.exists()


# --- Creation ---------------------------------------------------------------------------------


def test_created_by_tier1_routed_to_the_holding_office(create, office):
    created = create()
    request = created.request
    assert len(request.number) == 8 and request.number.isdigit() and request.number[0] != "0"
    assert request.office == office
    assert request.state == ServiceRequestState.ROUTED
    assert request.submitted_by == "tier1"
    assert request.inquiry.case_id == request.case_id
    expected_due = live_help_calendar().add_business_days(request.created_at, 15)
    assert abs((request.due_at - expected_due).total_seconds()) < 60
    assert [e.kind for e in request.events.all()] == [EventKind.CREATED, EventKind.ROUTED]
    assert request.number in created.message
    assert list(request.inquiry.service_requests.all()) == [request]


def test_numbers_are_unique_and_spoken_in_groups(create):
    numbers = {create().request.number for _ in range(5)}
    assert len(numbers) == 5
    assert number_spoken("41234567") == "4 1 2 3, 4 5 6 7"


def test_response_goal_comes_from_the_type(create, make_case):
    created = create(
        type_code="appointment-accommodation", details={"accommodation": "wheelchair_access"}
    )
    expected = live_help_calendar().add_business_days(created.request.created_at, 10)
    assert abs((created.request.due_at - expected).total_seconds()) < 60
    assert created.request.high_priority


def test_message_in_the_persons_language(make_case, make_inquiry, tier1, language_marked):
    inquiry = make_inquiry(make_case(), language="es")
    created = service_request_create(
        inquiry=inquiry,
        actor=tier1,
        type_code="typographic-error",
        details={"document": "notice", "description": "Nombre mal escrito."},
    )
    assert created.message.startswith("[es] ")
    assert created.request.number in created.message


# --- The three rules --------------------------------------------------------------------------


def test_outside_processing_time_refused_before_the_eligible_date(make_case, make_inquiry, tier1):
    from tests.factories import ProcessingTimeFactory

    case = make_case(receipt_date=timezone.localdate() - dt.timedelta(days=30))
    ProcessingTimeFactory(form=case.form, category=case.category, office=case.office)
    inquiry = make_inquiry(case)
    with pytest.raises(ServiceRequestRefused) as refused:
        service_request_create(
            inquiry=inquiry, actor=tier1, type_code="outside-processing-time", details={}
        )
    assert refused.value.rule == "within_processing_time"
    assert "within the posted processing time" in refused.value.message
    assert refused.value.extra["eligible_on"] > timezone.localdate().isoformat()
    assert nothing_created()


def test_outside_processing_time_allowed_from_the_eligible_date(outside_time, make_inquiry, tier1):
    inquiry = make_inquiry(outside_time())
    created = service_request_create(
        inquiry=inquiry, actor=tier1, type_code="outside-processing-time", details={}
    )
    assert created.request.state == ServiceRequestState.ROUTED


def test_outside_processing_time_without_posted_time_is_refused(make_case, make_inquiry, tier1):
    inquiry = make_inquiry(make_case())
    with pytest.raises(ServiceRequestRefused):
        service_request_create(
            inquiry=inquiry, actor=tier1, type_code="outside-processing-time", details={}
        )
    assert nothing_created()


@pytest.fixture
def language_marked(monkeypatch):
    """Messages marked with the language active when they were written, so a test can tell
    that the person's language was used without depending on the compiled catalogue."""
    from django.utils import translation

    from contactcenter.servicerequests import creation

    monkeypatch.setattr(creation, "_", lambda text: f"[{translation.get_language()}] {text}")


@pytest.mark.parametrize("basis", [Confidentiality.VAWA, Confidentiality.T_VISA, "u"])
def test_change_of_address_not_online_for_protected_cases(make_case, basis, language_marked):
    case = make_case(confidentiality=basis)
    with pytest.raises(ServiceRequestRefused) as refused:
        service_request_submit_online(
            person=case.applicant,
            case=case,
            type_code="change-of-address",
            details=ADDRESS,
            language="es",
        )
    assert refused.value.rule == "address_not_online"
    assert refused.value.message.startswith("[es] For your safety")
    assert nothing_created()
    assert not case.inquiries.exists()


def test_change_of_address_for_protected_case_taken_by_tier2_on_the_phone(make_case, make_inquiry):
    case = make_case(confidentiality=Confidentiality.VAWA)
    officer = StaffUserFactory(role=Role.TIER2)
    inquiry = make_inquiry(case)
    created = service_request_create(
        inquiry=inquiry, actor=officer, type_code="change-of-address", details=ADDRESS
    )
    assert created.request.details["state"] == "NE"


def test_tier1_cannot_create_on_a_protected_case(make_case, make_inquiry, tier1):
    case = make_case(confidentiality=Confidentiality.U_VISA)
    with pytest.raises(CaseNotFound):
        service_request_create(
            inquiry=make_inquiry(case), actor=tier1, type_code="change-of-address", details=ADDRESS
        )
    assert nothing_created()


def test_duplicate_open_request_gives_the_existing_number(create, make_inquiry, tier1):
    first = create().request
    with pytest.raises(ServiceRequestRefused) as refused:
        service_request_create(
            inquiry=make_inquiry(first.case),
            actor=tier1,
            type_code="typographic-error",
            details={"document": "card", "description": "Again."},
        )
    assert refused.value.rule == "duplicate"
    assert first.number in refused.value.message
    assert refused.value.extra["existing_state"] == "routed"
    assert ServiceRequest.objects.count() == 1


def test_same_type_allowed_again_once_resolved(create, clerk, make_inquiry, tier1):
    first = create().request
    service_request_resolve(request=first, actor=clerk, note="Corrected card ordered.")
    again = service_request_create(
        inquiry=make_inquiry(first.case),
        actor=tier1,
        type_code="typographic-error",
        details={"document": "card", "description": "Another error."},
    )
    assert again.request.number != first.number


# --- Bad input: a clear message and nothing created -------------------------------------------


@pytest.mark.parametrize(
    ("type_code", "details", "field"),
    [
        ("typographic-error", {"document": "card"}, "description"),
        ("typographic-error", {"document": "passport", "description": "x"}, "document"),
        ("typographic-error", {"document": "card", "description": "x", "shoe": "9"}, "shoe"),
        ("typographic-error", {"document": "card", "description": "x" * 2001}, "description"),
        ("typographic-error", {"document": 3, "description": "x"}, "document"),
        ("change-of-address", {**ADDRESS, "zip_code": "ABCDE"}, "zip_code"),
        ("change-of-address", {**ADDRESS, "state": "Nebraska"}, "state"),
        ("not-received", {"document": "card", "mailed_on": "last week"}, "mailed_on"),
        ("expedite", {**EXPEDITE, "criterion": "i_am_in_a_hurry"}, "criterion"),
        ("expedite", {**EXPEDITE, "explanation": "Soon please"}, "explanation"),
    ],
)
def test_bad_details_refused(make_case, make_inquiry, tier1, type_code, details, field):
    with pytest.raises(InvalidInput) as error:
        service_request_create(
            inquiry=make_inquiry(make_case()),
            actor=tier1,
            type_code=type_code,
            details=details,
            evidence=[EvidenceUpload("a.pdf", PDF)] if type_code == "expedite" else (),
        )
    assert error.value.extra["field"] == field
    assert nothing_created()


def test_unknown_type_refused(make_case, make_inquiry, tier1):
    with pytest.raises(InvalidInput):
        service_request_create(
            inquiry=make_inquiry(make_case()), actor=tier1, type_code="pizza", details={}
        )
    assert nothing_created()


def test_unverified_inquiry_refused(make_case, tier1):
    from contactcenter.inquiries.services import inquiry_open

    inquiry = inquiry_open(channel="phone")
    with pytest.raises(InvalidInput):
        service_request_create(
            inquiry=inquiry, actor=tier1, type_code="typographic-error", details={}
        )
    assert nothing_created()


def test_closed_inquiry_refused(make_case, make_inquiry, tier1):
    inquiry = make_inquiry(make_case())
    inquiry_resolve(
        inquiry=inquiry, actor=tier1, disposition=DispositionCode.RESOLVED_FIRST_CONTACT
    )
    with pytest.raises(ForbiddenTransition):
        service_request_create(
            inquiry=inquiry,
            actor=tier1,
            type_code="typographic-error",
            details={"document": "card", "description": "x"},
        )
    assert nothing_created()


def test_channel_not_allowed_by_the_type(make_case, make_inquiry, tier1):
    inquiry = make_inquiry(make_case(), channel="webform")
    with pytest.raises(InvalidInput):
        service_request_create(
            inquiry=inquiry,
            actor=tier1,
            type_code="typographic-error",
            details={"document": "card", "description": "x"},
        )
    assert nothing_created()


def test_office_staff_cannot_create(make_case, make_inquiry, clerk):
    with pytest.raises(NotAllowed):
        service_request_create(
            inquiry=make_inquiry(make_case()),
            actor=clerk,
            type_code="typographic-error",
            details={"document": "card", "description": "x"},
        )
    assert nothing_created()


def test_online_submission_for_someone_elses_case_refused(make_case):
    case, other = make_case(), make_case()
    with pytest.raises(CaseNotFound):
        service_request_submit_online(
            person=other.applicant,
            case=case,
            type_code="change-of-address",
            details=ADDRESS,
            language="en",
        )
    assert nothing_created()


# --- Expedites and evidence -------------------------------------------------------------------


def test_expedite_with_evidence_stored_privately(create):
    created = create(
        type_code="expedite",
        details=EXPEDITE,
        evidence=[EvidenceUpload("letter.pdf", PDF), EvidenceUpload("photo.png", PNG)],
    )
    files = list(EvidenceFile.objects.filter(request=created.request))
    assert [f.content_type for f in files] == ["application/pdf", "image/png"]
    for stored in files:
        path = private_files_root() / stored.path
        assert path.read_bytes() in (PDF, PNG)
        assert "letter" not in stored.path
    assert created.request.case.status == CaseStatus.EXPEDITE_RECEIVED


def test_expedite_urgent_humanitarian_is_high_priority(create):
    created = create(
        type_code="expedite",
        details={**EXPEDITE, "criterion": "urgent_humanitarian"},
        evidence=[EvidenceUpload("a.jpg", JPEG)],
    )
    assert created.request.high_priority


@pytest.mark.parametrize(
    "evidence",
    [
        [],
        [EvidenceUpload("script.pdf", b"#!/bin/sh\nrm -rf /\n")],
        [EvidenceUpload("empty.pdf", b"")],
        [EvidenceUpload("big.pdf", PDF + b"\x00" * 2048)],
        [EvidenceUpload(f"{n}.pdf", PDF) for n in range(6)],
    ],
)
def test_bad_evidence_refused_and_nothing_written(
    settings, make_case, make_inquiry, tier1, evidence
):
    settings.SERVICE_REQUEST_EVIDENCE_MAX_BYTES = 1024
    with pytest.raises(InvalidInput):
        service_request_create(
            inquiry=make_inquiry(make_case()),
            actor=tier1,
            type_code="expedite",
            details=EXPEDITE,
            evidence=evidence,
        )
    assert nothing_created()
    assert not private_files_root().exists() or not any(private_files_root().rglob("*.*"))


def test_evidence_only_on_expedites(make_case, make_inquiry, tier1):
    with pytest.raises(InvalidInput):
        service_request_create(
            inquiry=make_inquiry(make_case()),
            actor=tier1,
            type_code="typographic-error",
            details={"document": "card", "description": "x"},
            evidence=[EvidenceUpload("a.pdf", PDF)],
        )
    assert nothing_created()


def test_no_expedite_once_decided(make_case, make_inquiry, tier1):
    case = make_case(status=CaseStatus.APPROVED)
    with pytest.raises(ServiceRequestRefused):
        service_request_create(
            inquiry=make_inquiry(case),
            actor=tier1,
            type_code="expedite",
            details=EXPEDITE,
            evidence=[EvidenceUpload("a.pdf", PDF)],
        )
    assert nothing_created()


# --- Routing ----------------------------------------------------------------------------------


def test_reschedule_goes_to_the_field_office_for_the_zip(create):
    created = create(
        type_code="interview-reschedule",
        details={
            "appointment_kind": "interview",
            "appointment_on": SOON,
            "description": "Surgery that week.",
        },
    )
    assert created.request.office.code == "NYC"
    routed = created.request.events.get(kind=EventKind.ROUTED)
    assert routed.data == {"how": "field_office_by_zip"}
    # The ZIP code on record was read once, through the audited path, under the service's name.
    read = DisclosureLog.objects.get(system_actor="service requests")
    assert read.case_id == created.request.case_id and read.fields == "zip_code"


def test_reschedule_without_a_serving_field_office_stays_with_the_holder(make_case, create):
    from tests.factories import PersonFactory

    case = make_case(applicant=PersonFactory(with_a_number=True, zip_code="99950"))
    created = create(
        case=case,
        type_code="interview-reschedule",
        details={"appointment_kind": "oath", "appointment_on": SOON, "description": "x"},
    )
    assert created.request.office.code == "NBC"


def test_case_held_abroad_is_referred_with_contact_details(
    make_case, make_inquiry, tier1, language_marked
):
    case = make_case(office=Office.objects.get(code="MEX"))
    created = service_request_create(
        inquiry=make_inquiry(case, language="es"),
        actor=tier1,
        type_code="interview-reschedule",
        details={"appointment_kind": "interview", "appointment_on": SOON,
                 "description": "x"},
    )  # fmt: skip
    assert created.referred
    assert created.request.state == ServiceRequestState.REFERRED
    assert created.request.outcome == Outcome.REFERRED
    assert "mexico.city@agency.example" in created.office_contact
    assert created.office_contact in created.message
    assert "Su caso lo tiene" in created.office_contact
    assert created.message.startswith("[es] ")


def test_online_submission_closes_its_inquiry_with_the_disposition(make_case):
    case = make_case()
    created = service_request_submit_online(
        person=case.applicant,
        case=case,
        type_code="change-of-address",
        details=ADDRESS,
        language="es",
    )
    inquiry = created.request.inquiry
    assert inquiry.state == InquiryState.CLOSED
    assert inquiry.disposition == DispositionCode.SERVICE_REQUEST_CREATED
    assert inquiry.case_id == case.pk
    assert created.request.submitted_by == "person"
    assert created.request.language == "es"


# --- Office work ------------------------------------------------------------------------------


def test_open_then_reply_notifies_in_the_persons_language(make_case, make_inquiry, tier1, clerk):
    inquiry = make_inquiry(
        make_case(), language="es", contact_email="", contact_phone="+14025550199"
    )
    request = service_request_create(
        inquiry=inquiry,
        actor=tier1,
        type_code="typographic-error",
        details={"document": "card", "description": "x"},
        reply_channel="sms",
    ).request
    service_request_open(request=request, actor=clerk)
    assert request.state == ServiceRequestState.IN_PROGRESS
    event = service_request_reply(request=request, actor=clerk, body="We will send a new card.")
    assert event.data["notified"] is True
    sent = Notification.objects.get()
    assert (sent.channel, sent.language, sent.recipient) == ("sms", "es", "+14025550199")


def test_reply_without_contact_is_saved_and_says_so(make_case, make_inquiry, tier1, clerk):
    applicant = make_case().applicant
    applicant.email, applicant.phone = "", ""
    applicant.save()
    inquiry = make_inquiry(applicant.cases.get(), contact_email="")
    request = service_request_create(
        inquiry=inquiry,
        actor=tier1,
        type_code="typographic-error",
        details={"document": "card", "description": "x"},
    ).request
    event = service_request_reply(request=request, actor=clerk, body="Please call us.")
    assert event.data["notified"] is False
    assert not Notification.objects.exists()


def test_empty_reply_refused(create, clerk):
    request = create().request
    with pytest.raises(InvalidInput):
        service_request_reply(request=request, actor=clerk, body="   ")
    assert not request.events.filter(kind=EventKind.REPLY).exists()


def test_resolve_records_and_closes(create, clerk):
    request = create().request
    service_request_resolve(request=request, actor=clerk, note="Corrected.")
    request.refresh_from_db()
    assert request.state == ServiceRequestState.RESOLVED and request.resolved_at
    with pytest.raises(ForbiddenTransition) as raised:
        service_request_reply(request=request, actor=clerk, body="More.")
    assert (raised.value.code, raised.value.http_status) == ("already_resolved", 409)


def test_transfer_keeps_due_date_and_history(create, clerk):
    request = create().request
    due = request.due_at
    target = Office.objects.get(code="NSC")
    service_request_open(request=request, actor=clerk)
    service_request_transfer(request=request, actor=clerk, to_office=target, reason="Their file.")
    request.refresh_from_db()
    assert request.office == target and request.state == ServiceRequestState.ROUTED
    assert request.due_at == due
    transfer = request.events.get(kind=EventKind.TRANSFERRED)
    assert transfer.data["from_office_id"] == Office.objects.get(code="NBC").pk
    # The old office can no longer touch it.
    with pytest.raises(NotFound):
        service_request_resolve(request=request, actor=clerk, note="x")


@pytest.mark.parametrize(
    "target", [{"code": "NBC"}, {"kind": "international"}, {"kind": "support_center"}]
)
def test_transfer_refused_to_same_abroad_or_support_center(create, clerk, target):
    request = create().request
    office = Office.objects.filter(**target).first()
    with pytest.raises(InvalidInput):
        service_request_transfer(request=request, actor=clerk, to_office=office, reason="x")
    request.refresh_from_db()
    assert request.office.code == "NBC"
    assert not request.events.filter(kind=EventKind.TRANSFERRED).exists()


@pytest.mark.parametrize(
    ("approve", "status", "outcome"),
    [
        (True, CaseStatus.EXPEDITE_APPROVED, Outcome.EXPEDITE_APPROVED),
        (False, CaseStatus.EXPEDITE_DENIED, Outcome.EXPEDITE_DENIED),
    ],
)
def test_expedite_decision_sets_case_status(create, clerk, approve, status, outcome):
    request = create(
        type_code="expedite", details=EXPEDITE, evidence=[EvidenceUpload("a.pdf", PDF)]
    ).request
    service_request_expedite_decide(
        request=request, actor=clerk, approve=approve, reason="Evidence checked."
    )
    request.refresh_from_db()
    request.case.refresh_from_db()
    assert request.case.status == status
    assert request.outcome == outcome and request.state == ServiceRequestState.RESOLVED
    assert request.case.status_history.filter(status=status).exists()


def test_expedite_decision_needs_a_reason_and_an_expedite(create, clerk):
    expedite = create(
        type_code="expedite", details=EXPEDITE, evidence=[EvidenceUpload("a.pdf", PDF)]
    ).request
    with pytest.raises(InvalidInput):
        service_request_expedite_decide(request=expedite, actor=clerk, approve=True, reason=" ")
    with pytest.raises(ForbiddenTransition) as raised:
        service_request_resolve(request=expedite, actor=clerk, note="Done")
    assert raised.value.code == "forbidden_transition"
    other = create().request
    with pytest.raises(InvalidInput):
        service_request_expedite_decide(request=other, actor=clerk, approve=True, reason="x")
    expedite.case.refresh_from_db()
    assert expedite.case.status == CaseStatus.EXPEDITE_RECEIVED


def test_verified_change_of_address_updates_the_person(create, clerk):
    request = create(type_code="change-of-address", details=ADDRESS).request
    service_request_address_verify(request=request, actor=clerk)
    applicant = request.case.applicant
    applicant.refresh_from_db()
    assert (applicant.street, applicant.city, applicant.state, applicant.zip_code) == (
        "12 Example Lane",
        "Omaha",
        "NE",
        "68102",
    )
    updated = request.events.get(kind=EventKind.ADDRESS_UPDATED)
    assert "Omaha" not in str(updated.data) and not updated.body
    request.refresh_from_db()
    assert request.outcome == Outcome.ADDRESS_UPDATED


def test_address_verify_only_for_change_of_address(create, clerk):
    request = create().request
    with pytest.raises(InvalidInput):
        service_request_address_verify(request=request, actor=clerk)


def test_office_staff_of_another_office_cannot_act(create):
    request = create().request
    stranger = StaffUserFactory(role=Role.OFFICE_STAFF, office=Office.objects.get(code="NSC"))
    for act in (
        lambda: service_request_open(request=request, actor=stranger),
        lambda: service_request_resolve(request=request, actor=stranger, note="x"),
        lambda: service_request_reply(request=request, actor=stranger, body="x"),
    ):
        with pytest.raises(NotFound):
            act()
    request.refresh_from_db()
    assert request.state == ServiceRequestState.ROUTED


def test_the_protected_flag_read_with_the_case_costs_no_query(django_assert_num_queries):
    """service_request_create reads whether the applicant is protected in the case query; the
    flag must then answer without a query of its own, and agree with the query it replaces."""
    from contactcenter.cases.access import person_is_protected, protected_annotation
    from contactcenter.cases.models import Case
    from tests.factories import CaseFactory

    plain = CaseFactory(confidentiality="")
    CaseFactory(applicant=plain.applicant, confidentiality="vawa")  # protection follows the person
    other = CaseFactory(confidentiality="")
    for case, expected in ((plain, True), (other, False)):
        annotated = Case.objects.annotate(**protected_annotation()).get(pk=case.pk)
        with django_assert_num_queries(0):
            assert person_is_protected(annotated) is expected
        assert person_is_protected(Case.objects.get(pk=case.pk)) is expected
