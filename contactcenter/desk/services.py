"""Desk actions that compose the domain services into one step an agent takes.

An agent's click often means two writes (accept the offer *and* start work on the inquiry;
escalate the inquiry *and* finish the agent's own item); doing both in one transaction means
an error in either leaves nothing half done. No model is written here except through the
domain services.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from contactcenter.core.errors import InvalidInput
from contactcenter.desk.callbacks import callback_record_attempt
from contactcenter.inquiries.models import Inquiry, InquiryState
from contactcenter.inquiries.services import (
    inquiry_escalate,
    inquiry_record_transfer,
    inquiry_record_transfer_cancelled,
    inquiry_resolve,
    inquiry_schedule_callback,
    inquiry_start_work,
)
from contactcenter.routing.models import (
    Agent,
    CallOutcome,
    Presence,
    Queue,
    TransferMode,
    WorkItem,
    WorkKind,
    WorkState,
)
from contactcenter.routing.services import (
    RoutingError,
    agent_set_presence,
    work_item_accept,
    work_item_complete,
    work_item_offer_next,
    work_item_pending_transfer,
    work_item_transfer,
    work_item_transfer_cancel,
)

logger = logging.getLogger(__name__)

# Presences an agent picks; busy follows from holding work.
CHOSEN_PRESENCES = (Presence.AVAILABLE, Presence.AWAY, Presence.WRAP_UP, Presence.OFFLINE)
# Accepting these starts work on the inquiry; a supervisor request leaves its state alone.
STARTS_WORK = frozenset({WorkKind.CALL, WorkKind.CHAT, WorkKind.CALLBACK,
                         WorkKind.SECURE_MESSAGE, WorkKind.WEBFORM_REPLY})  # fmt: skip


def _holds_work(agent: Agent) -> bool:
    return WorkItem.objects.filter(assigned_to=agent, state=WorkState.ASSIGNED).exists()


def _after_work(agent: Agent) -> None:
    """An agent who was busy and now holds nothing moves to wrap-up, not straight to new work."""
    agent.refresh_from_db(fields=["presence"])
    if agent.presence == Presence.BUSY and not _holds_work(agent):
        agent_set_presence(agent=agent, presence=Presence.WRAP_UP, reason="work finished")


def _finish(agent: Agent, item_ids: Sequence[int]) -> None:
    for item_id in item_ids:
        work_item_complete(agent=agent, item_id=item_id)
    if item_ids:
        _after_work(agent)


@transaction.atomic
def desk_presence_set(*, agent: Agent, presence: str) -> WorkItem | None:
    """Set the presence the agent chose; becoming available asks for an offer at once.

    Returns the new offer, if any.
    """
    if presence not in CHOSEN_PRESENCES:
        raise InvalidInput(_("Choose available, away, wrap-up or offline."))
    if presence == Presence.AVAILABLE and _holds_work(agent):
        # Holding a call and taking another would double-book the agent's phone.
        presence_to_set = Presence.BUSY
    else:
        presence_to_set = Presence(presence)
    agent_set_presence(agent=agent, presence=presence_to_set, reason="desk")
    if presence_to_set == Presence.AVAILABLE:
        return work_item_offer_next(agent=agent)
    return None


@transaction.atomic
def desk_offer_accept(*, agent: Agent, item_id: int) -> WorkItem:
    """Accept an offer, start work on its inquiry and mark the agent busy."""
    item = work_item_accept(agent=agent, item_id=item_id)
    inquiry = item.inquiry
    # A locked inquiry stays locked: only a supervisor's unlock (with a reason) reopens it.
    if item.kind in STARTS_WORK and inquiry.state != InquiryState.LOCKED:
        inquiry_start_work(inquiry=inquiry, actor=agent.user)
    agent_set_presence(agent=agent, presence=Presence.BUSY, reason="accepted work")
    if item.transferred_from is not None and item.transfer_mode == TransferMode.WARM:
        # The sender of a warm transfer let go of the contact: on to their wrap-up.
        sender = item.transferred_from.assigned_to
        if sender is not None:
            _after_work(sender)
    return item


@transaction.atomic
def desk_inquiry_transfer(
    *, agent: Agent, actor: User, inquiry: Inquiry, held_item_ids: Sequence[int], mode: str,
    to_queue: Queue | None = None, to_agent: Agent | None = None, note: str = "",
) -> WorkItem:  # fmt: skip
    """Transfer the contact the agent holds on this inquiry, cold or warm, to a queue or a
    named agent, and write it (and the note, as an internal note) into the inquiry's history.
    Returns the new work item. After a cold transfer the agent moves on to wrap-up."""
    if not held_item_ids:
        raise RoutingError(_("You hold no contact on this inquiry to transfer."))
    if to_queue is not None:
        to, target = "queue", to_queue.code
    else:
        to, target = "agent", str(to_agent.pk) if to_agent is not None else ""
    inquiry_record_transfer(
        inquiry=inquiry, actor=actor, mode=mode, to=to, target=target, note=note
    )
    item = work_item_transfer(
        agent=agent, item_id=held_item_ids[0], mode=mode, to_queue=to_queue, to_agent=to_agent,
        note=note,
    )  # fmt: skip
    if mode == TransferMode.COLD:
        _after_work(agent)
    return item


@transaction.atomic
def desk_inquiry_transfer_cancel(
    *, agent: Agent, actor: User, inquiry: Inquiry, held_item_ids: Sequence[int]
) -> WorkItem:
    """Take back the warm transfer of a contact the agent holds, before anyone accepted it."""
    for item_id in held_item_ids:
        if work_item_pending_transfer(item_id=item_id) is not None:
            cancelled = work_item_transfer_cancel(agent=agent, item_id=item_id)
            inquiry_record_transfer_cancelled(inquiry=inquiry, actor=actor)
            return cancelled
    raise RoutingError(_("No transfer of this contact is waiting to be accepted."))


@transaction.atomic
def desk_inquiry_escalate(
    *, agent: Agent | None, actor: User, inquiry: Inquiry, held_item_ids: Sequence[int],
    reason: str, urgency: str,
) -> Inquiry:  # fmt: skip
    inquiry = inquiry_escalate(inquiry=inquiry, actor=actor, reason=reason, urgency=urgency)
    if agent is not None:
        _finish(agent, held_item_ids)
    return inquiry


@transaction.atomic
def desk_inquiry_schedule_callback(
    *, agent: Agent | None, actor: User, inquiry: Inquiry, held_item_ids: Sequence[int],
    phone: str,
) -> Inquiry:  # fmt: skip
    inquiry = inquiry_schedule_callback(inquiry=inquiry, actor=actor, phone=phone)
    if agent is not None:
        _finish(agent, held_item_ids)
    return inquiry


@transaction.atomic
def desk_inquiry_resolve(
    *, agent: Agent | None, actor: User, inquiry: Inquiry, held_item_ids: Sequence[int],
    disposition: str, note: str = "",
) -> Inquiry:  # fmt: skip
    inquiry = inquiry_resolve(inquiry=inquiry, actor=actor, disposition=disposition, note=note)
    if agent is not None:
        _finish(agent, held_item_ids)
    return inquiry


@transaction.atomic
def desk_callback_record_attempt(
    *, agent: Agent, item_id: int, outcome: str, note: str = ""
) -> WorkItem:
    """Log a call; when the person answered, the inquiry is being handled again."""
    item = callback_record_attempt(agent=agent, item_id=item_id, outcome=outcome, note=note)
    if outcome == CallOutcome.ANSWERED and item.inquiry.state in (
        InquiryState.ESCALATED,
        InquiryState.CALLBACK_SCHEDULED,
    ):
        inquiry_start_work(inquiry=item.inquiry, actor=agent.user)
    return item


# The reason recorded (``PresenceChange.reason``) when wrap-up ended by itself.
AFTER_CONTACT_ENDED = "after-contact time ended"


def desk_after_contact_end_due(*, now: dt.datetime | None = None) -> int:
    """End every wrap-up that has lasted ``DESK_AFTER_CONTACT_SECONDS`` (none when it is 0):
    the agent becomes available again (busy if they still hold work), recorded with the
    reason ``AFTER_CONTACT_ENDED``. Run by the periodic job ``desk.end_after_contact``; each
    agent in its own transaction, skipping one another worker is changing. Returns how many."""
    seconds = settings.DESK_AFTER_CONTACT_SECONDS
    if seconds <= 0:
        return 0
    now = now or timezone.now()
    due = Q(presence_since__isnull=True) | Q(
        presence_since__lte=now - dt.timedelta(seconds=seconds)
    )
    ended = 0
    while True:
        with transaction.atomic():
            agent = (
                Agent.objects.select_for_update(skip_locked=True)
                .filter(due, presence=Presence.WRAP_UP)
                .order_by("presence_since", "id")
                .first()
            )
            if agent is None:
                break
            presence = Presence.BUSY if _holds_work(agent) else Presence.AVAILABLE
            agent_set_presence(agent=agent, presence=presence, reason=AFTER_CONTACT_ENDED)
            ended += 1
    if ended:
        logger.info("desk.after_contact_ended", extra={"agents": ended})
    return ended
