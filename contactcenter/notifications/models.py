"""The delivery log of every email and text sent to the public, and the texts' opt-outs.

Recipients are personal data: the admin shows them masked and no log line carries them.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from contactcenter.notifications.recipients import mask_recipient


class NotificationChannel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message (SMS)"


class NotificationLanguage(models.TextChoices):
    ENGLISH = "en", "English"
    SPANISH = "es", "Spanish"


class NotificationState(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    # Claimed by a worker that is talking to the provider right now. The claim is committed
    # before the network call so no database transaction (on SQLite: the write lock) stays open
    # while an SMTP server or Twilio answers.
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SUPPRESSED = "suppressed", "Not sent (opted out)"


class Notification(models.Model):
    channel = models.CharField(max_length=5, choices=NotificationChannel.choices)
    recipient = models.CharField(max_length=254)  # email address or E.164 phone: personal data
    template = models.CharField(max_length=50)
    language = models.CharField(max_length=2, choices=NotificationLanguage.choices)
    # Only non-personal values (a reference number, a date), checked by the service.
    context = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        max_length=10, choices=NotificationState.choices, default=NotificationState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)  # personal data masked
    provider_message_id = models.CharField(max_length=255, blank=True)
    # The provider's own word on the text (Twilio's status callback: queued, sent, delivered,
    # undelivered, ...), furthest along so far.
    provider_status = models.CharField(max_length=20, blank=True)
    # How many times the provider was asked whether it took a send that stalled (the worker
    # died mid-send) without finding it; the text is sent again only after a few such rounds.
    provider_checks = models.PositiveSmallIntegerField(default=0)
    inquiry = models.ForeignKey(
        "inquiries.Inquiry",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="notification_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=NotificationChannel.values),
                name="notification_channel_known",
            ),
            models.CheckConstraint(
                condition=Q(language__in=NotificationLanguage.values),
                name="notification_language_known",
            ),
            models.CheckConstraint(
                condition=Q(state__in=NotificationState.values),
                name="notification_state_known",
            ),
            models.CheckConstraint(
                condition=~Q(state="sent") | Q(sent_at__isnull=False),
                name="notification_sent_has_sent_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} ({self.channel}, {self.language}) #{self.pk}"

    @property
    def masked_recipient(self) -> str:
        return mask_recipient(self.recipient)


class SmsOptOut(models.Model):
    """A phone that replied STOP: no text goes to it until it replies START."""

    phone = models.CharField(max_length=16, unique=True)  # E.164; personal data
    opted_out_at = models.DateTimeField()

    class Meta:
        verbose_name = "SMS opt-out"

    def __str__(self) -> str:
        return mask_recipient(self.phone)


class InboundAction(models.TextChoices):
    OPTED_OUT = "opted_out", "Opted out"
    OPTED_IN = "opted_in", "Opted back in"
    HELP = "help", "Help sent"
    HANDLED = "handled", "Passed to a keyword handler"
    IGNORED = "ignored", "No keyword recognised"


class InboundSms(models.Model):
    """Every text received, for the opt-out trail; the body is stored with personal data masked."""

    from_phone = models.CharField(max_length=16)  # E.164; personal data
    keyword = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=10, choices=InboundAction.choices)
    body_redacted = models.CharField(max_length=500, blank=True)
    received_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "inbound SMS"
        verbose_name_plural = "inbound SMS"
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{mask_recipient(self.from_phone)} {self.keyword or '-'}"
