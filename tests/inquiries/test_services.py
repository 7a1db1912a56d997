import datetime as dt

import pytest

from contactcenter.core.errors import InvalidInput
from contactcenter.core.receipt_numbers import ReceiptNumber
from contactcenter.core.reference_numbers import ReferenceNumber
from contactcenter.inquiries.models import (
    DispositionCode,
    EventKind,
    Inquiry,
    InquiryEvent,
    InquiryState,
    Tier,
)
from contactcenter.inquiries.services import (
    TRANSITIONS,
    ForbiddenTransition,
    IdentityLocked,
    inquiry_add_message,
    inquiry_escalate,
    inquiry_open,
    inquiry_record_settled,
    inquiry_reopen,
    inquiry_request_supervisor,
    inquiry_resolve,
    inquiry_schedule_callback,
    inquiry_start_work,
    inquiry_unlock,
    inquiry_verify_identity,
)
from contactcenter.routing.models import WorkItem, WorkKind, WorkState


def receipt_of(case) -> ReceiptNumber:
    return ReceiptNumber.parse(case.receipt_number)


def applicant_answers(case, **overrides):
    answers = {
        "date_of_birth": "1985-03-14",
        "zip_code": "68508",
        "a_number_last4": case.applicant.a_number[-4:],
    }
    answers.update(overrides)
    return answers


def in_state(state, *, actor=None, make_case=None) -> Inquiry:
    """An inquiry brought to ``state`` through the services, never by writing the field."""
    inquiry = inquiry_open(channel="phone", language="en")
    if state == InquiryState.NEW:
        return inquiry
    if state == InquiryState.ACTIVE:
        return inquiry_start_work(inquiry=inquiry, actor=actor)
    if state == InquiryState.ESCALATED:
        return inquiry_escalate(inquiry=inquiry, actor=actor, reason="complex", urgency="regular")
    if state == InquiryState.CALLBACK_SCHEDULED:
        return inquiry_schedule_callback(inquiry=inquiry, actor=actor, phone="+15550100000")
    if state == InquiryState.CLOSED:
        return inquiry_resolve(
            inquiry=inquiry, actor=actor, disposition=DispositionCode.RESOLVED_FIRST_CONTACT
        )
    if state == InquiryState.LOCKED:
        case = make_case()
        for _ in range(3):
            inquiry_verify_identity(
                inquiry=inquiry,
                actor=actor,
                receipt_number=receipt_of(case),
                claimed_as="applicant",
                answers={"date_of_birth": "1900-01-01"},
            )
        return inquiry
    raise AssertionError(state)


def attempt(target, inquiry, actor):
    """Try to move ``inquiry`` to ``target`` through the service that does so."""
    if target == InquiryState.ACTIVE:
        if inquiry.state == InquiryState.LOCKED:
            return inquiry_unlock(inquiry=inquiry, actor=actor, reason="verified by supervisor")
        return inquiry_start_work(inquiry=inquiry, actor=actor)
    if target == InquiryState.ESCALATED:
        return inquiry_escalate(inquiry=inquiry, actor=actor, reason="r", urgency="urgent")
    if target == InquiryState.CALLBACK_SCHEDULED:
        return inquiry_schedule_callback(inquiry=inquiry, actor=actor, phone="+15550100000")
    if target == InquiryState.CLOSED:
        return inquiry_resolve(inquiry=inquiry, actor=actor, disposition=DispositionCode.REFERRED)
    if target == InquiryState.NEW:
        return inquiry_reopen(inquiry=inquiry, actor=actor, reason="person wrote again")
    return None


def test_open_gives_a_valid_reference_number_and_history(queues):
    inquiry = inquiry_open(channel="chat", language="es", topic="case-status",
                           first_message="my A-Number is A012345678")  # fmt: skip
    assert ReferenceNumber.parse(inquiry.reference_number).value == inquiry.reference_number
    kinds = list(inquiry.events.values_list("kind", flat=True))
    assert kinds == [EventKind.OPENED, EventKind.MESSAGE]
    message = inquiry.events.get(kind=EventKind.MESSAGE)
    assert "012345678" not in message.body and "[A-NUMBER]" in message.body


@pytest.mark.parametrize("bad", [{"channel": "pigeon"}, {"channel": "phone", "language": "fr"}])
def test_open_refuses_bad_input(queues, bad):
    with pytest.raises(InvalidInput):
        inquiry_open(**bad)
    assert Inquiry.objects.count() == 0


ALL_PAIRS = [
    (source, target)
    for source in InquiryState.values
    for target in (
        InquiryState.NEW,
        InquiryState.ACTIVE,
        InquiryState.ESCALATED,
        InquiryState.CALLBACK_SCHEDULED,
        InquiryState.CLOSED,
    )
    if source != target
]


@pytest.mark.parametrize(("source", "target"), ALL_PAIRS)
def test_each_transition(queues, staff_user, make_case, source, target):
    actor = staff_user("tier1")
    inquiry = in_state(source, actor=actor, make_case=make_case)
    assert inquiry.state == source
    before_events = InquiryEvent.objects.filter(inquiry=inquiry).count()
    before_items = WorkItem.objects.filter(inquiry=inquiry).count()
    if target in TRANSITIONS[source]:
        result = attempt(target, inquiry, actor)
        result.refresh_from_db()
        assert result.state == target
    else:
        with pytest.raises(ForbiddenTransition):
            attempt(target, inquiry, actor)
        inquiry.refresh_from_db()
        assert inquiry.state == source
        assert InquiryEvent.objects.filter(inquiry=inquiry).count() == before_events
        assert WorkItem.objects.filter(inquiry=inquiry).count() == before_items


def test_escalation_queues_a_tier2_callback_due_in_business_days(queues, staff_user):
    actor = staff_user("tier1")
    inquiry = inquiry_open(channel="phone", language="es")
    inquiry_escalate(inquiry=inquiry, actor=actor, reason="RFE question", urgency="urgent")
    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.ESCALATED and inquiry.tier == Tier.TIER2
    item = WorkItem.objects.get(inquiry=inquiry)
    assert item.kind == WorkKind.CALLBACK and item.queue.code == "t2-callbacks-es"
    assert item.due_at > item.enqueued_at
    assert item.due_at - item.enqueued_at < dt.timedelta(days=7)  # 2 business days, urgent


def test_escalation_needs_a_reason_and_valid_urgency(queues):
    inquiry = inquiry_open(channel="phone")
    with pytest.raises(InvalidInput):
        inquiry_escalate(inquiry=inquiry, actor=None, reason="  ", urgency="regular")
    with pytest.raises(InvalidInput):
        inquiry_escalate(inquiry=inquiry, actor=None, reason="x", urgency="whenever")
    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.NEW and not WorkItem.objects.exists()


@pytest.mark.parametrize("state", [s for s in InquiryState.values if s != InquiryState.CLOSED])
def test_supervisor_can_be_requested_from_any_open_state(queues, staff_user, make_case, state):
    inquiry = in_state(state, actor=staff_user("tier1"), make_case=make_case)
    inquiry_request_supervisor(inquiry=inquiry, reason="wants a supervisor")
    inquiry.refresh_from_db()
    assert inquiry.state == state  # the request does not disturb the inquiry's state
    assert inquiry.supervisor_requested_at is not None
    assert WorkItem.objects.filter(inquiry=inquiry, kind=WorkKind.SUPERVISOR_REQUEST).count() == 1
    inquiry_request_supervisor(inquiry=inquiry)  # asking twice queues nothing more
    assert WorkItem.objects.filter(inquiry=inquiry, kind=WorkKind.SUPERVISOR_REQUEST).count() == 1


def test_supervisor_cannot_be_requested_on_a_closed_inquiry(queues, staff_user):
    inquiry = in_state(InquiryState.CLOSED, actor=staff_user("tier1"))
    with pytest.raises(ForbiddenTransition):
        inquiry_request_supervisor(inquiry=inquiry)
    assert not WorkItem.objects.filter(kind=WorkKind.SUPERVISOR_REQUEST).exists()


def test_resolving_cancels_waiting_work(queues, staff_user):
    actor = staff_user("tier1")
    inquiry = in_state(InquiryState.ESCALATED, actor=actor)
    inquiry_resolve(inquiry=inquiry, actor=actor, disposition=DispositionCode.NO_ANSWER)
    assert WorkItem.objects.get(inquiry=inquiry).state == WorkState.CANCELLED
    with pytest.raises(ForbiddenTransition):
        inquiry_add_message(inquiry=inquiry, body="hello?")


def test_callback_keeps_the_callers_place(queues):
    inquiry = inquiry_open(channel="phone")
    arrived = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    inquiry_schedule_callback(inquiry=inquiry, actor=None, phone="+15550100000",
                              enqueued_at=arrived)  # fmt: skip
    assert WorkItem.objects.get(inquiry=inquiry, kind=WorkKind.CALLBACK).enqueued_at == arrived


# --- identity -----------------------------------------------------------------------------


def test_applicant_passes_with_the_right_answers(queues, staff_user, make_case):
    case = make_case()
    inquiry = inquiry_open(channel="phone")
    result = inquiry_verify_identity(
        inquiry=inquiry,
        actor=staff_user("tier1"),
        receipt_number=receipt_of(case),
        claimed_as="applicant",
        answers=applicant_answers(case),
    )
    assert result.passed and result.verified_as == "applicant"
    inquiry.refresh_from_db()
    assert inquiry.case == case and inquiry.is_verified
    event = inquiry.events.get(kind=EventKind.IDENTITY)
    assert event.data["passed"] is True
    assert "1985" not in str(event.data)  # answers are never stored


@pytest.mark.parametrize(
    ("extra_required", "given", "passes", "failed"),
    [
        # The agency's rule: the date of birth, then one (or both) of ZIP and A-Number.
        (1, {"zip_code": True}, True, []),
        (1, {"a_number_last4": True}, True, []),
        (1, {"zip_code": True, "a_number_last4": False}, False, ["a_number_last4"]),
        (1, {}, False, ["too_few_answers"]),
        (2, {"zip_code": True}, False, ["too_few_answers"]),
        (2, {"zip_code": True, "a_number_last4": True}, True, []),
    ],
)
def test_the_applicant_rule_is_a_setting(
    queues, staff_user, make_case, settings, extra_required, given, passes, failed
):
    settings.IDENTITY_APPLICANT_EXTRA_ANSWERS = extra_required
    case = make_case()
    right = applicant_answers(case)
    answers = {"date_of_birth": right["date_of_birth"]}
    for question, correct in given.items():
        answers[question] = right[question] if correct else "0000"
    inquiry = inquiry_open(channel="phone")
    result = inquiry_verify_identity(
        inquiry=inquiry, actor=staff_user("tier1"), receipt_number=receipt_of(case),
        claimed_as="applicant", answers=answers,
    )  # fmt: skip
    assert result.passed is passes
    event = inquiry.events.get(kind=EventKind.IDENTITY)
    assert event.data["failed_questions"] == failed


def test_three_failures_lock_and_flag(queues, staff_user, make_case):
    case = make_case()
    actor = staff_user("tier1")
    inquiry = inquiry_open(channel="phone")
    for expected_failures in (1, 2, 3):
        result = inquiry_verify_identity(
            inquiry=inquiry,
            actor=actor,
            receipt_number=receipt_of(case),
            claimed_as="applicant",
            answers=applicant_answers(case, zip_code="10001"),
        )
        assert not result.passed and result.failures == expected_failures
    assert result.locked
    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.LOCKED and inquiry.flagged and not inquiry.is_verified
    failed = inquiry.events.filter(kind=EventKind.IDENTITY).last().data["failed_questions"]
    assert failed == ["zip_code"]
    with pytest.raises(IdentityLocked):
        inquiry_verify_identity(
            inquiry=inquiry,
            actor=actor,
            receipt_number=receipt_of(case),
            claimed_as="applicant",
            answers=applicant_answers(case),
        )


def test_representative_is_verified_only_with_a_g28(queues, staff_user, make_case):
    actor = staff_user("tier1")
    case = make_case(with_representative=True)
    answers = {"bar_number": case.representative.bar_number, "date_of_birth": "1985-03-14"}
    inquiry = inquiry_open(channel="phone")
    result = inquiry_verify_identity(
        inquiry=inquiry,
        actor=actor,
        receipt_number=receipt_of(case),
        claimed_as="representative",
        answers=answers,
    )
    assert result.passed and result.verified_as == "representative"
    no_g28 = make_case()
    other = inquiry_open(channel="phone")
    result = inquiry_verify_identity(
        inquiry=other,
        actor=actor,
        receipt_number=receipt_of(no_g28),
        claimed_as="representative",
        answers=answers,
    )
    assert not result.passed


def test_starting_work_does_not_lift_an_identity_lock(queues, staff_user, make_case):
    actor = staff_user("tier1")
    inquiry = in_state(InquiryState.LOCKED, actor=actor, make_case=make_case)
    with pytest.raises(ForbiddenTransition, match="supervisor"):
        inquiry_start_work(inquiry=inquiry, actor=actor)
    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.LOCKED


def test_an_account_verifies_an_open_inquiry_but_not_a_locked_one(queues, staff_user, make_case):
    from contactcenter.inquiries.services import ForbiddenTransition, inquiry_verified_by_account

    case = make_case()
    inquiry = inquiry_open(channel="secure_message")
    with pytest.raises(InvalidInput):
        inquiry_verified_by_account(inquiry=inquiry, case=case, verified_as="cousin")
    inquiry.refresh_from_db()
    assert not inquiry.is_verified and not inquiry.events.filter(kind=EventKind.IDENTITY)
    inquiry_verified_by_account(inquiry=inquiry, case=case, verified_as="applicant")
    inquiry.refresh_from_db()
    assert inquiry.is_verified and inquiry.case == case and inquiry.person == case.applicant
    locked = inquiry_open(channel="secure_message")
    for _ in range(3):
        inquiry_verify_identity(
            inquiry=locked,
            actor=staff_user("tier1"),
            receipt_number=receipt_of(case),
            claimed_as="applicant",
            answers={},
        )
    with pytest.raises(ForbiddenTransition):
        inquiry_verified_by_account(inquiry=locked, case=case, verified_as="applicant")
    locked.refresh_from_db()
    assert not locked.is_verified


# --- A contact settled by self-service, written in one go ---------------------------------


def _history(inquiry):
    return [
        (event.kind, event.actor_id, event.actor_label, event.body, event.data)
        for event in inquiry.events.order_by("created_at", "id")
    ]


@pytest.mark.django_db
def test_a_settled_contact_has_the_history_of_open_message_and_resolve():
    transcript = "Caller: 1\nIVR: Your case was approved. Call me at 202-555-0143."
    stepwise = inquiry_open(channel="phone", language="es", topic="main/case-status")
    inquiry_add_message(inquiry=stepwise, body=transcript, actor_label="ivr")
    inquiry_resolve(inquiry=stepwise, actor=None,
                    disposition=DispositionCode.RESOLVED_FIRST_CONTACT,
                    note="IVR outcome: self_served")  # fmt: skip
    stepwise.refresh_from_db()

    settled = inquiry_record_settled(
        channel="phone", language="es", topic="main/case-status", transcript=transcript,
        actor_label="ivr", disposition=DispositionCode.RESOLVED_FIRST_CONTACT,
        note="IVR outcome: self_served",
    )  # fmt: skip
    settled.refresh_from_db()

    assert _history(settled) == _history(stepwise)
    assert "202-555-0143" not in _history(settled)[1][3]  # masked, as a message would be
    for field in ("channel", "language", "topic", "state", "disposition", "tier", "urgency"):
        assert getattr(settled, field) == getattr(stepwise, field), field
    assert settled.closed_at is not None and settled.reference_number != stepwise.reference_number
    assert ReferenceNumber.parse(settled.reference_number).value == settled.reference_number


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [{"channel": "carrier-pigeon"}, {"language": "fr"}, {"disposition": "sorted"},
     {"transcript": "x" * 10_001}],
)  # fmt: skip
def test_a_settled_contact_with_bad_input_writes_nothing(change):
    values = {
        "channel": "phone",
        "language": "en",
        "topic": "main/general",
        "transcript": "hi",
        "actor_label": "ivr",
        "disposition": DispositionCode.RESOLVED_FIRST_CONTACT,
    }
    with pytest.raises(InvalidInput):
        inquiry_record_settled(**{**values, **change})
    assert not Inquiry.objects.exists() and not InquiryEvent.objects.exists()


@pytest.mark.django_db
def test_a_settled_contact_draws_again_when_its_reference_number_is_taken(monkeypatch):
    taken = inquiry_open(channel="phone")
    fresh = ReferenceNumber.generate()
    draws = iter([ReferenceNumber.parse(taken.reference_number), fresh])
    monkeypatch.setattr(ReferenceNumber, "generate", classmethod(lambda cls: next(draws)))
    settled = inquiry_record_settled(
        channel="phone", language="en", topic="main/general", transcript="",
        actor_label="ivr", disposition=DispositionCode.NO_ANSWER,
    )  # fmt: skip
    assert settled.reference_number == fresh.value
    assert [kind for kind, *_ in _history(settled)] == ["opened", "state", "disposition"]
    assert Inquiry.objects.count() == 2
