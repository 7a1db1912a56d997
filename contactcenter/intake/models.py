"""Written intake by email: messages, their threads and attachments, and bounced addresses.

Sender and recipient addresses, subjects and bodies are personal data: stored for staff to
read, never written to a log line.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Outcome(models.TextChoices):
    NEW_INQUIRY = "new_inquiry", "New inquiry"
    REPLY_JOINED = "reply_joined", "Reply joined its inquiry"
    IGNORED = "ignored", "Ignored (automatic, list or bounce)"
    REFUSED = "refused", "Refused"
    KEPT_ASIDE = "kept_aside", "Kept aside (could not be read)"


class Source(models.TextChoices):
    IMAP = "imap", "Mailbox (IMAP)"
    WEBHOOK = "webhook", "Provider webhook"
    IMPORT = "import", "Imported file"


class InboundEmail(models.Model):
    """Every message received, once: unique on its Message-ID (or its bytes' hash), with what
    became of it and why. The raw message is kept as a file under the private root."""

    dedup_key = models.CharField(max_length=255, unique=True)
    message_id = models.CharField(max_length=255, blank=True, db_index=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    outcome = models.CharField(max_length=15, choices=Outcome.choices)
    # A code (too_large, auto_submitted, mailing_list, bounce, sender_rate_capped, mime:...).
    reason = models.CharField(max_length=60, blank=True)
    # An inquiry removed at the end of its retention (records.retention_purge) takes its
    # emails with it, as it takes its history and work items.
    inquiry = models.ForeignKey(
        "inquiries.Inquiry",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="emails",
    )
    # How a reply found its inquiry: in_reply_to, references, reply_token, subject_reference.
    joined_by = models.CharField(max_length=20, blank=True)
    # Personal data from here on.
    sender = models.CharField(max_length=254, blank=True, db_index=True)
    # A person with this address on file: a hint for the agent, never proof of identity.
    person_hint = models.ForeignKey(
        "people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject = models.CharField(max_length=500, blank=True)
    language = models.CharField(max_length=2, default="en")
    body_text = models.TextField(blank=True)
    html_text = models.TextField(blank=True)  # the HTML body's words, tags dropped (nh3)
    html_safe = models.TextField(blank=True)  # cleaned HTML, for an optional formatted view
    in_reply_to = models.CharField(max_length=1000, blank=True)
    references = models.TextField(blank=True)
    defects = models.JSONField(default=list, blank=True)
    raw_path = models.CharField(max_length=300, blank=True)
    raw_size = models.PositiveIntegerField(default=0)
    raw_sha256 = models.CharField(max_length=64)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["sender", "received_at"], name="intake_email_sender_time")]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=Outcome.values), name="intake_email_outcome_known"
            ),
            models.CheckConstraint(
                condition=~Q(outcome__in=["new_inquiry", "reply_joined"])
                | Q(inquiry__isnull=False),
                name="intake_email_inquiry_when_joined",
            ),
        ]

    def __str__(self) -> str:
        return f"email #{self.pk} {self.outcome}"

    @property
    def body(self) -> str:
        """What the person wrote: the plain text, or the HTML body's words."""
        return self.body_text or self.html_text


class InboundAttachment(models.Model):
    """A file that came with a message: kept under the private root when its kind is allowed
    and its size under the cap, otherwise recorded with the reason and not kept."""

    email = models.ForeignKey(InboundEmail, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=150)
    declared_type = models.CharField(max_length=100)
    kind = models.CharField(max_length=20)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    stored_path = models.CharField(max_length=300, blank=True)
    refused_reason = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["email", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stored_path="") | Q(refused_reason=""),
                name="intake_attachment_kept_or_refused",
            )
        ]

    def __str__(self) -> str:
        return f"attachment #{self.pk} {self.kind}"


class UndeliverableAddress(models.Model):
    """An address a delivery report said is permanently failing: nothing more is sent to it."""

    address = models.CharField(max_length=254, unique=True)
    status = models.CharField(max_length=10)
    diagnostic = models.CharField(max_length=300, blank=True)
    report = models.ForeignKey(
        InboundEmail, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "undeliverable addresses"

    def __str__(self) -> str:
        return f"undeliverable ({self.status})"


class OutboundKind(models.TextChoices):
    REPLY = "reply", "Staff reply"
    ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement"
    REFUSAL = "refusal", "Refusal notice"


class OutboundState(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    BOUNCED = "bounced", "Bounced"


class OutboundEmail(models.Model):
    """A message we send: its Message-ID is how a reply finds its inquiry again."""

    message_id = models.CharField(max_length=255, unique=True)
    kind = models.CharField(max_length=20, choices=OutboundKind.choices)
    state = models.CharField(
        max_length=10, choices=OutboundState.choices, default=OutboundState.PENDING
    )
    inquiry = models.ForeignKey(
        "inquiries.Inquiry",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outbound_emails",
    )
    answers = models.ForeignKey(
        InboundEmail, on_delete=models.SET_NULL, null=True, blank=True, related_name="answers"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recipient = models.CharField(max_length=254)  # personal data
    reply_to = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=500)
    body = models.TextField()
    language = models.CharField(max_length=2, default="en")
    in_reply_to = models.CharField(max_length=255, blank=True)
    references = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)  # the failure's kind only
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    # A pending row waits until then (a retry); None: as soon as a worker takes it.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "kind", "created_at"], name="intake_out_recipient"),
            models.Index(fields=["state", "next_attempt_at"], name="intake_out_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=OutboundState.values), name="intake_outbound_state_known"
            ),
            models.CheckConstraint(
                condition=~Q(state="sent") | Q(sent_at__isnull=False),
                name="intake_outbound_sent_has_sent_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} {self.state}"
