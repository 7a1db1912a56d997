"""The desk's live updates, driven by domain events: staff pages refresh when work moves.

Pages listen on ``ws/desk`` and reload a fragment through the normal views (and their checks)
when told; nothing personal travels. Connected in ``DeskConfig.ready``; every receiver here
runs after the change committed.
"""

from __future__ import annotations

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
from contactcenter.routing.signals import agent_presence_changed

# Work went back in line or newly joined it: available agents' pages ask for an offer.
NEW_WORK = frozenset({ContactEventKind.QUEUED, ContactEventKind.OFFER_ENDED})
# Steps of an inquiry (not of one work item) that change what a supervisor sees.
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


def desk_on_contact_event(sender, *, event: ContactEvent, **kwargs) -> None:
    """Queue depth, agents' work and open items live on the board: any step of a work item,
    or an inquiry step taken by staff, refreshes it. A self-served call touches none of it."""
    if event.work_item_id is None and event.kind not in BOARD_STEPS:
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


def desk_on_presence(sender, *, user_id: int, **kwargs) -> None:
    _send(SUPERVISORS_GROUP, KIND_BOARD, user_id)


def connect() -> None:
    contact_event.connect(desk_on_contact_event, dispatch_uid="desk.on_contact_event")
    agent_presence_changed.connect(desk_on_presence, dispatch_uid="desk.on_presence")
