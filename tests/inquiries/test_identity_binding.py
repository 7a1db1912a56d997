"""An inquiry verified for one case stays with that case: the identity check never re-points it.

A secure message written from an online account is verified against the account's case. An
agent who then enters another case's receipt number and the right answers (a VAWA case in the
worst case) is refused with a clear error before the other case is read; a second case needs a
new inquiry. Checking the same case again is allowed.
"""

from __future__ import annotations

import pytest
from django.utils import translation

from contactcenter.audit.models import DisclosureLog
from contactcenter.core.errors import ErrorCode
from contactcenter.core.receipt_numbers import ReceiptNumber
from contactcenter.inquiries.models import EventKind, Inquiry
from contactcenter.inquiries.selectors import inquiry_case_for_viewer
from contactcenter.inquiries.services import (
    AlreadyVerified,
    inquiry_open,
    inquiry_verified_by_account,
    inquiry_verify_identity,
)

pytestmark = pytest.mark.django_db


def _answers(case) -> dict[str, str]:
    person = case.applicant
    return {
        "date_of_birth": person.date_of_birth.isoformat(),
        "zip_code": person.zip_code,
        "a_number_last4": person.a_number[-4:],
    }


def _snapshot(inquiry: Inquiry) -> tuple:
    inquiry.refresh_from_db()
    return (
        inquiry.case_id,
        inquiry.person_id,
        inquiry.verified_as,
        inquiry.verified_at,
        inquiry.failed_identity_checks,
        inquiry.state,
        inquiry.events.filter(kind=EventKind.IDENTITY).count(),
    )


@pytest.fixture
def message_inquiry(queues, make_case):
    """A secure-message inquiry verified by the person's account against their own case."""
    own_case = make_case()
    inquiry = inquiry_open(channel="secure_message", case=own_case, person=own_case.applicant)
    inquiry_verified_by_account(inquiry=inquiry, case=own_case, verified_as="applicant")
    return inquiry, own_case


@pytest.mark.parametrize("role", ["tier1", "tier2", "supervisor"])
def test_an_agent_cannot_move_a_verified_inquiry_to_a_protected_case(
    message_inquiry, make_case, staff_user, role
):
    inquiry, own_case = message_inquiry
    protected = make_case(confidentiality="vawa")
    before = _snapshot(inquiry)
    logged_before = DisclosureLog.objects.count()
    for language, words in (("en", "already verified for another case"), ("es", "otro caso")):
        with translation.override(language), pytest.raises(AlreadyVerified) as refused:
            inquiry_verify_identity(
                inquiry=inquiry,
                actor=staff_user(role),
                receipt_number=ReceiptNumber.parse(protected.receipt_number),
                claimed_as="applicant",
                answers=_answers(protected),
            )
        assert refused.value.code == ErrorCode.ALREADY_VERIFIED
        assert words in str(refused.value.message)
    # Nothing changed, and the protected case was never read (not even by roles that may).
    assert _snapshot(inquiry) == before
    assert DisclosureLog.objects.count() == logged_before
    assert not DisclosureLog.objects.filter(case=protected).exists()
    # A supervisor opening the inquiry sees the person's own case, never the protected one.
    shown = inquiry_case_for_viewer(
        viewer=staff_user("supervisor"), inquiry=inquiry, channel="desk"
    )
    assert shown.pk == own_case.pk != protected.pk


def test_a_missing_number_is_refused_the_same_way(message_inquiry, make_case, staff_user):
    """For Tier 1 a protected case must look like a missing one: the same refusal."""
    inquiry, _own = message_inquiry
    protected = make_case(confidentiality="vawa")
    messages = []
    for receipt in (protected.receipt_number, "LIN2499999999"):
        with pytest.raises(AlreadyVerified) as refused:
            inquiry_verify_identity(
                inquiry=inquiry,
                actor=staff_user("tier1"),
                receipt_number=ReceiptNumber.parse(receipt),
                claimed_as="applicant",
                answers=_answers(protected),
            )
        messages.append((refused.value.code, str(refused.value.message)))
    assert messages[0] == messages[1]


def test_the_same_case_can_be_checked_again(message_inquiry, staff_user):
    inquiry, own_case = message_inquiry
    result = inquiry_verify_identity(
        inquiry=inquiry,
        actor=staff_user("tier1"),
        receipt_number=ReceiptNumber.parse(own_case.receipt_number),
        claimed_as="applicant",
        answers=_answers(own_case),
    )
    assert result.passed and result.case_found
    inquiry.refresh_from_db()
    assert inquiry.case_id == own_case.pk


def test_an_account_cannot_re_point_a_verified_inquiry_either(message_inquiry, make_case):
    inquiry, own_case = message_inquiry
    other = make_case()
    before = _snapshot(inquiry)
    with pytest.raises(AlreadyVerified):
        inquiry_verified_by_account(inquiry=inquiry, case=other, verified_as="applicant")
    assert _snapshot(inquiry) == before
    inquiry_verified_by_account(inquiry=inquiry, case=own_case, verified_as="applicant")
    inquiry.refresh_from_db()
    assert inquiry.case_id == own_case.pk
