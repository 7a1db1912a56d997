"""A live-chat conversation: the person's browser, the virtual assistant, then an agent.

The person is known on the socket only by an unguessable token kept in their session; the
database holds its SHA-256 digest, so a copy of the database cannot be used to join a chat.
Every message is stored (personal data masked) before it is sent to anyone, and carries an
increasing id, so a client that reconnects asks for everything after the last id it saw.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from contactcenter.core.models import TimeStampedModel


class ConversationState(models.TextChoices):
    ASSISTANT = "assistant", _("With the virtual assistant")
    WAITING = "waiting", _("Waiting for an agent")
    ACTIVE = "active", _("With an agent")
    ENDED = "ended", _("Ended")


class Conversation(TimeStampedModel):
    token_digest = models.CharField(max_length=64, unique=True)
    language = models.CharField(max_length=2, default="en")
    state = models.CharField(
        max_length=20, choices=ConversationState.choices, default=ConversationState.ASSISTANT
    )
    topic = models.CharField(max_length=60, blank=True)
    inquiry = models.OneToOneField(
        "inquiries.Inquiry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chat_conversation",
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["assistant"]) | Q(inquiry__isnull=False) | Q(state="ended"),
                name="chat_conversation_handoff_has_inquiry",
            ),
        ]

    def __str__(self) -> str:
        return f"Conversation {self.pk} ({self.state})"


class Sender(models.TextChoices):
    PERSON = "person", _("You")
    ASSISTANT = "assistant", _("Virtual assistant")
    AGENT = "agent", _("Agent")
    SYSTEM = "system", _("Notice")


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.CharField(max_length=10, choices=Sender.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What was said, with personal data masked (core.redaction). System notices hold a code
    # (``notice``) and are worded on the screen in the reader's language.
    body = models.TextField(blank=True)
    notice = models.CharField(max_length=40, blank=True)
    masked = models.JSONField(default=list, blank=True)
    data = models.JSONField(default=dict, blank=True)  # the assistant's links and topic
    # Set by the sending client so a message re-sent after a dropped connection is kept once.
    client_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["conversation", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "client_id"],
                condition=~Q(client_id=""),
                name="chat_message_client_id_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sender} #{self.pk}"
