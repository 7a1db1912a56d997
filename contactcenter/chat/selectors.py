"""Reads for live chat: whose conversation this is, what a client missed, the wait."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef

from contactcenter.chat.models import Conversation, ConversationState, Message, Sender
from contactcenter.chat.services import token_digest
from contactcenter.routing.models import WorkItem, WorkKind, WorkState
from contactcenter.routing.wait_estimates import item_wait_estimate
from contactcenter.staff.models import Role
from contactcenter.staff.roles import user_roles
from contactcenter.surveys.selectors import survey_waiting_in_channel

SUPERVISOR_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})


def conversation_for_token(token: object) -> Conversation | None:
    if not isinstance(token, str) or not token:
        return None
    return Conversation.objects.filter(token_digest=token_digest(token)).first()


def conversation_for_staff(*, user: User, reference_number: str) -> Conversation | None:
    """The chat of an inquiry, for a member of staff who holds work on it (the agent who
    accepted it, a supervisor who took its supervisor request) or any supervisor; None for
    everyone else and for inquiries that are not chats, so the two cannot be told apart."""
    if not user.is_authenticated:
        return None
    # Whether this user holds work on it comes with the conversation (one query for the agent
    # who accepted it, on the way to the chat); the roles are read only when they do not.
    holds = WorkItem.objects.filter(
        inquiry_id=OuterRef("inquiry_id"), state=WorkState.ASSIGNED, assigned_to__user=user
    )
    conversation = (
        Conversation.objects.select_related("inquiry")
        .filter(inquiry__reference_number=reference_number)
        .annotate(user_holds_work=Exists(holds))
        .first()
    )
    if conversation is None or conversation.inquiry_id is None:
        return None
    if getattr(conversation, "user_holds_work", False):
        return conversation
    return conversation if user_roles(user) & SUPERVISOR_ROLES else None


def staff_works_chat(*, user: User, conversation_id: int) -> bool:
    """Whether ``user`` is the member of staff working this chat now: the one holding its chat
    work item, assigned. Asked again for every live message that carries what the person typed
    unmasked (``consumers.DeskChatConsumer``): a supervisor watching, an agent who handed the
    chat on, anyone who opens it later, sees only the masked record."""
    if not user.is_authenticated:
        return False
    return WorkItem.objects.filter(
        inquiry_id__in=Conversation.objects.filter(pk=conversation_id).values("inquiry_id"),
        kind=WorkKind.CHAT,
        state=WorkState.ASSIGNED,
        assigned_to__user=user,
    ).exists()


def messages_after(*, conversation_id: int, after: object, limit: int = 500) -> list[Message]:
    start = after if isinstance(after, int) and not isinstance(after, bool) and after > 0 else 0
    return list(
        Message.objects.filter(conversation_id=conversation_id, id__gt=start)
        .select_related("author")
        .order_by("id")[:limit]
    )


@dataclass(frozen=True, slots=True)
class ChatStatus:
    state: str
    position: int | None  # 1 = next; None once an agent has joined
    wait_minutes: int | None
    # Ended, and its satisfaction survey waits for an answer: the widget asks it.
    survey: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "type": "status",
            "state": self.state,
            "position": self.position,
            "wait_minutes": self.wait_minutes,
            # Only while a survey waits, so every other status reads as before.
            **({"survey": True} if self.survey else {}),
        }


def chat_status(*, conversation: Conversation, now: dt.datetime | None = None) -> ChatStatus:
    """Where the person stands. While waiting: their place in their queue and the estimated
    wait every channel gives for that place (``routing.wait_estimates``; None when it cannot
    be estimated)."""
    # Both: a socket holds the conversation from before the hand-over gave it an inquiry.
    conversation.refresh_from_db(fields=["state", "inquiry"])
    if conversation.state == ConversationState.ENDED and conversation.inquiry_id is not None:
        return ChatStatus(conversation.state, None, None, survey=survey_waiting_in_channel(
            inquiry_id=conversation.inquiry_id, now=now))  # fmt: skip
    if conversation.state != ConversationState.WAITING or conversation.inquiry_id is None:
        return ChatStatus(conversation.state, None, None)
    item = (
        WorkItem.objects.filter(inquiry_id=conversation.inquiry_id, kind=WorkKind.CHAT)
        .exclude(state__in=[WorkState.CANCELLED, WorkState.DONE])
        .order_by("-id")
        .first()
    )
    if item is None:
        return ChatStatus(conversation.state, 1, None)
    position, minutes = item_wait_estimate(item, now=now)
    return ChatStatus(conversation.state, position, minutes)


def chat_transcript_lines(*, reference_number: str) -> list[dict[str, object]]:
    """The conversation of inquiry ``reference_number`` as stored (personal data masked), for
    the transcript email the person asked for; read when the email is rendered."""
    rows = (
        Message.objects.filter(conversation__inquiry__reference_number=reference_number)
        .exclude(sender=Sender.SYSTEM)
        .select_related("author")
        .order_by("id")
    )
    return [
        {
            "who": row.sender,
            "name": (row.author.first_name if row.author else "") or "",
            "at": row.created_at,
            "body": row.body,
        }
        for row in rows
    ]
