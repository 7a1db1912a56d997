"""The audited reads of a person's data in ``cases.selectors``: each checks the reader's right
first, and each read it allows leaves exactly one disclosure-log row."""

import datetime as dt

import pytest

from contactcenter.audit.models import DisclosureLog, DisclosureOutcome
from contactcenter.cases.selectors import (
    IDENTITY_FIELDS,
    CaseNotFound,
    case_contact_email_for_service,
    case_for_work,
    case_get_for_viewer,
    case_identity_record_for_check,
    person_contact_for_service,
)
from contactcenter.core.receipt_numbers import ReceiptNumber
from contactcenter.staff.models import Role
from tests.factories import CaseFactory, OfficeFactory, PersonFactory, StaffUserFactory


def receipt_of(case) -> ReceiptNumber:
    return ReceiptNumber.parse(case.receipt_number)


def check(viewer, case):
    return case_identity_record_for_check(
        viewer=viewer, receipt_number=receipt_of(case), channel="desk", purpose="identity check"
    )


@pytest.mark.django_db
def test_the_identity_record_is_read_once_and_logged_once():
    applicant = PersonFactory(with_a_number=True)
    case = CaseFactory(applicant=applicant)
    agent = StaffUserFactory(role=Role.TIER1)
    record = check(agent, case)
    assert record.case == case
    assert record.date_of_birth == applicant.date_of_birth.isoformat()
    assert record.zip_code == applicant.zip_code
    assert record.a_number_last4 == applicant.a_number[-4:]
    assert record.bar_number == ""  # no G-28, so no representative can pass
    row = DisclosureLog.objects.get()
    assert (row.viewer, row.case, row.channel, row.fields) == (agent, case, "desk", IDENTITY_FIELDS)


@pytest.mark.django_db
@pytest.mark.parametrize("confidentiality", ["vawa", "t", "u"])
def test_tier1_gets_not_found_for_a_protected_case_and_the_refusal_is_logged(confidentiality):
    case = CaseFactory(confidentiality=confidentiality)
    missing = ReceiptNumber.parse("LIN2499999999")
    agent = StaffUserFactory(role=Role.TIER1)
    with pytest.raises(CaseNotFound) as protected:
        check(agent, case)
    with pytest.raises(CaseNotFound) as absent:
        case_identity_record_for_check(
            viewer=agent, receipt_number=missing, channel="desk", purpose="identity check"
        )
    assert (protected.value.code, protected.value.message, protected.value.http_status) == (
        absent.value.code, absent.value.message, absent.value.http_status,
    )  # fmt: skip
    # One row for the protected case, naming it and the agent and nothing read; none for the
    # number that does not exist (there is no case to name).
    refused = DisclosureLog.objects.get()
    assert (refused.viewer, refused.case, refused.outcome, refused.fields) == (
        agent,
        case,
        DisclosureOutcome.REFUSED,
        "",
    )
    assert (refused.channel, refused.purpose) == ("desk", "identity check")
    officer = StaffUserFactory(role=Role.TIER2)
    assert check(officer, case).case == case
    allowed = DisclosureLog.objects.exclude(pk=refused.pk).get()
    assert (allowed.viewer, allowed.outcome) == (officer, DisclosureOutcome.DISCLOSED)


@pytest.mark.django_db
@pytest.mark.parametrize("confidentiality", ["vawa", "t", "u"])
def test_a_refused_case_read_for_viewer_is_a_disclosure_log_row(confidentiality):
    case = CaseFactory(confidentiality=confidentiality)
    agent = StaffUserFactory(role=Role.TIER1)
    with pytest.raises(CaseNotFound):
        case_get_for_viewer(viewer=agent, receipt_number=receipt_of(case), channel="desk",
                            purpose="inquiry 1234567897 (applicant)")  # fmt: skip
    row = DisclosureLog.objects.get()
    assert (row.viewer, row.case, row.outcome, row.fields, row.system_actor) == (
        agent,
        case,
        DisclosureOutcome.REFUSED,
        "",
        "",
    )


@pytest.mark.django_db
def test_office_staff_read_only_their_own_offices_cases():
    case = CaseFactory(office=OfficeFactory(code="NBC"))
    other_office = OfficeFactory(code="NSC")
    assert other_office.pk != case.office_id
    stranger = StaffUserFactory(role=Role.OFFICE_STAFF, office=other_office)
    with pytest.raises(CaseNotFound):
        check(stranger, case)
    clerk = StaffUserFactory(role=Role.OFFICE_STAFF, office=case.office)
    check(clerk, case)
    assert list(DisclosureLog.objects.order_by("id").values_list("viewer", "outcome")) == [
        (stranger.pk, DisclosureOutcome.REFUSED),
        (clerk.pk, DisclosureOutcome.DISCLOSED),
    ]


# --- Contact details read by a service --------------------------------------------------------


def contact(person, case, *, fields=("email", "phone"), verified=True):
    return person_contact_for_service(
        person=person, case=case, fields=fields, service="appointments", channel="notification",
        purpose="appointment notice", for_verified_person=verified,
    )  # fmt: skip


@pytest.mark.django_db
def test_a_service_reading_contacts_leaves_one_row_naming_it_and_the_fields_read():
    person = PersonFactory(email="someone@example.com", phone="+14025550101")
    case = CaseFactory(applicant=person)
    found = contact(person, case, fields=("email", "phone", "zip_code"))
    assert (found.email, found.phone, found.zip_code) == (
        "someone@example.com", "+14025550101", person.zip_code,
    )  # fmt: skip
    row = DisclosureLog.objects.get()
    assert (row.viewer, row.system_actor, row.case) == (None, "appointments", case)
    assert row.fields == "email,phone,zip_code" and row.channel == "notification"


@pytest.mark.django_db
def test_nothing_on_record_means_no_row():
    person = PersonFactory(email="", phone="")
    case = CaseFactory(applicant=person)
    assert not contact(person, case)
    assert not DisclosureLog.objects.exists()


@pytest.mark.django_db
def test_a_protected_person_gives_nothing_to_an_unverified_caller_and_the_refusal_is_logged():
    person = PersonFactory(email="safe@example.com")
    ordinary = CaseFactory(applicant=person)
    CaseFactory(applicant=person, confidentiality="vawa")
    assert not contact(person, ordinary, verified=False)
    assert case_contact_email_for_service(
        receipt_number=receipt_of(ordinary), service="ivr", channel="phone", purpose="link"
    ) == ""  # fmt: skip
    refused = list(
        DisclosureLog.objects.order_by("id").values_list(
            "case", "system_actor", "fields", "outcome"
        )
    )
    assert refused == [
        (ordinary.pk, "appointments", "", DisclosureOutcome.REFUSED),
        (ordinary.pk, "ivr", "", DisclosureOutcome.REFUSED),
    ]
    # The person themselves, once they proved who they are, is still told about their own work.
    assert contact(person, ordinary).email == "safe@example.com"
    assert DisclosureLog.objects.filter(outcome=DisclosureOutcome.DISCLOSED).count() == 1


@pytest.mark.django_db
def test_a_read_without_a_case_is_logged_against_the_persons_latest_case():
    person = PersonFactory(email="someone@example.com")
    older = CaseFactory(applicant=person, receipt_date=dt.date(2023, 1, 5))
    newer = CaseFactory(applicant=person, receipt_date=dt.date(2024, 6, 1))
    assert contact(person, None).email == "someone@example.com"
    assert DisclosureLog.objects.get().case == newer != older
    lone = PersonFactory(email="lone@example.com")
    assert not contact(lone, None)  # no case to record the read against: nothing handed out
    assert DisclosureLog.objects.count() == 1


@pytest.mark.django_db
def test_an_office_that_only_works_a_request_reads_the_summary_and_it_is_logged():
    case = CaseFactory(office=OfficeFactory(code="NBC"))
    field_clerk = StaffUserFactory(role=Role.OFFICE_STAFF, office=OfficeFactory(code="NYC"))
    seen = case_for_work(viewer=field_clerk, case_id=case.pk, channel="office_queue",
                         purpose="service request 12345678")  # fmt: skip
    assert seen.case is None and seen.receipt_number == case.receipt_number
    # Working a request is not a refused read: one row, the summary, disclosed.
    row = DisclosureLog.objects.get()
    assert (row.viewer, row.fields) == (field_clerk, "receipt_number,form,status")
    assert row.outcome == DisclosureOutcome.DISCLOSED
    holder = StaffUserFactory(role=Role.OFFICE_STAFF, office=case.office)
    assert case_for_work(viewer=holder, case_id=case.pk, channel="office_queue",
                         purpose="service request 12345678").case == case  # fmt: skip
    assert DisclosureLog.objects.filter(viewer=holder).count() == 1
