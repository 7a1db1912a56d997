"""Live chat joins the agent when routing says an item was accepted (after commit)."""

from __future__ import annotations

from django.dispatch import receiver

from contactcenter.chat.services import chat_staff_joined
from contactcenter.inquiries.models import Channel
from contactcenter.routing.models import WorkItem, WorkKind
from contactcenter.routing.signals import work_item_accepted

JOINS = frozenset({WorkKind.CHAT, WorkKind.SUPERVISOR_REQUEST})


@receiver(work_item_accepted, dispatch_uid="chat.join_staff")
def join_staff_to_chat(sender, *, item: WorkItem, agent, **kwargs) -> None:
    if item.kind in JOINS and item.inquiry.channel == Channel.CHAT:
        chat_staff_joined(item=item, user=agent.user)
