import datetime as dt

import pytest

from contactcenter.desk.callbacks import (
    callback_confirm_by_text,
    callback_record_attempt,
    callbacks_for_officer,
)
from contactcenter.inquiries.models import DispositionCode, InquiryState
from contactcenter.inquiries.services import inquiry_escalate, inquiry_open
from contactcenter.routing.models import CallbackAttempt, WorkState
from contactcenter.routing.services import RoutingError, work_item_claim

TUESDAY_9AM = (2026, 11, 24, 9, 0)


@pytest.fixture
def officer(make_agent):
    return make_agent(tiers=["tier2"], languages=["en", "es"], capacity={"phone": 10})


def escalated(phone="+15550100001", language="en"):
    inquiry = inquiry_open(channel="phone", language=language, contact_phone=phone)
    return inquiry_escalate(inquiry=inquiry, actor=None, reason="needs an officer",
                            urgency="regular")  # fmt: skip


def test_callbacks_are_first_in_first_out_across_languages(queues, officer, at):
    first = escalated(language="es")
    second = escalated(language="en")
    now = at(*TUESDAY_9AM)
    taken = [work_item_claim(agent=officer, now=now) for _ in range(2)]
    assert [item.inquiry_id for item in taken] == [first.pk, second.pk]


def test_calls_only_in_the_calling_window(queues, officer, at):
    escalated()
    assert work_item_claim(agent=officer, now=at(2026, 11, 24, 6, 59)) is None
    assert work_item_claim(agent=officer, now=at(2026, 11, 24, 18, 30)) is None
    assert work_item_claim(agent=officer, now=at(2026, 11, 24, 18, 29)) is not None


def test_two_failed_attempts_close_the_inquiry(queues, officer, at):
    inquiry = escalated()
    now = at(*TUESDAY_9AM)
    item = work_item_claim(agent=officer, now=now)
    callback_record_attempt(agent=officer, item_id=item.pk, outcome="no_answer", now=now)
    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.ESCALATED
    later = now + dt.timedelta(hours=3)
    callback_record_attempt(agent=officer, item_id=item.pk, outcome="voicemail", now=later)
    inquiry.refresh_from_db()
    item.refresh_from_db()
    assert inquiry.state == InquiryState.CLOSED
    assert inquiry.disposition == DispositionCode.NO_ANSWER
    assert item.state == WorkState.DONE
    assert CallbackAttempt.objects.filter(item=item).count() == 2


def test_an_answered_call_keeps_the_inquiry_open(queues, officer, at):
    inquiry = escalated()
    now = at(*TUESDAY_9AM)
    item = work_item_claim(agent=officer, now=now)
    callback_record_attempt(agent=officer, item_id=item.pk, outcome="no_answer", now=now)
    callback_record_attempt(agent=officer, item_id=item.pk, outcome="answered", now=now)
    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.ESCALATED


def test_attempt_refusals_change_nothing(queues, officer, make_agent, at):
    escalated()
    now = at(*TUESDAY_9AM)
    item = work_item_claim(agent=officer, now=now)
    other = make_agent(tiers=["tier2"])
    with pytest.raises(RoutingError):
        callback_record_attempt(agent=other, item_id=item.pk, outcome="no_answer", now=now)
    with pytest.raises(RoutingError):
        callback_record_attempt(agent=officer, item_id=item.pk, outcome="shrug", now=now)
    with pytest.raises(RoutingError, match="calling window"):
        callback_record_attempt(agent=officer, item_id=item.pk, outcome="no_answer",
                                now=at(2026, 11, 24, 21, 0))  # fmt: skip
    assert CallbackAttempt.objects.count() == 0


def test_a_yes_moves_the_callback_to_the_front(queues, officer, at):
    older = escalated(phone="+15550100001")
    newer = escalated(phone="+15550100002")
    now = at(*TUESDAY_9AM)
    items = [work_item_claim(agent=officer, now=now) for _ in range(2)]
    assert [i.inquiry_id for i in callbacks_for_officer(agent=officer)] == [older.pk, newer.pk]
    items[1].text_ahead_sent_at = now
    items[1].save()
    assert callback_confirm_by_text(from_phone="+15550100002", now=now + dt.timedelta(minutes=5))
    assert [i.inquiry_id for i in callbacks_for_officer(agent=officer)] == [newer.pk, older.pk]
    # A YES long after the text, or from a number never texted, confirms nothing.
    assert not callback_confirm_by_text(from_phone="+15550100001", now=now)
