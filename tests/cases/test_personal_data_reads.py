"""The audited reads of a person's data in ``cases.selectors``: each checks the reader's right
first, and each read it allows leaves exactly one disclosure-log row."""

import pytest

from contactcenter.audit.models import DisclosureLog
from contactcenter.cases.selectors import (
    IDENTITY_FIELDS,
    CaseNotFound,
    case_identity_record_for_check,
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
def test_tier1_gets_not_found_for_a_protected_case_and_nothing_is_logged(confidentiality):
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
    assert not DisclosureLog.objects.exists()
    officer = StaffUserFactory(role=Role.TIER2)
    assert check(officer, case).case == case
    assert DisclosureLog.objects.get().viewer == officer


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
    assert list(DisclosureLog.objects.values_list("viewer", flat=True)) == [clerk.pk]
