"""The desk's live updates, driven by domain events: staff pages refresh when work moves.

Pages listen on ``ws/desk`` and reload a fragment through the normal views (and their checks)
when told; nothing personal travels. Connected in ``DeskConfig.ready``; every receiver here
runs after the change committed.
"""

from __future__ import annotations

import time

from contactcenter.core.domain_events import ContactEvent, ContactEventKind, contact_event
from contactcenter.core.live_events import (
    AGENTS_GROUP,
    KIND_ASSIGNED,
    KIND_BOARD,
    KIND_WORK,
    SUPERVISORS_GROUP,
    desk_event_send,
    user_group,
)
from contactcenter.desk.services import AFTER_CONTACT_ENDED
from contactcenter.routing.signals import agent_presence_changed

PHONE_CHANNELS = frozenset({"phone", "tty"})
# Work went back in line or newly joined it: available agents' pages ask for an offer.
NEW_WORK = frozenset({ContactEventKind.QUEUED, ContactEventKind.OFFER_ENDED})
# Steps of an inquiry (not of one work item) that change what a supervisor sees, when a
# member of staff takes them (the phone line closing a self-served call changes nothing there).
BOARD_STEPS = frozenset(
    {
        ContactEventKind.ESCALATED,
        ContactEventKind.CALLBACK_SCHEDULED,
        ContactEventKind.CALLBACK_ATTEMPTED,
        ContactEventKind.RESOLVED,
        ContactEventKind.TRANSFERRED,
    }
)


def _send(group: str, kind: str, origin: int | None) -> None:
    desk_event_send(group, {"kind": kind, "origin": origin})


# The phone lines' chart on the board counts how calls ended. Calls end many times a second on
# a busy day, so this process tells the board of an ended call at most once in this many
# seconds; a call ending in between is shown at the next refresh (any other step, or the next
# ended call after the pause).
CALL_ENDS_EVERY_SECONDS = 2.0
_last_call_end_told = -CALL_ENDS_EVERY_SECONDS
_clock = time.monotonic


def _call_end_worth_telling(event: ContactEvent) -> bool:
    global _last_call_end_told
    if event.kind != ContactEventKind.ENDED or event.channel not in PHONE_CHANNELS:
        return False
    now = _clock()
    if now - _last_call_end_told < CALL_ENDS_EVERY_SECONDS:
        return False
    _last_call_end_told = now
    return True


def desk_on_contact_event(sender, *, event: ContactEvent, **kwargs) -> None:
    """Queue depth, agents' work and open items live on the board: any step of a work item,
    or an inquiry step taken by staff, refreshes it; so does a call's end, for the phone
    lines' chart (at most every few seconds)."""
    staff_step = event.kind in BOARD_STEPS and event.actor_user_id is not None
    if event.work_item_id is None and not staff_step and not _call_end_worth_telling(event):
        return
    origin = event.actor_user_id
    _send(SUPERVISORS_GROUP, KIND_BOARD, origin)
    if event.kind in NEW_WORK:
        _send(AGENTS_GROUP, KIND_WORK, origin)
    if event.kind == ContactEventKind.TRANSFERRED and event.work_item_id is not None:
        for key in ("to_user_id", "from_user_id"):
            user_id = event.detail.get(key)
            if isinstance(user_id, int):
                _send(user_group(user_id), KIND_ASSIGNED, origin)


def desk_on_presence(sender, *, user_id: int, reason: str = "", **kwargs) -> None:
    _send(SUPERVISORS_GROUP, KIND_BOARD, user_id)
    if reason == AFTER_CONTACT_ENDED:
        # Not the agent's own click: their pages refresh (and ask for work, now available).
        _send(user_group(user_id), KIND_WORK, None)


def connect() -> None:
    contact_event.connect(desk_on_contact_event, dispatch_uid="desk.on_contact_event")
    agent_presence_changed.connect(desk_on_presence, dispatch_uid="desk.on_presence")
