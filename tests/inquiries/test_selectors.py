import pytest

from contactcenter.audit.models import DisclosureLog, DisclosureOutcome
from contactcenter.cases.selectors import CaseNotFound
from contactcenter.core.receipt_numbers import ReceiptNumber
from contactcenter.inquiries.selectors import IdentityNotVerified, inquiry_case_for_viewer
from contactcenter.inquiries.services import inquiry_open, inquiry_verify_identity


def verified_inquiry(case, actor):
    inquiry = inquiry_open(channel="phone")
    answers = {
        "date_of_birth": "1985-03-14",
        "zip_code": "68508",
        "a_number_last4": case.applicant.a_number[-4:],
    }
    result = inquiry_verify_identity(
        inquiry=inquiry,
        actor=actor,
        receipt_number=ReceiptNumber.parse(case.receipt_number),
        claimed_as="applicant",
        answers=answers,
    )
    assert result.passed
    return inquiry


def case_reads():
    """Disclosure rows of case pages, leaving out the identity checks' own reads."""
    return DisclosureLog.objects.exclude(purpose__startswith="identity check")


def test_no_case_data_before_identity_is_verified(queues, staff_user, make_case):
    make_case()
    inquiry = inquiry_open(channel="phone")
    with pytest.raises(IdentityNotVerified):
        inquiry_case_for_viewer(viewer=staff_user("tier1"), inquiry=inquiry, channel="desk")
    assert DisclosureLog.objects.count() == 0


def test_verified_read_is_disclosed_in_the_log(queues, staff_user, make_case):
    agent = staff_user("tier1")
    case = make_case()
    inquiry = verified_inquiry(case, agent)
    shown = inquiry_case_for_viewer(viewer=agent, inquiry=inquiry, channel="desk")
    assert shown.pk == case.pk
    entry = case_reads().get()
    assert (entry.viewer, entry.case, entry.channel) == (agent, case, "desk")
    assert inquiry.reference_number in entry.purpose


def test_confidential_cases_are_for_tier2_only(queues, staff_user, make_case):
    case = make_case(confidentiality="vawa")
    tier1, tier2 = staff_user("tier1"), staff_user("tier2")
    inquiry = verified_inquiry(case, tier2)
    with pytest.raises(CaseNotFound):
        inquiry_case_for_viewer(viewer=tier1, inquiry=inquiry, channel="desk")
    assert list(case_reads().values_list("viewer", "outcome", "fields")) == [
        (tier1.pk, DisclosureOutcome.REFUSED, "")
    ]
    assert inquiry_case_for_viewer(viewer=tier2, inquiry=inquiry, channel="desk").pk == case.pk
    assert case_reads().get(outcome=DisclosureOutcome.DISCLOSED).viewer == tier2


def test_protection_follows_the_person_across_cases(queues, staff_user, make_case):
    from contactcenter.cases.models import Case

    protected = make_case(confidentiality="u")
    ordinary = make_case()
    Case.objects.filter(pk=ordinary.pk).update(applicant=protected.applicant)
    ordinary.refresh_from_db()
    tier1 = staff_user("tier1")
    inquiry = verified_inquiry(ordinary, staff_user("tier2"))
    with pytest.raises(CaseNotFound):
        inquiry_case_for_viewer(viewer=tier1, inquiry=inquiry, channel="desk")
    assert list(DisclosureLog.objects.filter(viewer=tier1).values_list("outcome", flat=True)) == [
        DisclosureOutcome.REFUSED
    ]
