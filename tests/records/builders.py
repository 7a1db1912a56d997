"""Contact records of every type, dated in the past, for the retention and export tests."""

from __future__ import annotations

import datetime as dt
import secrets

from django.utils import timezone

from contactcenter.chat.models import Conversation
from contactcenter.chat.models import Message as ChatMessage
from contactcenter.inquiries.models import Inquiry, InquiryState
from contactcenter.inquiries.services import inquiry_open
from contactcenter.ivr.models import Call, FlowVersion
from contactcenter.notifications.models import Notification
from contactcenter.portal.models import Message as SecureMessage
from contactcenter.portal.models import Thread
from tests.factories import UserFactory


def closed_inquiry(*, channel: str, closed_days_ago: int, person=None, case=None) -> Inquiry:
    inquiry = inquiry_open(channel=channel, person=person, case=case, first_message="hello")
    closed_at = timezone.now() - dt.timedelta(days=closed_days_ago)
    Inquiry.objects.filter(pk=inquiry.pk).update(
        state=InquiryState.CLOSED, disposition="resolved_first_contact", closed_at=closed_at
    )
    inquiry.refresh_from_db()
    return inquiry


def call_for(inquiry: Inquiry) -> Call:
    flow = FlowVersion.objects.filter(line="test-line").first() or FlowVersion.objects.create(
        line="test-line", version=1, source_file="test.yaml", source="", checksum="0" * 64,
        definition={},
    )  # fmt: skip
    return Call.objects.create(
        call_sid="CA" + secrets.token_hex(16), line="test-line", flow_version=flow,
        from_number="+15555550100", inquiry=inquiry, started_at=inquiry.created_at,
        ended_at=inquiry.closed_at,
    )  # fmt: skip


def chat_for(inquiry: Inquiry, text: str = "my question") -> Conversation:
    conversation = Conversation.objects.create(
        token_digest=secrets.token_hex(32), inquiry=inquiry, state="ended",
        ended_at=inquiry.closed_at,
    )  # fmt: skip
    ChatMessage.objects.create(conversation=conversation, sender="person", body=text)
    return conversation


def thread_for(inquiry: Inquiry, *, case, days_ago: int, text: str = "a secure message") -> Thread:
    when = timezone.now() - dt.timedelta(days=days_ago)
    thread = Thread.objects.create(
        case=case, user=UserFactory(), subject="About my case", inquiry=inquiry,
        last_message_at=when, awaiting_reply=False,
    )  # fmt: skip
    SecureMessage.objects.create(thread=thread, body=text)
    return thread


def notification_for(inquiry: Inquiry, *, days_ago: int) -> Notification:
    when = timezone.now() - dt.timedelta(days=days_ago)
    notice = Notification.objects.create(
        channel="sms", recipient="+15555550100", template="test", language="en",
        state="sent", inquiry=inquiry, sent_at=when, last_attempt_at=when,
    )  # fmt: skip
    Notification.objects.filter(pk=notice.pk).update(created_at=when)
    return notice
