"""Replies from staff and our automatic answers, sent over a real SMTP connection (aiosmtpd)."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest

from contactcenter.inquiries.models import EventKind
from contactcenter.intake.errors import AddressUndeliverable, CaseDetailsNotAllowed, NoEmailAddress
from contactcenter.intake.models import OutboundEmail, Outcome, UndeliverableAddress
from contactcenter.intake.services import (
    email_receive,
    email_reply_send,
    outbound_email_deliver,
    reply_token_read,
)
from tests.intake.conftest import corpus
from tests.intake.smtp_server import smtp_start

pytestmark = pytest.mark.usefixtures("mail_queues")


@pytest.fixture
def smtp(settings):
    controller, keeper = smtp_start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = False
    yield keeper
    controller.stop()


def _sent(keeper, index=-1):
    return message_from_bytes(keeper.messages[index].content, policy=policy.default)


def test_staff_reply_is_threaded_quoted_and_cautioned(smtp, staff):
    inquiry = email_receive(raw=corpus("plain.eml"), source="imap").email.inquiry
    agent = staff("tier1")
    reply = email_reply_send(inquiry=inquiry, actor=agent, body="Your case is being reviewed.")
    assert outbound_email_deliver(outbound_id=reply.pk).state == "sent"
    message = _sent(smtp)
    assert smtp.messages[-1].rcpt_tos == ["jordan.smith@example.net"]
    assert message["Message-ID"] == reply.message_id
    assert message["In-Reply-To"] == "<plain-1.20261207@mail.example.net>"
    assert "<plain-1.20261207@mail.example.net>" in message["References"]
    assert message["Auto-Submitted"] is None  # a person wrote it
    assert reply_token_read(str(message["Reply-To"])) == inquiry.pk
    assert message["Subject"] == (
        f"Re: Question about my work permit application [Ref {inquiry.reference_number}]"
    )
    body = message.get_content().replace("\r\n", "\n")
    assert body.startswith("Your case is being reviewed.")
    assert "we do not send case details by email" in body
    assert "you wrote:\n> Hello," in body
    assert inquiry.events.filter(kind=EventKind.MESSAGE, actor=agent).exists()


def test_the_person_answering_our_reply_joins_the_inquiry(smtp, staff):
    inquiry = email_receive(raw=corpus("plain.eml"), source="imap").email.inquiry
    reply = email_reply_send(inquiry=inquiry, actor=staff("tier1"), body="Please send the date.")
    outbound_email_deliver(outbound_id=reply.pk)
    answer = (
        b"From: Jordan Smith <jordan.smith@example.net>\nTo: contact@example.gov\n"
        b"Subject: Re: your reply\nMessage-ID: <answer-1@example.net>\n"
        b"In-Reply-To: " + reply.message_id.encode() + b"\n\nIt was March 3.\n"
    )
    received = email_receive(raw=answer, source="imap")
    assert (received.outcome, received.email.inquiry) == (Outcome.REPLY_JOINED, inquiry)
    # and what we sent, should it ever come back to our mailbox, is never taken for a person's
    assert email_receive(raw=smtp.messages[-1].content, source="imap").reason == "own_message"


def test_spanish_reply_goes_out_in_spanish(smtp, staff):
    inquiry = email_receive(raw=corpus("spanish.eml"), source="imap").email.inquiry
    reply = email_reply_send(inquiry=inquiry, actor=staff("tier1"), body="Revisamos su caso.")
    outbound_email_deliver(outbound_id=reply.pk)
    body = _sent(smtp).get_content().replace("\r\n", "\n")
    assert "no enviamos detalles de su caso por correo electrónico" in body
    assert "usted escribió:" in body
    assert f"[Ref. {inquiry.reference_number}]" in str(_sent(smtp)["Subject"])


def test_acknowledgement_over_smtp_is_marked_auto_replied(smtp):
    email_receive(raw=corpus("plain.eml"), source="imap")
    ack = OutboundEmail.objects.get()
    outbound_email_deliver(outbound_id=ack.pk)
    message = _sent(smtp)
    assert message["Auto-Submitted"] == "auto-replied"
    assert message["X-Loop"] == "contact@example.gov"
    # An auto-replied message coming back is never answered again: no storm.
    looped = email_receive(
        raw=smtp.messages[-1].content.replace(b"Message-ID", b"X-Old-Id"), source="imap"
    )
    assert (looped.outcome, looped.reason) == (Outcome.IGNORED, "auto_submitted")


def test_case_details_need_a_verified_person_and_the_setting(settings, staff):
    inquiry = email_receive(raw=corpus("plain.eml"), source="imap").email.inquiry
    agent = staff("tier1")
    with pytest.raises(CaseDetailsNotAllowed):
        email_reply_send(inquiry=inquiry, actor=agent, body="x", includes_case_details=True)
    settings.INTAKE_EMAIL_CASE_DATA_ALLOWED = True
    with pytest.raises(CaseDetailsNotAllowed, match="verified"):
        email_reply_send(inquiry=inquiry, actor=agent, body="x", includes_case_details=True)
    inquiry.verified_as = "applicant"
    inquiry.save(update_fields=["verified_as"])
    reply = email_reply_send(inquiry=inquiry, actor=agent, body="x", includes_case_details=True)
    assert reply.kind == "reply"
    assert OutboundEmail.objects.filter(kind="reply").count() == 1


def test_no_reply_to_an_undeliverable_or_missing_address(staff):
    from contactcenter.inquiries.services import inquiry_open

    agent = staff("tier1")
    with pytest.raises(NoEmailAddress):
        email_reply_send(inquiry=inquiry_open(channel="email"), actor=agent, body="x")
    UndeliverableAddress.objects.create(address="gone@example.net", status="5.1.1")
    inquiry = inquiry_open(channel="email", contact_email="gone@example.net")
    with pytest.raises(AddressUndeliverable):
        email_reply_send(inquiry=inquiry, actor=agent, body="x")
    assert not OutboundEmail.objects.exists()
    assert not inquiry.events.filter(kind=EventKind.MESSAGE).exists()


def test_a_failed_send_is_tried_again_later_then_failed(settings, staff):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    settings.INTAKE_OUTBOUND_MAX_ATTEMPTS = 2
    inquiry = email_receive(raw=corpus("plain.eml"), source="imap").email.inquiry
    reply = email_reply_send(inquiry=inquiry, actor=staff("tier1"), body="Hello")
    first = outbound_email_deliver(outbound_id=reply.pk)
    assert (first.state, first.attempts, first.last_error) == (
        "pending",
        1,
        "ConnectionRefusedError",
    )
    assert first.next_attempt_at > first.last_attempt_at  # waits before the next try
    assert outbound_email_deliver(outbound_id=reply.pk).attempts == 1  # not due yet
    OutboundEmail.objects.filter(pk=reply.pk).update(next_attempt_at=first.last_attempt_at)
    second = outbound_email_deliver(outbound_id=reply.pk)
    assert (second.state, second.attempts) == ("failed", 2)


def test_a_recipient_refused_for_good_fails_at_once(smtp, staff):
    smtp.unknown.add("jordan.smith@example.net")
    inquiry = email_receive(raw=corpus("plain.eml"), source="imap").email.inquiry
    reply = email_reply_send(inquiry=inquiry, actor=staff("tier1"), body="Hello")
    failed = outbound_email_deliver(outbound_id=reply.pk)
    assert (failed.state, failed.attempts, failed.last_error) == (
        "failed",
        1,
        "SMTPRecipientsRefused",
    )
    assert smtp.messages == []


def test_a_send_whose_worker_died_goes_again_under_the_same_message_id(
    smtp, staff, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.utils import timezone

    from contactcenter.intake.services import outbound_emails_requeue

    inquiry = email_receive(raw=corpus("plain.eml"), source="imap").email.inquiry
    reply = email_reply_send(inquiry=inquiry, actor=staff("tier1"), body="Hello")
    long_ago = timezone.now() - dt.timedelta(hours=1)
    OutboundEmail.objects.filter(pk=reply.pk).update(
        state="sending", attempts=1, last_attempt_at=long_ago
    )
    OutboundEmail.objects.exclude(pk=reply.pk).update(state="sent", sent_at=long_ago)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert outbound_emails_requeue() == 1
    assert len(callbacks) == 1
    sent = outbound_email_deliver(outbound_id=reply.pk)
    assert (sent.state, sent.attempts) == ("sent", 2)
    assert _sent(smtp)["Message-ID"] == reply.message_id
