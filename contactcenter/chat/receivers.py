"""Live chat follows the contact: it joins the agent when routing says an item was accepted,
and tells the person what staff did to their inquiry (both after commit)."""

from __future__ import annotations

from django.dispatch import receiver

from contactcenter.chat.services import chat_after_desk_action, chat_staff_joined
from contactcenter.core.domain_events import ContactEvent, ContactEventKind, contact_event
from contactcenter.inquiries.models import Channel
from contactcenter.routing.models import WorkItem, WorkKind
from contactcenter.routing.signals import work_item_accepted

JOINS = frozenset({WorkKind.CHAT, WorkKind.SUPERVISOR_REQUEST})


@receiver(work_item_accepted, dispatch_uid="chat.join_staff")
def join_staff_to_chat(sender, *, item: WorkItem, agent, **kwargs) -> None:
    if item.kind in JOINS and item.inquiry.channel == Channel.CHAT:
        chat_staff_joined(item=item, user=agent.user)


# Inquiry steps the person in the chat hears about (the chat's own notice for each).
_STEP_ACTIONS = {
    ContactEventKind.ESCALATED: "escalate",
    ContactEventKind.CALLBACK_SCHEDULED: "callback",
    ContactEventKind.RESOLVED: "resolve",
}


def _transfer_begins(event: ContactEvent) -> bool:
    """An agent's transfer of the chat starting: a warm one asked for, a cold one done (told
    once; the new agent's joining is told when they accept)."""
    if event.kind != ContactEventKind.TRANSFERRED:
        return False
    step, mode = event.detail.get("step"), event.detail.get("mode")
    return (mode, step) in (("warm", "requested"), ("cold", "done"))


@receiver(contact_event, dispatch_uid="chat.follow_inquiry")
def tell_chat_of_inquiry_step(sender, *, event: ContactEvent, **kwargs) -> None:
    if event.channel != Channel.CHAT or event.inquiry_id is None:
        return
    if event.work_item_id:
        if _transfer_begins(event):
            chat_after_desk_action(inquiry_id=event.inquiry_id, action="transfer")
        return
    action = _STEP_ACTIONS.get(event.kind)
    if event.kind == ContactEventKind.TRANSFERRED and event.detail.get("to") == "supervisor":
        action = "supervisor"
    if action is not None:
        chat_after_desk_action(inquiry_id=event.inquiry_id, action=action)
