"""email_receive: every message of the corpus lands where it should, once."""

from __future__ import annotations

import pytest
from django.core import mail

from contactcenter.inquiries.models import Channel, EventKind, Inquiry, InquiryState
from contactcenter.inquiries.services import inquiry_resolve
from contactcenter.intake.models import (
    InboundAttachment,
    InboundEmail,
    OutboundEmail,
    OutboundKind,
    Outcome,
    UndeliverableAddress,
)
from contactcenter.intake.services import (
    email_receive,
    intake_root,
    outbound_email_deliver,
    raw_read,
    reply_address,
)
from contactcenter.routing.models import WorkItem
from tests.intake.conftest import corpus

pytestmark = pytest.mark.usefixtures("mail_queues")


def receive(name: str, source: str = "import"):
    return email_receive(raw=corpus(name), source=source)


@pytest.mark.parametrize(
    ("name", "outcome", "reason"),
    [
        ("plain.eml", Outcome.NEW_INQUIRY, ""),
        ("html_only.eml", Outcome.NEW_INQUIRY, ""),
        ("multipart_attachments.eml", Outcome.NEW_INQUIRY, ""),
        ("forwarded.eml", Outcome.NEW_INQUIRY, ""),
        ("spanish.eml", Outcome.NEW_INQUIRY, ""),
        ("zip_attachment.eml", Outcome.NEW_INQUIRY, ""),
        ("exe_as_pdf.eml", Outcome.NEW_INQUIRY, ""),
        ("auto_reply.eml", Outcome.IGNORED, "auto_submitted"),
        ("out_of_office.eml", Outcome.IGNORED, "precedence"),
        ("mailing_list.eml", Outcome.IGNORED, "precedence"),
        ("bounce.eml", Outcome.IGNORED, "bounce"),
        ("malformed.eml", Outcome.KEPT_ASIDE, "mime:StartBoundaryNotFoundDefect"),
    ],
)
def test_corpus_lands_where_it_should(name, outcome, reason):
    received = receive(name)
    assert (received.outcome, received.reason) == (outcome, reason)
    email = received.email
    # Nothing lost: the raw message is kept, byte for byte, outside the web root.
    assert raw_read(email) == corpus(name)
    assert (intake_root() / email.raw_path).stat().st_mode & 0o077 == 0
    if outcome == Outcome.NEW_INQUIRY:
        inquiry = email.inquiry
        assert inquiry.channel == Channel.EMAIL and inquiry.contact_email == email.sender
        item = WorkItem.objects.get(inquiry=inquiry)
        assert (item.channel, item.queue.language) == ("email", inquiry.language)
        assert inquiry.events.filter(kind=EventKind.MESSAGE, actor_label="person").exists()
    else:
        assert not Inquiry.objects.exists()
        assert not OutboundEmail.objects.exists()  # never answered


def test_new_inquiry_in_the_person_language_queue_and_acknowledged_once():
    received = receive("spanish.eml")
    inquiry = received.email.inquiry
    assert inquiry.language == "es"
    assert WorkItem.objects.get(inquiry=inquiry).queue.code == "t1-general-es"
    [ack] = OutboundEmail.objects.all()
    assert ack.kind == OutboundKind.ACKNOWLEDGEMENT and ack.language == "es"
    assert inquiry.reference_number in ack.body and "Recibimos su mensaje" in ack.subject
    assert ack.in_reply_to == "<es-3344@example.com>"
    assert ack.reply_to == reply_address(inquiry.pk)


def test_one_acknowledgement_per_sender_per_period(settings):
    receive("plain.eml")
    second = corpus("plain.eml").replace(b"plain-1.20261207", b"plain-2.20261207")
    second = second.replace(b"Subject: Question", b"Subject: Another question")
    received = email_receive(raw=second, source="import")
    assert received.outcome == Outcome.NEW_INQUIRY
    assert OutboundEmail.objects.filter(kind=OutboundKind.ACKNOWLEDGEMENT).count() == 1


def test_per_sender_cap_on_new_inquiries(settings):
    settings.INTAKE_NEW_PER_SENDER_PER_HOUR = 2
    outcomes = []
    for number in range(3):
        raw = corpus("plain.eml").replace(b"plain-1.", f"plain-cap{number}.".encode())
        outcomes.append(email_receive(raw=raw, source="import").email)
    assert [e.outcome for e in outcomes] == [Outcome.NEW_INQUIRY] * 2 + [Outcome.REFUSED]
    assert outcomes[2].reason == "sender_rate_capped"
    assert raw_read(outcomes[2])  # kept, not lost
    assert Inquiry.objects.count() == 2


def test_receiving_again_changes_nothing():
    first = receive("multipart_attachments.eml")
    counts = (Inquiry.objects.count(), InboundAttachment.objects.count(), WorkItem.objects.count())
    again = receive("multipart_attachments.eml", source="imap")
    assert again.already_seen and again.email.pk == first.email.pk
    assert again.outcome == "already_seen"
    assert counts == (
        Inquiry.objects.count(),
        InboundAttachment.objects.count(),
        WorkItem.objects.count(),
    )
    assert InboundEmail.objects.count() == 1


@pytest.mark.parametrize("name", ["malformed.eml", "auto_reply.eml", "bounce.eml"])
def test_receiving_again_is_idempotent_for_every_outcome(name):
    receive(name)
    assert receive(name).already_seen
    assert InboundEmail.objects.count() == 1


def test_attachments_kept_or_refused_with_reason():
    receive("multipart_attachments.eml")
    receive("zip_attachment.eml")
    receive("exe_as_pdf.eml")
    found = {a.filename: a for a in InboundAttachment.objects.all()}
    assert found["receipt-notice.pdf"].refused_reason == ""
    kept = intake_root() / found["receipt-notice.pdf"].stored_path
    assert kept.read_bytes().startswith(b"%PDF-")
    assert found["card.png"].stored_path
    assert found["documents.zip"].refused_reason == "kind_not_allowed:zip"
    assert found["invoice.pdf"].refused_reason == "disguised:executable"
    for refused in ("documents.zip", "invoice.pdf"):
        assert found[refused].stored_path == ""


def test_allowed_kinds_are_a_setting(settings):
    settings.INTAKE_ATTACHMENT_KINDS = ["zip"]
    receive("zip_attachment.eml")
    assert InboundAttachment.objects.get().stored_path


def test_attachment_over_the_cap_is_refused(settings):
    settings.INTAKE_ATTACHMENT_MAX_BYTES = 500
    receive("multipart_attachments.eml")
    found = {a.filename: a.refused_reason for a in InboundAttachment.objects.all()}
    assert found == {"receipt-notice.pdf": "too_large", "card.png": ""}


def test_oversized_mail_refused_with_a_clear_bounce(settings):
    settings.INTAKE_EMAIL_MAX_BYTES = 1024 * 1024
    raw = corpus("plain.eml").replace(b"Thank you,", b"x" * (1024 * 1024 + 10) + b"\nThank you,")
    received = email_receive(raw=raw, source="imap")
    assert (received.outcome, received.reason) == (Outcome.REFUSED, "too_large")
    assert raw_read(received.email) == raw
    assert not Inquiry.objects.exists()
    [notice] = OutboundEmail.objects.all()
    assert notice.kind == OutboundKind.REFUSAL and notice.recipient == "jordan.smith@example.net"
    assert "1 MB" in notice.body and "too large" in notice.subject
    assert email_receive(raw=raw, source="imap").already_seen
    assert OutboundEmail.objects.count() == 1


def test_oversized_automatic_mail_gets_no_bounce(settings):
    settings.INTAKE_EMAIL_MAX_BYTES = 2000
    raw = corpus("auto_reply.eml") + b"y" * 3000
    assert email_receive(raw=raw, source="imap").reason == "too_large"
    assert not OutboundEmail.objects.exists()


def test_html_shown_as_text():
    email = receive("html_only.eml").email
    first = email.inquiry.events.get(kind=EventKind.MESSAGE)
    assert "change my biometrics appointment" in first.body
    assert "<" not in first.body and "alert" not in first.body


def test_sender_matched_to_a_person_only_as_a_hint():
    from tests.factories import PersonFactory

    person = PersonFactory(email="Jordan.Smith@example.net")
    email = receive("plain.eml").email
    assert email.person_hint == person
    assert email.inquiry.person is None and not email.inquiry.is_verified


# --- Threading -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "joined_by", "new_words"),
    [
        (
            "reply_gmail.eml",
            "in_reply_to",
            "I forgot to say: my receipt notice arrived on March 3.",
        ),
        ("reply_outlook.eml", "references", "One more detail: my case was transferred"),
        ("reply_apple.eml", "in_reply_to", "Is there any news?"),
    ],
)
def test_reply_joins_its_inquiry(reply, joined_by, new_words):
    inquiry = receive("plain.eml").email.inquiry
    received = receive(reply)
    assert received.outcome == Outcome.REPLY_JOINED
    assert (received.email.inquiry, received.email.joined_by) == (inquiry, joined_by)
    last = inquiry.events.filter(kind=EventKind.MESSAGE).last()
    assert last.body.startswith(new_words) and ">" not in last.body
    assert Inquiry.objects.count() == 1
    assert WorkItem.objects.filter(inquiry=inquiry).count() == 1  # already waiting: not twice


def test_reply_to_our_message_joins_by_in_reply_to():
    inquiry = receive("plain.eml").email.inquiry
    ack = OutboundEmail.objects.get()
    raw = (
        b"From: someone.else@example.org\nTo: contact@example.gov\nSubject: Re: hi\n"
        b"Message-ID: <r1@example.org>\nIn-Reply-To: " + ack.message_id.encode() + b"\n\nThanks!\n"
    )
    received = email_receive(raw=raw, source="import")
    assert (received.email.inquiry, received.email.joined_by) == (inquiry, "in_reply_to")


def test_reply_joins_by_the_signed_reply_address_only_when_the_token_is_good():
    inquiry = receive("plain.eml").email.inquiry
    good = reply_address(inquiry.pk).encode()
    raw = b"From: a@example.org\nTo: " + good + b"\nSubject: hello\nMessage-ID: <t1@x>\n\nHi\n"
    assert email_receive(raw=raw, source="import").email.joined_by == "reply_token"
    forged = good[:-20] + b"0000000000@example.gov"
    raw = b"From: b@example.org\nTo: " + forged + b"\nSubject: hello\nMessage-ID: <t2@x>\n\nHi\n"
    assert email_receive(raw=raw, source="import").outcome == Outcome.NEW_INQUIRY


def test_reference_number_in_subject_joins_only_from_the_same_address():
    inquiry = receive("plain.eml").email.inquiry
    subject = f"Subject: About {inquiry.reference_number}\n".encode()
    same = b"From: jordan.smith@example.net\nTo: c@example.gov\n" + subject
    other = b"From: stranger@example.org\nTo: c@example.gov\n" + subject
    joined = email_receive(raw=same + b"Message-ID: <s1@x>\n\nnews?\n", source="import")
    assert (joined.email.inquiry, joined.email.joined_by) == (inquiry, "subject_reference")
    stranger = email_receive(raw=other + b"Message-ID: <s2@x>\n\nnews?\n", source="import")
    assert stranger.outcome == Outcome.NEW_INQUIRY and stranger.email.inquiry != inquiry


def test_reply_to_a_closed_inquiry_reopens_and_queues_it(staff):
    inquiry = receive("plain.eml").email.inquiry
    WorkItem.objects.filter(inquiry=inquiry).update(state="done")
    inquiry_resolve(inquiry=inquiry, actor=staff("tier1"), disposition="resolved_first_contact")
    received = receive("reply_gmail.eml")
    inquiry.refresh_from_db()
    assert received.outcome == Outcome.REPLY_JOINED and inquiry.state == InquiryState.NEW
    assert WorkItem.objects.filter(inquiry=inquiry, state="queued").count() == 1


def test_bounce_marks_the_address_undeliverable_and_tells_the_agent(staff):
    from contactcenter.inquiries.services import inquiry_open

    inquiry = inquiry_open(channel="email", contact_email="gone.person@example.net")
    from contactcenter.intake.services import email_reply_send

    receive("plain.eml")  # unrelated traffic
    reply = email_reply_send(inquiry=inquiry, actor=staff("tier1"), body="We looked into it.")
    raw = corpus("bounce.eml").replace(
        b"<OUTBOUND-PLACEHOLDER@example.gov>", reply.message_id.encode()
    )
    received = email_receive(raw=raw, source="imap")
    assert (received.outcome, received.reason) == (Outcome.IGNORED, "bounce")
    assert received.email.inquiry == inquiry
    marked = UndeliverableAddress.objects.get()
    assert (marked.address, marked.status) == ("gone.person@example.net", "5.1.1")
    reply.refresh_from_db()
    assert reply.state == "bounced"
    note = inquiry.events.filter(kind=EventKind.MESSAGE, actor_label="system").get()
    assert "could not be delivered" in note.body
    # Nothing is ever sent back to a bounce.
    assert OutboundEmail.objects.filter(answers=received.email).count() == 0


def test_no_acknowledgement_to_an_undeliverable_address():
    UndeliverableAddress.objects.create(address="jordan.smith@example.net", status="5.1.1")
    assert receive("plain.eml").outcome == Outcome.NEW_INQUIRY
    assert not OutboundEmail.objects.exists()


def test_our_own_message_coming_back_is_ignored():
    receive("plain.eml")
    ack = OutboundEmail.objects.get()
    raw = (
        b"From: contact@example.gov\nTo: jordan.smith@example.net\nSubject: x\nMessage-ID: "
        + ack.message_id.encode()
        + b"\n\nbody\n"
    )
    assert email_receive(raw=raw, source="imap").reason == "own_message"


def test_acknowledgement_carries_rfc3834_headers_and_the_caution():
    inquiry = receive("plain.eml").email.inquiry
    ack = OutboundEmail.objects.get()
    outbound_email_deliver(outbound_id=ack.pk)
    [sent] = mail.outbox
    assert sent.extra_headers["Auto-Submitted"] == "auto-replied"
    assert sent.extra_headers["In-Reply-To"] == "<plain-1.20261207@mail.example.net>"
    assert sent.extra_headers["Reply-To"] == reply_address(inquiry.pk)
    assert "we do not send case details by email" in sent.body
    ack.refresh_from_db()
    assert ack.state == "sent" and ack.attempts == 1
    assert outbound_email_deliver(outbound_id=ack.pk).attempts == 1  # sent once only
    assert len(mail.outbox) == 1


def test_mail_asking_for_no_auto_answer_still_reaches_staff_unacknowledged():
    raw = corpus("plain.eml").replace(
        b"MIME-Version", b"X-Auto-Response-Suppress: All\nMIME-Version", 1
    )
    received = email_receive(raw=raw, source="imap")
    assert received.outcome == Outcome.NEW_INQUIRY
    assert not OutboundEmail.objects.exists()


def test_no_address_subject_or_body_in_any_log_line(caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    for name in ("plain.eml", "reply_gmail.eml", "bounce.eml", "malformed.eml", "spanish.eml"):
        receive(name)
    logged = "\n".join(
        f"{record.getMessage()} {record.__dict__}" for record in caplog.records
    ).lower()
    for secret in (
        "jordan.smith",
        "maria.nunez",
        "gone.person",
        "broken@example.net",
        "work permit",
        "receipt notice arrived",
        "residencia",
    ):
        assert secret not in logged


def test_an_inquiry_past_its_retention_goes_with_its_emails(staff):
    import datetime as dt

    from django.utils import timezone

    from contactcenter.records.services import retention_purge

    inquiry = receive("plain.eml").email.inquiry
    receive("reply_gmail.eml")
    WorkItem.objects.filter(inquiry=inquiry).update(state="done")
    inquiry_resolve(inquiry=inquiry, actor=staff("tier1"), disposition="resolved_first_contact")
    Inquiry.objects.filter(pk=inquiry.pk).update(closed_at=timezone.now() - dt.timedelta(days=800))
    retention_purge()
    assert not Inquiry.objects.filter(pk=inquiry.pk).exists()
    assert not InboundEmail.objects.filter(inquiry_id=inquiry.pk).exists()
    assert not OutboundEmail.objects.exists()


def test_a_spanish_speaking_agent_with_email_capacity_is_offered_it(make_agent, always_open):
    from contactcenter.routing.services import work_item_offer_next

    inquiry = receive("spanish.eml").email.inquiry
    phone_only = make_agent(languages=("en", "es"), capacity={"phone": 1})
    assert work_item_offer_next(agent=phone_only) is None
    english = make_agent(languages=("en",), capacity={"email": 5})
    assert work_item_offer_next(agent=english) is None
    agent = make_agent(languages=("es",), capacity={"email": 5})
    offered = work_item_offer_next(agent=agent)
    assert offered is not None and offered.inquiry == inquiry and offered.channel == "email"


def test_a_flood_of_oversized_mail_draws_one_refusal_notice(settings):
    settings.INTAKE_EMAIL_MAX_BYTES = 2048
    for number in range(3):
        raw = corpus("plain.eml").replace(b"plain-1.", f"big{number}.".encode()) + b"z" * 4096
        assert email_receive(raw=raw, source="imap").reason == "too_large"
    assert OutboundEmail.objects.filter(kind=OutboundKind.REFUSAL).count() == 1
    assert InboundEmail.objects.filter(reason="too_large").count() == 3


def test_an_address_that_stands_for_a_topic_routes_to_its_queue(settings):
    settings.INTAKE_EMAIL_TOPIC_ADDRESSES = {"Adoption@Example.gov": "intercountry-adoption"}
    raw = corpus("plain.eml").replace(
        b"To: Contact Center <contact@example.gov>", b"To: Adoption <adoption@example.gov>"
    )
    inquiry = email_receive(raw=raw, source="imap").email.inquiry
    assert inquiry.topic == "intercountry-adoption"
    assert WorkItem.objects.get(inquiry=inquiry).queue.code == "t1-intercountry-adoption"
    general = receive("spanish.eml").email.inquiry
    assert general.topic == "email"
    assert WorkItem.objects.get(inquiry=general).queue.code == "t1-general-es"
