"""The person is told about escalations and changes, by the contacts they gave, in their
language, only after the data is committed."""

import datetime as dt

import pytest
from django.db import transaction

from contactcenter.desk.callbacks import (
    callback_record_attempt,
    callback_text_ahead,
    callbacks_for_officer,
)
from contactcenter.inquiries.models import DispositionCode
from contactcenter.inquiries.services import (
    inquiry_escalate,
    inquiry_open,
    inquiry_resolve,
    inquiry_start_work,
)
from contactcenter.notifications.models import Notification
from contactcenter.notifications.services import sms_inbound
from contactcenter.routing.services import work_item_claim

PHONE, EMAIL = "+15550100077", "person@example.org"


def contactable(language="es"):
    return inquiry_open(channel="phone", language=language, contact_phone=PHONE,
                        contact_email=EMAIL)  # fmt: skip


def test_escalation_confirms_with_reference_and_contact_date(queues):
    inquiry = contactable()
    inquiry_escalate(inquiry=inquiry, actor=None, reason="RFE", urgency="regular")
    sent = Notification.objects.filter(inquiry=inquiry, template="inquiry_escalated")
    assert sorted(sent.values_list("channel", flat=True)) == ["email", "sms"]
    for note in sent:
        assert note.language == "es"
        assert note.context["reference_number"] == inquiry.reference_number
        contact_by = dt.date.fromisoformat(note.context["contact_by"])
        assert contact_by > inquiry.created_at.date()


def test_nothing_is_sent_when_the_escalation_rolls_back(queues, django_capture_on_commit_callbacks):
    inquiry = contactable()
    with django_capture_on_commit_callbacks() as callbacks:
        try:
            with transaction.atomic():
                inquiry_escalate(inquiry=inquiry, actor=None, reason="RFE", urgency="urgent")
                raise RuntimeError("the desk crashed")
        except RuntimeError:
            pass
    assert callbacks == []
    assert not Notification.objects.exists()


def test_regular_inquiries_hear_of_changes_urgent_ones_are_called(queues, staff_user):
    officer = staff_user("tier2")
    regular, urgent = contactable(), contactable()
    inquiry_escalate(inquiry=regular, actor=None, reason="x", urgency="regular")
    inquiry_escalate(inquiry=urgent, actor=None, reason="x", urgency="urgent")
    for inquiry in (regular, urgent):
        inquiry_start_work(inquiry=inquiry, actor=officer)
        inquiry_resolve(inquiry=inquiry, actor=officer,
                        disposition=DispositionCode.RESOLVED_FIRST_CONTACT)  # fmt: skip
    assert Notification.objects.filter(inquiry=regular, template="inquiry_updated").count() == 4
    assert not Notification.objects.filter(inquiry=urgent, template="inquiry_updated").exists()


def test_text_ahead_and_yes_reply(queues, make_agent, at, settings):
    settings.LIVE_HELP_ALWAYS_OPEN = True
    officer = make_agent(tiers=["tier2"], languages=["es"], capacity={"phone": 5})
    first = contactable()
    inquiry_escalate(inquiry=first, actor=None, reason="x", urgency="regular")
    second = inquiry_open(channel="phone", language="es", contact_phone="+15550100088")
    inquiry_escalate(inquiry=second, actor=None, reason="x", urgency="regular")
    items = [work_item_claim(agent=officer) for _ in range(2)]
    callback_text_ahead(agent=officer, item_id=items[1].pk)
    text = Notification.objects.get(template="callback_text_ahead")
    assert text.recipient == "+15550100088" and text.language == "es"
    reply = sms_inbound(from_phone="+15550100088", body="Sí")
    assert reply
    assert [i.inquiry_id for i in callbacks_for_officer(agent=officer)] == [second.pk, first.pk]


def test_two_missed_calls_tell_the_person_to_contact_us(queues, make_agent, settings):
    settings.LIVE_HELP_ALWAYS_OPEN = True
    officer = make_agent(tiers=["tier2"], languages=["es"], capacity={"phone": 5})
    inquiry = contactable()
    inquiry_escalate(inquiry=inquiry, actor=None, reason="x", urgency="regular")
    item = work_item_claim(agent=officer)
    for _ in range(2):
        callback_record_attempt(agent=officer, item_id=item.pk, outcome="no_answer")
    missed = Notification.objects.filter(inquiry=inquiry, template="callback_missed")
    assert sorted(missed.values_list("channel", flat=True)) == ["email", "sms"]
    assert not Notification.objects.filter(inquiry=inquiry, template="inquiry_updated").exists()


@pytest.mark.parametrize("bad_phone", ["", None])
def test_text_ahead_needs_a_phone(queues, make_agent, settings, bad_phone):
    from contactcenter.routing.services import RoutingError

    settings.LIVE_HELP_ALWAYS_OPEN = True
    officer = make_agent(tiers=["tier2"], capacity={"phone": 5})
    inquiry = inquiry_open(channel="phone", contact_email=EMAIL)
    inquiry_escalate(inquiry=inquiry, actor=None, reason="x", urgency="regular")
    item = work_item_claim(agent=officer)
    with pytest.raises(RoutingError):
        callback_text_ahead(agent=officer, item_id=item.pk)
    assert not Notification.objects.filter(template="callback_text_ahead").exists()
