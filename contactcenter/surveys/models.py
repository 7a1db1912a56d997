"""Satisfaction surveys: one per contact, asked once, answered once.

A contact is an inquiry (a call, a chat, a callback, a secure-message thread) or a service
request. Each has at most one survey, whichever channel asked, so a person is never asked
twice about the same contact. A survey sent as a link carries a single-use token that is kept
here only as its SHA-256 (see ``links.py``); surveys asked on the phone or in the chat have none.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from contactcenter.core.models import TimeStampedModel

SCORE_MIN, SCORE_MAX = 1, 5
COMMENT_MAX = 1000


class SurveyChannel(models.TextChoices):
    """What kind of contact the survey is about (the results' "channel")."""

    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Live chat")
    CALLBACK = "callback", _("Callback")
    SECURE_MESSAGE = "secure_message", _("Secure message")
    SERVICE_REQUEST = "service_request", _("Service request")


class InvitedBy(models.TextChoices):
    """How the person was asked."""

    IVR = "ivr", _("On the phone, after the call")
    CHAT = "chat", _("In the chat, when it ended")
    EMAIL = "email", _("Email link")
    SMS = "sms", _("Text message link")


class Survey(TimeStampedModel):
    inquiry = models.OneToOneField(
        "inquiries.Inquiry", on_delete=models.CASCADE, null=True, blank=True, related_name="survey"
    )
    service_request = models.OneToOneField(
        "servicerequests.ServiceRequest",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="survey",
    )
    channel = models.CharField(max_length=20, choices=SurveyChannel.choices)
    invited_by = models.CharField(max_length=10, choices=InvitedBy.choices)
    language = models.CharField(max_length=2, default="en")
    queue = models.ForeignKey(
        "routing.Queue", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The member of staff who handled the contact: the results' "agent", and the one person
    # who may never answer it.
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    invited_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()
    # Link surveys only: a random salt that, with the server's key, makes the link's token,
    # and the SHA-256 of that token (how a link finds its survey). Empty for phone and chat.
    token_salt = models.CharField(max_length=32, blank=True)
    token_hash = models.CharField(max_length=64, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="survey_one_contact",
                condition=(Q(inquiry__isnull=False) & Q(service_request__isnull=True))
                | (Q(inquiry__isnull=True) & Q(service_request__isnull=False)),
            ),
            models.CheckConstraint(
                name="survey_score_1_to_5",
                condition=Q(score__isnull=True) | Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX),
            ),
            models.CheckConstraint(
                name="survey_answer_whole",
                condition=Q(answered_at__isnull=True, score__isnull=True)
                | Q(answered_at__isnull=False, score__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["token_hash"], condition=~Q(token_hash=""), name="survey_token_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"survey {self.pk} ({self.channel})"
