"""Reads for the staff workspace: an inquiry's email thread, and whether its address bounced.

The caller (the desk) has already checked that the viewer may work the inquiry; nothing here
reads case data. Bodies are the person's words: shown to staff, never logged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from contactcenter.core.private_files import private_root
from contactcenter.inquiries.models import Inquiry
from contactcenter.intake.models import (
    InboundAttachment,
    InboundEmail,
    OutboundEmail,
    UndeliverableAddress,
)


@dataclass(frozen=True, slots=True)
class ThreadAttachment:
    id: int
    filename: str
    kind: str
    size: int
    kept: bool
    refused_reason: str

    @property
    def refused_text(self) -> str:
        """Why it was not kept, in the reader's language (the stored reason is a code)."""
        code, _colon, kind = self.refused_reason.partition(":")
        if code == "too_large":
            return _("larger than the limit for an attachment")
        if code == "disguised":
            return _("its name claims one kind of file but its content is another (%(kind)s)") % {
                "kind": kind or _("unknown")
            }
        if code == "kind_not_allowed":
            return _("a kind of file not accepted (%(kind)s)") % {"kind": kind or _("unknown")}
        if code == "content":
            return _("its content does not hold up as the kind of file it claims to be")
        return self.refused_reason


@dataclass(frozen=True, slots=True)
class ThreadEntry:
    at: dt.datetime
    direction: str  # "in" from the person, "out" from us
    subject: str
    text: str  # HTML bodies as text (nh3), never markup
    state: str  # in: the outcome; out: pending, sent, failed, bounced
    kind: str  # out: reply, acknowledgement, refusal; in: ""
    attachments: tuple[ThreadAttachment, ...] = ()


@dataclass(frozen=True, slots=True)
class EmailThread:
    entries: tuple[ThreadEntry, ...]
    address_undeliverable: bool


def inquiry_email_thread(*, inquiry: Inquiry) -> EmailThread:
    """Every email in and out of the inquiry, oldest first, in three queries."""
    inbound = InboundEmail.objects.filter(inquiry=inquiry).prefetch_related(
        Prefetch("attachments", queryset=InboundAttachment.objects.order_by("id"))
    )
    entries = [
        ThreadEntry(
            at=email.received_at,
            direction="in",
            subject=email.subject,
            text=email.body,
            state=email.outcome,
            kind="",
            attachments=tuple(
                ThreadAttachment(
                    id=a.pk,
                    filename=a.filename,
                    kind=a.kind,
                    size=a.size,
                    kept=bool(a.stored_path),
                    refused_reason=a.refused_reason,
                )
                for a in email.attachments.all()
            ),
        )
        for email in inbound
    ]
    entries += [
        ThreadEntry(
            at=out.created_at,
            direction="out",
            subject=out.subject,
            text=out.body,
            state=out.state,
            kind=out.kind,
        )
        for out in OutboundEmail.objects.filter(inquiry=inquiry)
    ]
    address = inquiry.contact_email.strip().lower()
    return EmailThread(
        entries=tuple(sorted(entries, key=lambda entry: entry.at)),
        address_undeliverable=bool(address)
        and UndeliverableAddress.objects.filter(address=address).exists(),
    )


def attachment_path(*, attachment_id: int, inquiry: Inquiry) -> tuple[InboundAttachment, Path]:
    """The kept file of an attachment of this inquiry's emails; ``DoesNotExist`` for another
    inquiry's, a refused one, or none (the same answer, so nobody can probe)."""
    found = InboundAttachment.objects.get(
        pk=attachment_id, email__inquiry=inquiry, refused_reason=""
    )
    return found, private_root("intake") / found.stored_path
