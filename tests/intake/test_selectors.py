"""The workspace's read of an inquiry's email thread."""

from __future__ import annotations

import pytest

from contactcenter.intake.models import InboundAttachment, UndeliverableAddress
from contactcenter.intake.selectors import attachment_path, inquiry_email_thread
from contactcenter.intake.services import email_receive, email_reply_send
from tests.intake.conftest import corpus

pytestmark = pytest.mark.usefixtures("mail_queues")


def test_thread_in_order_with_attachments_and_bounce_flag(staff, django_assert_num_queries):
    inquiry = email_receive(raw=corpus("multipart_attachments.eml"), source="imap").email.inquiry
    email_reply_send(inquiry=inquiry, actor=staff("tier1"), body="Thank you, received.")
    with django_assert_num_queries(4):
        thread = inquiry_email_thread(inquiry=inquiry)
    assert [(e.direction, e.kind) for e in thread.entries] == [
        ("in", ""),
        ("out", "acknowledgement"),
        ("out", "reply"),
    ]
    assert [(a.filename, a.kept) for a in thread.entries[0].attachments] == [
        ("receipt-notice.pdf", True),
        ("card.png", True),
    ]
    assert not thread.address_undeliverable
    UndeliverableAddress.objects.create(address="sam.lee@example.com", status="5.1.1")
    assert inquiry_email_thread(inquiry=inquiry).address_undeliverable


def test_attachment_path_only_for_its_own_inquiry_and_kept_files():
    mine = email_receive(raw=corpus("multipart_attachments.eml"), source="imap").email.inquiry
    other = email_receive(raw=corpus("exe_as_pdf.eml"), source="imap").email.inquiry
    kept = InboundAttachment.objects.get(filename="card.png")
    _found, path = attachment_path(attachment_id=kept.pk, inquiry=mine)
    assert path.read_bytes().startswith(b"\x89PNG")
    with pytest.raises(InboundAttachment.DoesNotExist):
        attachment_path(attachment_id=kept.pk, inquiry=other)
    refused = InboundAttachment.objects.get(filename="invoice.pdf")
    with pytest.raises(InboundAttachment.DoesNotExist):
        attachment_path(attachment_id=refused.pk, inquiry=other)
